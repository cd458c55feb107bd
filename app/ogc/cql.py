"""CQL2 filters (OGC API Features Part 3): parsed by pygeofilter, compiled to parameterised SQL.

pygeofilter reads cql2-text and cql2-json into one syntax tree; this module walks that tree and
writes a WHERE condition. Property names are looked up in the collection (app/ogc/catalog.py)
and only its own SQL expressions are written; every value is a bound parameter. What it
compiles: comparisons (=, <>, <, <=, >, >=) between properties and literals or two properties,
AND/OR/NOT, IS [NOT] NULL, LIKE, BETWEEN, IN, and the spatial functions S_INTERSECTS,
S_DISJOINT, S_CONTAINS, S_WITHIN, S_TOUCHES, S_CROSSES, S_OVERLAPS, S_EQUALS with a geometry
literal (WKT or GeoJSON) or BBOX in `filter-crs`. Anything else is refused in Dutch (400).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pygeofilter import ast, values

import shapely
from shapely.geometry import box, shape

from app.ogc.catalog import CRS84, RD, STORAGE_SRID, Collection, Crs, InvalidParameter

GEOMETRY = "geometry"
FILTER_LANGS = ("cql2-text", "cql2-json")
MAX_FILTER_CHARS = 20_000
# Degrees a geometry literal may span: RD New cannot be reached from much further away.
DEGREE_DOMAIN = (0.0, 48.0, 12.0, 56.0)

_SPATIAL = {
    ast.SpatialComparisonOp.INTERSECTS: "ST_Intersects",
    ast.SpatialComparisonOp.DISJOINT: "ST_Disjoint",
    ast.SpatialComparisonOp.CONTAINS: "ST_Contains",
    ast.SpatialComparisonOp.WITHIN: "ST_Within",
    ast.SpatialComparisonOp.TOUCHES: "ST_Touches",
    ast.SpatialComparisonOp.CROSSES: "ST_Crosses",
    ast.SpatialComparisonOp.OVERLAPS: "ST_Overlaps",
    ast.SpatialComparisonOp.EQUALS: "ST_Equals",
}
_KIND_NL = {"text": "tekst", "int": "geheel getal", "float": "getal", "bool": "true/false",
            GEOMETRY: "geometrie"}


@dataclass
class SqlFilter:
    """A WHERE condition with its bound values."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Operand:
    sql: str
    kind: str          # a Property kind, or "geometry"
    is_property: bool


def parse_filter(text: str, *, lang: str | None) -> ast.Node:
    """The syntax tree of a cql2-text or cql2-json filter, or a Dutch 400 saying what is wrong."""
    lang = lang or "cql2-text"
    if lang not in FILTER_LANGS:
        raise InvalidParameter(f"Onbekende 'filter-lang' '{lang[:40]}'. Kies uit: "
                               f"{', '.join(FILTER_LANGS)}.")
    if len(text) > MAX_FILTER_CHARS:
        raise InvalidParameter(f"Het filter is te lang: hoogstens {MAX_FILTER_CHARS} tekens.")
    try:
        if lang == "cql2-json":
            return _parse_json(text)
        from pygeofilter.parsers.cql2_text import parse as parse_text

        return parse_text(text)
    except InvalidParameter:
        raise
    except Exception as exc:  # lark and the JSON reader raise many kinds; all mean "unreadable"
        raise InvalidParameter(_unreadable(lang, exc)) from None


def _parse_json(text: str) -> ast.Node:
    from pygeofilter.parsers.cql2_json import parse as parse_json

    try:
        document = json.loads(text)
    except ValueError:
        raise InvalidParameter("Het filter is geen geldige JSON (filter-lang cql2-json).") from None
    if not isinstance(document, dict):
        raise InvalidParameter("Een cql2-json-filter is een JSON-object met 'op' en 'args'.")
    return parse_json(_normalise(document))


def _normalise(node: Any) -> Any:
    """CQL2 1.0 JSON in the form pygeofilter 0.4 reads: {"bbox": [minx, miny, maxx, maxy]} as a
    GeoJSON polygon (pygeofilter reads the four numbers in another order), and BETWEEN's three
    arguments as [value, [low, high]] (pygeofilter reads an older draft)."""
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    if not isinstance(node, dict):
        return node
    bbox = node.get("bbox")
    if set(node) == {"bbox"} and isinstance(bbox, list) and len(bbox) == 4 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in bbox):
        return box(*bbox).__geo_interface__
    args = node.get("args")
    if node.get("op") == "between" and isinstance(args, list) and len(args) == 3:
        node = {**node, "args": [args[0], [args[1], args[2]]]}
    return {k: _normalise(v) for k, v in node.items()}


def _unreadable(lang: str, exc: Exception) -> str:
    where = ""
    column = getattr(exc, "column", None)
    if isinstance(column, int) and column > 0:
        where = f" (bij teken {column})"
    example = ("regel = 'werk_met_werk' AND jaar BETWEEN 2027 AND 2030" if lang == "cql2-text"
               else '{"op": "=", "args": [{"property": "regel"}, "werk_met_werk"]}')
    return (f"Het filter is niet te lezen als {lang}{where}. Controleer haakjes, aanhalingstekens "
            f"en namen; een voorbeeld: {example}")


def compile_filter(node: ast.Node, *, collection: Collection, filter_crs: Crs = CRS84) -> SqlFilter:
    """A WHERE condition for `node` on `collection` (table alias t), every value bound."""
    compiler = _Compiler(collection, filter_crs)
    try:
        sql = compiler.condition(node)
    except RecursionError:
        raise InvalidParameter("Het filter is te diep genest.") from None
    return SqlFilter(sql=sql, params=compiler.params)


def queryable_names(collection: Collection) -> list[str]:
    """The names a filter on `collection` may use."""
    return [p.name for p in collection.properties] + [GEOMETRY]


class _Compiler:
    def __init__(self, collection: Collection, crs: Crs) -> None:
        self.collection = collection
        self.crs = crs
        self.params: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        name = f"cql{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def condition(self, node: Any) -> str:
        if isinstance(node, ast.And | ast.Or):
            word = "AND" if isinstance(node, ast.And) else "OR"
            return f"({self.condition(node.lhs)} {word} {self.condition(node.rhs)})"
        if isinstance(node, ast.Not):
            return f"(NOT {self.condition(node.sub_node)})"
        if isinstance(node, ast.Include):
            return "FALSE" if node.not_ else "TRUE"
        if isinstance(node, ast.Comparison):
            lhs, rhs = self.operand(node.lhs), self.operand(node.rhs)
            self.check_pair(lhs, rhs, node.op.value)
            if GEOMETRY in (lhs.kind, rhs.kind):
                raise InvalidParameter("Een geometrie vergelijkt u met S_INTERSECTS en de andere "
                                       "ruimtelijke functies, niet met " + node.op.value + ".")
            return f"({lhs.sql} {node.op.value} {rhs.sql})"
        if isinstance(node, ast.Between):
            lhs, low, high = (self.operand(n) for n in (node.lhs, node.low, node.high))
            for other in (low, high):
                self.check_pair(lhs, other, "BETWEEN")
            return f"({lhs.sql} {'NOT ' if node.not_ else ''}BETWEEN {low.sql} AND {high.sql})"
        if isinstance(node, ast.Like):
            return self.like(node)
        if isinstance(node, ast.In):
            lhs = self.operand(node.lhs)
            options = [self.operand(n) for n in node.sub_nodes]
            for option in options:
                self.check_pair(lhs, option, "IN")
            word = "NOT IN" if node.not_ else "IN"
            return f"({lhs.sql} {word} ({', '.join(o.sql for o in options)}))"
        if isinstance(node, ast.IsNull):
            lhs = self.operand(node.lhs)
            return f"({lhs.sql} IS {'NOT ' if node.not_ else ''}NULL)"
        if isinstance(node, ast.SpatialComparisonPredicate):
            lhs, rhs = self.operand(node.lhs), self.operand(node.rhs)
            if lhs.kind != GEOMETRY or rhs.kind != GEOMETRY:
                raise InvalidParameter(
                    f"S_{node.op.value} vergelijkt twee geometrieën: de eigenschap '{GEOMETRY}' "
                    "en een geometrie zoals POLYGON((…)) of BBOX(…).")
            return f"{_SPATIAL[node.op]}({lhs.sql}, {rhs.sql})"
        raise InvalidParameter(_unsupported(node))

    def like(self, node: ast.Like) -> str:
        lhs = self.operand(node.lhs)
        if lhs.kind != "text":
            raise InvalidParameter("LIKE werkt alleen op tekst; "
                                   f"gebruik = of BETWEEN voor {_KIND_NL[lhs.kind]}.")
        if not isinstance(node.pattern, str):
            raise InvalidParameter("Na LIKE volgt een tekst tussen enkele aanhalingstekens, "
                                   "bijvoorbeeld straatnaam LIKE 'Kerk%'.")
        # CQL2's wildcards (% and _, escaped with \) are PostgreSQL's own.
        word = "ILIKE" if node.nocase else "LIKE"
        return f"({lhs.sql} {'NOT ' if node.not_ else ''}{word} {self.bind(node.pattern)})"

    def operand(self, node: Any) -> _Operand:
        if isinstance(node, ast.Attribute):
            return self.attribute(str(node.name))
        if isinstance(node, bool):
            return _Operand(self.bind(node), "bool", False)
        if isinstance(node, int):
            return _Operand(self.bind(node), "int", False)
        if isinstance(node, float):
            if not math.isfinite(node):
                raise InvalidParameter("Een getal in het filter moet eindig zijn.")
            return _Operand(self.bind(node), "float", False)
        if isinstance(node, str):
            return _Operand(self.bind(node), "text", False)
        if isinstance(node, values.Geometry | values.Envelope):
            return self.geometry(shape(node))
        if isinstance(node, ast.Function) and node.name.lower() == "bbox":
            numbers = node.arguments
            if len(numbers) != 4 or not all(isinstance(v, int | float) for v in numbers):
                raise InvalidParameter("BBOX heeft vier getallen: BBOX(minx, miny, maxx, maxy).")
            return self.geometry(box(*numbers))
        if isinstance(node, values.Interval) or hasattr(node, "isoformat"):
            raise InvalidParameter("Tijden en datums (TIMESTAMP, DATE, INTERVAL) worden niet "
                                   "ondersteund: filter op de jaartallen, bijvoorbeeld "
                                   "jaar BETWEEN 2027 AND 2030.")
        raise InvalidParameter(_unsupported(node))

    def attribute(self, name: str) -> _Operand:
        if name == GEOMETRY:
            return _Operand("t.geom", GEOMETRY, True)
        found = self.collection.property(name)
        if found is None:
            raise InvalidParameter(
                f"Onbekende eigenschap '{name[:80]}' in het filter van collectie "
                f"'{self.collection.id}'. Deze eigenschappen kunnen: "
                f"{', '.join(queryable_names(self.collection))} (zie .../queryables).")
        return _Operand(found.sql, found.kind, True)

    def geometry(self, geom: Any) -> _Operand:
        try:
            if self.crs.lat_lon:
                geom = shapely.transform(geom, lambda xy: xy[:, ::-1])
            coords = shapely.get_coordinates(geom)
        except Exception:
            raise InvalidParameter("De geometrie in het filter is niet te lezen.") from None
        if geom.is_empty or not coords.size or not bool(np.isfinite(coords).all()):
            raise InvalidParameter("De geometrie in het filter is leeg of heeft ongeldige "
                                   "coördinaten.")
        if self.crs.srid != RD.srid:
            minx, miny, maxx, maxy = DEGREE_DOMAIN
            inside = ((coords[:, 0] >= minx) & (coords[:, 0] <= maxx)
                      & (coords[:, 1] >= miny) & (coords[:, 1] <= maxy)).all()
            if not inside:
                raise InvalidParameter(
                    "De geometrie in het filter ligt (deels) ver buiten Nederland. Geef "
                    "lengte- en breedtegraden in de volgorde van 'filter-crs' (CRS84: lengte "
                    "eerst; EPSG:4326: breedte eerst), of RD-meters met "
                    f"filter-crs={RD.uri}.")
        if not shapely.is_valid(geom):
            raise InvalidParameter(f"De geometrie in het filter is ongeldig: "
                                   f"{shapely.is_valid_reason(geom)}.")
        literal = f"ST_GeomFromText({self.bind(shapely.to_wkt(geom, rounding_precision=-1))}, " \
                  f"{self.crs.srid})"
        if self.crs.srid != STORAGE_SRID:
            literal = f"ST_Transform({literal}, {STORAGE_SRID})"
        return _Operand(literal, GEOMETRY, False)

    def check_pair(self, lhs: _Operand, rhs: _Operand, op: str) -> None:
        numeric = {"int", "float"}
        if lhs.kind == rhs.kind or {lhs.kind, rhs.kind} <= numeric:
            return
        prop = lhs if lhs.is_property else rhs
        other = rhs if prop is lhs else lhs
        raise InvalidParameter(
            f"Bij {op} past {_KIND_NL[other.kind]} niet bij {_KIND_NL[prop.kind]}: "
            "vergelijk tekst met tekst tussen enkele aanhalingstekens ('…'), getallen met "
            "getallen en true/false met true of false.")


def _unsupported(node: Any) -> str:
    if isinstance(node, ast.Function):
        # pygeofilter reads CASEI(...) as the function lower
        what = f"de functie {'CASEI' if node.name == 'lower' else node.name}"
    elif isinstance(node, ast.Arithmetic):
        what = "rekenen (+, -, *, /)"
    elif isinstance(node, ast.TemporalPredicate):
        what = "tijdfuncties (T_…)"
    elif isinstance(node, ast.ArrayPredicate):
        what = "lijstfuncties (A_…)"
    else:
        what = f"'{type(node).__name__}'"
    return (f"Het filter gebruikt {what}; dat wordt niet ondersteund. Wel: =, <>, <, <=, >, >=, "
            "AND, OR, NOT, IS NULL, LIKE, BETWEEN, IN en S_INTERSECTS (en de andere S_-functies) "
            "met een geometrie of BBOX.")
