"""Every value checked against its database column (geo.schema.COLUMN_TYPES) before COPY.

A value the database would reject (too long for its column, a number out of range for an
integer column, a character PostgreSQL cannot store) refuses the whole file with a Dutch
message naming the row as the user finds it in the file, the column (source and canonical
name) and the limit; nothing is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.importers.errors import ImportRefused
from geo.schema import COLUMN_TYPES, INT4_MAX, INT4_MIN

SHOWN_ROWS = 5  # row numbers named in a refusal
SHOWN_CHARS = 40  # characters of a value shown in a refusal


@dataclass(frozen=True)
class RowNumbers:
    """How the user finds a row: frame index 0 is `name` number `first` (of `layer`)."""

    first: int = 1
    name: str = "object"  # "regel" for a line of a CSV file, "object" for a feature
    layer: str | None = None

    def describe(self, index: Sequence[object], total: int) -> str:
        """'regel 7' or 'objecten 3, 9 en 12 (van 40)' for the first few of `total` rows."""
        numbers = [str(int(str(i)) + self.first) if str(i).isdigit() else str(i)
                   for i in list(index)[:SHOWN_ROWS]]
        plural = {"regel": "regels", "object": "objecten", "rij": "rijen"}.get(self.name,
                                                                            self.name)
        where = f" van laag {self.layer}" if self.layer else ""
        if total == 1:
            return f"{self.name} {numbers[0]}{where}"
        shown = ", ".join(numbers[:-1]) + f" en {numbers[-1]}" if len(numbers) > 1 else numbers[0]
        more = f" (in totaal {total})" if total > len(numbers) else ""
        return f"{plural} {shown}{where}{more}"


def shown(value: object) -> str:
    """A value quoted for a message, cut to a few characters, control characters escaped."""
    text = str(value)
    cut = text[:SHOWN_CHARS] + ("…" if len(text) > SHOWN_CHARS else "")
    return repr(cut) if any(ord(c) < 32 for c in cut) else f"'{cut}'"


def source_name(canon: str, found: dict[str, str], values: dict[str, str]) -> str:
    """Where a canonical column came from, for a message."""
    if canon in values:
        return f"--set {canon}=…"
    if canon in found:
        return f"bronkolom '{found[canon]}'"
    return "afgeleid"


def check_limits(
    laag: str, out: pd.DataFrame, found: dict[str, str], values: dict[str, str],
    rows: RowNumbers,
) -> None:
    """Refuse when a value does not fit its database column (COLUMN_TYPES)."""
    for canon, (kind, limit) in COLUMN_TYPES[laag].items():
        if canon not in out:
            continue
        series = out[canon]
        present = series.notna().to_numpy()
        if not present.any():
            continue
        bad: np.ndarray | None = None
        problem = ""
        if kind == "text":
            text = series[present].astype(str)
            if limit is not None:
                lengths = text.str.len()
                too_long = (lengths > limit).to_numpy()
                if too_long.any():
                    bad = np.zeros(len(series), dtype=bool)
                    bad[np.flatnonzero(present)[too_long]] = True
                    first = text[too_long].iloc[0]
                    problem = (f"{shown(first)} heeft {len(first)} tekens, de kolom {canon} "
                               f"mag er hoogstens {limit} hebben")
            if bad is None:
                nul = text.str.contains("\x00", regex=False).to_numpy()
                if nul.any():
                    bad = np.zeros(len(series), dtype=bool)
                    bad[np.flatnonzero(present)[nul]] = True
                    problem = ("de tekst bevat een NUL-teken (\\x00), dat de database niet "
                               "kan opslaan")
        elif kind == "int":
            numbers = pd.to_numeric(series, errors="coerce").astype("float64")
            out_of_range = ((numbers < INT4_MIN) | (numbers > INT4_MAX)).to_numpy()
            if out_of_range.any():
                bad = out_of_range
                first = series[out_of_range].iloc[0]
                problem = (f"{first} is te groot of te klein; de kolom {canon} vraagt een "
                           f"geheel getal van {INT4_MIN} tot en met {INT4_MAX}")
        elif kind == "float":
            numbers = pd.to_numeric(series, errors="coerce").astype("float64")
            infinite = np.isinf(numbers.to_numpy())
            if infinite.any():
                bad = infinite
                problem = f"de waarde is oneindig; de kolom {canon} vraagt een eindig getal"
        if bad is not None and bad.any():
            where = rows.describe(series.index[bad], int(bad.sum()))
            raise ImportRefused(
                f"Waarde past niet in de database: {where} ({source_name(canon, found, values)} "
                f"→ {canon}): {problem}. Er is niets geladen. Verbeter het bestand, of koppel een andere "
                f"kolom met --map {canon}=…."
            )
