"""Skeleton of the fictional demo municipality: street lattice, buurten and street profiles.

Everything is in EPSG:28992 (metres). The town is a jittered, irregularly spaced street lattice;
buurten are unions of lattice blocks, so buurt boundaries follow street centre lines as CBS
boundaries often do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import shapely

GEMEENTECODE = "GM0999"
GEMEENTENAAM = "Lindewaarde"
TOWN_CENTRE = (155_000.0, 463_000.0)
BUURT_AREA_M2 = 600_000.0
BUURTEN_PER_SCALE = 12

# Street profiles: how much green and which trees a street has.
KAAL, BOMEN, BERM, LAAN = 0, 1, 2, 3
# Buurt kinds: building era (drives sewer age and type) or special use.
OUD, NAOORLOGS, NIEUW, BEDRIJF, WATER = 0, 1, 2, 3, 4

_PROFILE_P = {  # kind -> P(KAAL, BOMEN, BERM)
    OUD: (0.65, 0.16, 0.19),
    NAOORLOGS: (0.42, 0.08, 0.50),
    NIEUW: (0.25, 0.07, 0.68),
    BEDRIJF: (0.75, 0.05, 0.20),
    WATER: (1.0, 0.0, 0.0),
}
_WEAK_PROFILE_P = (0.60, 0.20, 0.20)
_PARK_P = {OUD: 0.03, NAOORLOGS: 0.07, NIEUW: 0.07, BEDRIJF: 0.02, WATER: 0.0}

BUURTNAMEN = (
    "Molenwijk", "De Vlinderhof", "Kerkebuurt", "Stationskwartier", "Bloemenbuurt",
    "Schildersbuurt", "Vogelwijk", "De Akkers", "Rivierenbuurt", "Het Hofland",
    "Componistenbuurt", "De Weide", "Zuiderpark", "Beekdal", "De Kamp", "Hoogkamp",
    "Molenakker", "Julianapark", "Oranjebuurt", "De Brink", "Het Veld", "Bomenbuurt",
    "De Hoven", "Lindehof", "Eikenrode", "Waterkwartier", "De Gaarden", "Sterrenwijk",
    "Dichterswijk", "Burgemeesterswijk", "Kloosterveld", "De Horst", "Bergweide",
    "Kastanjehof", "Nieuwe Erven", "De Essen", "Bosrijk", "Parkwijk", "Zonnehoek", "De Meent",
)
WATERNAMEN = ("De Plas", "Het Wiel", "De Waterkant", "Het Ven")
BEDRIJFNAMEN = ("Bedrijventerrein De Vaart", "Industrieterrein Noord", "Bedrijvenpark De Hoek",
                "Bedrijventerrein Spoorzone")
_SUFFIXES = ("Noord", "Zuid", "Oost", "West", "II", "III", "IV", "V", "VI", "VII", "VIII")


# block_buurt, kind, weak, names, codes, wijkcodes, wijknamen, geometries
BuurtParts = tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[str], list[str], list[str],
                   np.ndarray]


@dataclass
class Town:
    """The lattice, its blocks and the buurten; arrays indexed by node, edge, block or buurt."""

    nodes: np.ndarray          # (N, 2) coordinates; node (i, j) has index i * (ny + 1) + j
    nx: int
    ny: int
    edge_ab: np.ndarray        # (E, 2) node indices
    edge_dir: np.ndarray       # (E,) 0 = along x, 1 = along y
    edge_blocks: np.ndarray    # (E, 2) adjacent blocks, -1 where none
    edge_alive: np.ndarray     # (E,) bool: the street exists
    edge_main: np.ndarray      # (E,) bool: main road
    edge_buurt: np.ndarray     # (E,) buurt index
    edge_profile: np.ndarray   # (E,) KAAL/BOMEN/BERM/LAAN
    edge_trees: np.ndarray     # (E,) bool: has a tree row
    node_edges: np.ndarray     # (N, 4) edge per direction +x, +y, -x, -y; -1 where none
    block_geom: np.ndarray     # (B,) polygons
    block_buurt: np.ndarray    # (B,)
    block_park: np.ndarray     # (B,) bool
    outline: shapely.Polygon
    buurt_geom: np.ndarray     # (nb,) polygons
    buurt_kind: np.ndarray     # (nb,)
    buurt_weak: np.ndarray     # (nb,) bool
    buurt_name: list[str]
    buurt_code: list[str]
    wijk_code: list[str]
    wijk_name: list[str]

    @property
    def edge_length(self) -> np.ndarray:
        """Length of every lattice edge in metres."""
        a, b = self.nodes[self.edge_ab[:, 0]], self.nodes[self.edge_ab[:, 1]]
        return np.asarray(np.hypot(*(b - a).T))

    def alive_degree(self) -> np.ndarray:
        """Number of existing streets at each node."""
        e = self.node_edges
        return np.asarray(((e >= 0) & self.edge_alive[e.clip(0)]).sum(axis=1))

    def node_kind(self) -> np.ndarray:
        """Buurt kind of each node (from the block north-east of it, or the nearest one)."""
        idx = np.arange(len(self.nodes))
        i = np.minimum(idx // (self.ny + 1), self.nx - 1)
        j = np.minimum(idx % (self.ny + 1), self.ny - 1)
        return np.asarray(self.buurt_kind[self.block_buurt[i * self.ny + j]])


def _positions(rng: np.random.Generator, length: float) -> np.ndarray:
    """Irregular street positions from 0 to `length`, about 120-200 m apart."""
    steps = rng.uniform(120.0, 200.0, size=int(length / 120.0) + 3)
    pos = np.concatenate([[0.0], np.cumsum(steps)])
    n = max(1, int(np.searchsorted(pos, length)))
    pos = pos[: n + 1]
    return np.asarray(pos * (length / pos[-1]))


def town_size(scale: float) -> tuple[float, float]:
    """Width and height in metres of the town for `scale` (its lattice spans exactly these)."""
    area = max(3, round(BUURTEN_PER_SCALE * scale)) * BUURT_AREA_M2
    width = math.sqrt(area * 1.25)
    return width, area / width


def town_origin(centre: tuple[float, float], scale: float) -> tuple[float, float]:
    """South-west corner of the lattice of the town around `centre` (on whole hectometres)."""
    width, height = town_size(scale)
    return (round((centre[0] - width / 2) / 100) * 100.0,
            round((centre[1] - height / 2) / 100) * 100.0)


def build_town(rng: np.random.Generator, scale: float, *,
               centre: tuple[float, float] = TOWN_CENTRE,
               gemeentecode: str = GEMEENTECODE) -> Town:
    """Lay out the lattice and the buurten for `scale` (1.0 is about 12 buurten)."""
    n_target = max(3, round(BUURTEN_PER_SCALE * scale))
    width, height = town_size(scale)
    x0, y0 = town_origin(centre, scale)
    xs, ys = x0 + _positions(rng, width), y0 + _positions(rng, height)
    nx, ny = len(xs) - 1, len(ys) - 1
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    jit = rng.uniform(-12.0, 12.0, size=(2, nx + 1, ny + 1))
    nodes = np.round(np.stack([gx + jit[0], gy + jit[1]], axis=-1).reshape(-1, 2), 2)

    ii, jj = np.meshgrid(np.arange(nx + 1), np.arange(ny + 1), indexing="ij")
    nid = ii * (ny + 1) + jj
    hi, hj = ii[:-1, :].ravel(), jj[:-1, :].ravel()
    vi, vj = ii[:, :-1].ravel(), jj[:, :-1].ravel()
    edge_ab = np.concatenate([
        np.stack([nid[:-1, :].ravel(), nid[1:, :].ravel()], 1),
        np.stack([nid[:, :-1].ravel(), nid[:, 1:].ravel()], 1),
    ])
    edge_dir = np.concatenate([np.zeros(len(hi), int), np.ones(len(vi), int)])
    edge_blocks = np.concatenate([
        np.stack([np.where(hj > 0, hi * ny + hj - 1, -1), np.where(hj < ny, hi * ny + hj, -1)], 1),
        np.stack([np.where(vi > 0, (vi - 1) * ny + vj, -1), np.where(vi < nx, vi * ny + vj, -1)],
                 1),
    ])
    edge_main = np.concatenate([hj % 5 == 2, vi % 5 == 2])
    node_edges = np.full((len(nodes), 4), -1)
    for e, ((a, b), d) in enumerate(zip(edge_ab, edge_dir, strict=True)):
        node_edges[a, d] = e
        node_edges[b, d + 2] = e

    bi, bj = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    corners = np.stack([nid[bi, bj], nid[bi + 1, bj], nid[bi + 1, bj + 1], nid[bi, bj + 1],
                        nid[bi, bj]], axis=-1).reshape(-1, 5)
    block_geom = shapely.polygons(nodes[corners])
    block_xy = nodes[corners[:, :4]].mean(axis=1)
    outline = shapely.Polygon(np.concatenate([
        nodes[nid[:, 0]], nodes[nid[-1, 1:]], nodes[nid[-2::-1, -1]], nodes[nid[0, -2:0:-1]],
    ]))

    town = _make_buurten(rng, n_target, x0, y0, width, height, block_xy, block_geom,
                         gemeentecode)
    block_buurt, buurt_kind, buurt_weak, names, codes, wijk_codes, wijk_names, buurt_geom = town
    block_kind = buurt_kind[block_buurt]

    # Streets: remove a few side streets (dead ends, larger blocks) and everything on open water.
    both = (edge_blocks >= 0).all(axis=1)
    water = np.where(edge_blocks >= 0, block_kind[edge_blocks.clip(0)] == WATER, True).all(axis=1)
    edge_alive = ~water & ~(both & ~edge_main & (rng.random(len(edge_ab)) < 0.15))
    side = np.where(
        (edge_blocks[:, 0] >= 0) & (block_kind[edge_blocks[:, 0].clip(0)] != WATER),
        edge_blocks[:, 0], np.where(edge_blocks[:, 1] >= 0, edge_blocks[:, 1], edge_blocks[:, 0]),
    )
    edge_buurt = block_buurt[side]
    edge_kind = buurt_kind[edge_buurt]

    u = rng.random(len(edge_ab))
    cum = np.array([np.cumsum(_PROFILE_P[k]) for k in range(5)])
    cum_kind = cum[edge_kind]
    cum_kind[buurt_weak[edge_buurt]] = np.cumsum(_WEAK_PROFILE_P)
    edge_profile = (u[:, None] > cum_kind).sum(axis=1).clip(0, BERM)
    edge_profile[edge_main] = np.where(edge_kind[edge_main] == OUD, BOMEN, LAAN)
    t = rng.random(len(edge_ab))
    edge_trees = np.select(
        [edge_profile == BOMEN, edge_profile == BERM, edge_profile == LAAN],
        [np.ones(len(t), bool), t < 0.12, t < 0.3], default=False,
    ) & edge_alive
    park_p = np.array([_PARK_P[k] for k in range(5)])[block_kind]
    park_p[buurt_weak[block_buurt]] = 0.04
    block_park = rng.random(len(block_geom)) < park_p

    return Town(
        nodes=nodes, nx=nx, ny=ny, edge_ab=edge_ab, edge_dir=edge_dir, edge_blocks=edge_blocks,
        edge_alive=edge_alive, edge_main=edge_main, edge_buurt=edge_buurt,
        edge_profile=edge_profile, edge_trees=edge_trees, node_edges=node_edges,
        block_geom=block_geom, block_buurt=block_buurt, block_park=block_park, outline=outline,
        buurt_geom=buurt_geom, buurt_kind=buurt_kind, buurt_weak=buurt_weak, buurt_name=names,
        buurt_code=codes, wijk_code=wijk_codes, wijk_name=wijk_names,
    )


def _make_buurten(
    rng: np.random.Generator, n_target: int, x0: float, y0: float, width: float, height: float,
    block_xy: np.ndarray, block_geom: np.ndarray, gemeentecode: str = GEMEENTECODE,
) -> BuurtParts:
    """Group blocks into buurten around jittered seeds; name, code and classify them."""
    nbx = max(1, round(math.sqrt(n_target * width / height)))
    nby = math.ceil(n_target / nbx)
    grid_x, grid_y = np.meshgrid(np.arange(nbx), np.arange(nby), indexing="ij")
    sx, sy = grid_x.ravel(), grid_y.ravel()
    keep = np.sort(rng.permutation(len(sx))[:n_target])
    sx, sy = sx[keep], sy[keep]
    cw, ch = width / nbx, height / nby
    seeds = np.stack([x0 + (sx + 0.5 + rng.uniform(-0.2, 0.2, len(sx))) * cw,
                      y0 + (sy + 0.5 + rng.uniform(-0.2, 0.2, len(sy))) * ch], 1)
    d2 = ((block_xy[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=-1)
    nearest = d2.argmin(axis=1)
    used = np.unique(nearest)  # a seed that won no block is dropped

    group = 2
    while math.ceil(nbx / group) * math.ceil(nby / group) > 99:
        group += 1
    wx, wy = sx[used] // group, sy[used] // group
    order = np.lexsort((sx[used], -sy[used], wx, -wy))  # wijken and buurten north-west first
    seeds_used = used[order]
    wijk_keys = list(dict.fromkeys(zip((-wy)[order], wx[order], strict=True)))
    wijk_of = [wijk_keys.index(k) for k in zip((-wy)[order], wx[order], strict=True)]
    remap = np.full(len(sx), -1)
    remap[seeds_used] = np.arange(len(seeds_used))
    block_buurt = remap[nearest]
    nb = len(seeds_used)
    buurt_geom = np.array([shapely.coverage_union_all(block_geom[block_buurt == b])
                           for b in range(nb)])

    centre = np.array([x0 + width / 2, y0 + height / 2])
    dist = np.hypot(*(seeds[seeds_used] - centre).T)
    rank = np.argsort(np.argsort(dist, kind="stable"), kind="stable") / max(nb - 1, 1)
    kind = np.where(rank <= 0.2, OUD, np.where(rank <= 0.6, NAOORLOGS, NIEUW))
    centrum = int(dist.argmin())
    kind[centrum] = OUD
    if nb >= 6:
        far = [b for b in np.argsort(-dist, kind="stable")[: max(2, nb * 3 // 10)] if b != centrum]
        for b in rng.permutation(far)[: 1 + nb // 60]:
            kind[b] = WATER
    if nb >= 8:
        far = [b for b in np.argsort(-dist, kind="stable")[: max(3, nb * 4 // 10)]
               if kind[b] != WATER and b != centrum]
        for b in rng.permutation(far)[: 1 + nb // 40]:
            kind[b] = BEDRIJF
    pool = [b for b in range(nb) if kind[b] == NAOORLOGS] or [
        b for b in range(nb) if kind[b] in (OUD, NIEUW) and b != centrum] or [centrum]
    weak = np.zeros(nb, bool)
    weak[rng.permutation(pool)[: max(1, round(0.15 * nb))]] = True

    names = _buurt_names(rng, kind, centrum)
    gm = gemeentecode[2:]
    codes: list[str] = []
    wijk_codes: list[str] = []
    wijk_names: list[str] = []
    seen: dict[int, int] = {}
    for b in range(nb):
        w = wijk_of[b] + 1
        seen[w] = seen.get(w, 0) + 1
        codes.append(f"BU{gm}{w:02d}{seen[w]:02d}")
        wijk_codes.append(f"WK{gm}{w:02d}")
    first_name: dict[str, str] = {}
    for b in range(nb):
        first_name.setdefault(wijk_codes[b], names[b])
        wijk_names.append(f"Wijk {int(wijk_codes[b][-2:]):02d} {first_name[wijk_codes[b]]}")
    return block_buurt, kind, weak, names, codes, wijk_codes, wijk_names, buurt_geom


def _buurt_names(rng: np.random.Generator, kind: np.ndarray, centrum: int) -> list[str]:
    """Unique Dutch-sounding names; 'Centrum' for the central buurt."""
    base = [str(n) for n in rng.permutation(BUURTNAMEN)]
    water = [str(n) for n in rng.permutation(WATERNAMEN)]
    bedrijf = [str(n) for n in rng.permutation(BEDRIJFNAMEN)]
    names: list[str] = []
    taken: set[str] = set()
    for b, k in enumerate(kind):
        if b == centrum:
            pool = ["Centrum"]
        else:
            pool = water if k == WATER else bedrijf if k == BEDRIJF else base
        candidates = pool + [f"{p} {s}" for s in _SUFFIXES for p in pool]
        name = next((c for c in candidates if c not in taken), f"Buurt {b + 1}")
        taken.add(name)
        names.append(name)
    return names
