"""QGIS 3.22 (Debian 12) as a GIS colleague uses it, against a live demo server: the OGC API
Features collections (also filtered and in RD), the vector tiles, and the GeoPackage and
shapefile exports with the map's style. What QGIS reads is compared with PostGIS itself.

QGIS 3.22 sends neither `filter` nor `crs` from its OGC API Features provider (it filters on its
own side and asks CRS84); a colleague who wants the server to filter, or wants RD, opens the
items URL with those parameters as a vector layer (GDAL), which is what the filter and CRS tests
do, next to the provider's own filter.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from shapely import wkt

from app.auth.service import create_key
from app.config import Settings
from app.exports.fields import KANS_FIELDS, LAYER_FIELDS
from app.exports.service import export_layer
from app.main import create_app
from app.ogc.catalog import COLLECTIONS
from frontend.styles import REGELCODE_COLORS, SCORE_RAMP
from tests.qgis.conftest import QgisRun
from tests.support import serve

pytestmark = pytest.mark.db

OGC = "/ogc/v1"
CQL = "regel = 'vergroenen' AND jaar >= 2027"
QGIS_EXPRESSION = "\"regel\" = 'vergroenen' AND \"jaar\" >= 2027"
MM = 0.0011  # metres: RD coordinates come back to the millimetre


def _rows(engine: Engine, sql: str) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql)))


def _items_url(base: str, collection: str, **params: str) -> str:
    return f"{base}{OGC}/collections/{collection}/items?{urlencode({**params, 'limit': 10000})}"


def _oapif(base: str, collection: str) -> str:
    return f"url='{base}{OGC}' typename='{collection}'"


def _keys(answer: dict[str, Any]) -> list[Any]:
    assert answer["valid"], answer.get("error")
    return sorted(feature["key"] for feature in answer["features"])


def test_qgis_adds_the_collections_with_their_attributes(
        qgis: QgisRun, live_server: str, demo_engine: Engine) -> None:
    attributes = ["regel", "regelcode", "buurtcode", "straatnaam", "jaar"]
    seen = qgis([
        {"name": "kansen", "provider": "OAPIF", "uri": _oapif(live_server, "koppelkansen"),
         "key": "kans_id", "attributes": attributes},
        {"name": "buurtscores", "provider": "OAPIF", "uri": _oapif(live_server, "buurtscores"),
         "key": "buurtcode", "attributes": ["score"]},
    ])
    kansen = seen["kansen"]
    assert kansen["valid"], kansen.get("error")
    assert kansen["crs"] == "EPSG:4326"
    assert {p.name for p in COLLECTIONS["koppelkansen"].properties} <= set(kansen["fields"])
    expected = {row.kans_id: dict(row._mapping) for row in _rows(
        demo_engine, f"SELECT kans_id, {', '.join(attributes)} FROM koppelkans")}
    assert len(kansen["features"]) == len(expected) > 100
    for feature in kansen["features"]:
        row = expected[feature["key"]]
        assert {name: feature[name] for name in attributes} == {name: row[name] for name in attributes}
    scores = dict(_rows(demo_engine, "SELECT buurtcode, score FROM buurtscore"))
    got = {f["key"]: f["score"] for f in seen["buurtscores"]["features"]}
    assert got.keys() == scores.keys()
    assert all(got[code] == pytest.approx(scores[code]) for code in scores)


def test_qgis_reads_with_a_key_as_basic_password(
        qgis: QgisRun, demo_url: str, demo_engine: Engine) -> None:
    # QGIS 3.22 offers an OGC API connection Basic authentication only (README step 2).
    settings = Settings.model_validate({"DATABASE_URL": demo_url, "read_requires_key": True})
    with Session(demo_engine) as session:
        _, key = create_key(session, naam="qgis-lezer", rol="viewer")
    base, stop = serve(create_app(settings))
    try:
        uri = _oapif(base, "buurtscores")
        # Without first: QGIS keeps what it fetched with the key in its own cache.
        seen = qgis([
            {"name": "zonder", "provider": "OAPIF", "uri": uri},
            {"name": "met", "provider": "OAPIF", "key": "buurtcode",
             "uri": f"{uri} username='qgis' password='{key}'"},
        ])
    finally:
        stop()
        with demo_engine.begin() as conn:
            conn.execute(text("DELETE FROM api_key WHERE naam = 'qgis-lezer'"))
    expected = sorted(r[0] for r in _rows(demo_engine, "SELECT buurtcode FROM buurtscore"))
    assert _keys(seen["met"]) == expected
    assert not seen["zonder"]["valid"]


def test_qgis_filter_matches_the_servers_cql2(
        qgis: QgisRun, live_server: str, demo_engine: Engine) -> None:
    expected = sorted(r[0] for r in _rows(demo_engine, f"SELECT kans_id FROM koppelkans WHERE {CQL}"))
    seen = qgis([
        {"name": "provider", "provider": "OAPIF", "uri": _oapif(live_server, "koppelkansen"),
         "subset": QGIS_EXPRESSION, "key": "kans_id"},
        {"name": "server", "provider": "ogr", "key": "kans_id",
         "uri": _items_url(live_server, "koppelkansen", filter=CQL)},
    ])
    assert expected
    assert _keys(seen["provider"]) == expected
    assert _keys(seen["server"]) == expected


def test_qgis_reads_rd_to_the_millimetre(
        qgis: QgisRun, live_server: str, demo_engine: Engine) -> None:
    seen = qgis([{"name": "rd", "provider": "ogr", "key": "buurtcode",
                  "uri": _items_url(live_server, "buurtscores", crs="EPSG:28992")}])["rd"]
    assert seen["valid"], seen.get("error")
    assert seen["crs"] == "EPSG:28992"
    stored = dict(_rows(demo_engine, "SELECT buurtcode, ST_AsText(geom) FROM buurtscore"))
    assert sorted(stored) == _keys(seen)
    for feature in seen["features"]:
        assert wkt.loads(feature["wkt"]).equals_exact(wkt.loads(stored[feature["key"]]), MM)


def test_qgis_draws_the_ogc_vector_tiles(
        qgis: QgisRun, live_server: str, demo_engine: Engine) -> None:
    west, south, east, north = _rows(demo_engine, "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), "
                                     "ST_YMax(e) FROM (SELECT ST_Extent(ST_Transform(geom, 4326)) "
                                     "e FROM koppelkans) x")[0]
    template = f"{live_server}{OGC}/collections/koppelkansen/tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}"
    seen = qgis([
        {"name": "demo", "provider": "vectortile", "uri": template, "zmin": 5, "zmax": 22,
         "extent": [west, south, east, north]},
        {"name": "elders", "provider": "vectortile", "uri": template, "zmin": 5, "zmax": 22,
         "extent": [west + 1, south + 1, east + 1, north + 1]},
    ])
    assert seen["demo"]["valid"], seen["demo"].get("error")
    assert seen["demo"]["painted"] > 100
    assert seen["elders"]["painted"] == 0


def _download(base: str, fmt: str, folder: Path) -> Path:
    response = httpx.get(f"{base}/api/v1/export", params={"format": fmt}, timeout=300)
    assert response.status_code == 200, response.text
    path = folder / f"export.{'gpkg' if fmt == 'gpkg' else 'zip'}"
    path.write_bytes(response.content)
    return path


def _assert_kans_style(renderer: dict[str, Any], attribute: str) -> None:
    assert renderer["type"] == "categorizedSymbol"
    assert renderer["attribute"] == attribute
    colors = {c["value"]: c["color"] for c in renderer["categories"]}
    assert colors == {code: color.lower() for code, color in REGELCODE_COLORS.items()}
    assert all(c["label"] for c in renderer["categories"])


def _assert_score_style(renderer: dict[str, Any]) -> None:
    assert renderer["type"] == "graduatedSymbol"
    assert [r["color"] for r in renderer["ranges"]] == [color.lower() for _, color in SCORE_RAMP]
    assert [r["upper"] for r in renderer["ranges"]] == [upper for upper, _ in SCORE_RAMP]


def test_qgis_opens_the_geopackage_with_the_maps_style(
        qgis: QgisRun, live_server: str, demo_engine: Engine, tmp_path: Path) -> None:
    path = _download(live_server, "gpkg", tmp_path)
    layers = ("koppelkansen", "koppelkansen_vlak", "buurtscores")
    seen = qgis([{"name": layer, "provider": "ogr", "uri": f"{path}|layername={layer}"}
                 for layer in layers])
    for layer in layers:
        answer, fields = seen[layer], LAYER_FIELDS[export_layer(layer)]
        assert answer["valid"], answer.get("error")
        assert answer["crs"] == "EPSG:28992"
        assert set(fields) <= set(answer["fields"])
        assert answer["aliases"] == {full: label for full, (_, label) in fields.items()}
        if fields is KANS_FIELDS:
            _assert_kans_style(answer["renderer"], "regelcode")
        else:
            _assert_score_style(answer["renderer"])
    kansen, scores = _rows(demo_engine, "SELECT (SELECT count(*) FROM koppelkans), "
                           "(SELECT count(*) FROM buurtscore)")[0]
    assert len(seen["koppelkansen"]["features"]) + len(seen["koppelkansen_vlak"]["features"]) \
        == kansen
    assert len(seen["buurtscores"]["features"]) == scores


def test_qgis_opens_the_shapefiles_with_the_maps_style(
        qgis: QgisRun, live_server: str, demo_engine: Engine, tmp_path: Path) -> None:
    archive = _download(live_server, "shp", tmp_path)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "shp")
    shapefiles = sorted((tmp_path / "shp").glob("*.shp"))
    assert shapefiles
    seen = qgis([{"name": shp.stem, "provider": "ogr", "uri": str(shp)} for shp in shapefiles])
    total = 0
    for shp in shapefiles:
        answer = seen[shp.stem]
        assert answer["valid"], answer.get("error")
        assert answer["crs"] == "EPSG:28992"
        fields = LAYER_FIELDS[export_layer(shp.stem)]
        assert answer["aliases"] == dict(fields.values())
        assert answer["fields"] == [short for short, _ in fields.values()]
        if fields is KANS_FIELDS:
            _assert_kans_style(answer["renderer"], KANS_FIELDS["regelcode"][0])
            total += len(answer["features"])
        else:
            _assert_score_style(answer["renderer"])
    assert total == _rows(demo_engine, "SELECT count(*) FROM koppelkans")[0][0]
