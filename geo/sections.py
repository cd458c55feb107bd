"""Heat works cut into equal sections (RULES.md §2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo._common import EPS, RD, as_int64, check_layer, empty_frame, usable
from geo.schema import LAYER_COLUMNS

WERK_STATUSES = ("gepland", "in_uitvoering")

SECTIE_COLUMNS: tuple[str, ...] = (
    "sectie_id", "warmtenet_id", "naam", "status", "start_jaar", "eind_jaar",
)
SECTIE_DTYPES: dict[str, str] = {
    "sectie_id": "str", "warmtenet_id": "str", "naam": "str", "status": "str",
    "start_jaar": "Int64", "eind_jaar": "Int64",
}


def _cut_points(lines: np.ndarray, owner: np.ndarray, max_len: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Cut each line into as few equal pieces as possible, none longer than `max_len` (metres).

    Returns the pieces and, per piece, the index of its line. Each piece is what
    shapely.ops.substring(line, i·step, (i+1)·step) gives (the last one ends at the line's
    length), built for all lines at once: its start point, the vertices strictly between the
    two distances (walked as substring does), its end point.
    """
    lengths = shapely.length(lines)
    # EPS keeps a 100.0000000001 m line (float noise) as one 100 m section.
    n = np.maximum(1, np.ceil(lengths / max_len - EPS)).astype(np.int64)
    step = lengths / n
    line_of = np.repeat(np.arange(len(lines)), n)
    i = np.arange(len(line_of)) - np.repeat(np.cumsum(n) - n, n)
    begin = i * step[line_of]
    end = np.where(i == n[line_of] - 1, lengths[line_of], (i + 1) * step[line_of])
    first = shapely.get_coordinates(shapely.line_interpolate_point(lines[line_of], begin))
    last = shapely.get_coordinates(shapely.line_interpolate_point(lines[line_of], end))

    coords, vline = shapely.get_coordinates(lines, return_index=True)
    # Distance walked to each vertex, as substring sums it (segment by segment, per line).
    seg = np.zeros(len(coords))
    same = vline[1:] == vline[:-1]
    d = np.diff(coords, axis=0)
    seg[1:] = np.where(same, (d[:, 0] ** 2 + d[:, 1] ** 2) ** 0.5, 0.0)
    starts = np.flatnonzero(np.r_[True, ~same])
    walked = np.cumsum(seg)
    walked -= np.repeat(walked[starts], np.diff(np.r_[starts, len(coords)]))
    # Piece of each vertex: walked / step, corrected by one where float division is off.
    piece_start = np.cumsum(n) - n
    lo, hi = piece_start[vline], piece_start[vline] + n[vline] - 1
    vpiece = np.clip(lo + np.floor(walked / step[vline]).astype(np.int64), lo, hi)
    vpiece = np.where((vpiece > lo) & (begin[vpiece] >= walked), vpiece - 1, vpiece)
    vpiece = np.where((vpiece < hi) & (end[vpiece] <= walked), vpiece + 1, vpiece)
    inside = (begin[vpiece] < walked) & (walked < end[vpiece])
    # The last vertex of a line is never the first point of a segment: substring leaves it.
    inside &= np.r_[same, False]

    pieces = np.arange(len(line_of))
    ids = np.concatenate([pieces, vpiece[inside], pieces])
    order_key = np.concatenate([np.full(len(pieces), -1), np.flatnonzero(inside),
                                np.full(len(pieces), len(coords))])
    xy = np.concatenate([first, coords[inside], last])
    order = np.lexsort((order_key, ids))
    out = shapely.linestrings(xy[order], indices=ids[order])
    return out, owner[line_of]


def cut_lines(geoms: np.ndarray, sectie_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sections of the line parts of each geometry (RULES.md §2); EPSG:28992 in and out.

    Returns the pieces, per piece the index of its geometry, and its number n along that
    geometry (continuing across the parts of a MultiLineString). Other parts are left out.
    """
    parts, work_of = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    types = shapely.get_type_id(parts)
    keep = ((types == 1) | (types == 2)) & (shapely.length(parts) > 0)
    parts, work_of = parts[keep], work_of[keep]
    if len(parts) == 0:
        none = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=object), none, none
    # A ring is cut as the line along its coordinates.
    if (types[keep] == 2).any():
        xy, at = shapely.get_coordinates(parts, return_index=True)
        parts = shapely.linestrings(xy, indices=at)
    pieces, w = _cut_points(parts, work_of, sectie_m)
    nummer = pd.Series(w).groupby(w).cumcount().to_numpy()
    return pieces, w, nummer


def split_sections(warmtenet: gpd.GeoDataFrame, sectie_m: float) -> gpd.GeoDataFrame:
    """Sections of the planned/ongoing heat works; EPSG:28992 in, EPSG:28992 out."""
    if sectie_m <= 0:
        raise ValueError("sectie_m moet groter dan 0 zijn.")
    check_layer(warmtenet, "warmtenet", LAYER_COLUMNS["warmtenet"])
    works = usable(warmtenet)
    works = works[works["status"].isin(WERK_STATUSES)].reset_index(drop=True)
    if len(works) == 0:
        return empty_frame(SECTIE_COLUMNS, SECTIE_DTYPES)
    start = as_int64(works["start_jaar"].to_numpy())
    eind = as_int64(works["eind_jaar"].to_numpy()).fillna(start)

    pieces, w, nummer = cut_lines(works.geometry.to_numpy(), sectie_m)
    if len(pieces) == 0:
        return empty_frame(SECTIE_COLUMNS, SECTIE_DTYPES)
    ids = works["id"].astype(str).to_numpy()[w]
    out = gpd.GeoDataFrame({
        "sectie_id": pd.Series(ids, dtype=object) + "#" + pd.Series(nummer).astype(str),
        "warmtenet_id": ids,
        "naam": works["naam"].to_numpy()[w],
        "status": works["status"].to_numpy()[w],
        "start_jaar": start.to_numpy()[w],
        "eind_jaar": eind.to_numpy()[w],
    }, geometry=pieces, crs=RD)
    return out.astype(SECTIE_DTYPES)
