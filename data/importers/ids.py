"""Feature ids: source ids as text, generated ids from the geometry, duplicates over a whole file.

A feature without a source id gets an id computed from its geometry with the coordinates
rounded to the millimetre, so the same feature read from two formats (a CSV with x/y at full
precision, a Shapefile or GeoPackage whose floats differ below 1 mm) gets the same id and is
loaded once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.errors import ImportRefused
from data.importers.report import ImportReport

ID_DECIMALS = 3  # generated ids: coordinates rounded to the millimetre (EPSG:28992 metres)
EXAMPLES = 5  # duplicated values named in a refusal


def _round_mm(coords: np.ndarray) -> np.ndarray:
    # + 0.0 turns -0.0 into 0.0, so both give the same bytes
    return np.round(coords, ID_DECIMALS) + 0.0


def geometry_ids(geoms: np.ndarray) -> list[str]:
    """Ids (16 hex characters of sha1) of EPSG:28992 geometries rounded to the millimetre."""
    wkb = shapely.to_wkb(shapely.transform(geoms, _round_mm), hex=False)
    return [hashlib.sha1(w).hexdigest()[:16] for w in wkb]


def assign_ids(gdf: gpd.GeoDataFrame) -> tuple[pd.Series, int]:
    """Source ids as text (multi-part pieces get #n); missing ids from the rounded geometry."""
    ids = gdf["id"].astype(object).where(gdf["id"].notna(), None)
    if "_deel" in gdf:
        deel = gdf["_deel"]
        has_part = (deel.notna() & ids.notna()).to_numpy()
        ids[has_part] = ids[has_part].astype(str) + "#" + deel[has_part].astype(str)
    missing = ids.isna().to_numpy()
    if missing.any():
        ids[missing] = geometry_ids(gdf.geometry.values[missing])
    return ids.astype("str"), int(missing.sum())


@dataclass
class IdTally:
    """Ids over a whole import (every chunk): generated ids, duplicates and a few of their values.

    Only hashes are kept for counting (8 bytes a feature). With `name_duplicates`, values are
    named from a merged set of sorted hashes per chunk (a few levels, merged like a binary
    counter), so finding duplicates across chunks costs O(n log n) over the file, not O(n²).
    """

    name_duplicates: bool = False  # keep a few duplicated values (for a --map id refusal)
    generated: int = 0
    hashes: list[np.ndarray] = field(default_factory=list)
    levels: list[np.ndarray] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def add(self, ids: pd.Series, generated: int) -> None:
        """Count one chunk's final ids (`generated` of them made from the geometry)."""
        self.generated += generated
        # the same 64-bit hashes as pd.util.hash_pandas_object(ids, index=False), in half the
        # time: without first factorizing ids that are nearly all distinct anyway
        hashed = pd.util.hash_array(ids.to_numpy(dtype=object), categorize=False)
        self.hashes.append(hashed)
        if not self.name_duplicates:
            return
        if len(self.examples) < EXAMPLES:
            seen = ids.duplicated(keep="first").to_numpy(dtype=bool, copy=True)
            for level in self.levels:
                if len(level):
                    pos = np.minimum(np.searchsorted(level, hashed), len(level) - 1)
                    seen |= level[pos] == hashed
            for value in ids[seen].drop_duplicates():
                if len(self.examples) >= EXAMPLES:
                    break
                if value not in self.examples:
                    self.examples.append(str(value))
        new = np.unique(hashed)
        while self.levels and len(self.levels[-1]) <= len(new):
            new = np.union1d(self.levels.pop(), new)
        self.levels.append(new)

    def duplicates(self) -> tuple[int, int]:
        """(features whose id occurred before, distinct ids that occur more than once)."""
        if not self.hashes:
            return 0, 0
        _, counts = np.unique(np.concatenate(self.hashes), return_counts=True)
        return int((counts - 1).sum()), int((counts > 1).sum())

    def finish(self, report: ImportReport, mapped_id: str | None) -> None:
        """Report ids; refuse when the id column the user chose (--map id=…) is not unique."""
        duplicates, distinct = self.duplicates()
        if duplicates and mapped_id is not None:
            shown = ", ".join(f"'{v[:40]}'" for v in self.examples)
            raise ImportRefused(
                f"De gekozen id-kolom '{mapped_id}' (--map id={mapped_id}) is niet uniek: "
                f"{distinct} waarden komen meer dan eens voor ({duplicates} objecten te veel), "
                f"bijvoorbeeld {shown}. Er is niets geladen. Kies een kolom met een unieke "
                "waarde per object, of laat --map id weg: dan krijgt elk object een id uit zijn "
                "geometrie."
            )
        note_ids(report, self.generated, duplicates, distinct)


def note_ids(report: ImportReport, generated: int, duplicates: int, distinct: int) -> None:
    """Report generated ids and duplicates (the database keeps the first of each id)."""
    if generated:
        report.meldingen.append(
            f"{generated} objecten zonder id: id gemaakt uit de geometrie met coördinaten "
            "afgerond op de millimeter (sha1 van de WKB, 16 tekens), zodat hetzelfde object uit "
            "een ander bestandsformaat hetzelfde id krijgt en één keer geladen wordt."
        )
    if duplicates:
        report.meldingen.append(
            f"dubbele id's: {duplicates} ({distinct} ids komen meer dan eens voor); de database "
            "bewaart per id het eerste object."
        )
