"""Green share of corridors, computed locally per corridor (RULES.md R2, R4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import geopandas as gpd
import shapely

from geo._common import check_layer, union_groups, usable, valid_polygons


def green_polygons(groen: gpd.GeoDataFrame) -> np.ndarray:
    """Valid, non-empty green geometries as a shapely array; expects EPSG:28992."""
    check_layer(groen, "groen")
    geoms: np.ndarray = usable(groen).geometry.to_numpy()
    if len(geoms) == 0:
        return geoms
    geoms = valid_polygons(geoms)
    # make_valid may leave stray lines or points; only areas count as green.
    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = shapely.area(parts) > 0
    return union_groups(parts[keep], owner[keep], len(geoms))


@dataclass(frozen=True)
class Green:
    """The green polygons of one run and their tree, built once and shared by R2 and R4."""

    polygons: np.ndarray
    tree: shapely.STRtree | None


def prepare_green(groen: gpd.GeoDataFrame) -> Green:
    """Green polygons (green_polygons) and an STRtree over them; expects EPSG:28992."""
    polygons = green_polygons(groen)
    return Green(polygons, shapely.STRtree(polygons) if len(polygons) else None)


def green_areas(corridors: np.ndarray, green: Green) -> np.ndarray:
    """Area of corridor ∩ ⋃green for each corridor polygon (m², EPSG:28992)."""
    areas = np.zeros(len(corridors), dtype=float)
    if len(corridors) == 0 or green.tree is None:
        return areas
    ci, gi = green.tree.query(corridors, predicate="intersects")
    if len(ci) == 0:
        return areas
    # By corridor, then in the order of the green layer: the union's float result depends on
    # its order, and a partition's tree orders pairs differently than the whole run's.
    order = np.lexsort((gi, ci))
    ci, gi = ci[order], gi[order]
    # Clip green to the corridor first so the union stays small (overlapping green counts once).
    clipped = shapely.intersection(corridors[ci], green.polygons[gi])
    counts = np.bincount(ci, minlength=len(corridors))
    single = counts[ci] == 1
    areas[ci[single]] = shapely.area(clipped[single])
    multi = ~single
    if multi.any():
        owners, local = np.unique(ci[multi], return_inverse=True)
        areas[owners] = shapely.area(union_groups(clipped[multi], local, len(owners)))
    return areas


def corridor_green(
    lines: np.ndarray, groen: gpd.GeoDataFrame | Green, buffer_m: float, quad_segs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Area of each line's corridor (buffer, round caps) and of the green in it (m², EPSG:28992).

    `groen` is the green layer, or the Green prepared from it once per run (prepare_green).
    """
    green = groen if isinstance(groen, Green) else prepare_green(groen)
    corridors = shapely.buffer(lines, buffer_m, quad_segs=quad_segs)
    return shapely.area(corridors), green_areas(corridors, green)
