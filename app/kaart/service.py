"""Extents the map pages need: of the whole area and of one buurt, in WGS84."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from app.errors import NotFound

Bounds = tuple[float, float, float, float]

_AREA_SQL = text(
    "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
    "FROM (SELECT ST_Extent(ST_Transform(geom, 4326)) AS e FROM buurt) AS s"
)
_BUURT_SQL = text(
    "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
    "FROM (SELECT ST_Extent(ST_Transform(geom, 4326)) AS e FROM buurt "
    "WHERE buurtcode = :code) AS s"
)


def _as_bounds(row: Row[Any] | None) -> Bounds | None:
    # ST_Extent over no rows gives NULL: no buurten (or not this one).
    values: tuple[Any, ...] = tuple(row) if row is not None else ()
    if len(values) != 4 or any(v is None for v in values):
        return None
    minx, miny, maxx, maxy = (float(v) for v in values)
    return (minx, miny, maxx, maxy)


def area_bounds(session: Session) -> Bounds | None:
    """(minlon, minlat, maxlon, maxlat) of all buurten, or None when none are imported."""
    return _as_bounds(session.execute(_AREA_SQL).one_or_none())


def buurt_bounds(session: Session, buurtcode: str) -> Bounds:
    """(minlon, minlat, maxlon, maxlat) of one buurt; NotFound when it does not exist."""
    bounds = _as_bounds(session.execute(_BUURT_SQL, {"code": buurtcode}).one_or_none())
    if bounds is None:
        raise NotFound(f"Buurt {buurtcode} bestaat niet.")
    return bounds


def buurt_extents(session: Session) -> dict[str, list[float]]:
    """Every buurt's (minlon, minlat, maxlon, maxlat), rounded to about a metre."""
    rows = session.execute(text(
        "SELECT buurtcode, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        "(SELECT buurtcode, ST_Transform(geom, 4326)::box2d AS e FROM buurt) s ORDER BY buurtcode"
    ))
    return {code: [round(float(v), 5) for v in box] for code, *box in rows}


_WERK_WAARDEN_SQL = text(
    "SELECT 'partij' AS veld, v FROM ("
    "  SELECT partij AS v FROM werk UNION SELECT partij_a FROM koppelkans"
    "  UNION SELECT partij_b FROM koppelkans) p WHERE v IS NOT NULL "
    "UNION ALL "
    "SELECT 'soort', v FROM ("
    "  SELECT soort AS v FROM werk UNION SELECT soort_a FROM koppelkans"
    "  UNION SELECT soort_b FROM koppelkans) s WHERE v IS NOT NULL "
    "ORDER BY 1, 2"
)


def werk_waarden(session: Session) -> tuple[list[str], list[str]]:
    """The partijen and soorten of the loaded works and of the results, each sorted.

    The map's partij and soort filters offer these; read per page, so they follow the data.
    """
    partijen: list[str] = []
    soorten: list[str] = []
    for veld, waarde in session.execute(_WERK_WAARDEN_SQL):
        (partijen if veld == "partij" else soorten).append(str(waarde))
    return partijen, soorten
