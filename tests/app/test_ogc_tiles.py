"""OGC API Tiles (/ogc/v1) against the demo municipality: WebMercatorQuad, tilesets of the
collections and of the dataset, and tiles that are the map's own (/tiles)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.auth.service import create_key
from app.config import Settings
from app.main import create_app
from app.ogc.catalog import COLLECTIONS
from app.tiles.layers import MAX_ZOOM, TILE_LAYERS
from tests.app.test_ogc import _problem
from tests.tiles.mvt import decode
from tests.tiles.test_tiles import tile_of

pytestmark = pytest.mark.db

OGC = "/ogc/v1"
MVT = "application/vnd.mapbox-vector-tile"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
TILESETS = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
ZOOM = 14


def _href(body: dict[str, Any], rel: str) -> str:
    return next(str(x["href"]) for x in body["links"] if x["rel"] == rel)


@pytest.fixture(scope="module")
def kans_tile(demo_engine: Engine) -> tuple[int, int, int, str]:
    """(z, row, col) of a tile holding a demo koppelkans, and that kans_id."""
    with demo_engine.connect() as conn:
        kans_id, lon, lat = conn.execute(text(
            "SELECT kans_id, ST_X(p), ST_Y(p) FROM (SELECT kans_id, ST_Transform("
            "ST_PointOnSurface(geom), 4326) AS p FROM koppelkans ORDER BY kans_id LIMIT 1) k")).one()
    col, row = tile_of(lon, lat, ZOOM)
    return ZOOM, row, col, kans_id


def test_conformance_lists_the_tiles_classes(client: TestClient) -> None:
    conforms = set(client.get(f"{OGC}/conformance").json()["conformsTo"])
    for part in ("core", "tileset", "tilesets-list", "geodata-tilesets", "dataset-tilesets", "mvt"):
        assert f"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{part}" in conforms
    assert "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset" in conforms
    assert "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset" in conforms


def test_landing_page_links_the_tiles(client: TestClient) -> None:
    landing = client.get(OGC).json()
    schemes = client.get(_href(landing, "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"))
    assert [t["id"] for t in schemes.json()["tileMatrixSets"]] == ["WebMercatorQuad"]
    dataset = client.get(_href(landing, TILESETS)).json()
    assert [t["tileMatrixSetURI"] for t in dataset["tilesets"]] == [TMS_URI]


def test_web_mercator_quad_is_the_standard_one(client: TestClient) -> None:
    tms = client.get(f"{OGC}/tileMatrixSets/WebMercatorQuad").json()
    assert tms["id"] == "WebMercatorQuad"
    assert tms["uri"] == TMS_URI
    assert tms["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    levels = tms["tileMatrices"]
    assert [m["id"] for m in levels] == [str(z) for z in range(MAX_ZOOM + 1)]
    origin = 20037508.3427892
    for z in (0, 1, 14, MAX_ZOOM):
        m = levels[z]
        assert m["matrixWidth"] == m["matrixHeight"] == 2**z
        assert m["tileWidth"] == m["tileHeight"] == 256
        assert m["scaleDenominator"] == pytest.approx(559082264.0287178 / 2**z, rel=1e-12)
        assert m["cellSize"] == pytest.approx(156543.03392804097 / 2**z, rel=1e-12)
        assert m["cornerOfOrigin"] == "topLeft"
        assert m["pointOfOrigin"] == pytest.approx([-origin, origin], abs=1e-6)
        # The matrix spans the whole square of the projection.
        assert m["cellSize"] * 256 * m["matrixWidth"] == pytest.approx(2 * origin)


def test_unknown_tile_matrix_set_is_a_dutch_404(client: TestClient) -> None:
    for url in (f"{OGC}/tileMatrixSets/WorldCRS84Quad",
                f"{OGC}/collections/koppelkansen/tiles/WorldCRS84Quad",
                f"{OGC}/collections/koppelkansen/tiles/WorldCRS84Quad/14/0/0",
                f"{OGC}/tiles/NetherlandsRDNewQuad/14/0/0"):
        _problem(client.get(url), 404, "alleen WebMercatorQuad")


def test_only_collections_with_a_map_layer_advertise_tiles(client: TestClient) -> None:
    described = {c["id"]: c for c in client.get(f"{OGC}/collections").json()["collections"]}
    tiled = {cid for cid, c in described.items() if any(x["rel"] == TILESETS for x in c["links"])}
    assert {"koppelkansen", "buurtscores", "riolering", "werk"} <= tiled
    assert "buurt" in COLLECTIONS and "buurt" not in tiled
    _problem(client.get(f"{OGC}/collections/buurt/tiles"), 404, "geen vectortegels")
    _problem(client.get(f"{OGC}/collections/buurt/tiles/WebMercatorQuad/14/0/0"), 404,
             "geen vectortegels")
    for cid in tiled:
        r = client.get(_href(described[cid], TILESETS))
        assert r.status_code == 200, (cid, r.text)
    (buurten,) = client.get(f"{OGC}/collections/buurtscores/tiles/WebMercatorQuad").json()[
        "layers"]
    assert buurten["id"] == "buurten" and buurten["geometryDimension"] == 2


def test_koppelkansen_tileset(client: TestClient) -> None:
    listed = client.get(f"{OGC}/collections/koppelkansen/tiles").json()
    (entry,) = listed["tilesets"]
    assert entry["dataType"] == "vector" and entry["tileMatrixSetURI"] == TMS_URI
    tileset = client.get(_href(entry, "self")).json()
    assert tileset["dataType"] == "vector"
    assert tileset["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    assert tileset["tileMatrixSetURI"] == TMS_URI
    item = next(x for x in tileset["links"] if x["rel"] == "item")
    assert item["type"] == MVT and item["templated"] is True
    assert item["href"].endswith(
        "/ogc/v1/collections/koppelkansen/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}")
    minzoom = TILE_LAYERS["koppelkansen"].minzoom
    limits = tileset["tileMatrixSetLimits"]
    assert [x["tileMatrix"] for x in limits] == [str(z) for z in range(minzoom, MAX_ZOOM + 1)]
    assert limits[-1]["maxTileRow"] == limits[-1]["maxTileCol"] == 2**MAX_ZOOM - 1
    (layer,) = tileset["layers"]
    assert layer["id"] == "koppelkansen" and layer["minTileMatrix"] == str(minzoom)
    assert layer["geometryType"] == COLLECTIONS["koppelkansen"].geometry_type
    assert "geometryDimension" not in layer  # any geometry: no one dimension
    scheme = client.get(_href(tileset, "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"))
    assert scheme.json()["uri"] == TMS_URI
    geodata = client.get(_href(tileset, "http://www.opengis.net/def/rel/ogc/1.0/geodata"))
    assert geodata.json()["id"] == "koppelkansen"


def test_collection_tile_is_the_map_tile(
    client: TestClient, kans_tile: tuple[int, int, int, str]
) -> None:
    z, row, col, kans_id = kans_tile
    r = client.get(f"{OGC}/collections/koppelkansen/tiles/WebMercatorQuad/{z}/{row}/{col}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == MVT
    features = decode(r.content)["koppelkansen"].features
    assert kans_id in {f.properties["kans_id"] for f in features}
    assert all(f.properties.get("regelcode") for f in features)
    # OGC's row is the map's y and the column its x: the very same tile.
    mine = client.get(f"/tiles/koppelkansen/{z}/{col}/{row}.pbf")
    assert mine.content == r.content
    assert mine.headers["etag"] == r.headers["etag"]
    assert r.headers["cache-control"].endswith("max-age=60")
    again = client.get(r.url, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    # Swapping row and column gives another tile (or none): the order is not symmetric by luck.
    if row != col:
        swapped = client.get(f"{OGC}/collections/koppelkansen/tiles/WebMercatorQuad/{z}/{col}/{row}")
        assert swapped.content != r.content


def test_tiles_outside_the_tileset_are_dutch_404s(client: TestClient) -> None:
    base = f"{OGC}/collections/koppelkansen/tiles/WebMercatorQuad"
    minzoom = TILE_LAYERS["koppelkansen"].minzoom
    _problem(client.get(f"{base}/{minzoom - 1}/0/0"), 404, "buiten deze tegelset")
    _problem(client.get(f"{base}/{MAX_ZOOM + 1}/0/0"), 404, "buiten deze tegelset")
    _problem(client.get(f"{base}/a/0/0"), 404, "buiten deze tegelset")
    _problem(client.get(f"{base}/{ZOOM}/{2**ZOOM}/0"), 404, "bestaat niet")
    _problem(client.get(f"{base}/{ZOOM}/0/-1"), 404, "bestaat niet")
    _problem(client.get(f"{OGC}/collections/boom/tiles/WebMercatorQuad/13/0/0"), 404,
             "14 tot en met")
    _problem(client.get(f"{OGC}/collections/onbekend/tiles"), 404, "bestaat niet")
    assert client.get(f"{base}/{ZOOM}/0/0").status_code == 204


def test_dataset_tile_holds_every_layer(
    client: TestClient, kans_tile: tuple[int, int, int, str]
) -> None:
    tileset = client.get(f"{OGC}/tiles/WebMercatorQuad").json()
    assert {x["id"] for x in tileset["layers"]} == set(TILE_LAYERS)
    assert tileset["tileMatrixSetLimits"][0]["tileMatrix"] == str(
        min(x.minzoom for x in TILE_LAYERS.values()))
    z, row, col, _ = kans_tile
    r = client.get(f"{OGC}/tiles/WebMercatorQuad/{z}/{row}/{col}")
    assert r.status_code == 200, r.text
    layers = decode(r.content)
    assert {"koppelkansen", "buurten"} <= set(layers)
    for name, layer in layers.items():
        alone = client.get(f"/tiles/{name}/{z}/{col}/{row}.pbf")
        assert alone.status_code == 200, name
        assert sorted(repr(f.properties) for f in decode(alone.content)[name].features) == sorted(
            repr(f.properties) for f in layer.features), name
    # Every layer of the map that has something in the tile is in it.
    for name in set(TILE_LAYERS) - set(layers):
        assert client.get(f"/tiles/{name}/{z}/{col}/{row}.pbf").status_code == 204, name
    assert client.get(f"{OGC}/tiles/WebMercatorQuad/5/0/0").status_code == 204
    _problem(client.get(f"{OGC}/tiles/WebMercatorQuad/4/0/0"), 404, "buiten deze tegelset")


def test_tiles_pages_in_dutch_html(client: TestClient) -> None:
    for url, words in (
        (f"{OGC}/tileMatrixSets", "Tegelmatrixsets"),
        (f"{OGC}/tileMatrixSets/WebMercatorQuad", "Tegelmatrices"),
        (f"{OGC}/collections/koppelkansen/tiles", "Tegelsets"),
        (f"{OGC}/collections/koppelkansen/tiles/WebMercatorQuad", "Vectortegellaag"),
        (f"{OGC}/tiles/WebMercatorQuad", "Lagen in de tegels"),
    ):
        r = client.get(url, params={"f": "html"})
        assert r.status_code == 200, (url, r.text)
        assert r.headers["content-type"].startswith("text/html")
        assert words in r.text, url
        assert '<html lang="nl">' in r.text and "<script" not in r.text
    page = client.get(f"{OGC}/collections/koppelkansen/tiles/WebMercatorQuad",
                      headers={"Accept": "text/html"}).text
    assert "WebMercatorQuad/{z}/{y}/{x}" in page


def test_tiles_need_a_key_when_reading_does(
    demo_url: str, kans_tile: tuple[int, int, int, str]
) -> None:
    z, row, col, _ = kans_tile
    url = f"{OGC}/collections/koppelkansen/tiles/WebMercatorQuad/{z}/{row}/{col}"
    settings = Settings.model_validate({"DATABASE_URL": demo_url, "read_requires_key": True})
    with TestClient(create_app(settings)) as api:
        _problem(api.get(url), 401)
        _problem(api.get(f"{OGC}/tileMatrixSets/WebMercatorQuad"), 401)
        with Session(api.app.state.engine) as session:  # type: ignore[attr-defined]
            _, key = create_key(session, naam="ogc-tegels", rol="viewer")
        try:
            r = api.get(url, headers={"X-API-Key": key})
            assert r.status_code == 200 and r.headers["cache-control"].startswith("private")
        finally:
            with api.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
                conn.execute(text("DELETE FROM api_key WHERE naam = 'ogc-tegels'"))
