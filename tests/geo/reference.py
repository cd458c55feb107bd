"""A deliberately naive reference implementation of RULES.md §2–§5 and §7–§10, from the spec text.

It uses plain Python loops over all pairs and plain shapely calls (no spatial index, no
vectorisation), so that it shares as little as possible with geo/. It is only used by
tests/geo/test_reference.py to cross-check geo.analysis.analyse.

Interpretation choices (the same as documented for geo/, see the test module docstring):
buffers with quad_segs=16, threshold comparisons with a 1e-9 tolerance, kans_id = first 16 hex
characters of sha1(regel + "|" + ",".join(sorted(source ids))), sections numbered from 0 and
continuing across the parts of a MultiLineString.

§8 (data coverage): a unit (section; for R4 a pipe) is judged by a rule only when it lies within
the dekking of the layer the rule needs, with 0.5 m tolerance, read here as: no length of the
unit lies outside the dekking buffered by 0.5 m (quad_segs=16). An empty layer judges nothing
("laag leeg"); a layer with features but no dekking covers nothing ("buiten dekking"). The R4
units are the pipes R4 would test for green (gemengd/onbekend, due within the horizon).
Per buurt, niet_beoordeeld_m = length of the union of the not-judged units clipped to the buurt.

§9 (works of every party), where the spec leaves room: the unit `a` of a pair is its line unit
(heat section before werk section before pipe; of two of one kind, or of two polygons, the lower
id by string order); `meet` is measured with that same `a`. A line result is the linear part of
`a ∩ buffer(b, afstand_m)`, a polygon result the polygonal part of `a ∩ b`. A unit's window is
[start_jaar, eind_jaar or start_jaar] (a pipe: [due, due]); werk without start_jaar takes part
in nothing. kans_id = sha1(regel | sorted both unit ids)[:16]; actie_nodig: the earlier start
≤ P + signaal_jaren. R5 has regel werk_met_werk (regelcode R5), R5b regel dubbel_open. m_r5 is
the union length of R5 line results per buurt; its weight counts when a werk layer with at
least one row is given.

§7 (streets): a segment counts for a result when its straatnaam is not null or blank, its
distance to the result is ≤ straat_afstand_m and it shares length > 0 with
buffer(result, straat_afstand_m) (a polygon result: the polygon buffered, the same formula).
Shared lengths are summed per name; straatnaam = the longest (ties: alphabetical); straten =
names with shared length ≥ straten_aandeel × the result's length, longest first (ties
alphabetical), joined ", ", null when none; for a polygon result straten = straatnaam.
huisnummers = "<min>–<max>" (en dash; one number when equal) over the non-null, non-zero
huisnummer_van/tot of the counting segments of straatnaam (0 means none, as in DATA.md), null
when there are none.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from shapely import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring, unary_union

QUAD_SEGS = 16
EPS = 1e-9
DIMS = ("fys", "onv", "soc", "vrz", "won")


def _val(v: Any) -> Any:
    """A cell value with pandas' missing markers turned into None."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _buffer(geom: BaseGeometry, dist: float) -> BaseGeometry:
    return geom.buffer(dist, quad_segs=QUAD_SEGS)


def _kans_id(regel: str, ids: list[str]) -> str:
    return hashlib.sha1((regel + "|" + ",".join(sorted(ids))).encode("utf-8")).hexdigest()[:16]


def line_parts(geom: BaseGeometry) -> list[LineString]:
    """Linear parts of a geometry, in order (drops points of a degenerate intersection)."""
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    if hasattr(geom, "geoms"):
        out: list[LineString] = []
        for g in geom.geoms:
            out.extend(line_parts(g))
        return out
    return []


def halfway_point(geom: BaseGeometry) -> Point | None:
    """The point halfway along a linear geometry, walking its parts in order."""
    parts = [p for p in line_parts(geom) if p.length > 0]
    total = sum(p.length for p in parts)
    if total == 0:
        return None
    target = total / 2.0
    for p in parts:
        if target <= p.length:
            return p.interpolate(target)
        target -= p.length
    return parts[-1].interpolate(parts[-1].length)


def buurt_at(point: Point | None, buurt: Any) -> str | None:
    """§4: the buurt containing the point, the lowest buurtcode on a boundary, else None."""
    if point is None:
        return None
    codes = [str(row["buurtcode"]) for row in _rows(buurt) if row["geometry"].intersects(point)]
    return min(codes) if codes else None


def due_year(row: dict[str, Any], params: Any) -> int | None:
    """§2: vervangingsjaar, else aanlegjaar + lifetime of the material, else unknown."""
    if row["vervangingsjaar"] is not None:
        return int(row["vervangingsjaar"])
    if row["aanlegjaar"] is None:
        return None
    mat = row["materiaal"]
    life = params.levensduur.get(mat, params.levensduur_overig) if mat is not None else (
        params.levensduur_overig)
    return int(row["aanlegjaar"]) + int(life)


@dataclass
class Section:
    sectie_id: str
    warmtenet_id: str
    geometry: LineString
    start_jaar: int
    eind_jaar: int


@dataclass
class Result:
    regel: str
    kans_id: str
    geometry: BaseGeometry
    bron_ids: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)
    buurtcode: str | None = None
    lengte_m: float | None = 0.0
    actie_nodig: bool = False
    regelcode: str = ""
    oppervlak_m2: float | None = None
    straatnaam: str | None = None
    straten: str | None = None
    huisnummers: str | None = None


@dataclass
class Unit:
    """§9: one unit of a work: a heat section, a werk section, a werk polygon or a pipe."""

    uid: str
    kind: str  # "warmte" (heat section), "werk" (werk section), "riool" (pipe), "vlak" (polygon)
    feature: str  # the source feature: units of one werk feature never differ
    geometry: BaseGeometry
    partij: str | None
    soort: str
    start: int
    eind: int


# Which unit of a pair is `a` (§9): the heat section, else the werk section, else the pipe.
KIND_ORDER = {"warmte": 0, "werk": 1, "riool": 2, "vlak": 3}
# The layer a unit comes from, which names it in a pair: ids are unique within a layer only.
UNIT_LAYER = {"warmte": "warmtenet", "werk": "werk", "riool": "riolering", "vlak": "werk"}


def _rows(gdf: Any) -> list[dict[str, Any]]:
    out = []
    for _, row in gdf.iterrows():
        d = {k: _val(row[k]) for k in gdf.columns if k != "geometry"}
        d["geometry"] = row.geometry
        out.append(d)
    return out


def make_sections(warmtenet: Any, params: Any) -> list[Section]:
    """§2 Heat works (gepland / in_uitvoering) cut into equal sections of at most sectie_m."""
    sections: list[Section] = []
    for w in _rows(warmtenet):
        if w["status"] not in ("gepland", "in_uitvoering"):
            continue
        start = int(w["start_jaar"])
        eind = int(w["eind_jaar"]) if w["eind_jaar"] is not None else start
        for n_id, piece in enumerate(cut_line(w["geometry"], params.sectie_m)):
            sections.append(Section(f"{w['id']}#{n_id}", str(w["id"]), piece, start, eind))
    return sections


def cut_line(geom: BaseGeometry, sectie_m: float) -> list[LineString]:
    """§2: a (Multi)LineString cut part by part into equal pieces of at most sectie_m."""
    parts = list(geom.geoms) if isinstance(geom, MultiLineString) else [geom]
    pieces: list[LineString] = []
    for part in parts:
        length = part.length
        if length <= 0:
            continue
        count = max(1, math.ceil(length / sectie_m - EPS))
        step = length / count
        for i in range(count):
            pieces.append(substring(part, i * step, (i + 1) * step if i < count - 1 else length))
    return pieces


def green_share(corridor: BaseGeometry, green_polys: list[BaseGeometry]) -> float:
    """area(corridor ∩ ⋃groen) / area(corridor), with a plain union of all green polygons."""
    if corridor.area == 0:
        return 0.0
    if not green_polys:
        return 0.0
    green = unary_union(green_polys)
    return corridor.intersection(green).area / corridor.area


def make_units(sections: list[Section], pipes: list[dict[str, Any]], werk: Any,
               params: Any) -> list[Unit]:
    """§9: heat sections, werk sections and polygons (status in werk_status, with a start
    year), and pipes with a known due year."""
    units = [Unit(s.sectie_id, "warmte", "warmtenet:" + s.warmtenet_id, s.geometry, None,
                  "warmtenet", s.start_jaar, s.eind_jaar) for s in sections]
    for w in _rows(werk) if werk is not None else []:
        geom = w["geometry"]
        if w["status"] not in params.werk_status or w["start_jaar"] is None:
            continue
        if geom is None or geom.is_empty:
            continue
        start = int(w["start_jaar"])
        eind = int(w["eind_jaar"]) if w["eind_jaar"] is not None else start
        feature = "werk:" + str(w["id"])
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            units.append(Unit(str(w["id"]), "vlak", feature, geom, w["partij"], w["soort"],
                              start, eind))
            continue
        for n_id, piece in enumerate(cut_line(geom, params.sectie_m)):
            units.append(Unit(f"{w['id']}#{n_id}", "werk", feature, piece, w["partij"],
                              w["soort"], start, eind))
    for r in pipes:
        if r["due"] is not None:
            units.append(Unit(str(r["id"]), "riool", "riolering:" + str(r["id"]),
                              r["geometry"], None, "riolering", r["due"], r["due"]))
    return units


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """Polygonal parts of a geometry (drops lines and points of a degenerate intersection)."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if hasattr(geom, "geoms"):
        out: list[Polygon] = []
        for g in geom.geoms:
            out.extend(polygon_parts(g))
        return out
    return []


def _as_lines(parts: list[LineString]) -> BaseGeometry:
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def pair_results(units: list[Unit], params: Any,
                 peiljaar: int) -> tuple[list[Result], list[dict[str, Any]]]:
    """§9 R5 werk_met_werk and R5b dubbel_open over every pair of units; also every pair
    that meets and differs with a gap up to graafrust_jaar + 1 (for the generator tests)."""
    results: list[Result] = []
    meetings: list[dict[str, Any]] = []
    for i, u in enumerate(units):
        for v in units[i + 1:]:
            if u.feature == v.feature or (u.partij, u.soort) == (v.partij, v.soort):
                continue  # they do not differ
            gap = max(0, v.start - u.eind, u.start - v.eind)
            # One year past graafrust_jaar is still measured, only to show that the generator
            # puts pairs there; such pairs give no result.
            if gap > params.graafrust_jaar + 1:
                continue
            heat_pipe = {u.kind, v.kind} == {"warmte", "riool"}
            if gap <= params.marge_jaar and heat_pipe:
                continue  # R1 covers those
            a, b = sorted((u, v), key=lambda x: (KIND_ORDER[x.kind], x.uid))
            if a.geometry.distance(b.geometry) > params.afstand_m + EPS:
                continue
            if a.kind == "vlak":  # two polygons
                shared_area = a.geometry.intersection(b.geometry)
                if shared_area.area < params.min_oppervlak_m2 - EPS:
                    continue
                parts_p = polygon_parts(shared_area)
                geom: BaseGeometry = parts_p[0] if len(parts_p) == 1 else MultiPolygon(parts_p)
            else:
                shared = a.geometry.intersection(_buffer(b.geometry, params.afstand_m))
                if shared.length < params.min_lengte_m - EPS:
                    continue
                geom = _as_lines([p for p in line_parts(shared) if p.length > 0])
            meetings.append({"a": a.uid, "b": b.uid, "gap": gap, "kinds": (a.kind, b.kind)})
            if gap > params.graafrust_jaar:
                continue
            if gap <= params.marge_jaar:
                regel, code = "werk_met_werk", "R5"
            else:
                regel, code = "dubbel_open", "R5b"
            # Each unit named '<layer>:<id>': ids are unique within a layer only.
            name_a, name_b = (f"{UNIT_LAYER[u.kind]}:{u.uid}" for u in (a, b))
            ids = [name_a, name_b]
            res = Result(
                regel, _kans_id(regel, ids), geom, sorted(ids),
                {"eenheid_a": name_a, "partij_a": a.partij, "soort_a": a.soort,
                 "start_a": a.start, "eind_a": a.eind,
                 "eenheid_b": name_b, "partij_b": b.partij, "soort_b": b.soort,
                 "start_b": b.start, "eind_b": b.eind, "gap_jaar": gap},
                actie_nodig=min(a.start, b.start) <= peiljaar + params.signaal_jaren,
                regelcode=code)
            if a.kind == "vlak":
                res.lengte_m = None
                res.oppervlak_m2 = geom.area
            results.append(res)
    return results, meetings


def street_names(geom: BaseGeometry, polygon: bool, streets: list[dict[str, Any]],
                 params: Any) -> tuple[str | None, str | None, str | None]:
    """§7: straatnaam, straten and huisnummers of one result."""
    reach = params.straat_afstand_m
    zone = _buffer(geom, reach)
    per_name: dict[str, float] = {}
    segments: dict[str, list[dict[str, Any]]] = {}
    for st in streets:
        name = st["straatnaam"]
        if name is None or str(name).strip() == "":
            continue
        if st["geometry"].distance(geom) > reach + EPS:
            continue
        shared = st["geometry"].intersection(zone).length
        if shared <= 0:
            continue
        per_name[name] = per_name.get(name, 0.0) + shared
        segments.setdefault(name, []).append(st)
    if not per_name:
        return None, None, None
    order = sorted(per_name, key=lambda n: (-per_name[n], n))
    straatnaam = order[0]
    if polygon:
        straten: str | None = straatnaam
    else:
        length = geom.length
        keep = [n for n in order if per_name[n] >= params.straten_aandeel * length - EPS]
        straten = ", ".join(keep) if keep else None
    numbers = [int(st[k]) for st in segments[straatnaam]
               for k in ("huisnummer_van", "huisnummer_tot")
               if st[k] is not None and int(st[k]) != 0]
    if not numbers:
        huisnummers = None
    elif min(numbers) == max(numbers):
        huisnummers = str(min(numbers))
    else:
        huisnummers = f"{min(numbers)}\u2013{max(numbers)}"
    return straatnaam, straten, huisnummers


TOLERANCE_M = 0.5
RULE_LAYER = {"vergroenen": "groen", "boomconflict": "boom", "leefbaarheid": "leefbaarometer",
              "afkoppelen": "groen"}
NB_METRIC = {"vergroenen": "nb_r2_m", "boomconflict": "nb_r2b_m", "leefbaarheid": "nb_r3_m",
             "afkoppelen": "nb_r4_m"}


def reference(*, buurt: Any, warmtenet: Any, riolering: Any, groen: Any, boom: Any,
              leefbaarometer: Any, dekking: dict[str, Any] | None, params: Any,
              peiljaar: int, straat: Any = None, werk: Any = None) -> dict[str, Any]:
    """All results, keyed by (regel, kans_id), the sections, the buurt scores, per rule what
    was judged and not (§8), and the pairs of units that meet and differ (§9)."""
    P = peiljaar
    layer_has_rows = {
        "groen": any(not g.is_empty for g in groen.geometry if g is not None),
        "boom": any(not g.is_empty for g in boom.geometry if g is not None),
        "leefbaarometer": any(not g.is_empty for g in leefbaarometer.geometry if g is not None),
    }
    beoordeling: dict[str, dict[str, Any]] = {
        regel: {"beoordeeld": 0, "niet_beoordeeld": 0,
                "per_reden": {"laag leeg": 0, "buiten dekking": 0}, "units": []}
        for regel in RULE_LAYER
    }

    def may_judge(regel: str, unit: BaseGeometry) -> bool:
        """§8: True when `regel` may judge this unit; otherwise count it with the reason."""
        laag = RULE_LAYER[regel]
        record = beoordeling[regel]
        area = (dekking or {}).get(laag)
        if not layer_has_rows[laag]:
            reason: str | None = "laag leeg"
        elif area is None or area.is_empty:
            reason = "buiten dekking"
        else:
            zone = area.buffer(TOLERANCE_M, quad_segs=QUAD_SEGS)
            reason = None if unit.difference(zone).length <= EPS else "buiten dekking"
        if reason is None:
            record["beoordeeld"] += 1
            return True
        record["niet_beoordeeld"] += 1
        record["per_reden"][reason] += 1
        record["units"].append(unit)
        return False
    sections = make_sections(warmtenet, params)
    pipes = _rows(riolering)
    for p in pipes:
        p["due"] = due_year(p, params)
    green_polys = [g["geometry"] for g in _rows(groen)]
    trees = _rows(boom)
    cells_all = _rows(leefbaarometer)
    latest = max((int(c["jaar"]) for c in cells_all), default=None)
    cells = [c for c in cells_all if latest is not None and int(c["jaar"]) == latest]
    low_cells = [c for c in cells if int(c["klasse"]) <= params.klasse_max]
    low_union = unary_union([c["geometry"] for c in low_cells]) if low_cells else None
    buurten = _rows(buurt)

    results: list[Result] = []

    # R1 werk_met_werk
    for s in sections:
        for r in pipes:
            due = r["due"]
            if due is None:
                continue
            dist = s.geometry.distance(r["geometry"])
            if dist > params.afstand_m + EPS:
                continue
            if not (s.start_jaar - params.marge_jaar <= due <= s.eind_jaar + params.marge_jaar):
                continue
            shared = s.geometry.intersection(_buffer(r["geometry"], params.afstand_m))
            shared_len = shared.length
            if shared_len < params.min_lengte_m - EPS:
                continue
            ids = [s.sectie_id, str(r["id"])]
            results.append(Result(
                "werk_met_werk", _kans_id("werk_met_werk", ids), shared, sorted(ids),
                {"gedeelde_lengte_m": shared_len, "start_jaar": s.start_jaar,
                 "eind_jaar": s.eind_jaar, "riool_due_jaar": due,
                 "jaarverschil": due - s.start_jaar, "materiaal": r["materiaal"],
                 "stelseltype": r["stelseltype"], "afstand_m": dist,
                 "sectie_id": s.sectie_id, "riool_id": str(r["id"])},
                actie_nodig=min(s.start_jaar, due) <= P + params.signaal_jaren))

    # R2 vergroenen
    for s in sections:
        if not may_judge("vergroenen", s.geometry):
            continue
        corridor = _buffer(s.geometry, params.groen_buffer_m)
        share = green_share(corridor, green_polys)
        if share < params.groen_drempel - EPS:
            ids = [s.sectie_id]
            results.append(Result(
                "vergroenen", _kans_id("vergroenen", ids), s.geometry, ids,
                {"groen_aandeel": share, "start_jaar": s.start_jaar, "eind_jaar": s.eind_jaar,
                 "sectie_id": s.sectie_id},
                actie_nodig=s.start_jaar <= P + params.signaal_jaren))

    # R2b boomconflict
    for s in sections:
        if not may_judge("boomconflict", s.geometry):
            continue
        near = [t for t in trees
                if t["geometry"].distance(s.geometry) <= params.boom_afstand_m + EPS]
        if near:
            ids = [s.sectie_id]
            results.append(Result(
                "boomconflict", _kans_id("boomconflict", ids), s.geometry, ids,
                {"aantal_bomen": len(near), "start_jaar": s.start_jaar,
                 "eind_jaar": s.eind_jaar, "sectie_id": s.sectie_id,
                 "boom_ids": sorted(str(t["id"]) for t in near)},
                actie_nodig=s.start_jaar <= P + params.signaal_jaren))

    # R3 leefbaarheid
    for s in sections:
        if not may_judge("leefbaarheid", s.geometry):
            continue
        if low_union is None:
            continue
        low_len = s.geometry.intersection(low_union).length
        if low_len < params.laag_aandeel_min * s.geometry.length - EPS:
            continue
        touched = [c for c in cells if c["geometry"].intersects(s.geometry)]
        laagste = min(int(c["klasse"]) for c in touched)
        weights = []
        for c in low_cells:
            w = s.geometry.intersection(c["geometry"]).length
            if w > 0:
                weights.append((w, c))
        total_w = sum(w for w, _ in weights)
        means = {}
        for d in DIMS:
            means[d] = sum(w * float(c[d]) for w, c in weights) / total_w
        zwakste = min(DIMS, key=lambda d: means[d])  # first dimension on a tie
        ids = [s.sectie_id]
        results.append(Result(
            "leefbaarheid", _kans_id("leefbaarheid", ids), s.geometry, ids,
            {"laagste_klasse": laagste, "zwakste_dimensie": zwakste,
             "start_jaar": s.start_jaar, "eind_jaar": s.eind_jaar, "sectie_id": s.sectie_id,
             "dim_means": means},
            actie_nodig=s.start_jaar <= P + params.signaal_jaren))

    # R4 afkoppelen
    for r in pipes:
        due = r["due"]
        if due is None or r["stelseltype"] not in ("gemengd", "onbekend"):
            continue
        if not (P <= due <= P + params.horizon_jaar):
            continue
        if not may_judge("afkoppelen", r["geometry"]):
            continue
        corridor = _buffer(r["geometry"], params.groen_buffer_m)
        share = green_share(corridor, green_polys)
        if share < params.groen_drempel - EPS:
            ids = [str(r["id"])]
            results.append(Result(
                "afkoppelen", _kans_id("afkoppelen", ids), r["geometry"], ids,
                {"riool_due_jaar": due, "groen_aandeel": share,
                 "stelseltype": r["stelseltype"], "materiaal": r["materiaal"],
                 "riool_id": str(r["id"])},
                actie_nodig=due <= P + params.signaal_jaren))

    v1_code = {"werk_met_werk": "R1", "vergroenen": "R2", "boomconflict": "R2b",
               "leefbaarheid": "R3", "afkoppelen": "R4"}
    for res in results:
        res.regelcode = v1_code[res.regel]

    # §9 R5 werk_met_werk and R5b dubbel_open
    units = make_units(sections, pipes, werk, params)
    pair_res, meetings = pair_results(units, params, P)
    results.extend(pair_res)

    # §4 per result
    def buurt_of(point: Point | None) -> str | None:
        return buurt_at(point, buurt)

    for res in results:
        if res.oppervlak_m2 is not None:  # a polygon result (§9)
            res.buurtcode = buurt_of(res.geometry.point_on_surface())
        else:
            res.buurtcode = buurt_of(halfway_point(res.geometry))
            res.lengte_m = res.geometry.length

    # §7 streets
    streets = _rows(straat) if straat is not None else []
    for res in results:
        res.straatnaam, res.straten, res.huisnummers = street_names(
            res.geometry, res.oppervlak_m2 is not None, streets, params)

    # §5 buurt ranking
    # m_r5: R5's line results only; it weighs in the score only with a werk layer loaded.
    rule_of = {"m_r1": "R1", "m_r2": "R2", "m_r3": "R3", "m_r4": "R4", "m_r5": "R5"}
    werk_loaded = werk is not None and len(werk) > 0
    scored = [m for m in rule_of if m != "m_r5" or werk_loaded]
    scores: dict[str, dict[str, Any]] = {}
    for b in buurten:
        bgeom = b["geometry"]
        row: dict[str, Any] = {"buurtcode": b["buurtcode"]}
        for metric, code in rule_of.items():
            clipped = [res.geometry.intersection(bgeom) for res in results
                       if res.regelcode == code and res.oppervlak_m2 is None]
            row[metric] = unary_union(clipped).length if clipped else 0.0
        row["n_knelpunt"] = sum(1 for res in results
                                if res.regel == "boomconflict" and res.buurtcode == b["buurtcode"])
        row["laag_aandeel"] = (bgeom.intersection(low_union).area / bgeom.area
                               if low_union is not None and bgeom.area > 0 else 0.0)
        row["riool_onbekend"] = sum(
            1 for p in pipes
            if p["due"] is None and buurt_of(halfway_point(p["geometry"])) == b["buurtcode"])
        row["n_kansen"] = sum(1 for res in results if res.buurtcode == b["buurtcode"])
        for regel, metric in NB_METRIC.items():
            clipped = [u.intersection(bgeom) for u in beoordeling[regel]["units"]]
            row[metric] = unary_union(clipped).length if clipped else 0.0
        scores[b["buurtcode"]] = row
    # §10: maxima and rang within each gemeente; buurten without a gemeentecode (missing or
    # blank) form one group together.
    def gemeente_of(b: dict[str, Any]) -> str | None:
        code = b.get("gemeentecode")
        if code is None or str(code).strip() == "":
            return None
        return str(code).strip()

    for b in buurten:
        scores[b["buurtcode"]]["gemeente"] = gemeente_of(b)
    weights = params.gewichten
    wsum = sum(weights.get(m, 0.0) for m in scored)
    for gemeente in {row["gemeente"] for row in scores.values()}:
        group = [row for row in scores.values() if row["gemeente"] == gemeente]
        maxima = {m: max(row[m] for row in group) for m in scored}
        for row in group:
            acc = 0.0
            for m in scored:
                if maxima[m] > 0:
                    acc += weights.get(m, 0.0) * row[m] / maxima[m]
            row["score"] = 100.0 * acc / wsum if wsum > 0 else 0.0
        order = sorted(group, key=lambda r: (-r["score"], r["buurtcode"]))
        for i, row in enumerate(order, start=1):
            row["rang"] = i

    return {
        "results": {(res.regel, res.kans_id): res for res in results},
        "sections": sections,
        "scores": scores,
        "beoordeling": beoordeling,
        "meetings": meetings,
    }
