"""Request dependencies that turn query parameters into small domain inputs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.errors import BadRequest
from app.geojson import GEOJSON_MEDIA_TYPE

_log = logging.getLogger(__name__)


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, from the sessionmaker the lifespan put on app.state.

    The session is closed after the answer has been sent. If the database went away in
    between (restart, terminated connection), closing fails although the answer is complete:
    the dead connection is dropped from the pool and the error goes no further, instead of
    breaking a response that has already started. A failure before the answer is made is an
    OperationalError the error handlers turn into a 503.
    """
    session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        try:
            session.close()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                _log.warning("sessie sluiten mislukt: %s", exc.orig)


SessionDep = Annotated[Session, Depends(get_session)]

# The Netherlands with a margin, in WGS84: a bbox outside this is surely a mistake.
_NL_LON = (2.0, 8.5)
_NL_LAT = (50.0, 54.5)


@dataclass(frozen=True)
class BBox:
    """A lon/lat box in WGS84."""

    minx: float
    miny: float
    maxx: float
    maxy: float


def parse_bbox(value: str | None) -> BBox | None:
    """Parse 'minlon,minlat,maxlon,maxlat' (WGS84) or raise BadRequest saying what is wrong."""
    if value is None or value == "":
        return None
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4:
        raise BadRequest(
            f"Ongeldige bbox '{value}': geef vier getallen 'minlon,minlat,maxlon,maxlat' in "
            "WGS84, bijvoorbeeld bbox=5.10,52.05,5.15,52.10."
        )
    box = BBox(*numbers)
    if box.minx >= box.maxx or box.miny >= box.maxy:
        raise BadRequest(f"Ongeldige bbox '{value}': min moet kleiner zijn dan max.")
    inside = (
        _NL_LON[0] <= box.minx <= _NL_LON[1] and _NL_LON[0] <= box.maxx <= _NL_LON[1]
        and _NL_LAT[0] <= box.miny <= _NL_LAT[1] and _NL_LAT[0] <= box.maxy <= _NL_LAT[1]
    )
    if not inside:
        raise BadRequest(
            f"Ongeldige bbox '{value}': de coördinaten liggen niet in Nederland. Geef lengte- en "
            "breedtegraad in WGS84 (lon 3,2–7,3; lat 50,7–53,7), geen RD-meters."
        )
    return box


def bbox_query(
    bbox: Annotated[
        str | None,
        Query(description="Gebied als 'minlon,minlat,maxlon,maxlat' in WGS84 (EPSG:4326).",
              examples=["5.10,52.05,5.15,52.10"]),
    ] = None,
) -> BBox | None:
    """The bbox query parameter, checked."""
    return parse_bbox(bbox)


@dataclass(frozen=True)
class Page:
    """Paging by limit and offset."""

    limit: int
    offset: int


def page_query(
    request: Request,
    limit: Annotated[
        int | None, Query(ge=1, description="Hoeveel objecten per pagina (maximaal 100 000).")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Hoeveel objecten overslaan.")] = 0,
) -> Page:
    """The limit/offset query parameters, bounded by the configured maximum."""
    settings = request.app.state.settings
    if limit is None:
        limit = settings.default_page_size
    if limit > settings.max_page_size:
        raise BadRequest(f"'limit' mag hoogstens {settings.max_page_size} zijn, niet {limit}.")
    return Page(limit=limit, offset=offset)


BBoxDep = Annotated[BBox | None, Depends(bbox_query)]
PageDep = Annotated[Page, Depends(page_query)]


def next_link(request: Request, page: Page, returned: int, total: int) -> list[dict[str, str]]:
    """OGC-style links: self, and next when more objects follow."""
    links = [{"rel": "self", "href": str(request.url), "type": GEOJSON_MEDIA_TYPE}]
    if page.offset + returned < total:
        url = request.url.include_query_params(offset=page.offset + page.limit, limit=page.limit)
        links.append({"rel": "next", "href": str(url), "type": GEOJSON_MEDIA_TYPE})
    return links
