"""Heat works cut into equal sections (RULES.md §2)."""

from __future__ import annotations

import math

import pandas as pd

import geopandas as gpd
import shapely
from shapely.ops import substring

from geo._common import EPS, as_int64, check_layer, empty_frame, usable
from geo.schema import CRS, LAYER_COLUMNS

WERK_STATUSES = ("gepland", "in_uitvoering")

SECTIE_COLUMNS: tuple[str, ...] = (
    "sectie_id", "warmtenet_id", "naam", "status", "start_jaar", "eind_jaar",
)
SECTIE_DTYPES: dict[str, str] = {
    "sectie_id": "str", "warmtenet_id": "str", "naam": "str", "status": "str",
    "start_jaar": "Int64", "eind_jaar": "Int64",
}


def cut_line(line: shapely.LineString, max_len: float) -> list[shapely.LineString]:
    """Cut one line into as few equal pieces as possible, none longer than `max_len` (metres)."""
    if max_len <= 0:
        raise ValueError("sectie_m moet groter dan 0 zijn.")
    length = line.length
    if length <= 0:
        return []
    # EPS keeps a 100.0000000001 m line (float noise) as one 100 m section.
    n = max(1, math.ceil(length / max_len - EPS))
    step = length / n
    return [substring(line, i * step, length if i == n - 1 else (i + 1) * step) for i in range(n)]


def split_sections(warmtenet: gpd.GeoDataFrame, sectie_m: float) -> gpd.GeoDataFrame:
    """Sections of the planned/ongoing heat works; EPSG:28992 in, EPSG:28992 out."""
    check_layer(warmtenet, "warmtenet", LAYER_COLUMNS["warmtenet"])
    works = usable(warmtenet)
    works = works[works["status"].isin(WERK_STATUSES)]
    start = as_int64(works["start_jaar"].to_numpy()) if len(works) else pd.Series([], dtype="Int64")
    eind = as_int64(works["eind_jaar"].to_numpy()) if len(works) else pd.Series([], dtype="Int64")
    eind = eind.fillna(start)

    rows: list[dict[str, object]] = []
    for i, (_, work) in enumerate(works.iterrows()):
        n = 0
        for part in shapely.get_parts(work.geometry):
            if part.geom_type not in ("LineString", "LinearRing"):
                continue
            for piece in cut_line(shapely.LineString(part.coords), sectie_m):
                rows.append({
                    "sectie_id": f"{work['id']}#{n}",
                    "warmtenet_id": str(work["id"]),
                    "naam": work["naam"],
                    "status": work["status"],
                    "start_jaar": start.iloc[i],
                    "eind_jaar": eind.iloc[i],
                    "geometry": piece,
                })
                n += 1
    if not rows:
        return empty_frame(SECTIE_COLUMNS, SECTIE_DTYPES)
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    return out.astype(SECTIE_DTYPES)
