"""Vector tiles of every map layer, and the point query that answers a click on the map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy.orm import Session

from app.auth.deps import ReaderDep, read_requires_key
from app.deps import SessionDep
from app.kansen.service import KansFilter
from app.openapi import enum_items
from app.tiles.layers import MAX_ZOOM, MVT_MEDIA_TYPE, TILE_LAYERS, TileLayer
from app.tiles.punt import JAAR_MAX, JAAR_MIN, Bronlaag, query_point
from app.tiles.service import (
    TileCache,
    TileKey,
    check_tile,
    read_connection,
    render_tile,
    render_versioned_tile,
    tile_version,
)
from geo.schema import REGELCODES, REGELS

router = APIRouter(tags=["kaart"], dependencies=[ReaderDep])
# With the page's version token in the URL a tile can be kept long; without it, briefly.
MAX_AGE_VERSIONED = 86_400
MAX_AGE = 60
JAAR_VAN = "Jaar van het resultaat (start warmtenet, anders vervanging riool) vanaf"
TileLaag = Annotated[str, Path(description="De kaartlaag", json_schema_extra={"enum": list(TILE_LAYERS)})]
# Documented bounds; check_tile refuses others in Dutch (and x, y below 2^z).
TileZ = Annotated[int, Path(json_schema_extra={"minimum": 0, "maximum": MAX_ZOOM})]
TileXY = Annotated[int, Path(description="Tegelkolom (x) of -rij (y): 0 tot en met 2^z − 1",
                             json_schema_extra={"minimum": 0, "maximum": 2**MAX_ZOOM - 1})]


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag`: weak comparison, a list, or `*`."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False


def _cache(request: Request) -> TileCache:
    cache = getattr(request.app.state, "tile_cache", None)
    if cache is None:
        cache = request.app.state.tile_cache = TileCache()
    return cache


def tile_response(request: Request, session: Session, *, layers: Sequence[TileLayer],
                  key: TileKey, v: str | None = None) -> Response:
    """The answer for one tile of one layer or of several together (also for the OGC API).

    ETag and 304, the tile cache, 204 when empty, gzip as kept; `v` is the page's version token.
    """
    db = read_connection(session)
    cache = _cache(request)
    if_none_match = request.headers.get("if-none-match")
    tile = None
    if if_none_match or cache.holds(key):
        version = tile_version(db)
    else:
        # Most likely not cached: the version and the tile in one round trip.
        version, tile = render_versioned_tile(db, layers=layers, key=key)
        cache.put(version, key, tile)
    # Weak: the same tile goes out compressed or not (with Vary: Accept-Encoding).
    # Private when reading needs a key, so no shared cache hands a tile to someone without one.
    scope = "private" if read_requires_key(request) else "public"
    headers = {
        "ETag": f'W/"kk{version}"',
        "Cache-Control": f"{scope}, max-age={MAX_AGE_VERSIONED if v == version else MAX_AGE}",
    }
    if etag_matches(if_none_match, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if tile is None:
        tile = cache.get(version, key)
    if tile is None:
        tile = render_tile(db, layers=layers, key=key)
        cache.put(version, key, tile)
    if not tile.body:
        return Response(status_code=204, headers=headers)
    # A large tile is kept gzipped; GZipMiddleware passes an encoded answer on as it is.
    if tile.gzipped and "gzip" in request.headers.get("accept-encoding", ""):
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(content=tile.body, media_type=MVT_MEDIA_TYPE, headers=headers)
    return Response(content=tile.plain(), media_type=MVT_MEDIA_TYPE, headers=headers)


@router.get(
    "/tiles/{laag}/{z}/{x}/{y}.pbf",
    response_class=Response,
    responses={200: {"content": {MVT_MEDIA_TYPE: {}}}, 204: {"description": "Lege tegel"},
               304: {"description": "Ongewijzigd"}, 404: {}, 422: {}},
    summary="Vectortegel (Mapbox Vector Tile) van een kaartlaag",
)
def get_tile(
    request: Request,
    session: SessionDep,
    laag: TileLaag,
    z: TileZ,
    x: TileXY,
    y: TileXY,
    v: Annotated[str | None, Query(description="Gegevensversie (zet de kaartpagina)")] = None,
) -> Response:
    """Eén tegel (XYZ, web-mercator) van een laag als Mapbox Vector Tile.

    Lagen: `buurten` (score, rang), `koppelkansen` (regel, regelcode, categorie, actie_nodig,
    kans_id, buurtcode, straatnaam, start_jaar, riool_due_jaar, partij_a/b, soort_a/b),
    `werk` (geplande werken van elke partij: naam, partij, soort, status, jaren), `straat`
    (straatnamen, vanaf zoom 14), `warmtenet`, `riolering` (met riool_due_jaar
    van de laatste analyse), `groen`, `boom` (vanaf zoom 14), `leefbaarometer` (klasse, alleen
    het jaar dat de laatste analyse gebruikte; vóór de eerste analyse het nieuwste jaar in de
    laag). Op lage zoom worden lijnen en vlakken vereenvoudigd en zeer kleine objecten
    weggelaten; onder zoom 5 is elke tegel leeg. De (zwakke) ETag volgt de laatste import en
    analyse; stuur `If-None-Match` voor een 304. Een lege tegel geeft 204. Vraagt lezen een
    sleutel, dan is de tegel `private`.
    """
    layer, key = check_tile(laag, z, x, y)
    return tile_response(request, session, layers=(layer,), key=key, v=v)


@router.get("/tiles", summary="De kaartlagen als vectortegels")
def list_tile_layers(session: SessionDep) -> dict[str, Any]:
    """Welke lagen er als vectortegels zijn, vanaf welke zoom, en de huidige gegevensversie."""
    return {
        "versie": tile_version(session),
        "lagen": [
            {"laag": name, "minzoom": layer.minzoom, "url": f"/tiles/{name}/{{z}}/{{x}}/{{y}}.pbf"}
            for name, layer in TILE_LAYERS.items()
        ],
    }


@router.get("/api/v1/punt", tags=["koppelkansen"], responses={422: {}},
            summary="Wat ligt er op dit punt van de kaart")
def get_punt(
    request: Request,
    session: SessionDep,
    lon: Annotated[float, Query(ge=2.0, le=8.5, description="Lengtegraad (WGS84)")],
    lat: Annotated[float, Query(ge=50.0, le=54.5, description="Breedtegraad (WGS84)")],
    zoom: Annotated[float, Query(ge=0, le=24, description="Zoomniveau van de kaart")],
    regel: Annotated[list[str], Query(description="Alleen deze regel(s)",
                                      json_schema_extra=enum_items(REGELS))] = [],  # noqa: B006
    laag: Annotated[list[Bronlaag] | None, Query(description="Bronlagen om te doorzoeken")] = None,
    tolerantie_px: Annotated[float, Query(alias="tolerantiePx", ge=0, le=50,
                                          description="Zoekstraal in pixels")] = 8,
    categorie: Annotated[Literal["kans", "knelpunt"] | None, Query()] = None,
    actie_nodig: Annotated[bool | None, Query(alias="actieNodig")] = None,
    jaar_van: Annotated[int | None, Query(alias="jaarVan", ge=JAAR_MIN, le=JAAR_MAX,
                                          description=JAAR_VAN)] = None,
    jaar_tot: Annotated[int | None, Query(alias="jaarTot", ge=JAAR_MIN, le=JAAR_MAX,
                                          description="… tot en met")] = None,
    regelcode: Annotated[list[str], Query(description="Alleen deze regelcode(s): R1 en R5 zijn "
                                          "allebei werk met werk",
                                          json_schema_extra=enum_items(REGELCODES))] = [],  # noqa: B006
    partij: Annotated[list[str], Query(description="Alleen resultaten met een werk van deze "
                                       "partij(en); ook voor de bronlaag werk")] = [],  # noqa: B006
    soort: Annotated[list[str], Query(description="Alleen resultaten met een werk van deze "
                                      "soort(en) (R1: warmtenet en riolering); ook voor de "
                                      "bronlaag werk")] = [],  # noqa: B006
) -> dict[str, Any]:
    """De koppelkansen en knelpunten binnen `tolerantiePx` pixels van het punt (dichtstbijzijnde
    eerst, met dezelfde filters als de kaart), de objecten van de gevraagde bronlagen daar, en de
    buurt met haar score. Zo beantwoordt de kaart een klik; de volledige uitleg van een resultaat
    staat op de `href` ervan (/api/v1/koppelkansen/{kans}).
    """
    root = str(request.scope.get("root_path", "")).rstrip("/")
    flt = KansFilter(regel=regel, categorie=categorie, actie_nodig=actie_nodig,
                     jaar_van=jaar_van, jaar_tot=jaar_tot, regelcode=regelcode, partij=partij,
                     soort=soort)
    return query_point(session, lon=lon, lat=lat, zoom=zoom, tolerantie_px=tolerantie_px,
                       flt=flt, lagen=list(laag or []), api_base=root + "/api/v1")
