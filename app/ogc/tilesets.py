"""The JSON documents of the OGC API Tiles: WebMercatorQuad, tileset lists and tileset metadata.

WebMercatorQuad follows the OGC Two Dimensional Tile Matrix Set standard (2.0), its matrices
computed from the standard's formula; the tiles are the map's (app/tiles), so a tile is
addressed as tileMatrix/tileRow/tileCol = z/y/x. Pure functions of the catalogue and a base URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import NotFound
from app.ogc.catalog import COLLECTIONS, TILE_LAYER_OF, Collection, get_collection
from app.ogc.schemas import HTML, JSON, link
from app.tiles.layers import (
    HALF_WORLD,
    MAX_ZOOM,
    MVT_MEDIA_TYPE,
    TILE_LAYERS,
    TILE_SIZE,
    TileLayer,
)

TMS_ID = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
TMS_TITLE = "Google Maps Compatible for the World"
MERCATOR_URI = "http://www.opengis.net/def/crs/EPSG/0/3857"
REL_TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
REL_GEODATA = "http://www.opengis.net/def/rel/ogc/1.0/geodata"

# The standard's pixel: 0.28 mm.
_PIXEL_METRES = 0.00028
TILE_TEMPLATE = "{tileMatrix}/{tileRow}/{tileCol}"


def tile_matrix(level: int) -> dict[str, Any]:
    """Level `level` of WebMercatorQuad: 2^level tiles of 256 pixels square from the top left."""
    cell = 2 * HALF_WORLD / TILE_SIZE / 2**level
    return {
        "id": str(level),
        "scaleDenominator": cell / _PIXEL_METRES,
        "cellSize": cell,
        "cornerOfOrigin": "topLeft",
        "pointOfOrigin": [-HALF_WORLD, HALF_WORLD],
        "tileWidth": TILE_SIZE,
        "tileHeight": TILE_SIZE,
        "matrixWidth": 2**level,
        "matrixHeight": 2**level,
    }


def tile_matrix_set(base: str) -> dict[str, Any]:
    """The definition of WebMercatorQuad (levels 0 to MAX_ZOOM) in the TMS 2.0 JSON encoding."""
    return {
        "id": TMS_ID,
        "title": TMS_TITLE,
        "description": "Web-mercator (EPSG:3857) in tegels van 256 × 256 pixels; zoomniveau z "
                       "heeft 2^z × 2^z tegels. Dezelfde tegels als de kaart (/tiles).",
        "uri": TMS_URI,
        "crs": MERCATOR_URI,
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "boundingBox": {"lowerLeft": [-HALF_WORLD, -HALF_WORLD],
                        "upperRight": [HALF_WORLD, HALF_WORLD], "crs": MERCATOR_URI,
                        "orderedAxes": ["X", "Y"]},
        "tileMatrices": [tile_matrix(level) for level in range(MAX_ZOOM + 1)],
        "links": [link(f"{base}/tileMatrixSets/{TMS_ID}", "self", JSON, "Dit document"),
                  link(f"{base}/tileMatrixSets/{TMS_ID}?f=html", "alternate", HTML,
                       "Dit document als webpagina")],
    }


def tile_matrix_sets(base: str, links: list[dict[str, str]]) -> dict[str, Any]:
    """The list of tile matrix sets: only WebMercatorQuad."""
    href = f"{base}/tileMatrixSets/{TMS_ID}"
    return {"links": links, "tileMatrixSets": [{
        "id": TMS_ID, "title": TMS_TITLE, "uri": TMS_URI,
        "crs": MERCATOR_URI, "links": [link(href, "self", JSON, "WebMercatorQuad")]}]}


def check_tile_matrix_set(tile_matrix_set_id: str) -> None:
    """Nothing, or a Dutch 404 when the tile matrix set is not WebMercatorQuad."""
    if tile_matrix_set_id != TMS_ID:
        raise NotFound(f"Tegelmatrixset '{tile_matrix_set_id[:100]}' bestaat niet; deze API "
                       f"kent alleen {TMS_ID}.")


@dataclass(frozen=True)
class Tileset:
    """What one tileset serves: the collection tiles of one layer, or the dataset's of all."""

    title: str
    description: str
    layers: tuple[TileLayer, ...]
    collection: Collection | None   # None for the dataset tileset

    @property
    def path(self) -> str:
        """Where it is under the base URL: /collections/{id}/tiles, or /tiles."""
        return f"/collections/{self.collection.id}/tiles" if self.collection else "/tiles"

    @property
    def minzoom(self) -> int:
        """The lowest level with tiles: the lowest of its layers."""
        return min(layer.minzoom for layer in self.layers)

    @property
    def cache_name(self) -> str:
        """The name under which its tiles are cached (the map layer's, for one layer)."""
        return self.layers[0].naam if len(self.layers) == 1 else "ogc:dataset"


_COLLECTION_OF_LAYER: dict[str, Collection] = {
    laag: COLLECTIONS[c] for c, laag in TILE_LAYER_OF.items()}


DATASET = Tileset(
    title="Alle kaartlagen",
    description="Alle kaartlagen in één vectortegel; elke laag vanaf haar eigen zoomniveau.",
    layers=tuple(TILE_LAYERS.values()), collection=None)


def collection_tileset(collection_id: str) -> Tileset:
    """The tileset of a collection, or a Dutch 404 when it has no vector tiles."""
    item = get_collection(collection_id)
    laag = TILE_LAYER_OF.get(item.id)
    if laag is None:
        raise NotFound(f"Collectie '{item.id}' heeft geen vectortegels. Wel: "
                       f"{', '.join(TILE_LAYER_OF)}.")
    return Tileset(title=item.title,
                   description=f"{item.description} Als vectortegels (kaartlaag {laag}).",
                   layers=(TILE_LAYERS[laag],), collection=item)


def check_tile_address(tileset: Tileset, tile_matrix: str, row: int, col: int) -> int:
    """The zoom level of a tile inside the tileset's limits, or a Dutch 404 (OGC API Tiles)."""
    if not tile_matrix.isdigit() or not tileset.minzoom <= int(tile_matrix) <= MAX_ZOOM:
        raise NotFound(f"Tegelmatrix '{tile_matrix[:20]}' valt buiten deze tegelset: gebruik "
                       f"{tileset.minzoom} tot en met {MAX_ZOOM}.")
    level = int(tile_matrix)
    n = 2**level
    if not (0 <= row < n and 0 <= col < n):
        raise NotFound(f"Tegel {level}/{row}/{col} bestaat niet: rij en kolom liggen op "
                       f"tegelmatrix {level} tussen 0 en {n - 1}.")
    return level


# TMS 2.0: 0 points, 1 curves, 2 surfaces; left out for a layer of mixed geometries.
_DIMENSION = {"Point": 0, "MultiPoint": 0, "LineString": 1, "MultiLineString": 1,
              "Polygon": 2, "MultiPolygon": 2}


def _layer(layer: TileLayer) -> dict[str, Any]:
    item = _COLLECTION_OF_LAYER[layer.naam]
    document: dict[str, Any] = {
        "id": layer.naam, "title": item.title, "description": item.description,
        "dataType": "vector", "minTileMatrix": str(layer.minzoom),
        "maxTileMatrix": str(MAX_ZOOM), "geometryType": item.geometry_type}  # as in GeoJSON
    if item.geometry_type in _DIMENSION:
        document["geometryDimension"] = _DIMENSION[item.geometry_type]
    return document


def _tileset_links(base: str, tileset: Tileset) -> list[dict[str, Any]]:
    href = f"{base}{tileset.path}/{TMS_ID}"
    links: list[dict[str, Any]] = [
        link(href, "self", JSON, "Deze tegelset"),
        link(f"{href}?f=html", "alternate", HTML, "Deze tegelset als webpagina"),
        link(f"{base}/tileMatrixSets/{TMS_ID}", REL_TILING_SCHEME, JSON,
             "De tegelmatrixset WebMercatorQuad"),
        {**link(f"{href}/{TILE_TEMPLATE}", "item", MVT_MEDIA_TYPE, "Een tegel (Mapbox Vector Tile)"),
         "templated": True},
    ]
    if tileset.collection is not None:
        links.append(link(f"{base}/collections/{tileset.collection.id}", REL_GEODATA, JSON,
                          tileset.collection.title))
    return links


def tileset(base: str, tileset: Tileset) -> dict[str, Any]:
    """The tileset metadata of a collection or of the dataset in WebMercatorQuad."""
    return {
        "title": tileset.title,
        "description": tileset.description,
        "dataType": "vector",
        "crs": MERCATOR_URI,
        "tileMatrixSetURI": TMS_URI,
        "links": _tileset_links(base, tileset),
        "tileMatrixSetLimits": [
            {"tileMatrix": str(level), "minTileRow": 0, "maxTileRow": 2**level - 1,
             "minTileCol": 0, "maxTileCol": 2**level - 1}
            for level in range(tileset.minzoom, MAX_ZOOM + 1)],
        "layers": [_layer(layer) for layer in tileset.layers],
    }


def tilesets(base: str, tileset: Tileset, links: list[dict[str, str]]) -> dict[str, Any]:
    """The list of tilesets of a collection or of the dataset: the one in WebMercatorQuad."""
    return {"links": links, "tilesets": [{
        "title": tileset.title, "dataType": "vector", "crs": MERCATOR_URI,
        "tileMatrixSetURI": TMS_URI, "links": _tileset_links(base, tileset)}]}

