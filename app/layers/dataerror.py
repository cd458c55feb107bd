"""A value the database refused during an import, as a Dutch refusal (no SQL, no traceback).

The importers check every value against geo.schema.COLUMN_TYPES before COPY; this is the net
under that check, so a value it missed still gives a refusal (exit 2, HTTP 422), never a 500.
"""

from __future__ import annotations

import re

import psycopg
from sqlalchemy import exc as sa_exc

from data.importers import ImportRefused

DATA_ERRORS = (sa_exc.DataError, psycopg.DataError)

# SQLSTATE (class 22, data exception) -> what went wrong, in Dutch
_REASONS = {
    "22001": "een tekst is langer dan de kolom toestaat",
    "22003": "een getal is te groot of te klein voor de kolom",
    "22P02": "een waarde heeft niet het type van de kolom (bijvoorbeeld tekst in een getalkolom)",
    "22021": "een teken kan in de database niet worden opgeslagen",
    "22P05": "een teken kan in de database niet worden opgeslagen",
    "22007": "een datum of tijd is onleesbaar",
    "22008": "een datum of tijd valt buiten het bereik",
    "22004": "een verplichte waarde ontbreekt",
}
_COLUMN = re.compile(r"\bcolumn (\w+)")


def refusal(laag: str, error: Exception) -> ImportRefused:
    """The Dutch refusal for a database DataError raised while importing into `laag`."""
    orig = getattr(error, "orig", None) or error
    diag = getattr(orig, "diag", None)
    state = getattr(orig, "sqlstate", None) or getattr(diag, "sqlstate", None) or ""
    reason = _REASONS.get(state, "een waarde past niet in de kolom")
    column = getattr(diag, "column_name", None)
    if not column:
        match = _COLUMN.search(str(getattr(diag, "context", "") or ""))
        column = match.group(1) if match else None
    where = f" (kolom {column})" if column else ""
    return ImportRefused(
        f"De database weigerde een waarde voor laag {laag}{where}: {reason}. Er is niets "
        "geladen. Controleer die kolom in het bestand, of koppel een andere kolom met --map."
    )
