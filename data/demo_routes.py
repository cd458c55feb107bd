"""Heat network routes of the demo municipality, walked along the street lattice (EPSG:28992)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import geopandas as gpd
import shapely

from data.demo_town import BERM, BOMEN, KAAL, LAAN, WATER, Town

HEAT_OFFSET_M = 3.5  # heat pipes lie under the pavement, left of the walking direction
NETBEHEERDERS = ("Stadswarmte Lindewaarde BV", "Warmtebedrijf Rivierenland NV")


@dataclass
class Route:
    """One warmtenet feature: a main path and optional branch, as lattice node sequences."""

    rid: str
    naam: str
    status: str
    start_jaar: int
    eind_jaar: int | None
    parts: list[list[int]]
    edges: list[int]
    netbeheerder: str

    @property
    def planned(self) -> bool:
        """True for works that trigger the rules (gepland, in uitvoering)."""
        return self.status != "Bestaand"


def _walk(rng: np.random.Generator, town: Town, start: int, n_edges: int,
          used: np.ndarray) -> tuple[list[int], list[int]]:
    """Walk mostly straight along unused streets; return visited nodes and edges."""
    nodes, edges, heading = [start], [], -1
    for _ in range(n_edges):
        cur = nodes[-1]
        options = []
        for k in range(4):
            e = town.node_edges[cur, k]
            back = heading >= 0 and k == (heading + 2) % 4
            if e < 0 or not town.edge_alive[e] or used[e] or back:
                continue
            a, b = town.edge_ab[e]
            if (b if a == cur else a) in nodes:
                continue
            options.append(k)
        if not options:
            break
        k = heading if heading in options and rng.random() < 0.72 else int(rng.choice(options))
        e = int(town.node_edges[cur, k])
        a, b = town.edge_ab[e]
        nodes.append(int(b if a == cur else a))
        edges.append(e)
        used[e] = True
        heading = k
    return nodes, edges


def _weak_start(town: Town) -> int | None:
    """The node deepest inside the first weak buurt (so its first section is surely weak)."""
    weak = np.flatnonzero(town.buurt_weak)
    if len(weak) == 0:
        return None
    poly = town.buurt_geom[weak[0]]
    inside = shapely.contains_xy(poly, town.nodes[:, 0], town.nodes[:, 1])
    degree = (town.node_edges >= 0).sum(axis=1)
    alive_deg = town.alive_degree()
    ok = inside & (alive_deg >= 2) & (degree == 4)
    if not ok.any():
        return None
    dist = shapely.distance(poly.boundary, shapely.points(town.nodes))
    return int(np.argmax(np.where(ok, dist, -1.0)))


def plan_routes(rng: np.random.Generator, town: Town, scale: float, peiljaar: int) -> list[Route]:
    """Plan heat routes; route 0 crosses a weak buurt, route 1 is being built now."""
    p = peiljaar
    used = np.zeros(len(town.edge_ab), bool)
    kinds = town.node_kind()
    alive_deg = town.alive_degree()
    candidates = np.flatnonzero((kinds != WATER) & (alive_deg >= 3))
    n_planned = max(3, round(8 * scale))
    n_bestaand = max(1, round(1.5 * scale))
    centre = town.nodes.mean(axis=0)
    near_centre = candidates[np.argsort(np.hypot(*(town.nodes[candidates] - centre).T))]
    routes: list[Route] = []
    names_used: dict[str, int] = {}
    tries = 0
    while len(routes) < n_planned + n_bestaand and tries < 50 * (n_planned + n_bestaand):
        tries += 1
        k = len(routes)
        bestaand = k >= n_planned
        start = _weak_start(town) if k == 0 else None
        if start is None:
            pool = near_centre[: max(8, len(near_centre) // 6)] if bestaand else candidates
            start = int(rng.choice(pool))
        length = int(rng.integers(6, 13)) if bestaand else int(rng.integers(8, 19))
        trial = used.copy()
        nodes, edges = _walk(rng, town, start, length, trial)
        if len(edges) < 4:
            continue
        parts = [nodes]
        if not bestaand and k % 4 == 3 and len(nodes) > 5:
            branch_nodes, branch_edges = _walk(rng, town, nodes[len(nodes) // 2],
                                               int(rng.integers(3, 6)), trial)
            if len(branch_edges) >= 2:
                parts.append(branch_nodes)
                edges = edges + branch_edges
        used = trial
        status, start_jaar, eind_jaar = _years(rng, k, bestaand, p)
        buurt = town.buurt_name[town.edge_buurt[edges[0]]]
        base = f"{'Stadsverwarming' if bestaand else 'Warmtenet'} {buurt}"
        names_used[base] = names_used.get(base, 0) + 1
        naam = base if names_used[base] == 1 else f"{base} fase {names_used[base]}"
        routes.append(Route(
            rid=f"WN-{k + 1:03d}", naam=naam, status=status, start_jaar=start_jaar,
            eind_jaar=eind_jaar, parts=parts, edges=edges,
            netbeheerder=NETBEHEERDERS[int(rng.integers(len(NETBEHEERDERS)))],
        ))
    _force_profiles(town, routes)
    return routes


def _years(rng: np.random.Generator, k: int, bestaand: bool, p: int) -> tuple[str, int, int | None]:
    """Status and years: route 0 gepland at P+2, route 1 in uitvoering, the rest spread."""
    if bestaand:
        start = int(rng.integers(1995, 2020))
        return "Bestaand", start, (start + int(rng.integers(0, 3)) if rng.random() < 0.7 else None)
    if k == 0:
        return "Gepland", p + 2, p + 4
    if k == 1:
        return "In uitvoering", p - 1, p + 1
    if rng.random() < 0.15:
        start = p - int(rng.integers(0, 2))
        return "In uitvoering", start, start + 2
    start = p + int(rng.integers(1, 9))
    return "Gepland", start, (start + int(rng.integers(1, 4)) if rng.random() < 0.75 else None)


def _force_profiles(town: Town, routes: list[Route]) -> None:
    """Make sure the rules can fire: bare streets on route 0, a tree row on route 1."""
    if routes:
        for e in routes[0].edges[:2]:
            town.edge_profile[e] = KAAL
            town.edge_trees[e] = False
            for blk in town.edge_blocks[e]:
                if blk >= 0:
                    town.block_park[blk] = False
        # Cross streets at the first nodes stay without verges so the corridor is surely bare.
        for node in routes[0].parts[0][:3]:
            for e in town.node_edges[node]:
                if e >= 0 and town.edge_profile[e] in (BERM, LAAN) and not town.edge_main[e]:
                    town.edge_profile[e] = KAAL
                    town.edge_trees[e] = False
    if len(routes) > 1:
        e = routes[1].edges[0]
        town.edge_profile[e] = BOMEN
        town.edge_trees[e] = True


def route_lines(town: Town, route: Route) -> shapely.Geometry:
    """The route as laid: each part offset to the left of the street centre line."""
    lines = [shapely.offset_curve(shapely.LineString(town.nodes[part]), HEAT_OFFSET_M,
                                  join_style="mitre", mitre_limit=3.0) for part in route.parts]
    lines = [shapely.transform(g, lambda c: np.round(c, 2)) for g in lines]
    return lines[0] if len(lines) == 1 else shapely.MultiLineString(lines)


def warmtenet_frame(town: Town, routes: list[Route]) -> gpd.GeoDataFrame:
    """Routes as a supplier would deliver them: WGS84 lines with Dutch field names."""
    frame = gpd.GeoDataFrame(
        {
            "id": [r.rid for r in routes],
            "Netnaam": [r.naam for r in routes],
            "Status": [r.status for r in routes],
            "start_jaar": [r.start_jaar for r in routes],
            "eind_jaar": np.array([r.eind_jaar for r in routes], dtype=object),
            "Netbeheerder": [r.netbeheerder for r in routes],
        },
        geometry=[route_lines(town, r) for r in routes],
        crs="EPSG:28992",
    )
    frame["eind_jaar"] = frame["eind_jaar"].astype("Int64")
    return frame.to_crs("EPSG:4326")
