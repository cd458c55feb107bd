"""Geometry checks per layer: empty, type, validity (make_valid), outside the Netherlands."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.crs import NL_BOX
from data.importers.errors import ImportRefused
from data.importers.report import ImportReport

FAMILY_OF = {
    "Point": "punt", "MultiPoint": "punt",
    "LineString": "lijn", "MultiLineString": "lijn", "LinearRing": "lijn",
    "Polygon": "vlak", "MultiPolygon": "vlak",
}
LAYER_FAMILY = {"buurt": "vlak", "warmtenet": "lijn", "riolering": "lijn", "groen": "vlak",
                "boom": "punt", "leefbaarometer": "vlak"}
DIMENSION = {"punt": 0, "lijn": 1, "vlak": 2}


def drop_empty(frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Skip features without geometry (counted as 'lege geometrie')."""
    empty = frame.geometry.isna() | frame.geometry.is_empty
    report.skip("lege geometrie", int(empty.sum()))
    return frame.loc[~empty]


def check_types(laag: str, frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Refuse a file of the wrong geometry type; skip stray features of another type."""
    if frame.empty:
        return frame  # nothing left to judge; the caller refuses an empty result
    frame = frame.set_geometry(shapely.force_2d(frame.geometry.values))
    types = frame.geometry.geom_type
    families = types.map(FAMILY_OF).fillna("verzameling")
    want = LAYER_FAMILY[laag]
    if laag == "warmtenet" and (families == "vlak").any():
        raise ImportRefused(
            f"Laag warmtenet verwacht lijnen (tracés), maar het bestand bevat "
            f"{int((families == 'vlak').sum())} vlakken (bijvoorbeeld sleufcontouren). Vlakken "
            "worden in deze versie niet omgezet naar hartlijnen: lever de tracés als "
            "(Multi)LineString aan."
        )
    if not (families == want).any() and not (families == "verzameling").any():
        found = ", ".join(f"{t} ({n})" for t, n in types.value_counts().items())
        raise ImportRefused(
            f"Laag {laag} verwacht {_want_text(want)}, maar het bestand bevat {found}. "
            "Kies de juiste laag of het juiste bestand."
        )
    wrong = (families != want) & (families != "verzameling")
    for geom_type, n in types[wrong].value_counts().items():
        report.skip(f"geometrietype {geom_type} hoort niet in laag {laag}", int(n))
    if wrong.any():
        report.meldingen.append(
            f"{int(wrong.sum())} objecten met een ander geometrietype overgeslagen; alleen "
            f"{_want_text(want)} worden geladen."
        )
    return frame.loc[~wrong]


def _want_text(family: str) -> str:
    return {"punt": "punten", "lijn": "lijnen", "vlak": "vlakken"}[family]


def _same_dimension(geom: shapely.Geometry, dim: int) -> shapely.Geometry | None:
    """Parts of `geom` with dimension `dim` (from a GeometryCollection), or None."""
    parts = [p for p in shapely.get_parts(geom) if shapely.get_dimensions(p) == dim
             and not p.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def repair(laag: str, frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Repair invalid geometries with make_valid when they keep their kind; skip the rest."""
    geoms = frame.geometry.values
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame
    dim = DIMENSION[LAYER_FAMILY[laag]]
    fixed = np.array(geoms, dtype=object)
    keep = np.ones(len(frame), dtype=bool)
    repaired = 0
    for i in np.flatnonzero(invalid):
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


def to_layer_type(laag: str, frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """One geometry type per layer (the database columns): Multi* for buurt, groen, warmtenet."""
    geoms = frame.geometry
    promote = {"buurt": ("Polygon", shapely.MultiPolygon),
               "groen": ("Polygon", shapely.MultiPolygon),
               "warmtenet": ("LineString", shapely.MultiLineString)}
    if laag in promote:
        single_type, multi = promote[laag]
        single = (geoms.geom_type == single_type).to_numpy()
        values = np.array(geoms.values, dtype=object)
        if single.any():
            build = shapely.multipolygons if multi is shapely.MultiPolygon else \
                shapely.multilinestrings
            values[single] = build(values[single], indices=np.arange(int(single.sum())))
        return frame.set_geometry(gpd.GeoSeries(values, index=frame.index, crs=frame.crs))
    if laag == "riolering":
        return _single_lines(frame, report)
    if laag in ("boom", "leefbaarometer"):
        n_parts = pd.Series(shapely.get_num_geometries(geoms.values), index=frame.index)
        multi = geoms.geom_type.str.startswith("Multi")
        report.skip(f"meerdelige geometrie in laag {laag}", int((multi & (n_parts > 1)).sum()))
        frame = frame.loc[~(multi & (n_parts > 1))]
        values = np.array(frame.geometry.values, dtype=object)
        is_multi = frame.geometry.geom_type.str.startswith("Multi").to_numpy()
        values[is_multi] = shapely.get_geometry(values[is_multi], 0)
        return frame.set_geometry(gpd.GeoSeries(values, index=frame.index, crs=frame.crs))
    return frame


def _single_lines(frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Pipes are LineStrings: merge touching parts; split what stays multi-part (id#n)."""
    values = np.array(frame.geometry.values, dtype=object)
    multi = shapely.get_type_id(values) == 5  # MultiLineString
    if multi.any():
        merged = shapely.line_merge(values[multi])
        values[multi] = np.where(shapely.get_type_id(merged) == 1, merged, values[multi])
    out = frame.set_geometry(gpd.GeoSeries(values, index=frame.index, crs=frame.crs))
    multi = out.geometry.geom_type == "MultiLineString"
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
