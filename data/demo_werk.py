"""Planned works of other parties in the demo municipality, as one plan export (EPSG:28992).

Six parties deliver their plans: the netbeheerder (electricity, and gas pipes removed after the
heat network comes), the water company, the gemeente's road maintenance, a housing corporation
(renovation blocks), a climate adaptation project (wadi's and rainwater lines) and a telecom
company. Lines run along named streets, offset to where such pipes lie; renovations are block
polygons. Most works are gepland or in uitvoering; a few ideas and finished works are context.

Besides a random portfolio, a fixed set of *proefparen* puts pairs just inside and just outside
each threshold of RULES.md §9 (gap 5 and 6, 10 and 11 years; 9.5 and 10.5 m apart; polygons
overlapping 150 and 80 m²), and works along heat routes WN-001 and WN-002, so that R5 and R5b
surely fire and a planner can check the edges by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.demo_routes import Route
from data.demo_straat import Streets
from data.demo_town import BEDRIJF, GEMEENTENAAM, NAOORLOGS, NIEUW, OUD, WATER, Town

STATUS_LABEL = {"idee": "Idee", "gepland": "Gepland", "in_uitvoering": "In uitvoering",
                "afgerond": "Afgerond"}
PROEF_LENGTE_M = 90.0  # a proefpaar line is one section (≤ sectie_m), so one result at most


@dataclass(frozen=True)
class Partij:
    """One party's plan: organisation name, discipline label, id prefix, offset from the
    street centre line (metres, positive = left of the street's direction)."""

    organisatie: str
    discipline: str
    prefix: str
    offset_m: float


@dataclass(frozen=True)
class Proefpaar:
    """Two works placed on purpose; `regelcode` is what RULES.md §9 gives (None: nothing)."""

    naam: str
    id_a: str
    id_b: str
    regelcode: str | None


# The proefparen of the first town (ids as written; towns after the first prefix them).
PROEFPAREN = (
    Proefpaar("gat 5 jaar", "VIT-0001", "GWB-0001", "R5"),
    Proefpaar("gat 6 jaar", "LIA-E-0001", "GWB-0002", "R5b"),
    Proefpaar("gat 10 jaar", "VIT-0002", "LIA-G-0001", "R5b"),
    Proefpaar("gat 11 jaar", "VIT-0003", "KPN-0001", None),
    Proefpaar("9,5 m uit elkaar", "LIA-E-0002", "VIT-0004", "R5"),
    Proefpaar("10,5 m uit elkaar", "LIA-E-0003", "VIT-0005", None),
    Proefpaar("vlakken 150 m² overlap", "WDL-0001", "KLI-0001", "R5"),
    Proefpaar("vlakken 80 m² overlap", "WDL-0002", "KLI-0002", None),
)
# Works along heat routes: (werk id, heat route id, regelcode with the route's sections).
PROEF_WARMTE = (("GWB-0003", "WN-001", "R5"), ("VIT-0006", "WN-002", "R5b"))


def partijen(gemeentenaam: str) -> dict[str, Partij]:
    """The parties of one town; the regional companies are the same everywhere."""
    woon = ("Woonstichting De Linde" if gemeentenaam == GEMEENTENAAM
            else f"Woonstichting {gemeentenaam}")
    return {
        "elektriciteit": Partij("Liander", "Elektriciteit", "LIA-E", -2.5),
        "gas": Partij("Liander", "Gas", "LIA-G", 2.5),
        "water": Partij("Vitens", "Water", "VIT", -4.0),
        "weg": Partij(f"Gemeente {gemeentenaam} – wegbeheer", "Weg", "GWB", 0.0),
        "woningen": Partij(woon, "Woningen", "WDL", 0.0),
        "klimaat": Partij(f"Klimaatproject {gemeentenaam}", "Klimaatadaptatie", "KLI", 1.0),
        "telecom": Partij("KPN", "Telecom", "KPN", -3.5),
    }


_LINE_NAMES = {
    "elektriciteit": ("Verzwaring laagspanningsnet {s}", "Vervanging middenspanningskabel {s}",
                      "Nieuwe netaansluitingen {s}"),
    "gas": ("Gasleidingen verwijderen {s}", "Aardgasvrij: gasnet saneren {s}"),
    "water": ("Vervanging waterleiding {s}", "Renovatie transportleiding {s}"),
    "weg": ("Groot onderhoud {s}", "Herinrichting {s}", "Asfaltonderhoud {s}"),
    "klimaat": ("Infiltratieriool {s}", "Regenwater afkoppelen {s}"),
    "telecom": ("Glasvezel {s}", "Glasvezel aanleg {s}"),
}
# Background works per unit of scale.
_N_LINES = {"elektriciteit": 10, "gas": 5, "water": 8, "weg": 10, "klimaat": 4, "telecom": 4}
_N_RENOVATIE, _N_KLIMAAT_VLAK = 6, 3


class _Plan:
    """The works of one town as rows of the export, with ids numbered per party."""

    def __init__(self, rng: np.random.Generator, partijen: dict[str, Partij]) -> None:
        self.rng = rng
        self.partijen = partijen
        self.number: dict[str, int] = {}
        self.rows: list[dict[str, object]] = []
        self.blocks: set[int] = set()  # blocks of the proefparen, kept free of other works

    def add(self, key: str, naam: str, status: str, start: int, eind: int,
            geom: shapely.Geometry) -> str:
        p = self.partijen[key]
        self.number[p.prefix] = self.number.get(p.prefix, 0) + 1
        wid = f"{p.prefix}-{self.number[p.prefix]:04d}"
        m0 = int(self.rng.integers(1, 7))
        m1 = int(self.rng.integers(7, 13))
        self.rows.append({
            "id": wid, "projectnaam": naam, "organisatie": p.organisatie,
            "discipline": p.discipline, "status": STATUS_LABEL[status],
            "startdatum": f"{start}-{m0:02d}-01", "einddatum": f"{eind}-{m1:02d}-28",
            "geometry": shapely.transform(geom, lambda c: np.round(c, 2)),
        })
        return wid


def _frame_at(town: Town, e: int, side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Origin, unit direction and unit normal of edge `e` (normal to the left, or the right
    when `side` is -1)."""
    a, b = town.nodes[town.edge_ab[e]]
    u = (b - a) / np.hypot(*(b - a))
    return a, u, side * np.array([-u[1], u[0]])


def _strip(town: Town, e: int, t: float) -> shapely.LineString:
    """A PROEF_LENGTE_M line in the middle of edge `e`, `t` metres left of its centre line."""
    a, u, n = _frame_at(town, e, 1)
    mid = float(town.edge_length[e]) / 2
    s0, s1 = mid - PROEF_LENGTE_M / 2, mid + PROEF_LENGTE_M / 2
    return shapely.LineString([a + u * s0 + n * t, a + u * s1 + n * t])


def _rect(a: np.ndarray, u: np.ndarray, n: np.ndarray, s: tuple[float, float],
          t: tuple[float, float]) -> shapely.Polygon:
    """Rectangle s0..s1 along the street and t0..t1 into the block (exact areas)."""
    corners = [a + u * si + n * ti for si, ti in
               ((s[0], t[0]), (s[1], t[0]), (s[1], t[1]), (s[0], t[1]))]
    return shapely.Polygon(corners)


def _housing_side(town: Town, e: int) -> tuple[int, int]:
    """(1, block) when the block left of edge `e` is ordinary housing, (-1, block) for the
    right one, (0, -1) when neither is."""
    for side, col in ((1, 1), (-1, 0)):
        # Left of a +x edge is the block north (column 1); left of a +y edge the block west (0).
        block = int(town.edge_blocks[e, col if town.edge_dir[e] == 0 else 1 - col])
        if block >= 0 and not town.block_park[block] and town.buurt_kind[
                town.block_buurt[block]] in (OUD, NAOORLOGS, NIEUW):
            return side, block
    return 0, -1


def _pick_edges(rng: np.random.Generator, town: Town, free: np.ndarray, n: int,
                need_housing: bool = False) -> list[int]:
    """`n` long street edges inside the town, no two sharing a junction, marked as used."""
    inside = (town.edge_blocks >= 0).all(axis=1)
    ok = free & town.edge_alive & inside & (town.edge_length >= 130.0)
    out: list[int] = []
    used_nodes: set[int] = set()
    for e in rng.permutation(np.flatnonzero(ok)):
        a, b = (int(x) for x in town.edge_ab[e])
        if a in used_nodes or b in used_nodes:
            continue
        if need_housing and _housing_side(town, int(e))[0] == 0:
            continue
        out.append(int(e))
        used_nodes.update((a, b))
        free[e] = False
        if len(out) == n:
            break
    return out


def _proefparen(plan: _Plan, town: Town, routes: list[Route], free: np.ndarray,
                street_of: np.ndarray, p: int) -> None:
    """The pairs just inside and outside each threshold (PROEFPAREN, PROEF_WARMTE)."""
    rng = plan.rng
    edges = _pick_edges(rng, town, free, 6)
    blocks = _pick_edges(rng, town, free, 2, need_housing=True)
    if len(edges) < 6 or len(blocks) < 2:
        raise ValueError("De demogemeente is te klein voor de proefparen van de werklaag.")
    line_pairs = (  # (key, offset, start, eind) for a and b
        (("water", 2.0, p + 2, p + 3), ("weg", 0.0, p + 8, p + 9)),
        (("elektriciteit", -2.5, p + 2, p + 3), ("weg", 0.0, p + 9, p + 10)),
        (("water", 2.0, p + 1, p + 2), ("gas", -2.0, p + 12, p + 13)),
        (("water", 2.0, p + 1, p + 2), ("telecom", -2.5, p + 13, p + 14)),
        (("elektriciteit", -4.75, p + 3, p + 4), ("water", 4.75, p + 3, p + 4)),
        (("elektriciteit", -5.25, p + 3, p + 4), ("water", 5.25, p + 3, p + 4)),
    )
    for e, pair in zip(edges, line_pairs, strict=True):
        for key, offset, start, eind in pair:
            naam = _LINE_NAMES[key][0].format(s=street_of[e])
            status = "in_uitvoering" if start <= p else "gepland"
            plan.add(key, naam, status, start, eind, _strip(town, e, offset))
    for e, overlap_t in zip(blocks, (22.0, 20.0), strict=True):
        side, block = _housing_side(town, e)
        a, u, n = _frame_at(town, e, side)
        plan.blocks.add(block)
        mid = float(town.edge_length[e]) / 2
        # Renovation 60 x 40 m from 12 m off the street's centre line; the wadi in the verge
        # reaches into it by 10 x 15 m (150 m²) in the first block, 8 x 10 m (80 m²) in the
        # second.
        half = 7.5 if overlap_t == 22.0 else 5.0
        plan.add("woningen", f"Renovatie portiekflats {street_of[e]}", "gepland", p + 1, p + 3,
                 _rect(a, u, n, (mid - 30, mid + 30), (12.0, 52.0)))
        plan.add("klimaat", f"Wadi {street_of[e]}", "gepland", p + 2, p + 3,
                 _rect(a, u, n, (mid - half, mid + half), (4.0, overlap_t)))
    # Along the heat routes: the road is redone with WN-001 (same years), the water main on
    # WN-002 comes seven years after the street was opened for heat.
    for (key, offset, start, eind), k in ((("weg", 0.0, p + 3, p + 4), 0),
                                           (("water", -4.0, p + 8, p + 8), 1)):
        if k >= len(routes):
            continue
        nodes = routes[k].parts[0][:3]
        free[routes[k].edges[:2]] = False
        line = shapely.offset_curve(shapely.LineString(town.nodes[nodes]), offset,
                                    join_style="mitre", mitre_limit=3.0)
        naam = (_LINE_NAMES[key][1] if key == "weg" else _LINE_NAMES[key][0]).format(
            s=street_of[routes[k].edges[0]])
        plan.add(key, naam, "gepland", start, eind, line)


def _window(rng: np.random.Generator, p: int) -> tuple[str, int, int]:
    """Status and years of a background work: mostly gepland, some in uitvoering, a few
    ideas and finished works (context only)."""
    u = rng.random()
    if u < 0.07:
        start = p + int(rng.integers(4, 11))
        return "idee", start, start + int(rng.integers(0, 2))
    if u < 0.13:
        start = p - int(rng.integers(2, 5))
        return "afgerond", start, min(p - 1, start + int(rng.integers(0, 2)))
    if u < 0.30:
        start = p - int(rng.integers(0, 2))
        return "in_uitvoering", start, max(p, start + int(rng.integers(0, 3)))
    start = p + int(rng.integers(1, 9))
    return "gepland", start, start + int(rng.integers(0, 3))


def _background(plan: _Plan, town: Town, streets: Streets, routes: list[Route],
                free: np.ndarray, street_of: np.ndarray, scale: float, p: int) -> None:
    """A random portfolio per party along streets, renovations and wadi's in blocks."""
    rng = plan.rng
    planned = [r for r in routes if r.planned]
    for key, per_scale in _N_LINES.items():
        for _ in range(max(1, round(per_scale * scale))):
            if key == "gas" and planned:
                # Gas goes out of a street after its houses are on the heat network.
                route = planned[int(rng.integers(len(planned)))]
                part = route.parts[0]
                i = int(rng.integers(0, max(1, len(part) - 3)))
                nodes = part[i:i + int(rng.integers(2, 5))]
                end = route.eind_jaar or route.start_jaar
                start = max(p, end + int(rng.integers(0, 3)))
                status, eind = ("gepland" if start > p else "in_uitvoering"), start + 1
                edge = route.edges[min(i, len(route.edges) - 1)]
            else:
                options = [k for k, es in enumerate(streets.edges) if free[es].any()]
                street = streets.edges[options[int(rng.integers(len(options)))]]
                starts = [i for i, e in enumerate(street) if free[e]]
                i = starts[int(rng.integers(len(starts)))]
                chosen = [street[i]]
                for e in street[i + 1:i + int(rng.integers(1, 5))]:
                    if not free[e]:
                        break
                    chosen.append(e)
                free[chosen] = False
                nodes = [int(town.edge_ab[chosen[0], 0])] + [int(town.edge_ab[e, 1])
                                                             for e in chosen]
                status, start, eind = _window(rng, p)
                edge = chosen[0]
            line = shapely.offset_curve(shapely.LineString(town.nodes[nodes]),
                                        plan.partijen[key].offset_m, join_style="mitre",
                                        mitre_limit=3.0)
            names = _LINE_NAMES[key]
            naam = names[int(rng.integers(len(names)))].format(s=street_of[edge])
            plan.add(key, naam, status, start, eind, line)

    kind = town.buurt_kind[town.block_buurt]
    housing = np.flatnonzero(np.isin(kind, [NAOORLOGS, OUD, NIEUW]) & ~town.block_park)
    housing = housing[~np.isin(housing, list(plan.blocks))]
    weights = np.where(kind[housing] == NAOORLOGS, 3.0, 1.0)
    n_reno = min(len(housing), max(1, round(_N_RENOVATIE * scale)))
    reno: np.ndarray = (rng.choice(housing, size=n_reno, replace=False,
                                   p=weights / weights.sum()) if n_reno else np.zeros(0, int))
    for b in reno:
        status, start, eind = _window(rng, p)
        buurt = town.buurt_name[int(town.block_buurt[b])]
        geom = town.block_geom[b].buffer(-8.0, join_style="mitre")
        plan.add("woningen", f"Renovatie en isolatie {buurt}, blok {int(b) + 1}", status,
                 start, eind + 1, geom)
    open_blocks = np.flatnonzero(town.block_park | np.isin(kind, [BEDRIJF]))
    pool = open_blocks if len(open_blocks) else np.flatnonzero(kind != WATER)
    pool = pool[~np.isin(pool, list(plan.blocks))]
    n_vlak = min(len(pool), max(1, round(_N_KLIMAAT_VLAK * scale)))
    for b in rng.choice(pool, size=n_vlak, replace=False):
        status, start, eind = _window(rng, p)
        # A wadi or water square along one of the block's streets, from the verge inwards.
        sides = [(e, side) for e, side in _block_streets(town, int(b)) if town.edge_alive[e]]
        e, side = sides[int(rng.integers(len(sides)))] if sides else _block_streets(town, int(b))[0]
        a, u, n = _frame_at(town, e, side)
        mid, half = float(town.edge_length[e]) / 2, float(rng.uniform(20.0, 40.0))
        geom = _rect(a, u, n, (mid - half, mid + half), (4.0, 4.0 + float(rng.uniform(15, 30))))
        buurt = town.buurt_name[int(town.block_buurt[b])]
        naam = ("Waterplein {b}", "Wadi en waterberging {b}", "Klimaatbestendig park {b}")[
            int(rng.integers(3))].format(b=buurt)
        plan.add("klimaat", naam, status, start, eind, geom)


def _block_streets(town: Town, b: int) -> list[tuple[int, int]]:
    """The four lattice edges round block `b`, each with the side (1 left, -1 right) the block
    lies on when walking the edge in +x or +y."""
    ny = town.ny
    i, j = divmod(b, ny)
    n_h = town.nx * (ny + 1)
    return [(i * (ny + 1) + j, 1), (i * (ny + 1) + j + 1, -1), (n_h + i * ny + j, -1),
            (n_h + (i + 1) * ny + j, 1)]


def werk_frame(rng: np.random.Generator, town: Town, streets: Streets, routes: list[Route], *,
               scale: float, peiljaar: int, gemeentenaam: str) -> gpd.GeoDataFrame:
    """The plan export 'geplande_werken': id, projectnaam, organisatie, discipline, status,
    startdatum, einddatum (ISO dates), lines and polygons in EPSG:28992."""
    plan = _Plan(rng, partijen(gemeentenaam))
    street_of = streets.edge_name(len(town.edge_ab))
    free = town.edge_alive.copy()
    for route in routes:
        free[route.edges] = False  # proefparen stay off the heat routes
    _proefparen(plan, town, routes, free, street_of, peiljaar)
    for route in routes:  # other works may lie along them again, not along a proefpaar
        free[route.edges] = town.edge_alive[route.edges]
    for route in routes[:2]:
        free[route.edges[:2]] = False
    _background(plan, town, streets, routes, free, street_of, scale, peiljaar)
    return gpd.GeoDataFrame(plan.rows, geometry="geometry", crs="EPSG:28992")


GLASVEZEL = Partij("Delta Fiber Netwerk", "Telecom", "DFN", -3.0)
# How the glasvezel list is imported: its id column, and what the file itself does not say.
GLASVEZEL_MAP = {"id": "Projectcode"}
GLASVEZEL_SET = {"partij": GLASVEZEL.organisatie, "soort": "telecom"}


def glasvezel_frame(rng: np.random.Generator, town: Town, streets: Streets, *,
                    scale: float, peiljaar: int) -> pd.DataFrame:
    """A second, smaller plan from one party as a spreadsheet list: a fibre roll-out per buurt,
    one row per street with its route as WKT (EPSG:28992) and only a year, no dates; the
    file names neither party nor discipline (they are given at import, GLASVEZEL_SET)."""
    p = peiljaar
    street_buurt = np.array([np.bincount(town.edge_buurt[e]).argmax() for e in streets.edges])
    housing = [b for b in range(len(town.buurt_name))
               if town.buurt_kind[b] in (OUD, NAOORLOGS, NIEUW) and (street_buurt == b).any()]
    rows = []
    for k, b in enumerate(rng.permutation(housing)[:max(1, round(2 * scale))]):
        jaar = p + 1 + int(rng.integers(0, 3))
        mine = np.flatnonzero(street_buurt == b)
        for n, s in enumerate(rng.permutation(mine)[:5]):
            edges = streets.edges[int(s)]
            nodes = [int(town.edge_ab[edges[0], 0])] + [int(town.edge_ab[e, 1]) for e in edges]
            line = shapely.offset_curve(shapely.LineString(town.nodes[nodes]),
                                        GLASVEZEL.offset_m, join_style="mitre", mitre_limit=3.0)
            line = shapely.transform(line, lambda c: np.round(c, 2))
            rows.append({
                "Projectcode": f"{GLASVEZEL.prefix}-{p}-{k + 1:02d}{n + 1:02d}",
                "Omschrijving": f"Glasvezel {town.buurt_name[b]}: {streets.names[int(s)]}",
                "Jaar": jaar, "Status": "Gepland" if jaar > p else "In uitvoering",
                "WKT": shapely.to_wkt(line, rounding_precision=2, trim=False),
            })
    return pd.DataFrame(rows, columns=["Projectcode", "Omschrijving", "Jaar", "Status", "WKT"])
