"""Routes of the OGC API Tiles under /ogc/v1: the map's vector tiles as WebMercatorQuad tilesets.

Part 1 Core, TileSet, TileSetsList, GeoData and Dataset tilesets, MVT. The tiles are the ones
of /tiles/{laag}/{z}/{x}/{y}.pbf (app/tiles, with its cache and ETag), addressed as
{tileMatrix}/{tileRow}/{tileCol} = z/y/x.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response

from app.auth.deps import ReaderDep
from app.deps import SessionDep
from app.ogc import html, schemas, tilesets
from app.ogc.catalog import BASE_PATH, TILE_LAYER_OF
from app.ogc.router import HTML_TOO, Format, base_url, html_page, wants_html
from app.tiles.layers import MAX_ZOOM, MVT_MEDIA_TYPE
from app.tiles.router import tile_response
from app.tiles.service import TileKey

router = APIRouter(prefix=BASE_PATH, tags=["OGC API Tiles"], dependencies=[ReaderDep])

TiledCollectionId = Annotated[str, Path(
    description="Naam van een collectie met vectortegels, bijvoorbeeld koppelkansen",
    json_schema_extra={"enum": list(TILE_LAYER_OF)})]
TileMatrixSetId = Annotated[str, Path(description="De tegelmatrixset: alleen WebMercatorQuad",
                                      json_schema_extra={"enum": [tilesets.TMS_ID]})]
TileMatrix = Annotated[str, Path(description=f"Zoomniveau: 0 tot en met {MAX_ZOOM}; de tegelset "
                                             "noemt vanaf welk niveau er tegels zijn")]
TileIndex = Annotated[int, Path(description="Tegelrij (y, van boven) of -kolom (x, van links): "
                                            "0 tot en met 2^tileMatrix − 1")]
_TILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {MVT_MEDIA_TYPE: {}}}, 204: {"description": "Lege tegel"},
    304: {"description": "Ongewijzigd"}, 404: {}, 422: {}}
_JSON_OR_HTML: dict[int | str, dict[str, Any]] = {**HTML_TOO, 404: {}, 422: {}}


def _answer(request: Request, f: str | None, body: dict[str, Any], page: Any) -> Any:
    if wants_html(request, f):
        return html_page(request, page(base_url(request), body))
    return JSONResponse(body)


@router.get("/tileMatrixSets", responses=_JSON_OR_HTML)
def tile_matrix_sets(request: Request, f: Format = None) -> Any:
    """De tegelmatrixsets van deze API: alleen WebMercatorQuad (web-mercator, zoals de kaart)."""
    links = schemas.self_links(str(request.url), html=wants_html(request, f))
    return _answer(request, f, tilesets.tile_matrix_sets(base_url(request), links),
                   html.tile_matrix_sets_page)


@router.get("/tileMatrixSets/{tileMatrixSetId}", responses=_JSON_OR_HTML)
def tile_matrix_set(request: Request, tileMatrixSetId: TileMatrixSetId, f: Format = None) -> Any:
    """De definitie van WebMercatorQuad (OGC Two Dimensional Tile Matrix Set 2.0), met elk
    zoomniveau: schaalgetal, celgrootte, oorsprong en het aantal tegels."""
    tilesets.check_tile_matrix_set(tileMatrixSetId)
    return _answer(request, f, tilesets.tile_matrix_set(base_url(request)),
                   html.tile_matrix_set_page)


def _list(request: Request, tileset: tilesets.Tileset, f: str | None) -> Any:
    links = schemas.self_links(str(request.url), html=wants_html(request, f))
    return _answer(request, f, tilesets.tilesets(base_url(request), tileset, links),
                   html.tilesets_page)


def _metadata(request: Request, tileset: tilesets.Tileset, tms: str, f: str | None) -> Any:
    tilesets.check_tile_matrix_set(tms)
    return _answer(request, f, tilesets.tileset(base_url(request), tileset), html.tileset_page)


def _tile(request: Request, session: SessionDep, tileset: tilesets.Tileset, tms: str,
          tile_matrix: str, row: int, col: int) -> Response:
    tilesets.check_tile_matrix_set(tms)
    level = tilesets.check_tile_address(tileset, tile_matrix, row, col)
    key = TileKey(tileset.cache_name, level, col, row)
    return tile_response(request, session, layers=tileset.layers, key=key)


@router.get("/tiles", responses=_JSON_OR_HTML)
def dataset_tilesets(request: Request, f: Format = None) -> Any:
    """De tegelsets van de hele dataset: alle kaartlagen samen in één vectortegel."""
    return _list(request, tilesets.DATASET, f)


@router.get("/tiles/{tileMatrixSetId}", responses=_JSON_OR_HTML)
def dataset_tileset(request: Request, tileMatrixSetId: TileMatrixSetId, f: Format = None) -> Any:
    """De tegelset van alle kaartlagen in WebMercatorQuad: de URL-sjabloon van de tegels (link
    `item`), de zoomniveaus (`tileMatrixSetLimits`) en de lagen in elke tegel."""
    return _metadata(request, tilesets.DATASET, tileMatrixSetId, f)


@router.get("/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
            response_class=Response, responses=_TILE_RESPONSES)
def dataset_tile(request: Request, session: SessionDep, tileMatrixSetId: TileMatrixSetId,
                 tileMatrix: TileMatrix, tileRow: TileIndex, tileCol: TileIndex) -> Response:
    """Eén tegel met alle kaartlagen (Mapbox Vector Tile), elke laag vanaf haar eigen
    zoomniveau. Een lege tegel geeft 204, een tegel buiten de tegelset 404. ETag en
    Cache-Control als bij /tiles/{laag}/{z}/{x}/{y}.pbf."""
    return _tile(request, session, tilesets.DATASET, tileMatrixSetId, tileMatrix, tileRow,
                 tileCol)


@router.get("/collections/{collectionId}/tiles", responses=_JSON_OR_HTML)
def collection_tilesets(request: Request, collectionId: TiledCollectionId,
                        f: Format = None) -> Any:
    """De tegelsets van een collectie (alleen collecties met een kaartlaag hebben er een)."""
    return _list(request, tilesets.collection_tileset(collectionId), f)


@router.get("/collections/{collectionId}/tiles/{tileMatrixSetId}", responses=_JSON_OR_HTML)
def collection_tileset(request: Request, collectionId: TiledCollectionId,
                       tileMatrixSetId: TileMatrixSetId, f: Format = None) -> Any:
    """De tegelset van een collectie in WebMercatorQuad: de URL-sjabloon van de tegels (link
    `item`), de zoomniveaus (`tileMatrixSetLimits`) en de laag in de tegels."""
    return _metadata(request, tilesets.collection_tileset(collectionId), tileMatrixSetId, f)


@router.get("/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/"
            "{tileCol}", response_class=Response, responses=_TILE_RESPONSES)
def collection_tile(request: Request, session: SessionDep, collectionId: TiledCollectionId,
                    tileMatrixSetId: TileMatrixSetId, tileMatrix: TileMatrix,
                    tileRow: TileIndex, tileCol: TileIndex) -> Response:
    """Eén vectortegel (Mapbox Vector Tile) van een collectie: dezelfde tegel als de kaart
    (/tiles/{laag}/{z}/{x}/{y}.pbf met z = tileMatrix, y = tileRow, x = tileCol). Een lege tegel
    geeft 204, een tegel buiten de tegelset (onder het eerste zoomniveau) 404. De (zwakke) ETag
    volgt de laatste import en analyse; stuur `If-None-Match` voor een 304."""
    return _tile(request, session, tilesets.collection_tileset(collectionId), tileMatrixSetId,
                 tileMatrix, tileRow, tileCol)
