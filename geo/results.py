"""Finishing rule rows into koppelkansen: id, buurt, length, urgency (RULES.md §4)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo._common import (
    KANS_DTYPES,
    RULE_COLUMNS,
    check_layer,
    empty_frame,
    text_or_none,
    usable,
    valid_polygons,
)
from geo.params import RuleParams
from geo.schema import CATEGORIE, CRS, KANS_COLUMNS

# Which source ids identify a result of each rule; trees of R2b are attributes, so a new tree
# near a section keeps the result (and the decisions attached to it).
BRON_KOLOMMEN: dict[str, tuple[str, ...]] = {
    "werk_met_werk": ("sectie_id", "riool_id"),
    "vergroenen": ("sectie_id",),
    "boomconflict": ("sectie_id",),
    "leefbaarheid": ("sectie_id",),
    "afkoppelen": ("riool_id",),
}


def make_kans_id(regel: str, bron_ids: Sequence[str]) -> str:
    """First 16 hex characters of sha1('<regel>|<sorted ids joined by ','>')."""
    key = f"{regel}|{','.join(sorted(bron_ids))}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def midpoint(geom: shapely.Geometry | None) -> shapely.Point | None:
    """Point halfway along the linear parts of a geometry, in their own order; EPSG:28992.

    RULES.md §4: interpolate(0.5, normalized=True) over the whole result geometry, so the
    pieces of a multi-part intersection all count, none is picked out.
    """
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Point":
        return geom
    lines = [
        part for part in shapely.get_parts(geom)
        if part.geom_type in ("LineString", "LinearRing") and part.length > 0
    ]
    if not lines:
        # Areas or points only: a point inside stands in for the middle.
        return geom.representative_point()
    whole = lines[0] if len(lines) == 1 else shapely.MultiLineString(lines)
    return shapely.line_interpolate_point(whole, 0.5, normalized=True)


def assign_buurt(points: Sequence[shapely.Point | None], buurt: gpd.GeoDataFrame) -> pd.Series:
    """Buurtcode containing each point (lowest on a boundary, null outside); EPSG:28992."""
    check_layer(buurt, "buurt", ("buurtcode",))
    codes: list[str | None] = [None] * len(points)
    areas = usable(buurt)
    pts = np.asarray(list(points), dtype=object)
    present = np.flatnonzero([p is not None for p in pts])
    if len(areas) == 0 or len(present) == 0:
        return pd.Series(codes, dtype="str")
    geoms = valid_polygons(areas.geometry.to_numpy())
    buurtcodes = areas["buurtcode"].astype(str).to_numpy()
    pi, bi = shapely.STRtree(geoms).query(pts[present], predicate="intersects")
    for p_i, b_i in zip(pi, bi, strict=True):
        idx = present[p_i]
        code = buurtcodes[b_i]
        current = codes[idx]
        if current is None or code < current:
            codes[idx] = code
    return pd.Series(codes, dtype="str")


def _earliest_year(row: pd.Series) -> float:
    """Earliest year involved: start_jaar for heat works, due for pipes (both for R1)."""
    years = [row[c] for c in ("start_jaar", "riool_due_jaar") if not pd.isna(row[c])]
    return float(min(years)) if years else float("nan")


def finish_kansen(frames: Sequence[gpd.GeoDataFrame], buurt: gpd.GeoDataFrame,
                  params: RuleParams, *, peiljaar: int) -> gpd.GeoDataFrame:
    """Rule rows → schema.KANS_COLUMNS + geometry, sorted by regel, kans_id; EPSG:28992."""
    check_layer(buurt, "buurt", ("buurtcode",))
    parts = [check_layer(f, "regelresultaat", RULE_COLUMNS) for f in frames]
    parts = [f for f in parts if len(f) > 0]
    if not parts:
        return empty_frame(KANS_COLUMNS, KANS_DTYPES)
    rows = pd.concat([pd.DataFrame(f) for f in parts], ignore_index=True)
    geoms = gpd.GeoSeries(rows["geometry"].tolist(), crs=CRS)

    bron: list[str] = []
    ids: list[str] = []
    for _, row in rows.iterrows():
        regel = str(row["regel"])
        source = [s for c in BRON_KOLOMMEN[regel] if (s := text_or_none(row[c])) is not None]
        bron.append(",".join(sorted(source)))
        ids.append(make_kans_id(regel, source))
    out = pd.DataFrame({
        "kans_id": ids,
        "regel": rows["regel"],
        "categorie": rows["regel"].map(CATEGORIE),
        "buurtcode": assign_buurt([midpoint(g) for g in geoms], buurt),
        "lengte_m": geoms.length.to_numpy(),
        "actie_nodig": [
            bool(y <= peiljaar + params.signaal_jaren)
            for y in rows.apply(_earliest_year, axis=1)
        ],
        "bron_ids": bron,
    })
    for col in RULE_COLUMNS:
        if col not in out.columns:
            out[col] = rows[col].to_numpy()
    out = out[list(KANS_COLUMNS)].astype(KANS_DTYPES)
    dupes = out["kans_id"][out["kans_id"].duplicated()]
    if len(dupes):
        shown = ", ".join(sorted(set(dupes)))
        raise ValueError(f"Dubbele kans_id(s) {shown}: bron-id's zijn niet uniek.")
    result = gpd.GeoDataFrame(out, geometry=geoms.to_numpy(), crs=CRS)
    return result.sort_values(["regel", "kans_id"]).reset_index(drop=True)
