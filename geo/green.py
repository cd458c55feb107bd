"""Green share of corridors, computed locally per corridor (RULES.md R2, R4)."""

from __future__ import annotations

import numpy as np

import geopandas as gpd
import shapely

from geo._common import check_layer, usable, valid_polygons


def green_polygons(groen: gpd.GeoDataFrame) -> np.ndarray:
    """Valid, non-empty green geometries as a shapely array; expects EPSG:28992."""
    check_layer(groen, "groen")
    geoms: np.ndarray = usable(groen).geometry.to_numpy()
    if len(geoms) == 0:
        return geoms
    geoms = valid_polygons(geoms)
    # make_valid may leave stray lines or points; only areas count as green.
    polygons: np.ndarray = np.asarray(
        [shapely.union_all([p for p in shapely.get_parts(g) if p.area > 0]) for g in geoms],
        dtype=object,
    )
    return polygons


def green_areas(corridors: np.ndarray, green: np.ndarray) -> np.ndarray:
    """Area of corridor ∩ ⋃green for each corridor polygon (m², EPSG:28992)."""
    areas = np.zeros(len(corridors), dtype=float)
    if len(corridors) == 0 or len(green) == 0:
        return areas
    tree = shapely.STRtree(green)
    ci, gi = tree.query(corridors, predicate="intersects")
    if len(ci) == 0:
        return areas
    order = np.argsort(ci, kind="stable")
    ci, gi = ci[order], gi[order]
    # Clip green to the corridor first so the union stays small (overlapping green counts once).
    clipped = shapely.intersection(corridors[ci], green[gi])
    starts = np.flatnonzero(np.r_[True, ci[1:] != ci[:-1]])
    for group in np.split(np.arange(len(ci)), starts[1:]):
        pieces = clipped[group]
        if len(pieces) == 1:
            areas[ci[group[0]]] = shapely.area(pieces[0])
        else:
            areas[ci[group[0]]] = shapely.area(shapely.union_all(pieces))
    return areas


def corridor_green(
    lines: np.ndarray, groen: gpd.GeoDataFrame, buffer_m: float, quad_segs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Area of each line's corridor (buffer, round caps) and of the green in it (m², EPSG:28992)."""
    corridors = shapely.buffer(lines, buffer_m, quad_segs=quad_segs)
    return shapely.area(corridors), green_areas(corridors, green_polygons(groen))
