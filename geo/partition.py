"""Partitions of one analysis: which units a partition owns and what context it must read.

Every rule and the ranking are local (RULES.md §10), so the country can be computed in parts.
Choices kept here (one place):
- A unit is a heat section (cut from its whole line first, RULES.md §2) or a pipe. It belongs
  to the partition holding its midpoint (geo.results.midpoints), so every unit has exactly one.
- A partition is a square tile of `tegel_m` metres of the RD grid (half-open: [x0, x0 + tegel_m)),
  and, `per_gemeente`, within a tile the gemeente of the buurt holding the midpoint (lowest
  buurtcode on a boundary, as for results); midpoints in no buurt or in a buurt without
  gemeentecode (the rest, gemeente "") go with the tile's first gemeente (by code), which then
  reads the whole tile; a tile meeting no gemeente is one rest partition. `tegel_m` None is
  one tile.
- A busy tile (more than MAX_EENHEDEN units by the centres of their boxes) is split in four,
  again and again down to MIN_TEGEL_M, so that no part dwarfs the others (a city is one tile of
  10 km, and two workers would otherwise wait for the one holding it). The quarters of a tile
  are exact: x / (t / 2) is 2 · (x / t) in floating point too.
- A partition reads its unit layers (warmtenet, riolering) by its box, keeps the units it owns,
  and reads context (all layers) within halo_m of those units: the largest distance of any rule
  plus a metre, so every feature a rule can reach is read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.params import RuleParams
from geo.results import assign_buurt

Box = tuple[float, float, float, float]
DEFAULT_TEGEL_M = 10_000.0
# Measured (benchmarks/scale_benchmark.py, 12 towns, 2 workers): 4 000 gave 184 parts and
# 50 s, 12 000 gave 96 parts and 37 s, 25 000 gave 50 parts and 39 s (fewer parts to share).
MAX_EENHEDEN = 12_000
MIN_TEGEL_M = 250.0
REST = ""
# A tile: (ix, iy, level), of size tegel_m / 2**level.
Tegel = tuple[int, int, int]


def halo_m(params: RuleParams) -> float:
    """How far around its units a partition reads context: every rule's reach, and the reach
    of street names (RULES.md §7: a result lies within its units), plus 1 m."""
    return max(params.afstand_m, params.groen_buffer_m, params.boom_afstand_m,
               params.straat_afstand_m) + 1.0


@dataclass(frozen=True)
class Partitie:
    """One part of a run: tile (ix, iy) at `level` of the grid, optionally one gemeente in it."""

    ix: int
    iy: int
    tegel_m: float | None
    gemeentecode: str | None      # None: the whole tile; REST: units in no gemeente
    box: Box                      # read box of the unit layers
    level: int = 0
    neemt_rest: bool = False      # also owns the rest of its tile (midpoints in no gemeente)

    @property
    def key(self) -> str:
        """A stable name: 'GM0363@12,45', 'GM0363+@12,45' (also taking the rest), '@12,45'
        (only the rest), '12,45' (whole tile); a split tile adds its level: '12,45/2'.

        The name says all that decides what a partition owns, so a run of changed partitions
        (app.analyse.gewijzigd) never keeps one whose share changed under the same name."""
        tile = f"{self.ix},{self.iy}" + (f"/{self.level}" if self.level else "")
        if self.gemeentecode is None:
            return tile
        return f"{self.gemeentecode}{'+' if self.neemt_rest else ''}@{tile}"

    def in_tile(self, points: np.ndarray) -> np.ndarray:
        """True for each point whose tile is this partition's tile."""
        if self.tegel_m is None:
            return np.ones(len(points), dtype=bool)
        size = self.tegel_m / 2**self.level
        x, y = shapely.get_x(points), shapely.get_y(points)
        return (np.floor(x / size) == self.ix) & (np.floor(y / size) == self.iy)

    def owns(self, points: np.ndarray, buurt: gpd.GeoDataFrame) -> np.ndarray:
        """True for each midpoint this partition owns; `buurt` must hold every buurt around
        the points (with gemeentecode when per gemeente)."""
        points = np.asarray(points, dtype=object)
        mask = self.in_tile(points)
        if self.gemeentecode is None or not mask.any():
            return mask
        codes = gemeente_of(points[mask], buurt)
        mask[mask] = (codes == self.gemeentecode) | (self.neemt_rest & (codes == REST))
        return mask


def gemeente_of(points: np.ndarray, buurt: gpd.GeoDataFrame) -> np.ndarray:
    """Per point the gemeentecode of its buurt (lowest buurtcode on a boundary), REST if none."""
    codes = assign_buurt(points, buurt)
    if "gemeentecode" not in buurt.columns:
        return np.full(len(points), REST, dtype=object)
    gemeente = buurt["gemeentecode"].astype("string").str.strip().fillna(REST)
    lookup = pd.Series(gemeente.astype(object).to_numpy(), index=buurt["buurtcode"].astype(str))
    found = codes.astype(object).map(lookup).to_numpy(dtype=object)
    return np.where(pd.isna(found), REST, found).astype(object)


def tiles_of_boxes(boxes: np.ndarray, tegel_m: float | None) -> set[tuple[int, int]]:
    """Every tile a box (rows of xmin, ymin, xmax, ymax) touches."""
    if tegel_m is None:
        return {(0, 0)} if len(boxes) else set()
    lo = np.floor(boxes[:, :2] / tegel_m).astype(np.int64)
    hi = np.floor(boxes[:, 2:] / tegel_m).astype(np.int64)
    tiles: set[tuple[int, int]] = set()
    spans = pd.DataFrame({"x0": lo[:, 0], "y0": lo[:, 1], "x1": hi[:, 0], "y1": hi[:, 1]})
    for x0, y0, x1, y1 in spans.drop_duplicates().itertuples(index=False):
        tiles.update((x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))
    return tiles


def split_busy(tiles: Iterable[tuple[int, int]], tegel_m: float | None, centres: np.ndarray,
               max_eenheden: int = MAX_EENHEDEN, min_m: float = MIN_TEGEL_M) -> list[Tegel]:
    """The tiles, each split in four while it holds more than `max_eenheden` of the `centres`
    (rows of x, y) and its quarters are at least `min_m` wide."""
    if tegel_m is None:
        return [(ix, iy, 0) for ix, iy in tiles]
    out: list[Tegel] = []
    todo, level = sorted(tiles), 0
    while todo:
        size = tegel_m / 2**level
        cell = np.floor(centres / size).astype(np.int64)
        # One integer per cell (unique over rows would sort pairs, several times slower).
        lo = cell.min(axis=0) if len(cell) else np.zeros(2, dtype=np.int64)
        span = int(cell[:, 1].max() - lo[1] + 1) if len(cell) else 1
        keys, counts = np.unique((cell[:, 0] - lo[0]) * span + (cell[:, 1] - lo[1]),
                                 return_counts=True)
        busy_keys = keys[counts > max_eenheden]
        busy = {(int(k // span + lo[0]), int(k % span + lo[1])) for k in busy_keys}
        split = size / 2 >= min_m
        nxt: list[tuple[int, int]] = []
        for ix, iy in todo:
            if split and (ix, iy) in busy:
                nxt += [(2 * ix + dx, 2 * iy + dy) for dx in (0, 1) for dy in (0, 1)]
            else:
                out.append((ix, iy, level))
        todo, level = nxt, level + 1
    return out


def tile_box(tegel: Tegel, tegel_m: float | None, extent: Box) -> Box:
    """The box of a tile; with one tile the whole extent."""
    if tegel_m is None:
        return extent
    ix, iy, level = tegel
    size = tegel_m / 2**level
    return (ix * size, iy * size, (ix + 1) * size, (iy + 1) * size)


def intersect(a: Box, b: Box) -> Box | None:
    """The overlap of two boxes (closed), None when they do not meet."""
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] <= box[2] and box[1] <= box[3] else None


def plan_partities(tiles: Iterable[Tegel], tegel_m: float | None, extent: Box,
                   gemeenten: Mapping[str, Box] | None) -> list[Partitie]:
    """The partitions of a run, in a stable order.

    `tiles`: the tiles holding units (split_busy of tiles_of_boxes); `extent`: their
    extent (the one tile when tegel_m is None). `gemeenten`: per gemeentecode the box of its
    buurten, or None for tiles only. A gemeente partition reads only where tile and gemeente
    meet; the partition taking the rest reads the whole tile.
    """
    if tegel_m is not None and not (math.isfinite(tegel_m) and tegel_m > 0):
        raise ValueError("De tegelgrootte moet een positief aantal meters zijn.")
    out: list[Partitie] = []
    for ix, iy, level in sorted(tiles, key=lambda t: (t[2], t[0], t[1])):
        box = tile_box((ix, iy, level), tegel_m, extent)
        if gemeenten is None:
            out.append(Partitie(ix, iy, tegel_m, None, box, level))
            continue
        codes = [code for code in sorted(gemeenten) if intersect(box, gemeenten[code])]
        for code in codes:
            meet = intersect(box, gemeenten[code])
            assert meet is not None
            first = code == codes[0]
            out.append(Partitie(ix, iy, tegel_m, code, box if first else meet, level,
                                neemt_rest=first))
        if not codes:
            out.append(Partitie(ix, iy, tegel_m, REST, box, level))
    return out


def envelope(geoms: np.ndarray, margin: float) -> Box | None:
    """The box around `geoms` widened by `margin` on every side; None without geometries."""
    if len(geoms) == 0:
        return None
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    return (float(np.nanmin(bounds[:, 0])) - margin, float(np.nanmin(bounds[:, 1])) - margin,
            float(np.nanmax(bounds[:, 2])) + margin, float(np.nanmax(bounds[:, 3])) + margin)
