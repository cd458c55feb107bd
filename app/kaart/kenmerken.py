"""The attributes of every result that the map's filters read, without geometry.

The page counts per buurt and per regelcode what its filters let through (ranking, legend,
"N resultaten"); these few columns are all it needs, so the count never waits for geometry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# The attributes KK.passes (static/koppelkansen/kaart.js) filters on, plus the buurt.
VELDEN: tuple[str, ...] = (
    "buurtcode", "regelcode", "regel", "categorie", "actie_nodig", "jaar",
    "partij_a", "partij_b", "soort_a", "soort_b",
)
_SQL = text(f"SELECT {', '.join(VELDEN)} FROM koppelkans ORDER BY kans_id")


def result_kenmerken(session: Session) -> dict[str, Any]:
    """{velden, rijen}: one row per result of the latest analysis, in the order of `velden`."""
    rows = [list(r) for r in session.execute(_SQL).all()]
    return {"velden": list(VELDEN), "rijen": rows}
