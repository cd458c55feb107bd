"""Sewer pipes of the demo municipality, as a GWSW export would list them (EPSG:28992)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.demo_routes import Route
from data.demo_town import BEDRIJF, BERM, KAAL, LAAN, NAOORLOGS, NIEUW, OUD, WATER, Town
from geo.params import RuleParams

MAX_PIPE_M = 80.0  # manholes at junctions and at most this far apart

# Canonical material -> how municipalities actually write it (and how often).
SPELLINGEN: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "beton": (("Beton", "BET", "beton"), (0.7, 0.15, 0.15)),
    "gewapend beton": (("Gewapend beton", "gewapend beton"), (0.9, 0.1)),
    "gres": (("Gres", "GRES", "gres"), (0.6, 0.25, 0.15)),
    "pvc": (("PVC", "PVC-U", "pvc"), (0.6, 0.25, 0.15)),
    "pe": (("PE",), (1.0,)),
    "metselwerk": (("Metselwerk",), (1.0,)),
    "gietijzer": (("Gietijzer",), (1.0,)),
}
MATERIALEN = tuple(SPELLINGEN)
_MAT_P = {  # period -> probabilities over MATERIALEN
    "voor1960": (0.30, 0.10, 0.45, 0.00, 0.00, 0.12, 0.03),
    "1960-1979": (0.55, 0.12, 0.20, 0.13, 0.00, 0.00, 0.00),
    "vanaf1980": (0.30, 0.00, 0.07, 0.60, 0.03, 0.00, 0.00),
}
_YEARS = {OUD: (1930, 1966), NAOORLOGS: (1955, 1986), NIEUW: (1980, 2016),
          BEDRIJF: (1965, 2001), WATER: (1960, 1991)}
_STELSEL_P = {  # kind -> P(gemengd, gescheiden, onbekend)
    OUD: (0.85, 0.05, 0.10), NAOORLOGS: (0.62, 0.30, 0.08), NIEUW: (0.15, 0.77, 0.08),
    BEDRIJF: (0.40, 0.50, 0.10), WATER: (0.5, 0.4, 0.1),
}
GWSW_STELSEL = {"gemengd": "GemengdStelsel", "vuilwater": "VuilwaterStelsel",
                "hemelwater": "HemelwaterStelsel", "onbekend": None}


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of `probs` (rows sum to 1)."""
    draws = (rng.random(len(probs))[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    return np.asarray(draws.clip(0, probs.shape[1] - 1))


def _materials(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    period = np.where(years < 1960, "voor1960", np.where(years < 1980, "1960-1979", "vanaf1980"))
    probs = np.array([_MAT_P[p] for p in period])
    return np.asarray(np.array(MATERIALEN)[_pick(rng, probs)])


def lifetime(materiaal: np.ndarray, params: RuleParams | None = None) -> np.ndarray:
    """Lifetimes (years) of canonical materials: the rules' own table (RULES.md §2)."""
    params = params or RuleParams()
    return np.array([params.lifetime(m) for m in materiaal], dtype=np.int64)


def riolering_frame(rng: np.random.Generator, town: Town, routes: list[Route],
                    peiljaar: int) -> gpd.GeoDataFrame:
    """Pipes along every street, split at manholes, with GWSW attribute names."""
    p = peiljaar
    edges = np.flatnonzero(town.edge_alive)
    kind = town.buurt_kind[town.edge_buurt[edges]]
    stelsel_cls = _pick(rng, np.array([_STELSEL_P[k] for k in kind]))
    lo, hi = np.array([_YEARS[k] for k in kind]).T
    year = rng.integers(lo, hi)
    renewed = (kind == OUD) & (rng.random(len(edges)) < 0.2)
    year[renewed] = rng.integers(1966, 2001, renewed.sum())

    # One line per gemengd/onbekend street, two (vuil- and hemelwater) per gescheiden street.
    n_lines = np.where(stelsel_cls == 1, 2, 1)
    line_edge = np.repeat(edges, n_lines)
    line_year = np.repeat(year, n_lines)
    first = np.r_[True, line_edge[1:] != line_edge[:-1]]
    cls = np.repeat(stelsel_cls, n_lines)
    stelsel = np.select([cls == 0, cls == 2, first], ["gemengd", "onbekend", "vuilwater"],
                        "hemelwater")
    offset = np.select([cls != 1, first], [0.0, -1.5], 1.5)

    a = town.nodes[town.edge_ab[line_edge, 0]]
    b = town.nodes[town.edge_ab[line_edge, 1]]
    length = np.hypot(*(b - a).T)
    normal = np.stack([-(b - a)[:, 1], (b - a)[:, 0]], 1) / length[:, None]
    n_pieces = np.maximum(1, np.ceil(length / MAX_PIPE_M)).astype(int)
    line = np.repeat(np.arange(len(line_edge)), n_pieces)
    k = np.arange(len(line)) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
    t0, t1 = k / n_pieces[line], (k + 1) / n_pieces[line]
    base = a[line] + offset[line, None] * normal[line]
    vec = (b - a)[line]
    coords = np.round(np.stack([base + t0[:, None] * vec, base + t1[:, None] * vec], 1), 2)
    geom = shapely.linestrings(coords)
    n = len(line)
    edge_of = line_edge[line]
    stelsel_p = stelsel[line]

    aanleg = line_year[line].copy()
    materiaal = _materials(rng, aanleg)
    vuil_new = (stelsel_p == "vuilwater") & (aanleg >= 1975)
    materiaal[vuil_new] = np.array(["pvc", "gres", "beton"])[
        _pick(rng, np.tile([0.7, 0.2, 0.1], (vuil_new.sum(), 1)))]
    # Pipes along one street are laid together: share the material of the first piece.
    head = np.r_[True, line[1:] != line[:-1]]
    materiaal = materiaal[np.maximum.accumulate(np.where(head, np.arange(n), 0))]
    repaired = (rng.random(n) < 0.08) & (aanleg < 1995)
    aanleg[repaired] = rng.integers(np.maximum(aanleg[repaired] + 20, 1975), 2016)
    materiaal[repaired] = np.where(rng.random(repaired.sum()) < 0.7, "pvc", "beton")

    vervanging = np.full(n, -1)
    due = aanleg + lifetime(materiaal)
    planned = rng.random(n) < 0.04
    vervanging[planned] = p + rng.integers(0, 13, planned.sum())
    overdue = (due < p) & (rng.random(n) < 0.10)
    vervanging[overdue] = p + rng.integers(1, 7, overdue.sum())
    unknown = rng.random(n) < 0.05
    vervanging[unknown & (rng.random(n) < 0.6)] = -1

    # R1: the municipality aligned part of its sewer plan with the heat works.
    for route in routes:
        if not route.planned:
            continue
        on_route = np.flatnonzero(np.isin(edge_of, route.edges))
        if len(on_route) == 0:
            continue
        pick = on_route[rng.random(len(on_route)) < 0.35]
        if len(pick) == 0:
            pick = on_route[:1]
        vervanging[pick] = route.start_jaar + rng.integers(-2, 4, len(pick))
        unknown[pick] = False

    # R4: some combined sewers under bare streets are due within the horizon.
    green_node = np.zeros(len(town.nodes), bool)
    greenish = town.edge_alive & np.isin(town.edge_profile, [BERM, LAAN])
    green_node[town.edge_ab[greenish].ravel()] = True
    blocks = town.edge_blocks[edge_of]
    park = np.where(blocks >= 0, town.block_park[blocks.clip(0)], False).any(axis=1)
    route_edges = np.concatenate([r.edges for r in routes]) if routes else np.array([], int)
    cand = np.flatnonzero(
        np.isin(stelsel_p, ["gemengd", "onbekend"]) & (town.edge_profile[edge_of] == KAAL)
        & ~green_node[town.edge_ab[edge_of]].any(axis=1) & ~park & ~np.isin(edge_of, route_edges)
    )
    if len(cand):
        pick = cand[rng.random(len(cand)) < 0.05]
        if len(pick) < 3:
            pick = cand[np.sort(rng.permutation(len(cand))[:3])]
        vervanging[pick] = p + rng.integers(1, 10, len(pick))
        unknown[pick] = False

    return _frame(rng, geom, aanleg, materiaal, stelsel_p, vervanging, unknown,
                  town.edge_main[edge_of])


def _frame(rng: np.random.Generator, geom: np.ndarray, aanleg: np.ndarray, materiaal: np.ndarray,
           stelsel: np.ndarray, vervanging: np.ndarray, unknown: np.ndarray,
           main: np.ndarray) -> gpd.GeoDataFrame:
    """Write the attributes the way a GWSW export has them."""
    n = len(geom)
    month, day = rng.integers(1, 13, n), rng.integers(1, 29, n)
    exact = rng.random(n) < 0.15
    begindatum = np.array([
        f"{y}-{m:02d}-{d:02d}" if e else f"{y}-01-01"
        for y, m, d, e in zip(aanleg, month, day, exact, strict=True)
    ], dtype=object)
    missing = np.full(int(unknown.sum()), None, dtype=object)
    missing[rng.random(len(missing)) < 0.2] = ""  # some exports write an empty string
    begindatum[unknown] = missing
    spelled = np.empty(n, dtype=object)
    u = rng.random(n)
    for mat, (names, probs) in SPELLINGEN.items():
        sel = materiaal == mat
        idx = (u[sel, None] > np.cumsum(probs)[None, :]).sum(axis=1).clip(0, len(names) - 1)
        spelled[sel] = np.array(names, dtype=object)[idx]
    width = np.select(
        [materiaal == "metselwerk", stelsel == "vuilwater", stelsel == "hemelwater", main],
        [rng.choice([600, 800, 1000], n), rng.choice([200, 250, 315], n),
         rng.choice([300, 400, 500, 600], n), rng.choice([500, 600, 800, 1000], n)],
        rng.choice([250, 300, 400, 500], n),
    )
    gwsw = np.array([GWSW_STELSEL[s] for s in stelsel], dtype=object)
    blank = (stelsel == "onbekend") & (rng.random(n) < 0.3)
    gwsw[blank] = ""
    guid = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    guid[:, 6] = (guid[:, 6] & 0x0F) | 0x40
    guid[:, 8] = (guid[:, 8] & 0x3F) | 0x80
    hexes = [g.tobytes().hex() for g in guid]
    guids = [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexes]
    return gpd.GeoDataFrame(
        {
            "GUID": guids,
            "Naam": [f"L{i + 1:06d}" for i in range(n)],
            "Begindatum": begindatum,
            "MateriaalLeiding": spelled,
            "BreedteLeiding": width.astype(np.int32),
            "VormLeiding": np.where(materiaal == "metselwerk", "Eivormig", "Rond"),
            "LengteLeiding": np.round(shapely.length(geom), 2),
            "Stelsel": gwsw,
            "vervangingsjaar": pd.array([int(v) if v >= 0 else None for v in vervanging],
                                        dtype="Int64"),
        },
        geometry=geom,
        crs="EPSG:28992",
    )
