"""geo.analysis.analyse against a naive reference implementation of RULES.md §2–§5 and §8.

The reference (tests/geo/reference.py) was written from the spec text alone, with plain loops
over all pairs. Both run on small random municipalities (seeded numpy) with default and with
non-default RuleParams; results, attributes, sections and buurt scores must agree. Each town
gets random dekking polygons (§8): absent, everywhere, or a few boxes whose edges lie within
±0.8 m of the street grid (so the 0.5 m tolerance decides), sometimes rotated; what each rule
judged and not judged, and niet_beoordeeld_m per buurt, must agree as well. Most towns are
split over several gemeenten, with buurten without a gemeentecode (null or blank) among them,
so that the ranking per gemeente (§10) is compared too.

Most towns (town(seed)) also get a werk layer (§9) and a straat layer (§7), each from its own
generator so the other layers stay as municipality(seed) makes them; towns with seed % 6 == 0
(and a few others) have neither and must behave as in version 1 (R5b aside). Every column of
the result table and of the buurt scores is compared, except the text columns toelichting
(non-empty, and starting with the street name when there is one) and niet_beoordeeld, and the
columns the spec leaves open for R5/R5b (warmtenet_id, sectie_id, riool_id, start_jaar,
eind_jaar, jaar, riool_due_jaar, jaarverschil, afstand_m, gedeelde_lengte_m, materiaal,
stelseltype).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from shapely import LineString, MultiLineString, MultiPolygon, Point, box
from shapely.affinity import rotate

from geo.analysis import analyse
from geo.params import RuleParams
from tests.geo.builders import buurt_row, empty, layer, overal, pijp, werk
from tests.geo.reference import _val as _none
from tests.geo.reference import due_year, reference

P = 2026
SIZE = 800.0  # buurten tile [0, SIZE]²; features spill a little outside
MATERIALS = ["beton", "gewapend beton", "gres", "pvc", "pe", "gietijzer", "metselwerk",
             "asbestcement", None]
STELSELS = ["gemengd", "vuilwater", "hemelwater", "overig", "onbekend"]
REL = 1e-6


def _street_line(rng: np.random.Generator, n_vertices: int) -> list[tuple[float, float]]:
    """A polyline that mostly follows a 100 m street grid, with the odd diagonal."""
    # Half of the lines lie exactly on the grid, which is also where some buurt borders run.
    jitter = 0.0 if rng.random() < 0.5 else 3.0
    x = float(rng.integers(0, 9)) * 100 + float(rng.uniform(-jitter, jitter))
    y = float(rng.integers(0, 9)) * 100 + float(rng.uniform(-jitter, jitter))
    lo, hi = (-60.0, SIZE + 60) if rng.random() < 0.15 else (0.0, SIZE)
    pts = [(x, y)]
    for _ in range(n_vertices - 1):
        step = float(rng.uniform(40, 260))
        kind = rng.integers(0, 5)
        if kind == 0:
            x += step
        elif kind == 1:
            x -= step
        elif kind == 2:
            y += step
        elif kind == 3:
            y -= step
        else:
            x += step * 0.7
            y += step * float(rng.choice([-0.7, 0.7]))
        x = float(np.clip(x, lo, hi))
        y = float(np.clip(y, lo, hi))
        if (x, y) != pts[-1]:
            pts.append((x, y))
    if len(pts) < 2:
        pts.append((pts[0][0] + 37.0, pts[0][1] + 11.0))
    return pts


def _offset_piece(rng: np.random.Generator, line: LineString) -> LineString:
    """A pipe along part of a heat line, shifted sideways by 0–14 m."""
    a = float(rng.uniform(0, line.length))
    b = min(line.length, a + float(rng.uniform(15, 160)))
    pa, pb = line.interpolate(a), line.interpolate(b)
    if pa.distance(pb) < 1:
        pb = Point(pa.x + 30, pa.y + 5)
    dx, dy = float(rng.uniform(-14, 14)), float(rng.uniform(-14, 14))
    return LineString([(pa.x + dx, pa.y + dy), (pb.x + dx, pb.y + dy)])


def _assign_gemeenten(seed: int, buurt_rows: list[dict[str, Any]]) -> None:
    """RULES.md §10: one gemeente in some towns; in others several, and buurten without one.

    Its own generator, so the rest of the town is the same as with a single gemeente.
    """
    rng = np.random.default_rng(20_000 + seed)
    if rng.random() < 0.3:
        return  # every buurt in GM0001, as buurt_row gives
    # More, smaller buurten: each split into a western and an eastern half.
    halves = []
    for row in buurt_rows:
        x0, y0, x1, y1 = row["geometry"].bounds
        xm = (x0 + x1) / 2
        code = row["buurtcode"]
        halves.append({**row, "geometry": row["geometry"].intersection(box(x0, y0, xm, y1))})
        halves.append({**row, "buurtcode": f"BU9{code[3:]}",
                       "geometry": row["geometry"].intersection(box(xm, y0, x1, y1))})
    buurt_rows[:] = halves
    for row in buurt_rows:
        row["gemeentecode"] = [" GM0001", "GM0001", "GM0002", "GM0002", None, ""][
            int(rng.integers(0, 6))]


def municipality(seed: int) -> dict[str, Any]:
    """A random small town: canonical layers as geo.analysis.analyse expects them."""
    rng = np.random.default_rng(seed)

    # buurten: a k×m tiling of the square; cut lines random or on a street of the 100 m grid
    # (so that sections run along buurt borders and midpoints fall on them).
    def cuts(n: int) -> list[float]:
        inner = [float(rng.integers(1, int(SIZE // 100))) * 100 if rng.random() < 0.5
                 else float(rng.uniform(100, SIZE - 100)) for _ in range(n - 1)]
        return [0.0, *sorted(set(inner)), SIZE]

    xs, ys = cuts(int(rng.integers(1, 4))), cuts(int(rng.integers(1, 3)))
    tiles = [box(xs[i], ys[j], xs[i + 1], ys[j + 1])
             for i in range(len(xs) - 1) for j in range(len(ys) - 1)]
    codes = [f"BU{int(c):08d}" for c in rng.choice(10**6, size=len(tiles), replace=False)]
    buurt_rows = [buurt_row(code, tile) for code, tile in zip(codes, tiles, strict=True)]
    if len(xs) == 3 and len(ys) == 3:
        # Tiles 0 and 3 touch only at a corner: one MultiPolygon buurt.
        buurt_rows[0]["geometry"] = MultiPolygon([tiles[0], tiles[3]])
        del buurt_rows[3]
    elif len(buurt_rows) >= 2 and rng.random() < 0.5:
        # Merge two neighbouring tiles into one buurt.
        buurt_rows[-2]["geometry"] = tiles[-2].union(tiles[-1])
        buurt_rows.pop()

    _assign_gemeenten(seed, buurt_rows)

    # warmtenet
    heat_rows = []
    heat_lines: list[LineString] = []
    for i in range(int(rng.integers(3, 8))):
        status = str(rng.choice(["bestaand", "gepland", "gepland", "in_uitvoering"]))
        start = int(rng.integers(2022, 2040))
        eind = None if rng.random() < 0.3 else start + int(rng.integers(0, 4))
        if rng.random() < 0.3:
            parts = [LineString(_street_line(rng, int(rng.integers(2, 4)))) for _ in range(2)]
            geom: Any = MultiLineString(parts)
            heat_lines.extend(parts)
        else:
            geom = LineString(_street_line(rng, int(rng.integers(2, 6))))
            heat_lines.append(geom)
        heat_rows.append({"id": f"WN{i}", "naam": f"Tracé {i}", "status": status,
                          "start_jaar": start, "eind_jaar": eind, "geometry": geom})

    # riolering
    pipe_rows = []
    for i in range(int(rng.integers(50, 201))):
        if rng.random() < 0.6:
            geom = _offset_piece(rng, heat_lines[int(rng.integers(0, len(heat_lines)))])
        else:
            geom = LineString(_street_line(rng, 2))
        u = rng.random()
        aanleg = None if u < 0.1 else int(rng.integers(1900, 1990))
        vervanging = int(rng.integers(2020, 2045)) if rng.random() < 0.3 else None
        pipe_rows.append({
            "id": f"R{i:03d}", "stelseltype": str(rng.choice(STELSELS)),
            "materiaal": MATERIALS[int(rng.integers(0, len(MATERIALS)))],
            "diameter_mm": 300, "aanlegjaar": aanleg, "vervangingsjaar": vervanging,
            "geometry": geom,
        })

    # groen
    groen_rows = []
    for i in range(int(rng.integers(3, 15))):
        cx, cy = rng.uniform(-20, SIZE + 20, 2)
        w, h = rng.uniform(5, 80, 2)
        poly = rotate(box(cx, cy, cx + w, cy + h), float(rng.uniform(0, 90)), origin="centroid")
        if rng.random() < 0.2:
            poly = MultiPolygon([poly, box(cx + 100, cy, cx + 120, cy + 20)])
        groen_rows.append({"id": f"G{i}", "type": "park", "geometry": poly})

    # boom: partly near heat lines
    boom_rows = []
    for i in range(int(rng.integers(20, 120))):
        if rng.random() < 0.5:
            line = heat_lines[int(rng.integers(0, len(heat_lines)))]
            p = line.interpolate(float(rng.uniform(0, line.length)))
            pt = Point(p.x + float(rng.uniform(-8, 8)), p.y + float(rng.uniform(-8, 8)))
        else:
            pt = Point(*rng.uniform(-20, SIZE + 20, 2))
        boom_rows.append({"id": f"T{i}", "soort": None, "geometry": pt})

    # leefbaarometer: 100 m grid, two years; klasse spatially smooth-ish
    lbm_rows = []
    for jaar in (2020, 2022):
        base = rng.integers(1, 10)
        for gx in range(-1, int(SIZE // 100) + 1):
            for gy in range(-1, int(SIZE // 100) + 1):
                if rng.random() < 0.1:
                    continue  # missing cell
                klasse = int(np.clip(base + rng.integers(-4, 5), 1, 9))
                dims = {d: float(np.round(rng.normal(0, 0.1), 3))
                        for d in ("fys", "onv", "soc", "vrz", "won")}
                lbm_rows.append({"grid_id": f"{gx}_{gy}", "jaar": jaar, "lbm": 4.0, "afw": 0.0,
                                 "klasse": klasse, **dims,
                                 "geometry": box(gx * 100, gy * 100, gx * 100 + 100,
                                                 gy * 100 + 100)})

    return {
        "buurt": layer("buurt", buurt_rows),
        "warmtenet": layer("warmtenet", heat_rows),
        "riolering": layer("riolering", pipe_rows),
        "groen": layer("groen", groen_rows),
        "boom": layer("boom", boom_rows),
        "leefbaarometer": layer("leefbaarometer", lbm_rows),
    }


PARTIJEN = ["Gemeente Proefstad", "Liander", "Vitens", "Waterschap Vallei", "KPN", None]
SOORTEN = ["weg", "water", "elektriciteit", "gas", "telecom", "groen", "klimaatadaptatie",
           "woningen", "overig"]
STATUSSEN = ["gepland"] * 4 + ["in_uitvoering"] * 2 + ["idee", "afgerond"]
STRAATNAMEN = ["Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsweg", "Beukenlaan",
               "Schoolstraat", "Nieuwstraat", "Julianastraat", "Parallelweg", "Achterom", "Brink"]
Segment = tuple[tuple[float, float], tuple[float, float]]


def _segments(geom: Any, min_len: float = 20.0) -> list[Segment]:
    """The straight pieces (between consecutive vertices) of a (Multi)LineString."""
    parts = list(geom.geoms) if isinstance(geom, MultiLineString) else [geom]
    out: list[Segment] = []
    for part in parts:
        cs = [(float(x), float(y)) for x, y in part.coords]
        out.extend((cs[i], cs[i + 1]) for i in range(len(cs) - 1)
                   if math.dist(cs[i], cs[i + 1]) >= min_len)
    return out


def _parallel(seg: Segment, a: float, b: float, offset: float) -> LineString:
    """The piece [a, b] (metres from its start) of a straight segment, shifted sideways."""
    (x0, y0), (x1, y1) = seg
    length = math.dist(seg[0], seg[1])
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    nx, ny = -uy * offset, ux * offset
    return LineString([(x0 + ux * a + nx, y0 + uy * a + ny), (x0 + ux * b + nx, y0 + uy * b + ny)])


def _piece_near(rng: np.random.Generator, geom: Any, offset: float) -> LineString | None:
    """A 15–150 m line beside a straight piece of `geom`, `offset` metres to one side."""
    segs = _segments(geom)
    if not segs:
        return None
    seg = segs[int(rng.integers(0, len(segs)))]
    length = math.dist(seg[0], seg[1])
    a = float(rng.uniform(0, max(0.0, length - 15)))
    b = min(length, a + float(rng.uniform(15, 150)))
    return _parallel(seg, a, b, offset * float(rng.choice([-1.0, 1.0])))


def random_werk(seed: int, layers: dict[str, Any]) -> Any:
    """RULES.md §9: works of several parties around the town of `seed` (its own generator, so
    the other layers stay as they are), or None for a town without a werk layer.

    Works lie beside heat lines, pipes and each other at distances just inside and outside
    afstand_m, with windows whose gap to that neighbour is 0, 1, marge_jaar, marge_jaar + 1,
    graafrust_jaar or graafrust_jaar + 1 (defaults); pairs of polygons overlap by 98, 102 or
    200 m²; some works are ideas or finished, some lack an end year or a start year.
    """
    rng = np.random.default_rng(30_000 + seed)
    if seed % 6 == 0 or rng.random() < 0.1:
        return None
    d = RuleParams()
    gaps = [0, 1, d.marge_jaar, d.marge_jaar + 1, d.graafrust_jaar, d.graafrust_jaar + 1]
    heat = [(row.geometry, int(row["start_jaar"]),
             int(row["start_jaar"] if _none(row["eind_jaar"]) is None else row["eind_jaar"]))
            for _, row in layers["warmtenet"].iterrows()
            if row["status"] in ("gepland", "in_uitvoering")]
    pipes = []
    for _, row in layers["riolering"].iterrows():
        due = due_year({k: _none(row[k]) for k in ("vervangingsjaar", "aanlegjaar", "materiaal")},
                       d)
        if due is not None:
            pipes.append((row.geometry, due, due))
    rows: list[dict[str, Any]] = []

    def window(s2: int, e2: int) -> tuple[int, int]:
        gap = int(rng.choice(gaps)) if rng.random() < 0.8 else int(rng.integers(0, 16))
        dur = int(rng.integers(0, 3))
        if rng.random() < 0.5:
            return e2 + gap, e2 + gap + dur
        return s2 - gap - dur, s2 - gap

    def add(geom: Any, soort: str, partij: str | None, start: int, eind: int) -> dict[str, Any]:
        u = rng.random()
        row = {"id": f"K{len(rows):02d}", "naam": f"Project {len(rows)}", "partij": partij,
               "soort": soort, "status": str(rng.choice(STATUSSEN)),
               "start_jaar": None if u < 0.04 else start,
               "eind_jaar": None if eind == start and u < 0.5 else eind, "geometry": geom}
        rows.append(row)
        return row

    def offset() -> float:
        return float(rng.choice([0.0, 2.5, 9.7, 10.3, float(rng.uniform(0, 14))]))

    for _ in range(int(rng.integers(8, 20))):
        kind = rng.random()
        if kind < 0.6:
            # Beside a heat line, a pipe or an earlier line work.
            lines = [(w["geometry"], w["start_jaar"], w["eind_jaar"] or w["start_jaar"])
                     for w in rows if w["start_jaar"] is not None
                     and w["geometry"].geom_type in ("LineString", "MultiLineString")]
            pick = rng.random()
            if pick < 0.45 and heat:
                geom, s2, e2 = heat[int(rng.integers(0, len(heat)))]
                soort = "warmtenet" if rng.random() < 0.35 else str(rng.choice(SOORTEN))
            elif pick < 0.85 and pipes:
                geom, s2, e2 = pipes[int(rng.integers(0, len(pipes)))]
                soort = "riolering" if rng.random() < 0.45 else str(rng.choice(SOORTEN))
            elif lines:
                geom, s2, e2 = lines[int(rng.integers(0, len(lines)))]
                soort = str(rng.choice(SOORTEN))
            else:
                continue
            line = _piece_near(rng, geom, offset())
            if line is None:
                continue
            # Heat and sewer works of the gemeente itself (partij null) do not differ.
            partij = (None if soort in ("warmtenet", "riolering") and rng.random() < 0.5
                      else PARTIJEN[int(rng.integers(0, len(PARTIJEN)))])
            u = rng.random()
            shape: Any = line
            if u < 0.2:
                shape = line.buffer(float(rng.uniform(3, 8)), cap_style="flat")
            elif u < 0.35:
                shape = MultiLineString([line, LineString(_street_line(rng, 2))])
            add(shape, soort, partij, *window(s2, e2))
        elif kind < 0.85:
            # Two rectangles whose corners overlap by 10 m × 9.8, 10.2 or 20 m.
            if heat and rng.random() < 0.5:
                g = heat[int(rng.integers(0, len(heat)))][0]
                p = g.interpolate(float(rng.uniform(0, g.length)))
                x, y = p.x - 20, p.y - 15
            else:
                x, y = (float(v) for v in rng.uniform(0, SIZE - 100, 2))
            w1, h1 = float(rng.uniform(20, 50)), float(rng.uniform(20, 50))
            first: Any = box(x, y, x + w1, y + h1)
            if rng.random() < 0.2:
                first = MultiPolygon([first, box(x - 200, y, x - 180, y + 20)])
            oy = float(rng.choice([9.8, 10.2, 20.0]))
            second = box(x + w1 - 10, y + h1 - oy, x + w1 - 10 + float(rng.uniform(20, 40)),
                         y + h1 - oy + float(rng.uniform(25, 40)))
            soort_a = str(rng.choice(SOORTEN))
            partij_a = PARTIJEN[int(rng.integers(0, len(PARTIJEN)))]
            start = int(rng.integers(2024, 2040))
            a_row = add(first, soort_a, partij_a, start, start + int(rng.integers(0, 3)))
            u = rng.random()  # sometimes the same party and soort: no result
            soort_b = soort_a if u < 0.3 else str(rng.choice(SOORTEN))
            partij_b = partij_a if u < 0.15 or 0.3 <= u < 0.5 else PARTIJEN[
                int(rng.integers(0, len(PARTIJEN)))]
            add(second, soort_b, partij_b,
                *window(a_row["start_jaar"] or start, a_row["eind_jaar"] or start))
        else:
            start = int(rng.integers(2022, 2042))
            add(LineString(_street_line(rng, int(rng.integers(2, 4)))), str(rng.choice(SOORTEN)),
                PARTIJEN[int(rng.integers(0, len(PARTIJEN)))], start,
                start + int(rng.integers(0, 4)))
    return layer("werk", rows)


def _huisnummers(rng: np.random.Generator) -> tuple[int | None, int | None]:
    u = rng.random()
    n = int(rng.integers(1, 200))
    if u < 0.15:
        return None, None
    if u < 0.25:
        return 0, 0
    if u < 0.35:
        return n, n
    if u < 0.45:
        return n, None
    return n, n + 2 * int(rng.integers(1, 40))


def random_straat(seed: int, layers: dict[str, Any]) -> Any:
    """RULES.md §7: named street segments along and across the heat lines and some pipes of
    the town of `seed` (its own generator), or None for a town without a straat layer.

    A street runs 0–20 m beside a straight piece of a line (so some are out of reach), cut into
    one to three segments that mostly share a name; some pieces get no street; a few segments
    are unnamed, a few lie twice under two names (a tie), a few are MultiLineStrings.
    """
    rng = np.random.default_rng(40_000 + seed)
    if seed % 6 == 0 or rng.random() < 0.1:
        return None
    lines = list(layers["warmtenet"].geometry)
    lines += [g for g in layers["riolering"].geometry if rng.random() < 0.3]
    rows: list[dict[str, Any]] = []

    def add(geom: Any, name: str | None) -> None:
        van, tot = _huisnummers(rng)
        rows.append({"id": f"S{len(rows):03d}", "straatnaam": name, "woonplaats": "Proefstad",
                     "huisnummer_van": van, "huisnummer_tot": tot, "gme_id": "0001",
                     "gme_naam": "Proefstad", "geometry": geom})

    def name() -> str | None:
        return None if rng.random() < 0.04 else STRAATNAMEN[int(rng.integers(0, len(STRAATNAMEN)))]

    for geom in lines:
        for seg in _segments(geom):
            if rng.random() < 0.3:
                continue  # no street here
            length = math.dist(seg[0], seg[1])
            offset = float(rng.uniform(0, 20)) * float(rng.choice([-1.0, 1.0]))
            cuts = sorted(float(c) for c in rng.uniform(0, length, int(rng.integers(0, 3))))
            own = name()
            for a, b in zip([0.0, *cuts], [*cuts, length], strict=True):
                if b - a < 1:
                    continue
                piece: Any = _parallel(seg, a, b, offset)
                if rng.random() < 0.05:
                    piece = MultiLineString([piece, LineString(_street_line(rng, 2))])
                add(piece, own if rng.random() < 0.7 else name())
                if rng.random() < 0.05:
                    add(piece, name())  # the same geometry under another name
            if rng.random() < 0.2:
                # A cross street through a point of the piece.
                t = float(rng.uniform(0, length))
                (x0, y0), (x1, y1) = seg
                cx, cy = x0 + (x1 - x0) * t / length, y0 + (y1 - y0) * t / length
                ux, uy = (x1 - x0) / length, (y1 - y0) / length
                add(LineString([(cx + uy * 30, cy - ux * 30), (cx - uy * 30, cy + ux * 30)]),
                    name())
    return layer("straat", rows)


def town(seed: int) -> dict[str, Any]:
    """municipality(seed) with its werk and straat layers (None where the town has none)."""
    layers = municipality(seed)
    return {**layers, "werk": random_werk(seed, layers), "straat": random_straat(seed, layers)}


def random_dekking(seed: int) -> dict[str, Any]:
    """Random dekking polygons per context layer for the town of `seed` (its own generator)."""
    rng = np.random.default_rng(10_000 + seed)
    out: dict[str, Any] = {}
    for laag in ("groen", "boom", "leefbaarometer"):
        u = rng.random()
        if u < 0.15:
            continue  # no dekking known: nothing covered
        if u < 0.35:
            out[laag] = box(-1000, -1000, SIZE + 1000, SIZE + 1000)
            continue
        pieces = []
        for _ in range(int(rng.integers(1, 4))):
            x0, y0 = (float(rng.integers(-1, 6)) * 100 + float(rng.uniform(-0.8, 0.8))
                      for _ in range(2))
            x1 = x0 + float(rng.integers(2, 7)) * 100 + float(rng.uniform(-0.8, 0.8))
            y1 = y0 + float(rng.integers(2, 7)) * 100 + float(rng.uniform(-0.8, 0.8))
            piece = box(x0, y0, x1, y1)
            if rng.random() < 0.2:
                piece = rotate(piece, float(rng.uniform(-30, 30)), origin="centroid")
            pieces.append(piece)
        area = pieces[0]
        for piece in pieces[1:]:
            area = area.union(piece)
        out[laag] = area
    return out


def _close(a: Any, b: Any, rel: float = REL, abs_: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)


V1_COLUMNS = ("gedeelde_lengte_m", "groen_aandeel", "aantal_bomen", "laagste_klasse",
              "zwakste_dimensie", "jaarverschil")
PAIR_COLUMNS = ("eenheid_a", "partij_a", "soort_a", "start_a", "eind_a", "eenheid_b", "partij_b",
                "soort_b", "start_b", "eind_b", "gap_jaar")
CATEGORIE = {"werk_met_werk": "kans", "vergroenen": "kans", "boomconflict": "knelpunt",
             "leefbaarheid": "kans", "afkoppelen": "kans", "dubbel_open": "knelpunt"}


def _same_geometry(a: Any, b: Any) -> bool:
    if a.equals_exact(b, 1e-6):
        return True
    diff = a.symmetric_difference(b)
    return bool(diff.length < 1e-6 and diff.area < 1e-6)


def _compare_result(tag: str, r: Any, g: Any) -> list[str]:
    """Every KANS column of one result of geo against the reference."""
    problems: list[str] = []
    pair = r.regelcode in ("R5", "R5b")
    expect: dict[str, Any] = {
        "regelcode": r.regelcode, "categorie": CATEGORIE[r.regel], "buurtcode": r.buurtcode,
        "straatnaam": r.straatnaam, "straten": r.straten, "huisnummers": r.huisnummers,
        "bron_ids": ",".join(r.bron_ids), "actie_nodig": r.actie_nodig,
    }
    if not pair:
        expect["warmtenet_id"] = (r.attrs["sectie_id"].rsplit("#", 1)[0]
                                  if "sectie_id" in r.attrs else None)
        expect["sectie_id"] = r.attrs.get("sectie_id")
        expect["riool_id"] = r.attrs.get("riool_id")
        expect["boom_ids"] = ",".join(r.attrs["boom_ids"]) if "boom_ids" in r.attrs else None
        for col in ("riool_due_jaar", "start_jaar", "eind_jaar", "materiaal", "stelseltype",
                    *V1_COLUMNS):
            expect[col] = r.attrs.get(col)
        # jaar: start_jaar, else the due year (R4) (geo/schema.py)
        expect["jaar"] = r.attrs.get("start_jaar", r.attrs.get("riool_due_jaar"))
        expect["afstand_m"] = r.attrs.get("afstand_m")
        expect["oppervlak_m2"] = None
        for col in PAIR_COLUMNS:
            expect[col] = None
    else:
        for col in PAIR_COLUMNS:
            expect[col] = r.attrs[col]
        expect["oppervlak_m2"] = r.oppervlak_m2
        # Columns of the rules of version 1 that a pair of works does not have.
        for col in ("groen_aandeel", "aantal_bomen", "laagste_klasse", "zwakste_dimensie",
                    "boom_ids", "koppeling"):
            expect[col] = None
    expect["lengte_m"] = r.lengte_m
    for col, want in expect.items():
        have = _none(g[col])
        if isinstance(want, float) or (isinstance(have, float) and want is not None):
            ok = _close(have, want)
        elif isinstance(want, bool):
            ok = have is not None and bool(have) == want
        elif isinstance(want, int) and have is not None:
            ok = int(have) == want
        else:
            ok = have == want
        if not ok:
            problems.append(f"{tag}: {col} ref {want!r} geo {have!r}")
    # R3 suggests a coupling; no other rule does.
    if (_none(g["koppeling"]) is not None) != (r.regel == "leefbaarheid"):
        problems.append(f"{tag}: koppeling {g['koppeling']!r}")
    # §7: every explanation names the street first.
    if r.straatnaam is not None and not str(g["toelichting"]).startswith(r.straatnaam):
        problems.append(f"{tag}: toelichting does not start with {r.straatnaam}: "
                        f"{g['toelichting']!r}")
    if not str(_none(g["toelichting"]) or "").strip():
        problems.append(f"{tag}: empty toelichting")
    if not _same_geometry(r.geometry, g.geometry):
        problems.append(f"{tag}: geometry differs")
    return problems


def compare(layers: dict[str, Any], params: RuleParams,
            dekking: dict[str, Any] | None) -> list[str]:
    """Every difference between analyse() and the reference, as readable lines."""
    got = analyse(**layers, dekking=dekking, params=params, peiljaar=P)
    ref = reference(**layers, dekking=dekking, params=params, peiljaar=P)
    problems: list[str] = []

    # §8: units judged and not judged per rule, and why
    for regel, r_b in ref["beoordeling"].items():
        g_b = got.beoordeling[regel].to_dict()
        for name in ("beoordeeld", "niet_beoordeeld", "per_reden"):
            if g_b[name] != r_b[name]:
                problems.append(f"beoordeling {regel}: {name} ref {r_b[name]} geo {g_b[name]}")

    # Sections
    ref_secs = {s.sectie_id: s for s in ref["sections"]}
    got_secs = {row["sectie_id"]: row for _, row in got.secties.iterrows()}
    if set(ref_secs) != set(got_secs):
        problems.append(f"secties: only ref {sorted(set(ref_secs) - set(got_secs))}, "
                        f"only geo {sorted(set(got_secs) - set(ref_secs))}")
    for sid in set(ref_secs) & set(got_secs):
        if not ref_secs[sid].geometry.equals_exact(got_secs[sid].geometry, 1e-6):
            problems.append(f"sectie {sid}: geometry differs")

    # Results
    ref_res: dict[tuple[str, str], Any] = ref["results"]
    got_res: dict[tuple[str, str], Any] = {
        (row["regel"], row["kans_id"]): row for _, row in got.kansen.iterrows()}
    if len(got_res) != len(got.kansen):
        problems.append(f"kansen: {len(got.kansen) - len(got_res)} duplicate (regel, kans_id)")
    for key in sorted(set(ref_res) - set(got_res)):
        r = ref_res[key]
        problems.append(f"only in reference: {key} {r.regelcode} {r.bron_ids} {r.attrs}")
    for key in sorted(set(got_res) - set(ref_res)):
        g = got_res[key]
        extra = {c: _none(g[c]) for c in ("regelcode", *PAIR_COLUMNS) if c in g.index}
        problems.append(f"only in geo: {key} {g['bron_ids']} {extra}")
    for key in sorted(set(ref_res) & set(got_res)):
        r, g = ref_res[key], got_res[key]
        problems.extend(_compare_result(f"{key[0]} {','.join(r.bron_ids)}", r, g))

    # Buurt scores
    ref_scores = ref["scores"]
    got_scores = {row["buurtcode"]: row for _, row in got.buurtscores.iterrows()}
    if set(ref_scores) != set(got_scores):
        problems.append(f"buurtscores: ref {sorted(ref_scores)} geo {sorted(got_scores)}")
    buurt_rows = {row["buurtcode"]: row for _, row in layers["buurt"].iterrows()}
    for code in sorted(set(ref_scores) & set(got_scores)):
        r, g = ref_scores[code], got_scores[code]
        for col in ("m_r1", "m_r2", "m_r3", "m_r4", "m_r5", "laag_aandeel", "score", "nb_r2_m",
                    "nb_r2b_m", "nb_r3_m", "nb_r4_m"):
            if not _close(g[col], r[col], abs_=1e-6):
                problems.append(f"buurt {code}: {col} ref {r[col]} geo {g[col]}")
        recount = {
            "n_knelpunt": sum(1 for x in ref_res.values()
                              if x.regel == "boomconflict" and x.buurtcode == code),
            "n_kansen": sum(1 for x in ref_res.values() if x.buurtcode == code),
            "riool_onbekend": r["riool_onbekend"],
        }
        for col in ("n_knelpunt", "riool_onbekend", "n_kansen"):
            if int(g[col]) != recount[col]:
                problems.append(f"buurt {code}: {col} ref {recount[col]} geo {g[col]}")
        b = buurt_rows[code]
        for col, want in (("gemeentecode", r["gemeente"]), ("buurtnaam", _none(b["buurtnaam"])),
                          ("gemeentenaam", _none(b["gemeentenaam"]))):
            if _none(g[col]) != want:
                problems.append(f"buurt {code}: {col} ref {want!r} geo {_none(g[col])!r}")
    # rang: equal up to ties in score within 1e-6 (those may legitimately swap).
    by_rank = sorted(ref_scores.values(), key=lambda r: r["rang"])
    for code in set(ref_scores) & set(got_scores):
        r, g = ref_scores[code], got_scores[code]
        if int(g["rang"]) != r["rang"]:
            tied = [o for o in by_rank if abs(o["score"] - r["score"]) < 1e-6
                    and o["gemeente"] == r["gemeente"]]
            if len(tied) < 2:
                problems.append(f"buurt {code}: rang ref {r['rang']} geo {g['rang']}")
    return problems


SEEDS = range(30)

NON_DEFAULT = [
    RuleParams(sectie_m=60.0, afstand_m=6.0, marge_jaar=2, min_lengte_m=25.0),
    RuleParams(groen_buffer_m=12.0, groen_drempel=0.05, boom_afstand_m=9.0, klasse_max=6,
               laag_aandeel_min=0.3, horizon_jaar=20, signaal_jaren=5),
    RuleParams(sectie_m=250.0, levensduur={"beton": 40, "pvc": 90}, levensduur_overig=50,
               gewichten={"m_r1": 1.0, "m_r2": 0.0, "m_r3": 0.0, "m_r4": 3.0, "m_r5": 0.0},
               klasse_max=2, laag_aandeel_min=0.9),
    # §7 and §9
    RuleParams(straat_afstand_m=8.0, straten_aandeel=0.5, min_oppervlak_m2=150.0,
               graafrust_jaar=6, marge_jaar=3, werk_status=("idee", "gepland"),
               gewichten={"m_r1": 0.1, "m_r2": 0.2, "m_r3": 0.0, "m_r4": 0.15, "m_r5": 1.0}),
]


@pytest.mark.parametrize("seed", SEEDS)
def test_matches_reference_default_params(seed: int) -> None:
    problems = compare(town(seed), RuleParams(), random_dekking(seed))
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("seed", [7, 8])
def test_matches_reference_with_empty_context_layers(seed: int) -> None:
    layers = {**town(seed), "groen": empty("groen"), "boom": empty("boom"),
              "straat": empty("straat"), "werk": empty("werk")}
    problems = compare(layers, RuleParams(), random_dekking(seed))
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("which", range(len(NON_DEFAULT)))
@pytest.mark.parametrize("seed", [101, 202, 303])
def test_matches_reference_non_default_params(seed: int, which: int) -> None:
    problems = compare(town(seed), NON_DEFAULT[which], random_dekking(seed + which))
    assert not problems, "\n".join(problems[:40])


def test_matches_reference_with_werk_loaded_but_none_taking_part() -> None:
    """A loaded werk layer whose works are all context (werk_status empty): no R5, m_r5 = 0,
    but its weight still counts in Σw (RULES.md §9 "when a werk layer is loaded")."""
    layers = town(2)
    assert layers["werk"] is not None and len(layers["werk"]) > 0
    problems = compare(layers, RuleParams(werk_status=()), random_dekking(2))
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("seed", [s for s in SEEDS if s % 6 == 0][:3])
def test_towns_without_werk_have_no_r5(seed: int) -> None:
    """RULES.md §9: without a werk layer there is no R5 and m_r5 is 0 in every buurt (R5b
    may still pair heat sections with pipes)."""
    layers = town(seed)
    assert layers["werk"] is None and layers["straat"] is None
    got = analyse(**layers, dekking=random_dekking(seed), params=RuleParams(), peiljaar=P)
    assert "R5" not in set(got.kansen["regelcode"])
    assert set(got.kansen["regelcode"]) <= {"R1", "R2", "R2b", "R3", "R4", "R5b"}
    assert (got.buurtscores["m_r5"] == 0).all()
    assert got.kansen["straatnaam"].isna().all()


def test_generator_exercises_every_rule() -> None:
    """The random towns are not vacuous: across seeds every rule fires, in several buurten."""
    counts: dict[str, int] = {}
    for seed in range(6):
        ref = reference(**municipality(seed), dekking=random_dekking(seed), params=RuleParams(),
                        peiljaar=P)
        for regel, _ in ref["results"]:
            counts[regel] = counts.get(regel, 0) + 1
    assert set(counts) == {"werk_met_werk", "vergroenen", "boomconflict", "leefbaarheid",
                           "afkoppelen", "dubbel_open"}
    assert min(counts.values()) >= 5, counts


def test_generator_exercises_werk_and_straat() -> None:
    """The works and streets of the random towns are not vacuous (RULES.md §7, §9): R5 and R5b
    fire between every kind of unit, at the edges of marge_jaar and graafrust_jaar, between two
    polygons too; streets are found and missed, with ranges, single numbers and several names."""
    d = RuleParams()
    regelcodes: dict[str, int] = {}
    gaps: set[int] = set()
    kinds: set[tuple[str, str]] = set()
    straatnaam = {True: 0, False: 0}
    huisnummers = {"range": 0, "single": 0, "none": 0}
    several = polygons = 0
    for seed in range(1, 12):
        ref = reference(**town(seed), dekking=random_dekking(seed), params=d, peiljaar=P)
        for res in ref["results"].values():
            regelcodes[res.regelcode] = regelcodes.get(res.regelcode, 0) + 1
            straatnaam[res.straatnaam is not None] += 1
            if res.straatnaam is not None:
                h = res.huisnummers
                huisnummers["none" if h is None else "range" if "\u2013" in h else "single"] += 1
            several += res.straten is not None and ", " in res.straten
            polygons += res.oppervlak_m2 is not None
        for m in ref["meetings"]:
            gaps.add(m["gap"])
            kinds.add(m["kinds"])
    assert regelcodes.get("R5", 0) >= 20 and regelcodes.get("R5b", 0) >= 20, regelcodes
    assert {0, d.marge_jaar, d.marge_jaar + 1, d.graafrust_jaar, d.graafrust_jaar + 1} <= gaps
    assert {("warmte", "werk"), ("warmte", "riool"), ("werk", "riool"), ("werk", "werk"),
            ("vlak", "vlak"), ("warmte", "vlak"), ("riool", "vlak")} <= kinds, kinds
    assert polygons >= 2
    assert min(straatnaam.values()) >= 20, straatnaam
    assert min(huisnummers.values()) >= 5, huisnummers
    assert several >= 10


def test_generator_exercises_dekking() -> None:
    """Across seeds: units judged, units outside the dekking, and a layer without dekking."""
    judged = outside = 0
    tolerance_decides = 0
    for seed in SEEDS:
        dekking = random_dekking(seed)
        ref = reference(**municipality(seed), dekking=dekking, params=RuleParams(), peiljaar=P)
        for record in ref["beoordeling"].values():
            judged += record["beoordeeld"]
            outside += record["per_reden"]["buiten dekking"]
        for s in ref["sections"]:
            for area in dekking.values():
                if not area.covers(s.geometry) and area.buffer(0.5).covers(s.geometry):
                    tolerance_decides += 1
    assert judged > 100 and outside > 100, (judged, outside)
    assert tolerance_decides > 0
    assert any(len(random_dekking(seed)) < 3 for seed in SEEDS)


def test_generator_exercises_gemeenten() -> None:
    """Across seeds (RULES.md §10): towns with one gemeente, and towns with several gemeenten
    of two or more buurten each next to buurten without a gemeentecode (null and blank)."""
    single = several = without = 0
    for seed in SEEDS:
        ref = reference(**municipality(seed), dekking=random_dekking(seed), params=RuleParams(),
                        peiljaar=P)
        groups: dict[Any, int] = {}
        for row in ref["scores"].values():
            groups[row["gemeente"]] = groups.get(row["gemeente"], 0) + 1
        single += len(groups) == 1
        several += sum(1 for g, n in groups.items() if g is not None and n >= 2) >= 2
        without += groups.get(None, 0) >= 2
    assert single >= 3 and several >= 3 and without >= 3, (single, several, without)


def test_matches_reference_on_tiny_town() -> None:
    """The hand-made town of test_analysis, where every rule fires."""
    from tests.geo.test_analysis import town

    problems = compare(town(), RuleParams(), overal())
    assert not problems, "\n".join(problems)


def _zigzag_layers() -> dict[str, Any]:
    """A straight 100 m section; a pipe that runs beside it, swerves away and comes back.

    s ∩ buffer(r, 10) = (0 0, 28.8 0) + (81.4 0, 100 0), 47.45 m in all. Walking along the
    whole geometry, halfway (23.73 m) is at x = 23.73 → BU00000002 (x ≥ 17). The middle of the
    longest part is at x = 14.40 → BU00000001.
    """
    return {
        "buurt": layer("buurt", [buurt_row("BU00000001", box(-50, -50, 17, 50)),
                                 buurt_row("BU00000002", box(17, -50, 150, 50))]),
        "warmtenet": layer("warmtenet", [werk("W", [(0, 0), (100, 0)], start=2027, eind=2028)]),
        "riolering": layer("riolering", [pijp(
            "R", [(0, 5), (20, 5), (40, 30), (80, 30), (90, 5), (100, 5)],
            stelsel="vuilwater", vervanging=2029)]),
        "groen": empty("groen"), "boom": empty("boom"), "leefbaarometer": empty("leefbaarometer"),
    }


def test_r1_multipart_buurtcode_follows_whole_geometry() -> None:
    kansen = analyse(**_zigzag_layers(), dekking=overal(), params=RuleParams(), peiljaar=P).kansen
    r1 = kansen[kansen["regel"] == "werk_met_werk"].iloc[0]
    assert r1["lengte_m"] == pytest.approx(47.4524, abs=1e-3)
    assert r1.geometry.interpolate(0.5, normalized=True).x == pytest.approx(23.7262, abs=1e-3)
    assert r1["buurtcode"] == "BU00000002"
