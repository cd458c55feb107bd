"""Green (BGT begroeidterreindeel) and trees (BGT vegetatieobject) of the demo town (EPSG:28992)."""

from __future__ import annotations

import numpy as np

import geopandas as gpd
import shapely

from data.demo_town import BERM, BOMEN, GEMEENTECODE, KAAL, LAAN, WATER, Town

BRONHOUDER = "G" + GEMEENTECODE[2:]
# Street profile -> (inner, outer) verge offset from the centre line, and tree row offset.
VERGE_M = {BERM: (7.0, 14.0), LAAN: (7.0, 16.0)}
TREE_ROW = {BOMEN: (5.5, 22.0), BERM: (10.5, 25.0), LAAN: (11.5, 20.0)}  # offset, spacing
STRAATBOMEN = ("Tilia × europaea", "Platanus × hispanica", "Quercus robur", "Acer campestre",
               "Fraxinus excelsior", "Carpinus betulus", "Ulmus 'Lobel'", "Prunus avium",
               "Gleditsia triacanthos", "Sorbus aucuparia")
PARKBOMEN = ("Quercus robur", "Fagus sylvatica", "Betula pendula", "Salix alba",
             "Alnus glutinosa", "Tilia cordata")


def lokaal_ids(rng: np.random.Generator, n: int) -> list[str]:
    """BGT-style local ids: bronhouder code, a dot and 32 hex digits."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    return [f"{BRONHOUDER}.{r.tobytes().hex()}" for r in raw]


def _dates(rng: np.random.Generator, n: int, first: int, last: int) -> list[str]:
    y, m, d = rng.integers(first, last + 1, n), rng.integers(1, 13, n), rng.integers(1, 29, n)
    return [f"{a}-{b:02d}-{c:02d}" for a, b, c in zip(y, m, d, strict=True)]


def _edge_frame(town: Town, edges: np.ndarray) -> tuple[np.ndarray, ...]:
    """Start point, unit direction, left normal and length of the given edges."""
    a = town.nodes[town.edge_ab[edges, 0]]
    b = town.nodes[town.edge_ab[edges, 1]]
    length = np.hypot(*(b - a).T)
    unit = (b - a) / length[:, None]
    return a, unit, np.stack([-unit[:, 1], unit[:, 0]], 1), length


def _strips(town: Town, edges: np.ndarray, sides: np.ndarray, inner: np.ndarray,
            outer: np.ndarray, piece_m: float) -> np.ndarray:
    """Verge rectangles beside `edges` (side +1 left, -1 right), 10 m clear of junctions."""
    a, unit, normal, length = _edge_frame(town, edges)
    usable = np.maximum(length - 20.0, 1.0)
    m = np.maximum(1, np.round(usable / piece_m)).astype(int)
    row = np.repeat(np.arange(len(edges)), m)
    k = np.arange(len(row)) - np.repeat(np.cumsum(m) - m, m)
    s0 = 10.0 + usable[row] * k / m[row] + 0.5
    s1 = 10.0 + usable[row] * (k + 1) / m[row] - 0.5
    o1, o2 = (sides * inner)[row], (sides * outer)[row]
    pts = [a[row] + unit[row] * s[:, None] + normal[row] * o[:, None]
           for s, o in ((s0, o1), (s1, o1), (s1, o2), (s0, o2), (s0, o1))]
    return np.asarray(shapely.polygons(np.round(np.stack(pts, 1), 2)))


def groen_frame(rng: np.random.Generator, town: Town) -> gpd.GeoDataFrame:
    """Verges, parks and plantsoenen; plus a few verges removed earlier (eindRegistratie set)."""
    alive = town.edge_alive
    parts: list[tuple[np.ndarray, list[str], list[str]]] = []

    def add(geoms: np.ndarray, bgt: object, plus: object) -> None:
        n = len(geoms)
        bgt_l = list(bgt) if isinstance(bgt, np.ndarray) else [str(bgt)] * n
        plus_l = list(plus) if isinstance(plus, np.ndarray) else [str(plus)] * n
        parts.append((geoms, bgt_l, plus_l))

    for profile, piece in ((BERM, 60.0), (LAAN, 70.0)):
        edges = np.flatnonzero(alive & (town.edge_profile == profile))
        edges2 = np.repeat(edges, 2)
        sides = np.tile([1.0, -1.0], len(edges))
        inner, outer = VERGE_M[profile]
        geoms = _strips(town, edges2, sides, np.full(len(edges2), inner),
                        np.full(len(edges2), outer), piece)
        plus = np.array(["gras- en kruidachtigen", "bodembedekkers", "heesters"])[
            (rng.random(len(geoms))[:, None] > np.array([0.6, 0.8])).sum(axis=1)]
        if profile == LAAN:
            plus[:] = "gras- en kruidachtigen"
        add(geoms, "groenvoorziening", plus)

    parks = np.flatnonzero(town.block_park)
    park_geoms = shapely.buffer(town.block_geom[parks], -16.0, join_style="mitre")
    park_geoms = shapely.transform(park_geoms, lambda c: np.round(c, 2))
    grass = rng.random(len(parks)) < 0.6
    add(park_geoms, np.where(grass, "grasland overig", "groenvoorziening"),
        np.where(grass, "waardeOnbekend", "gras- en kruidachtigen"))

    blocks = np.flatnonzero(~town.block_park
                            & (town.buurt_kind[town.block_buurt] != WATER)
                            & (rng.random(len(town.block_geom)) < 0.3))
    centre = shapely.get_coordinates(shapely.centroid(town.block_geom[blocks]))
    half = np.stack([rng.uniform(10, 20, len(blocks)), rng.uniform(8, 15, len(blocks))], 1)
    lo, hi = np.round(centre - half, 2), np.round(centre + half, 2)
    add(shapely.box(lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1]), "groenvoorziening",
        np.where(rng.random(len(blocks)) < 0.5, "heesters", "bodembedekkers"))

    current = sum(len(g) for g, _, _ in parts)
    # History: verges that were paved over; a correct import must skip them.
    bare = np.flatnonzero(alive & (town.edge_profile == KAAL) & (rng.random(len(alive)) < 0.05))
    old = _strips(town, np.repeat(bare, 2), np.tile([1.0, -1.0], len(bare)),
                  np.full(2 * len(bare), 7.0), np.full(2 * len(bare), 14.0), 200.0)
    add(old, "groenvoorziening", "gras- en kruidachtigen")

    geoms = np.concatenate([g for g, _, _ in parts])
    n = len(geoms)
    eind = np.array([None] * n, dtype=object)
    ended = _dates(rng, n - current, 2018, 2025)
    eind[current:] = [f"{d}T{h:02d}:{m:02d}:00" for d, h, m in zip(
        ended, rng.integers(7, 18, n - current), rng.integers(0, 60, n - current), strict=True)]
    return gpd.GeoDataFrame(
        {
            "lokaalID": lokaal_ids(rng, n),
            "bronhouder": BRONHOUDER,
            "bgt-fysiekVoorkomen": sum((b for _, b, _ in parts), []),
            "plus-fysiekVoorkomen": sum((p for _, _, p in parts), []),
            "objectBeginTijd": _dates(rng, n, 2010, 2017),
            "eindRegistratie": eind,
        },
        geometry=geoms,
        crs="EPSG:28992",
    )


def boom_frame(rng: np.random.Generator, town: Town) -> gpd.GeoDataFrame:
    """Street tree rows (one species per row), park trees; a few felled trees kept as history."""
    edges = np.flatnonzero(town.edge_trees)
    edges2 = np.repeat(edges, 2)
    sides = np.tile([1.0, -1.0], len(edges))
    prof = town.edge_profile[edges2]
    offset = np.array([TREE_ROW.get(int(p), (8.0, 20.0))[0] for p in prof])
    spacing = np.array([TREE_ROW.get(int(p), (8.0, 20.0))[1] for p in prof])
    a, unit, normal, length = _edge_frame(town, edges2)
    usable = np.maximum(length - 16.0, 0.0)
    k = (usable // spacing).astype(int) + 1
    row = np.repeat(np.arange(len(edges2)), k)
    idx = np.arange(len(row)) - np.repeat(np.cumsum(k) - k, k)
    s = 8.0 + (usable[row] - (k[row] - 1) * spacing[row]) / 2 + idx * spacing[row]
    s = s + rng.uniform(-1.0, 1.0, len(row))
    o = sides[row] * offset[row] + rng.uniform(-0.4, 0.4, len(row))
    street_xy = a[row] + unit[row] * s[:, None] + normal[row] * o[:, None]
    row_species = np.array(STRAATBOMEN, dtype=object)[rng.integers(0, len(STRAATBOMEN),
                                                                   len(edges2))]
    street_species = row_species[row]

    park_xy: list[np.ndarray] = []
    park_species: list[object] = []
    for blk in np.flatnonzero(town.block_park):
        inner = shapely.buffer(town.block_geom[blk], -22.0, join_style="mitre")
        if inner.is_empty:
            continue
        x0, y0, x1, y1 = inner.bounds
        cand = np.stack([rng.uniform(x0, x1, 40), rng.uniform(y0, y1, 40)], 1)
        cand = cand[shapely.contains_xy(inner, cand[:, 0], cand[:, 1])][: int(rng.integers(6, 15))]
        park_xy.append(cand)
        park_species.extend(rng.choice(np.array(PARKBOMEN, dtype=object), len(cand)))
    xy = np.round(np.concatenate([street_xy, *park_xy]) if park_xy else street_xy, 2)
    species = np.concatenate([street_species, np.asarray(park_species, dtype=np.object_)])
    n = len(xy)
    species[rng.random(n) < 0.05] = None
    eind = np.array([None] * n, dtype=object)
    felled = rng.random(n) < 0.02
    eind[felled] = [f"{d}T09:00:00" for d in _dates(rng, int(felled.sum()), 2019, 2025)]
    return gpd.GeoDataFrame(
        {
            "lokaalID": lokaal_ids(rng, n),
            "bronhouder": BRONHOUDER,
            "plus-type": "boom",
            "soortnaam": species,
            "objectBeginTijd": _dates(rng, n, 2010, 2017),
            "eindRegistratie": eind,
        },
        geometry=shapely.points(xy),
        crs="EPSG:28992",
    )
