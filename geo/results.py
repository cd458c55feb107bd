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
    RD,
    RULE_COLUMNS,
    STRAAT_COLUMNS,
    check_layer,
    empty_frame,
    usable,
    valid_polygons,
)
from geo.params import RuleParams
from geo.schema import CATEGORIE, KANS_COLUMNS, V1_REGELCODE

# Which source ids identify a result of each rule, by regelcode (R1 and R5 share the regel
# werk_met_werk); trees of R2b are attributes, so a new tree near a section keeps the result
# (and the decisions attached to it). R5 and R5b: the two units of the pair (RULES.md §9).
BRON_KOLOMMEN: dict[str, tuple[str, ...]] = {
    "R1": ("sectie_id", "riool_id"),
    "R2": ("sectie_id",),
    "R2b": ("sectie_id",),
    "R3": ("sectie_id",),
    "R4": ("riool_id",),
    "R5": ("eenheid_a", "eenheid_b"),
    "R5b": ("eenheid_a", "eenheid_b"),
}
# Stands in for a missing id while sorting: after every real id.
_GEEN_ID = "\U0010ffff"


def make_kans_id(regel: str, bron_ids: Sequence[str]) -> str:
    """First 16 hex characters of sha1('<regel>|<sorted ids joined by ','>')."""
    return _kans_id(f"{regel}|{','.join(sorted(bron_ids))}")


def _kans_id(key: str) -> str:
    """The kans_id of a '<regel>|<sorted ids>' key (one place for the hash and its length)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def midpoints(geoms: np.ndarray | Sequence[shapely.Geometry | None]) -> np.ndarray:
    """Point halfway along the linear parts of each geometry, in their own order; EPSG:28992.

    RULES.md §4: interpolate(0.5, normalized=True) over the whole result geometry, so the
    pieces of a multi-part intersection all count, none is picked out. Null or empty gives
    None; a point is its own middle; areas or points only: a point inside stands in.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), None, dtype=object)
    present = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    if len(present) == 0:
        return out
    geoms = geoms[present]
    is_point = shapely.get_type_id(geoms) == 0
    out[present[is_point]] = geoms[is_point]
    parts, owner = shapely.get_parts(geoms, return_index=True)
    types = shapely.get_type_id(parts)
    linear = ((types == 1) | (types == 2)) & (shapely.length(parts) > 0)
    parts, owner = parts[linear], owner[linear]
    rings = np.flatnonzero(shapely.get_type_id(parts) == 2)
    if len(rings):
        parts = parts.copy()
        xy, at = shapely.get_coordinates(parts[rings], return_index=True)
        parts[rings] = shapely.linestrings(xy, indices=at)
    counts = np.bincount(owner, minlength=len(geoms))
    single = counts[owner] == 1
    whole = np.full(len(geoms), None, dtype=object)
    whole[owner[single]] = parts[single]
    multi = np.flatnonzero(counts > 1)
    if len(multi):
        many = counts[owner] > 1
        # get_parts keeps each geometry's parts together and in order.
        whole[multi] = shapely.multilinestrings(
            parts[many], indices=np.searchsorted(multi, owner[many]))
    has_line = counts > 0
    out[present[has_line & ~is_point]] = shapely.line_interpolate_point(
        whole[has_line & ~is_point], 0.5, normalized=True)
    areas = ~has_line & ~is_point
    out[present[areas]] = shapely.point_on_surface(geoms[areas])
    return out


def midpoint(geom: shapely.Geometry | None) -> shapely.Point | None:
    """midpoints() of one geometry."""
    point: shapely.Point | None = midpoints([geom])[0]
    return point


def assign_buurt(points: np.ndarray | Sequence[shapely.Point | None],
                 buurt: gpd.GeoDataFrame) -> pd.Series:
    """Buurtcode containing each point (lowest on a boundary, null outside); EPSG:28992."""
    check_layer(buurt, "buurt", ("buurtcode",))
    pts = np.asarray(points, dtype=object)
    codes = pd.Series([None] * len(pts), dtype="str")
    areas = usable(buurt)
    present = np.flatnonzero(~shapely.is_missing(pts)) if len(pts) else np.zeros(0, dtype=int)
    if len(areas) == 0 or len(present) == 0:
        return codes
    geoms = valid_polygons(areas.geometry.to_numpy())
    buurtcodes = areas["buurtcode"].astype(str).to_numpy()
    pi, bi = shapely.STRtree(geoms).query(pts[present], predicate="intersects")
    # Per point the lowest code: sort pairs by (point, code) and keep each point's first.
    names, rank = np.unique(buurtcodes, return_inverse=True)
    order = np.lexsort((rank[bi], pi))
    pi, bi = pi[order], bi[order]
    first = np.r_[True, pi[1:] != pi[:-1]] if len(pi) else np.zeros(0, dtype=bool)
    values = codes.to_numpy(dtype=object)
    values[present[pi[first]]] = names[rank[bi[first]]]
    return pd.Series(values, dtype="str")


def _bron(rows: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """Per row its source ids (BRON_KOLOMMEN of its regelcode) sorted and joined by ',', and
    the regel; both column-wise. Rows without regelcode are of version 1's rules."""
    regel = rows["regel"].astype(str).to_numpy()
    code = rows["regelcode"].astype(object) if "regelcode" in rows.columns else None
    v1 = pd.Series(regel).map(V1_REGELCODE)
    regelcode = (v1 if code is None else code.where(code.notna(), v1)).astype(str).to_numpy()
    cols = sorted({c for cs in BRON_KOLOMMEN.values() for c in cs})
    values = np.full((len(rows), len(cols)), _GEEN_ID, dtype=object)
    for k, col in enumerate(cols):
        uses = np.isin(regelcode, [r for r, cs in BRON_KOLOMMEN.items() if col in cs])
        text = rows[col].astype("string")
        present = uses & text.notna().to_numpy(dtype=bool)
        values[present, k] = text[present].to_numpy(dtype=object)
    # Per row its ids in order (missing ones last), then joined by ',' as far as present.
    values = np.sort(values, axis=1) if len(cols) > 1 else values
    joined = pd.Series(np.where(values[:, 0] == _GEEN_ID, "", values[:, 0]), dtype=object)
    for k in range(1, len(cols)):
        col = pd.Series(values[:, k], dtype=object)
        joined = joined.where(col == _GEEN_ID, joined + "," + col)
    return joined.astype(object), regel


def finish_kansen(frames: Sequence[gpd.GeoDataFrame], buurt: gpd.GeoDataFrame,
                  params: RuleParams, *, peiljaar: int) -> gpd.GeoDataFrame:
    """Rule rows → schema.KANS_COLUMNS + geometry, sorted by regel, kans_id; EPSG:28992."""
    check_layer(buurt, "buurt", ("buurtcode",))
    parts = [check_layer(f, "regelresultaat", RULE_COLUMNS) for f in frames]
    parts = [f for f in parts if len(f) > 0]
    if not parts:
        return empty_frame(KANS_COLUMNS, KANS_DTYPES)
    rows = pd.concat([pd.DataFrame(f) for f in parts], ignore_index=True)
    geoms = gpd.GeoSeries(rows["geometry"].tolist(), crs=RD)

    bron, regel = _bron(rows)
    keys = np.char.add(np.char.add(regel.astype(str), "|"), bron.to_numpy().astype(str))
    ids = [_kans_id(k) for k in keys.tolist()]
    start = rows["start_jaar"].to_numpy(dtype="float64", na_value=np.nan)
    due = rows["riool_due_jaar"].to_numpy(dtype="float64", na_value=np.nan)
    # Earliest year involved: start_jaar for heat works, due for pipes (both for R1).
    earliest = np.fmin(start, due)
    # The year of a result (the time filter): the start of the heat work, else the pipe's due year.
    jaar = np.where(np.isnan(start), due, start)
    # A pair of units (R5, R5b): the earlier start of the two, for both (RULES.md §9).
    start_a = rows["start_a"].to_numpy(dtype="float64", na_value=np.nan)
    start_b = rows["start_b"].to_numpy(dtype="float64", na_value=np.nan)
    pair = ~np.isnan(start_a)
    earliest = np.where(pair, np.fmin(start_a, start_b), earliest)
    jaar = np.where(pair, np.fmin(start_a, start_b), jaar)
    # A result that is an area (two polygon works) has no length but its area.
    vlak = np.isin(shapely.get_type_id(geoms.to_numpy()), (3, 6))
    oppervlak = rows["oppervlak_m2"].to_numpy(dtype="float64", na_value=np.nan)
    out = pd.DataFrame({
        "kans_id": ids,
        "regel": rows["regel"],
        "categorie": rows["regel"].map(CATEGORIE),
        "buurtcode": assign_buurt(midpoints(geoms.to_numpy()), buurt),
        "lengte_m": np.where(vlak, np.nan, geoms.length.to_numpy()),
        "oppervlak_m2": np.where(vlak, geoms.area.to_numpy(), oppervlak),
        "actie_nodig": earliest <= peiljaar + params.signaal_jaren,
        "bron_ids": bron.to_numpy(),
        "jaar": jaar,
    })
    for col in RULE_COLUMNS:
        if col not in out.columns:
            out[col] = rows[col].to_numpy()
    for col in STRAAT_COLUMNS:
        out[col] = None
    out = out[list(KANS_COLUMNS)].astype(KANS_DTYPES)
    dupes = out["kans_id"][out["kans_id"].duplicated()]
    if len(dupes):
        shown = ", ".join(sorted(set(dupes)))
        raise ValueError(f"Dubbele kans_id(s) {shown}: bron-id's zijn niet uniek.")
    result = gpd.GeoDataFrame(out, geometry=geoms.to_numpy(), crs=RD)
    return result.sort_values(["regel", "kans_id"]).reset_index(drop=True)
