"""The SQL of the OGC API: pages of features and single features, in the asked CRS.

PostGIS writes the GeoJSON (ST_AsGeoJSON of the row), so coordinates are never rounded by
Python: RD to the millimetre, degrees to eight decimals. Identifiers come from the catalogue
(app/ogc/catalog.py); every value a request brings is a bound parameter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.ogc.catalog import RD, STORAGE_SRID, Collection, Crs, InvalidParameter
from app.ogc.cql import DEGREE_DOMAIN, SqlFilter

KEY_ALIAS = "ogc_feature_id"


@dataclass(frozen=True)
class BBoxFilter:
    """A bbox query parameter: four numbers in the axis order of `crs`."""

    values: tuple[float, float, float, float]
    crs: Crs


def parse_bbox(value: str | None, crs: Crs) -> BBoxFilter | None:
    """The bbox parameter (4 numbers, axis order of bbox-crs), or a Dutch 400."""
    if value is None or value == "":
        return None
    try:
        numbers = tuple(float(p) for p in value.split(","))
    except ValueError:
        numbers = ()
    if len(numbers) == 6:
        raise InvalidParameter("Een bbox met hoogte (zes getallen) wordt niet ondersteund: geef "
                               "er vier.")
    if len(numbers) != 4 or not all(abs(n) < 1e12 for n in numbers):
        raise InvalidParameter(
            f"Ongeldige bbox '{value[:100]}': geef vier getallen, in CRS84 "
            "'minlon,minlat,maxlon,maxlat' (bijvoorbeeld bbox=5.10,52.05,5.15,52.10), of in de "
            "volgorde van 'bbox-crs'.")
    if numbers[0] > numbers[2] or numbers[1] > numbers[3]:
        raise InvalidParameter(f"Ongeldige bbox '{value[:100]}': het minimum moet kleiner zijn dan "
                               "het maximum.")
    return BBoxFilter((numbers[0], numbers[1], numbers[2], numbers[3]), crs)


def _bbox_condition(bbox: BBoxFilter) -> SqlFilter:
    x1, y1, x2, y2 = bbox.values
    if bbox.crs.lat_lon:
        x1, y1, x2, y2 = y1, x1, y2, x2
    if bbox.crs.srid == RD.srid:
        return SqlFilter("ST_Intersects(t.geom, ST_MakeEnvelope(:bx1, :by1, :bx2, :by2, 28992))",
                         {"bx1": x1, "by1": y1, "bx2": x2, "by2": y2})
    # A box in degrees reaches only as far as RD New can be computed; the data lies inside.
    dx1, dy1, dx2, dy2 = DEGREE_DOMAIN
    x1, y1, x2, y2 = max(x1, dx1), max(y1, dy1), min(x2, dx2), min(y2, dy2)
    if x1 > x2 or y1 > y2:
        return SqlFilter("FALSE")
    return SqlFilter(
        "ST_Intersects(t.geom, ST_Transform(ST_MakeEnvelope(:bx1, :by1, :bx2, :by2, 4326), "
        f"{STORAGE_SRID}))", {"bx1": x1, "by1": y1, "bx2": x2, "by2": y2})


def _where(bbox: BBoxFilter | None, cql: SqlFilter | None) -> SqlFilter:
    parts = [f for f in (_bbox_condition(bbox) if bbox else None, cql) if f is not None]
    if not parts:
        return SqlFilter("")
    params: dict[str, Any] = {}
    for part in parts:
        params.update(part.params)
    return SqlFilter(" WHERE " + " AND ".join(f"({p.sql})" for p in parts), params)


def _geometry(crs: Crs) -> str:
    if crs.srid == STORAGE_SRID:
        # SRID 0: ST_AsGeoJSON would otherwise add a "crs" member, which GeoJSON (RFC 7946)
        # does not have; the Content-Crs header names the CRS instead.
        return "ST_SetSRID(t.geom, 0)"
    degrees = f"ST_Transform(t.geom, {crs.srid})"
    return f"ST_FlipCoordinates({degrees})" if crs.lat_lon else degrees


def _select(collection: Collection, crs: Crs) -> str:
    columns = ", ".join(f"{p.sql} AS {p.name}" for p in collection.properties)
    return (f"SELECT t.{collection.key} AS {KEY_ALIAS}, {columns}, {_geometry(crs)} AS geom "
            f"FROM {collection.source}")


def _features(session: Session, select_sql: str, params: dict[str, Any],
              crs: Crs) -> list[dict[str, Any]]:
    rows = session.execute(
        text(f"SELECT ST_AsGeoJSON(q.*, 'geom', {crs.decimals})::json FROM ({select_sql}) q"),
        params).scalars()
    features = []
    for feature in rows:
        feature["id"] = feature["properties"].pop(KEY_ALIAS)
        features.append(feature)
    return features


def list_features(
    session: Session, *, collection: Collection, crs: Crs, bbox: BBoxFilter | None,
    cql: SqlFilter | None, limit: int, offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of features (ordered by the featureId) and how many match in all."""
    where = _where(bbox, cql)
    matched = session.execute(
        text(f"SELECT count(*) FROM {collection.source}{where.sql}"), where.params).scalar_one()
    select = (f"{_select(collection, crs)}{where.sql} ORDER BY {collection.order} "
              "LIMIT :ogc_limit OFFSET :ogc_offset")
    features = _features(session, select, {**where.params, "ogc_limit": limit,
                                            "ogc_offset": offset}, crs)
    return features, int(matched)


def get_feature(session: Session, *, collection: Collection, feature_id: str,
                crs: Crs) -> dict[str, Any]:
    """One feature by its featureId, or a Dutch 404."""
    key: str | int = feature_id
    if collection.key_kind == "int":
        if not feature_id.isdigit() or len(feature_id) > 18:
            raise _missing(collection, feature_id)
        key = int(feature_id)
    found = _features(session, f"{_select(collection, crs)} WHERE t.{collection.key} = :fid",
                      {"fid": key}, crs)
    if not found:
        raise _missing(collection, feature_id)
    return found[0]


def _missing(collection: Collection, feature_id: str) -> NotFound:
    return NotFound(f"Object '{feature_id[:100]}' bestaat niet in collectie '{collection.id}'. "
                    "Na een nieuwe import of analyse kan een object verdwenen zijn; vraag de "
                    f"lijst op via /ogc/v1/collections/{collection.id}/items.")


def collection_extent(session: Session, *, collection: Collection) -> list[float] | None:
    """The CRS84 box around the collection's features, or None when it is empty.

    PostGIS's estimate from the table statistics (cheap on millions of rows), else the exact
    extent; widened outward to whole micro-degrees so that it never cuts a feature off.
    """
    box = f"ST_EstimatedExtent('public', '{collection.table}', 'geom')"
    try:
        with session.begin_nested():
            estimate = session.execute(text(f"SELECT {box}::geometry")).scalar()
    except DBAPIError:
        estimate = None
    source = (f"(SELECT {box} AS b) s" if estimate is not None
              else f"(SELECT ST_Extent(t.geom) AS b FROM {collection.table} t) s")
    row = session.execute(text(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Transform("
        f"ST_SetSRID(s.b::geometry, {STORAGE_SRID}), 4326) AS e FROM {source}) x")).first()
    if row is None or row[0] is None:
        return None
    minx, miny, maxx, maxy = (float(v) for v in row)
    return [math.floor(minx * 1e6) / 1e6, math.floor(miny * 1e6) / 1e6,
            math.ceil(maxx * 1e6) / 1e6, math.ceil(maxy * 1e6) / 1e6]
