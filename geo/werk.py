"""Works of every party (RULES.md §9): units, and rules R5 werk_met_werk and R5b dubbel_open.

A unit is a heat section, a section of a werk line (cut as heat works are, §2), a werk polygon
(whole) or a pipe with a known due year. Two units that meet in place and differ in
(partij, soort) are a koppelkans when their windows lie within marge_jaar (R5; heat section ×
pipe is R1's), and a knelpunt when they lie further apart but within graafrust_jaar (R5b).

Each pair has a unit `a`, whose geometry the result is cut from: the one of the lowest kind
(heat section, werk section, pipe, werk polygon), of one kind the lower id. A partition makes
the pairs whose `a` it owns; `b` may be any unit of the context it reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo._common import (
    EPS,
    QUAD_SEGS,
    RD,
    as_int64,
    check_layer,
    empty_frame,
    line_parts,
    rule_columns,
    usable,
    valid_polygons,
)
from geo.params import RuleParams
from geo.riool import due_explanations, due_years
from geo.schema import COLUMN_TYPES, LAYER_COLUMNS
from geo.sections import SECTIE_COLUMNS, cut_lines
from geo.toelichting import (
    r5_text,
    r5b_text,
    riool_clause,
    warmtenet_clause,
    werk_clause,
)

# Kinds of unit, in the order that picks `a` of a pair (RULES.md §9).
KIND_SECTIE = 0     # section of a heat work (geo.sections)
KIND_WERK = 1       # section of a werk line
KIND_RIOOL = 2      # pipe with a known due year
KIND_VLAK = 3       # werk polygon, whole

# The layer of each kind of unit. A pair names its units '<laag>:<id>' (eenheid_a, eenheid_b,
# and so bron_ids and the kans_id): ids are unique within a layer only, and real sources number
# their features 1, 2, … in every layer, so a werk section 'A#0' and a heat section 'A#0' with
# the same pipe would otherwise be one kans_id (RULES.md §4 hashes the ids; this keeps them
# apart).
EENHEID_LAAG = {KIND_SECTIE: "warmtenet", KIND_WERK: "werk", KIND_RIOOL: "riolering",
                KIND_VLAK: "werk"}


def split_eenheid(eenheid: str) -> tuple[str | None, str]:
    """'werk:E1#0' → ('werk', 'E1#0'); a value without a known layer → (None, value)."""
    laag, sep, rest = eenheid.partition(":")
    if sep and laag in EENHEID_LAAG.values():
        return laag, rest
    return None, eenheid


# Pipe columns besides `id` (for the due-year explanation of the pipes a result names).
_RIOOL_COLUMNS = tuple(c for c in LAYER_COLUMNS["riolering"] if c != "id")

EENHEID_COLUMNS: tuple[str, ...] = (
    "eenheid", "kind", "bron_id", "naam", "partij", "soort", "start", "eind",
    "warmtenet_id", "sectie_id", "riool_id", *_RIOOL_COLUMNS,
)
_KIND_DTYPE = {"text": "str", "int": "Int64", "float": "float64"}
EENHEID_DTYPES: dict[str, str] = {
    "eenheid": "str", "kind": "int64", "bron_id": "str", "naam": "str", "partij": "str",
    "soort": "str", "start": "int64", "eind": "int64", "warmtenet_id": "str",
    "sectie_id": "str", "riool_id": "str",
    **{c: _KIND_DTYPE[COLUMN_TYPES["riolering"][c][0]] for c in _RIOOL_COLUMNS},
}


def _polygon_parts(geoms: np.ndarray) -> np.ndarray:
    """Only the polygonal parts (with area) of each geometry: one Polygon stays as it is,
    several become a MultiPolygon, none (or a null) an empty MultiPolygon."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), shapely.MultiPolygon(), dtype=object)
    if len(geoms) == 0:
        return out
    parts, owner = shapely.get_parts(geoms, return_index=True)
    # Collections may hold multi-part geometries (make_valid gives such): open them too.
    while True:
        nested = np.isin(shapely.get_type_id(parts), (4, 5, 6, 7))
        if not nested.any():
            break
        inner, at = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        owner = np.concatenate([owner[~nested], owner[nested][at]])
        order = np.argsort(owner, kind="stable")
        parts, owner = parts[order], owner[order]
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)
    parts, owner = parts[keep], owner[keep]
    counts = np.bincount(owner, minlength=len(geoms))
    single = counts[owner] == 1
    out[owner[single]] = parts[single]
    multi = np.flatnonzero(counts > 1)
    if len(multi):
        many = counts[owner] > 1
        out[multi] = shapely.multipolygons(parts[many],
                                           indices=np.searchsorted(multi, owner[many]))
    return out


def _frame(columns: dict[str, object], geometry: np.ndarray) -> gpd.GeoDataFrame:
    n = len(geometry)
    data = {}
    for col in EENHEID_COLUMNS:
        value = columns.get(col)
        dtype = EENHEID_DTYPES.get(col, "object")
        if value is None:
            data[col] = pd.Series([None] * n, dtype=dtype)
        elif dtype == "Int64":
            data[col] = as_int64(np.asarray(value, dtype=object)).reset_index(drop=True)
        elif dtype == "float64":
            data[col] = pd.to_numeric(pd.Series(np.asarray(value, dtype=object)),
                                      errors="coerce").astype("float64")
        else:
            data[col] = pd.Series(np.asarray(value, dtype=object)).astype(dtype)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(np.asarray(geometry, dtype=object),
                                                         crs=RD))


def werk_units(secties: gpd.GeoDataFrame, riolering: gpd.GeoDataFrame,
               werk: gpd.GeoDataFrame, params: RuleParams) -> gpd.GeoDataFrame:
    """Every unit of RULES.md §9 (columns EENHEID_COLUMNS); EPSG:28992 in and out.

    `secties`: heat sections as geo.sections.split_sections gives them (of whole lines). Werk
    features take part when their status is in params.werk_status; a unit without a start
    year (or a pipe without due year) takes part in nothing and is left out.
    """
    check_layer(secties, "secties", SECTIE_COLUMNS)
    check_layer(riolering, "riolering", LAYER_COLUMNS["riolering"])
    check_layer(werk, "werk", LAYER_COLUMNS["werk"])
    frames = []

    sec = usable(secties)
    sec_start = as_int64(sec["start_jaar"].to_numpy())
    sec = sec[sec_start.notna().to_numpy(dtype=bool)].reset_index(drop=True)
    start = as_int64(sec["start_jaar"].to_numpy())
    frames.append(_frame({
        "eenheid": sec["sectie_id"], "kind": np.full(len(sec), KIND_SECTIE),
        "bron_id": sec["warmtenet_id"], "naam": sec["naam"], "soort": ["warmtenet"] * len(sec),
        "start": start, "eind": as_int64(sec["eind_jaar"].to_numpy()).fillna(start),
        "warmtenet_id": sec["warmtenet_id"], "sectie_id": sec["sectie_id"],
    }, sec.geometry.to_numpy()))

    works = usable(werk)
    status = works["status"].astype("string").str.strip().str.lower()
    start = as_int64(works["start_jaar"].to_numpy())
    keep = (status.isin(params.werk_status).fillna(False).to_numpy(dtype=bool)
            & start.notna().to_numpy(dtype=bool))
    works = works[keep].reset_index(drop=True)
    w_start = as_int64(works["start_jaar"].to_numpy())
    w_eind = as_int64(works["eind_jaar"].to_numpy()).fillna(w_start)
    w_ids = works["id"].astype(str).to_numpy()
    w_geoms = works.geometry.to_numpy()
    pieces, w, nummer = cut_lines(w_geoms, params.sectie_m)
    ids = (pd.Series(w_ids[w], dtype=object) + "#" + pd.Series(nummer).astype(str))
    frames.append(_frame({
        "eenheid": ids, "kind": np.full(len(w), KIND_WERK), "bron_id": w_ids[w],
        "naam": works["naam"].to_numpy()[w], "partij": works["partij"].to_numpy()[w],
        "soort": works["soort"].to_numpy()[w], "start": w_start.to_numpy()[w],
        "eind": w_eind.to_numpy()[w],
    }, pieces))
    vlak = _polygon_parts(valid_polygons(w_geoms))
    v = np.flatnonzero(~shapely.is_empty(vlak))
    frames.append(_frame({
        "eenheid": w_ids[v], "kind": np.full(len(v), KIND_VLAK), "bron_id": w_ids[v],
        "naam": works["naam"].to_numpy()[v], "partij": works["partij"].to_numpy()[v],
        "soort": works["soort"].to_numpy()[v], "start": w_start.to_numpy()[v],
        "eind": w_eind.to_numpy()[v],
    }, vlak[v]))

    pipes = usable(riolering)
    due = due_years(pipes, params)
    known = due.notna().to_numpy(dtype=bool)
    pipes, due = pipes[known].reset_index(drop=True), due[known].reset_index(drop=True)
    frames.append(_frame({
        "eenheid": pipes["id"].astype(str), "kind": np.full(len(pipes), KIND_RIOOL),
        "bron_id": pipes["id"].astype(str), "soort": ["riolering"] * len(pipes),
        "start": due, "eind": due, "riool_id": pipes["id"].astype(str),
        **{c: pipes[c] for c in _RIOOL_COLUMNS},
    }, pipes.geometry.to_numpy()))

    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame(EENHEID_COLUMNS, EENHEID_DTYPES)
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=RD)


def _candidates(units: gpd.GeoDataFrame, params: RuleParams,
                eigen: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs of units within afstand_m that can differ: a werk unit with any other
    unit, and a heat section with a pipe (pipes, or heat sections, among themselves never
    differ). With `eigen`, heat sections only as far as owned (they are always `a`)."""
    geoms = units.geometry.to_numpy()
    kind = units["kind"].to_numpy()
    tree = shapely.STRtree(geoms)
    is_werk = (kind == KIND_WERK) | (kind == KIND_VLAK)
    q = np.flatnonzero(is_werk)
    qi, ti = tree.query(geoms[q], predicate="dwithin", distance=params.afstand_m + EPS)
    qi = q[qi]
    # A pair of werk units comes from both sides: keep it once.
    keep = ~is_werk[ti] | (qi < ti)
    qi, ti = qi[keep], ti[keep]
    h = np.flatnonzero(kind == KIND_SECTIE)
    if eigen is not None:
        h = h[eigen[h]]
    hi, pi = tree.query(geoms[h], predicate="dwithin", distance=params.afstand_m + EPS)
    hi = h[hi]
    pipe = kind[pi] == KIND_RIOOL
    return np.concatenate([qi, hi[pipe]]), np.concatenate([ti, pi[pipe]])


def _differ(units: gpd.GeoDataFrame, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(partij, soort) differ, null a value of its own; units of one werk feature never do."""
    # NUL stands for null: no name or soort holds it.
    partij = units["partij"].astype(object).fillna("\0").to_numpy(dtype=object)
    soort = units["soort"].astype(object).fillna("\0").to_numpy(dtype=object)
    kind = units["kind"].to_numpy()
    bron = units["bron_id"].astype(str).to_numpy()
    werk_a = (kind[a] == KIND_WERK) | (kind[a] == KIND_VLAK)
    werk_b = (kind[b] == KIND_WERK) | (kind[b] == KIND_VLAK)
    same_work = werk_a & werk_b & (bron[a] == bron[b])
    differ: np.ndarray = ((partij[a] != partij[b]) | (soort[a] != soort[b])) & ~same_work
    return differ


def _unit_texts(units: gpd.GeoDataFrame, idx: np.ndarray, params: RuleParams) -> np.ndarray:
    """Per unit at positions idx its clause for the explanations (toelichting)."""
    rows = units.iloc[idx].reset_index(drop=True)
    kind = rows["kind"].to_numpy()
    out = np.full(len(rows), "", dtype=object)
    start, eind = rows["start"], rows["eind"]
    for k in (KIND_SECTIE, KIND_WERK, KIND_VLAK, KIND_RIOOL):
        at = np.flatnonzero(kind == k)
        if len(at) == 0:
            continue
        sub = rows.iloc[at].reset_index(drop=True)
        if k == KIND_SECTIE:
            out[at] = warmtenet_clause(sub["naam"], sub["sectie_id"], start.iloc[at],
                                       eind.iloc[at])
        elif k == KIND_RIOOL:
            pipes = gpd.GeoDataFrame({"id": sub["riool_id"],
                                      **{c: sub[c] for c in _RIOOL_COLUMNS}},
                                     geometry=sub.geometry.to_numpy(), crs=RD)
            out[at] = riool_clause(sub["riool_id"], sub["materiaal"], sub["stelseltype"],
                                   due_explanations(pipes, params))
        else:
            out[at] = werk_clause(sub["eenheid"], sub["naam"], sub["partij"], sub["soort"],
                                  start.iloc[at], eind.iloc[at])
    return out.astype(str) if len(out) else np.zeros(0, dtype="U1")


def r5_werk_met_werk(units: gpd.GeoDataFrame, params: RuleParams,
                     eigen: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """R5 werk_met_werk and R5b dubbel_open over werk_units; EPSG:28992 in and out.

    `eigen`: per unit whether this partition owns it (None: all); a pair is made where its
    `a` is owned. Rows are ordered by (eenheid_a, eenheid_b).
    """
    check_layer(units, "eenheden", EENHEID_COLUMNS)
    if len(units) == 0:
        return rule_columns({}, np.zeros(0, dtype=object))
    i, j = _candidates(units, params, eigen)
    kind = units["kind"].to_numpy()
    ids = units["eenheid"].astype(str).to_numpy()
    prefix = np.array([f"{EENHEID_LAAG[k]}:" for k in sorted(EENHEID_LAAG)], dtype=object)
    named = prefix[kind] + ids.astype(object)
    # `a`: the lower kind, of one kind the lower id.
    i_first = (kind[i] < kind[j]) | ((kind[i] == kind[j]) & (ids[i] < ids[j]))
    a, b = np.where(i_first, i, j), np.where(i_first, j, i)
    if eigen is not None:
        mine = eigen[a]
        a, b = a[mine], b[mine]
    start = units["start"].to_numpy(dtype=np.int64)
    eind = units["eind"].to_numpy(dtype=np.int64)
    gap = np.maximum(0, np.maximum(start[b] - eind[a], start[a] - eind[b]))
    heat_pipe = (kind[a] == KIND_SECTIE) & (kind[b] == KIND_RIOOL)
    r5 = (gap <= params.marge_jaar) & ~heat_pipe
    r5b = (gap > params.marge_jaar) & (gap <= params.graafrust_jaar)
    keep = (r5 | r5b) & _differ(units, a, b)
    a, b = a[keep], b[keep]
    # A stable order, whatever the order of units and tree: by the ids of the pair.
    order = np.lexsort((ids[b], ids[a]))
    a, b = a[order], b[order]

    geoms = units.geometry.to_numpy()
    ga, gb = geoms[a], geoms[b]
    vlak = kind[a] == KIND_VLAK  # then b is a polygon too (a line would be `a`)
    dist = shapely.distance(ga, gb)
    shared = np.full(len(a), shapely.MultiLineString(), dtype=object)
    lijn = np.flatnonzero(~vlak)
    if len(lijn):
        # Each b buffered once: the same polygon as per pair, fewer buffers.
        ub, inv = np.unique(b[lijn], return_inverse=True)
        buffers = shapely.buffer(geoms[ub], params.afstand_m, quad_segs=QUAD_SEGS)
        shared[lijn] = line_parts(shapely.intersection(ga[lijn], buffers[inv]))
    lengte = shapely.length(shared)
    overlap = np.full(len(a), shapely.MultiPolygon(), dtype=object)
    if vlak.any():
        overlap[vlak] = _polygon_parts(shapely.intersection(ga[vlak], gb[vlak]))
    oppervlak = shapely.area(overlap)
    meet = (dist <= params.afstand_m + EPS) & np.where(
        vlak, oppervlak >= params.min_oppervlak_m2 - EPS, lengte >= params.min_lengte_m - EPS)
    sel = np.flatnonzero(meet)
    a, b, vlak, dist = a[sel], b[sel], vlak[sel], dist[sel]
    lengte, oppervlak = lengte[sel], oppervlak[sel]
    geometry = np.where(vlak, overlap[sel], shared[sel])
    gap = np.maximum(0, np.maximum(start[b] - eind[a], start[a] - eind[b]))
    is_r5 = (gap <= params.marge_jaar) & ~((kind[a] == KIND_SECTIE) & (kind[b] == KIND_RIOOL))

    def take(col: str, idx: np.ndarray) -> pd.Series:
        return units[col].iloc[idx].reset_index(drop=True)

    # A heat section is always `a`; a pipe is `a` only beside a polygon.
    sectie = kind[a] == KIND_SECTIE
    rio = np.where(kind[a] == KIND_RIOOL, a, b)
    is_pipe = kind[rio] == KIND_RIOOL
    heat_start = take("start", a).where(sectie)
    due = take("start", rio).where(is_pipe)

    text_a, text_b = _unit_texts(units, a, params), _unit_texts(units, b, params)
    # The years the street opens twice: the end of the earlier, the start of the later.
    a_first = start[b] - eind[a] >= start[a] - eind[b]
    jaar1 = np.where(a_first, eind[a], eind[b])
    jaar2 = np.where(a_first, start[b], start[a])
    afstand = np.where(vlak, np.nan, dist)
    gedeeld = np.where(vlak, np.nan, lengte)
    opp = np.where(vlak, oppervlak, np.nan)
    toelichting = np.full(len(a), "", dtype=object)
    k, m = np.flatnonzero(is_r5), np.flatnonzero(~is_r5)
    toelichting[k] = r5_text(text_a[k], text_b[k], gap[k], dist[k], lengte[k], oppervlak[k],
                             vlak[k], params)
    toelichting[m] = r5b_text(text_a[m], text_b[m], gap[m], jaar1[m], jaar2[m], dist[m],
                              lengte[m], oppervlak[m], vlak[m], params)
    return rule_columns({
        "regel": np.where(is_r5, "werk_met_werk", "dubbel_open"),
        "regelcode": np.where(is_r5, "R5", "R5b"),
        "toelichting": toelichting,
        "warmtenet_id": take("warmtenet_id", a).where(sectie),
        "sectie_id": take("sectie_id", a).where(sectie),
        "start_jaar": heat_start, "eind_jaar": take("eind", a).where(sectie),
        "riool_id": take("riool_id", rio).where(is_pipe), "riool_due_jaar": due,
        "materiaal": take("materiaal", rio).where(is_pipe),
        "stelseltype": take("stelseltype", rio).where(is_pipe),
        "afstand_m": afstand, "gedeelde_lengte_m": gedeeld, "oppervlak_m2": opp,
        "eenheid_a": named[a], "partij_a": take("partij", a), "soort_a": take("soort", a),
        "start_a": start[a], "eind_a": eind[a],
        "eenheid_b": named[b], "partij_b": take("partij", b), "soort_b": take("soort", b),
        "start_b": start[b], "eind_b": eind[b], "gap_jaar": gap,
    }, geometry)
