"""Geometry checks per layer: empty, type, collections, validity, outside the Netherlands, and
the exact geometry type of each layer's database column."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.crs import NL_BOX
from data.importers.errors import ImportRefused
from data.importers.readers import WITHOUT_ARCS
from data.importers.report import ImportReport

FAMILY_OF = {
    "Point": "punt", "MultiPoint": "punt",
    "LineString": "lijn", "MultiLineString": "lijn", "LinearRing": "lijn",
    "Polygon": "vlak", "MultiPolygon": "vlak",
}
# shapely's type ids 0–7 by name; id -1 (no geometry) last, so index -1 picks it
_TYPE_NAMES = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                        "MultiLineString", "MultiPolygon", "GeometryCollection", None],
                       dtype=object)
_FAMILY_BY_ID = np.array([FAMILY_OF.get(str(n), "anders") for n in _TYPE_NAMES], dtype=object)
LAYER_FAMILY = {"buurt": "vlak", "warmtenet": "lijn", "riolering": "lijn", "groen": "vlak",
                "boom": "punt", "leefbaarometer": "vlak", "straat": "lijn"}
# Layers that hold more than one kind: each feature keeps its own (RULES.md §9: a werk is a
# line or an area), stored as the Multi* type of its kind.
MIXED_FAMILIES = {"werk": ("lijn", "vlak")}
DIMENSION = {"punt": 0, "lijn": 1, "vlak": 2}
# The geometry type of each layer's database column (POINT, LINESTRING, MULTIPOLYGON, …).
LAYER_TYPE = {"buurt": "MultiPolygon", "warmtenet": "MultiLineString", "riolering": "LineString",
              "groen": "MultiPolygon", "boom": "Point", "leefbaarometer": "Polygon",
              "straat": "MultiLineString"}
# The column of a mixed layer is GEOMETRY; the importer stores one of these per feature.
MIXED_TYPES = {"werk": {"lijn": "MultiLineString", "vlak": "MultiPolygon"}}
_TYPE_ID = {"Point": 0, "LineString": 1, "Polygon": 3, "MultiLineString": 5, "MultiPolygon": 6}
_PROMOTE = {"MultiLineString": (1, shapely.multilinestrings),
            "MultiPolygon": (3, shapely.multipolygons)}  # single type id, builder


@dataclass
class TypeTally:
    """Geometry types over a whole import (every table and chunk), to judge the file as a whole."""

    usable: int = 0
    wrong: Counter[str] = field(default_factory=Counter)
    collections: int = 0  # GeometryCollections reduced to their parts of the layer's kind
    kromme: Counter[str] = field(default_factory=Counter)  # curved types made straight


def families(laag: str) -> tuple[str, ...]:
    """The kinds of geometry (punt, lijn, vlak) a layer takes."""
    return MIXED_FAMILIES[laag] if laag in MIXED_FAMILIES else (LAYER_FAMILY[laag],)


def want_text(laag: str) -> str:
    """'lijnen', or 'lijnen of vlakken' for a mixed layer."""
    return " of ".join(_want_text(f) for f in families(laag))


def type_text(laag: str) -> str:
    """The geometry type(s) of a layer's column, for a message."""
    mixed = MIXED_TYPES.get(laag)
    return " of ".join(mixed.values()) if mixed else LAYER_TYPE[laag]


def drop_empty(frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Skip features without geometry (counted as 'lege geometrie')."""
    empty = frame.geometry.isna() | frame.geometry.is_empty
    report.skip("lege geometrie", int(empty.sum()))
    return frame.loc[~empty]


def check_types(
    laag: str, frame: gpd.GeoDataFrame, report: ImportReport, tally: TypeTally,
) -> gpd.GeoDataFrame:
    """Keep features of the layer's kind: collections reduced to those parts, others skipped.

    A whole file of the wrong kind is refused by `finish_types` once every table or chunk has
    been seen, so a chunked read and a whole read decide alike.
    """
    if frame.empty:
        return frame
    if (shapely.get_coordinate_dimension(frame.geometry.values) > 2).any():  # Z or M
        frame = frame.set_geometry(shapely.force_2d(frame.geometry.values))
    frame = _reduce_collections(laag, frame, report, tally)
    type_ids = shapely.get_type_id(np.asarray(frame.geometry.values, dtype=object))
    kinds = _FAMILY_BY_ID[type_ids]  # by lookup, not a Python string per feature
    if laag == "warmtenet" and (kinds == "vlak").any():
        raise ImportRefused(
            f"Laag warmtenet verwacht lijnen (tracés), maar het bestand bevat "
            f"{int((kinds == 'vlak').sum())} vlakken (bijvoorbeeld sleufcontouren). Vlakken "
            "worden in deze versie niet omgezet naar hartlijnen: lever de tracés als "
            "(Multi)LineString aan."
        )
    if laag == "werk" and (kinds == "punt").any():
        raise ImportRefused(
            f"Laag werk verwacht lijnen (tracés) of vlakken (werkgebieden), maar het bestand "
            f"bevat {_count(int((kinds == 'punt').sum()), 'punt', 'punten')}. Een punt heeft "
            "geen lengte of oppervlak, dus de planner kan niet bepalen welke straten het werk "
            "raakt. Er is niets geladen. Teken het werk als lijn of vlak en importeer het "
            "opnieuw."
        )
    wrong = ~np.isin(kinds, families(laag))
    for geom_type, n in pd.Series(_TYPE_NAMES[type_ids[wrong]]).value_counts().items():
        report.skip(f"geometrietype {geom_type} hoort niet in laag {laag}", int(n))
        tally.wrong[str(geom_type)] += int(n)
    tally.usable += int((~wrong).sum())
    return frame.loc[~wrong]


def _reduce_collections(
    laag: str, frame: gpd.GeoDataFrame, report: ImportReport, tally: TypeTally,
) -> gpd.GeoDataFrame:
    """GeometryCollections become their parts of the layer's dimension; none usable: skipped."""
    values = np.array(frame.geometry.values, dtype=object)
    collection = shapely.get_type_id(values) == 7
    if not collection.any():
        return frame
    dims = [DIMENSION[f] for f in families(laag)]
    keep = np.ones(len(values), dtype=bool)
    for i in np.flatnonzero(collection):
        # a mixed layer keeps the highest kind it takes (an area with its outline: the area)
        dim = max((d for d in dims if parts_of_dimension(values[i], d)), default=dims[0])
        parts = parts_of_dimension(values[i], dim)
        if not parts:
            keep[i] = False
            continue
        values[i] = parts[0] if len(parts) == 1 else _multi(parts, dim)
    reduced, unusable = int(keep[collection].sum()), int((~keep).sum())
    report.skip(f"geometrieverzameling zonder {want_text(laag)}", unusable)
    if unusable:  # counts towards refusing a file without any usable feature
        tally.wrong["GeometryCollection"] += unusable
    report.normalised({f"geometrieverzameling teruggebracht tot {want_text(laag)}": reduced})
    tally.collections += reduced
    out = frame.set_geometry(gpd.GeoSeries(values, index=frame.index, crs=frame.crs))
    return out.loc[keep]


def finish_types(laag: str, tally: TypeTally, report: ImportReport) -> None:
    """After the last table or chunk: refuse a file without any feature of the layer's kind."""
    want = want_text(laag)
    if tally.usable == 0 and tally.wrong:
        found = ", ".join(f"{t} ({n})" for t, n in tally.wrong.most_common())
        raise ImportRefused(
            f"Laag {laag} verwacht {want}, maar het bestand bevat {found}. "
            "Kies de juiste laag of het juiste bestand."
        )
    if tally.wrong:
        report.meldingen.append(
            f"{sum(tally.wrong.values())} objecten met een ander geometrietype overgeslagen; "
            f"alleen {want} worden geladen."
        )
    arcs = {t: n for t, n in tally.kromme.most_common() if not t.endswith(WITHOUT_ARCS)}
    straight = {t: n for t, n in tally.kromme.most_common() if t.endswith(WITHOUT_ARCS)}
    if arcs:
        soorten = ", ".join(f"{t} {n}" for t, n in arcs.items())
        report.meldingen.append(
            f"{sum(arcs.values())} kromme geometrieën omgezet naar rechte lijnstukken "
            f"({soorten}): elke boog is benaderd met korte rechte stukken."
        )
    if straight:
        soorten = ", ".join(f"{t.removesuffix(' ' + WITHOUT_ARCS)} {n}"
                            for t, n in straight.items())
        report.meldingen.append(
            f"{sum(straight.values())} geometrieën van een kromme soort zonder bogen "
            f"({soorten}) zijn als gewone {want} gelezen."
        )
    if tally.collections:
        report.meldingen.append(
            f"{tally.collections} geometrieverzamelingen (GeometryCollection) teruggebracht tot "
            f"hun {want}; andere delen zijn weggelaten."
        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _want_text(family: str) -> str:
    return {"punt": "punten", "lijn": "lijnen", "vlak": "vlakken"}[family]


def single_parts(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """The non-empty single parts of `geom`, also inside nested collections."""
    if geom is None or geom.is_empty:
        return []
    if shapely.get_type_id(geom) in (4, 5, 6, 7):
        return [p for part in shapely.get_parts(geom) for p in single_parts(part)]
    if shapely.get_type_id(geom) == 2:  # LinearRing: the columns know LineStrings
        return [shapely.LineString(geom.coords)]
    return [geom]


def parts_of_dimension(geom: shapely.Geometry, dim: int) -> list[shapely.Geometry]:
    """The single parts of `geom` with dimension `dim` (0 points, 1 lines, 2 polygons)."""
    return [p for p in single_parts(geom) if shapely.get_dimensions(p) == dim]


def _multi(parts: list[shapely.Geometry], dim: int) -> shapely.Geometry:
    build = {0: shapely.MultiPoint, 1: shapely.MultiLineString, 2: shapely.MultiPolygon}[dim]
    return build(parts)


def _same_dimension(geom: shapely.Geometry, dim: int) -> shapely.Geometry | None:
    """Parts of `geom` with dimension `dim` (from a GeometryCollection), or None."""
    parts = parts_of_dimension(geom, dim)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def repair(laag: str, frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Repair invalid geometries with make_valid when they keep their kind; skip the rest."""
    geoms = frame.geometry.values
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame
    fixed = np.array(geoms, dtype=object)
    keep = np.ones(len(frame), dtype=bool)
    repaired = 0
    for i in np.flatnonzero(invalid):
        dim = int(shapely.get_dimensions(geoms[i]))  # the feature's own kind (mixed layers)
        result = _same_dimension(shapely.make_valid(geoms[i]), dim)
        if result is None or not shapely.is_valid(result):
            keep[i] = False
            continue
        fixed[i] = result
        repaired += 1
    report.hersteld += repaired
    report.skip("ongeldige geometrie, niet te herstellen", int((~keep).sum()))
    out = frame.copy()
    out = out.set_geometry(gpd.GeoSeries(fixed, index=frame.index, crs=frame.crs))
    out = out.loc[keep]
    if laag == "leefbaarometer":  # a repaired cell must still be one polygon
        multi = out.geometry.geom_type != "Polygon"
        multi &= shapely.get_num_geometries(out.geometry.values) > 1
        report.skip("ongeldige rastercel, niet te herstellen", int(multi.sum()))
        out = out.loc[~multi]
    return out


def drop_outside(frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Skip features (EPSG:28992) that do not touch the RD New area of the Netherlands."""
    inside = shapely.intersects(frame.geometry.values, NL_BOX)
    report.skip("buiten Nederland", int((~inside).sum()))
    return frame.loc[inside]


def conform(laag: str, values: np.ndarray) -> np.ndarray:
    """Geometries as the exact type of the layer's column; None where that is impossible.

    Single parts are promoted to Multi* (buurt, groen, warmtenet, straat); a Multi* of one part
    becomes that part (boom, leefbaarometer, riolering); a geometry with parts of another kind,
    or with several parts for a single-part column, gives None. In a mixed layer (werk) each
    geometry becomes the Multi* type of its own kind.
    """
    mixed = MIXED_TYPES.get(laag)
    if mixed is None:
        return _conform_to(values, LAYER_TYPE[laag], DIMENSION[LAYER_FAMILY[laag]])
    values = np.asarray(values, dtype=object)
    out = np.full(len(values), None, dtype=object)
    dims = shapely.get_dimensions(values)  # -1 for None
    for family, target in mixed.items():
        these = dims == DIMENSION[family]
        if these.any():
            out[these] = _conform_to(values[these], target, DIMENSION[family])
    return out


def _conform_to(values: np.ndarray, target: str, dim: int) -> np.ndarray:
    out = np.array(values, dtype=object)
    type_id = shapely.get_type_id(out)
    done = type_id == _TYPE_ID[target]
    if target in _PROMOTE:
        single_id, build = _PROMOTE[target]
        single = type_id == single_id
        if single.any():
            out[single] = build(out[single], indices=np.arange(int(single.sum())))
        done |= single
    for i in np.flatnonzero(~done):
        parts = single_parts(out[i])
        same = [p for p in parts if shapely.get_dimensions(p) == dim]
        if not same or len(same) != len(parts):
            out[i] = None
        elif target in _PROMOTE:
            out[i] = _multi(same, dim)
        else:
            out[i] = same[0] if len(same) == 1 else None
    return out


def to_layer_type(laag: str, frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """One geometry type per layer (the database column): see LAYER_TYPE; riolen are split."""
    if laag == "riolering":
        return _single_lines(frame, report)
    values = conform(laag, frame.geometry.values)
    bad = pd.isna(pd.Series(values, index=frame.index, dtype=object))
    report.skip(f"meerdelige geometrie in laag {laag}", int(bad.sum()))
    out = frame.set_geometry(gpd.GeoSeries(values, index=frame.index, crs=frame.crs))
    return out.loc[~bad]


def enforce_layer_type(
    laag: str, frame: gpd.GeoDataFrame, report: ImportReport,
) -> gpd.GeoDataFrame:
    """Last guard before loading: every geometry exactly LAYER_TYPE[laag]; others skipped."""
    values = conform(laag, frame.geometry.values)
    ok = (shapely.get_type_id(values) >= 0) & ~shapely.is_empty(values)
    report.skip(f"geometrie past niet in de kolom van laag {laag} ({type_text(laag)})",
                int((~ok).sum()))
    out = frame.set_geometry(gpd.GeoSeries(values, index=frame.index, crs=frame.crs))
    return out.loc[ok]


def _single_lines(frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Pipes are LineStrings: merge touching parts; split what stays multi-part (id#n)."""
    values = np.array(frame.geometry.values, dtype=object)
    ring = shapely.get_type_id(values) == 2  # LinearRing
    values[ring] = [shapely.LineString(g.coords) for g in values[ring]]
    multi = shapely.get_type_id(values) == 5  # MultiLineString
    if multi.any():
        merged = shapely.line_merge(values[multi])
        values[multi] = np.where(shapely.get_type_id(merged) == 1, merged, values[multi])
    out = frame.set_geometry(gpd.GeoSeries(values, index=frame.index, crs=frame.crs))
    multi = pd.Series(shapely.get_type_id(values) == 5, index=out.index)  # still multi-part
    out["_deel"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    if multi.any():
        report.meldingen.append(
            f"{int(multi.sum())} meerdelige riolen (MultiLineString met losse delen) zijn "
            "gesplitst in afzonderlijke leidingen; hun id kreeg het achtervoegsel #0, #1, …"
        )
        exploded = out.loc[multi].explode(index_parts=True)
        exploded["_deel"] = exploded.index.get_level_values(-1).astype("int64")
        exploded.index = exploded.index.get_level_values(0)
        out = pd.concat([out.loc[~multi], exploded])
    return out
