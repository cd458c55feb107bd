"""OGC API Features (/ogc/v1) against the demo municipality in a real PostGIS: Core, CRS and
CQL2 filtering, compared with the equivalent SQL, and read by OWSLib against a live server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import shapely
from shapely.geometry import shape

from app.auth.service import create_key
from app.config import Settings
from app.errors import PROBLEM_MEDIA_TYPE
from app.main import create_app
from app.ogc.catalog import COLLECTIONS, CRS84, MAX_LIMIT, RD, WGS84
from geo.schema import LAYERS
from tests.support import load_demo

pytestmark = pytest.mark.db

OGC = "/ogc/v1"


def _problem(r: Any, status: int, *contains: str) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM_MEDIA_TYPE
    detail = str(r.json()["detail"])
    for part in contains:
        assert part in detail, detail
    return detail


def _all_pages(client: TestClient, url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every feature behind `url`, following next links; and every page's body."""
    features: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body)
        features.extend(body["features"])
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), "")
    return features, pages


def _ids(client: TestClient, collection: str, **params: str) -> list[Any]:
    query = "&".join(f"{k.replace('_', '-')}={v}" for k, v in params.items())
    features, _ = _all_pages(client, f"{OGC}/collections/{collection}/items?limit=1000&{query}")
    return [f["id"] for f in features]


def _sql_ids(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).scalars())


def test_landing_conformance_and_collections(client: TestClient) -> None:
    landing = client.get(OGC).json()
    rels = {link["rel"]: link for link in landing["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["href"].endswith("/openapi.json")
    assert client.get(rels["service-desc"]["href"]).status_code == 200
    assert rels["data"]["href"].endswith("/ogc/v1/collections")

    conforms = client.get(f"{OGC}/conformance").json()["conformsTo"]
    for part in ("ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
                 "ogcapi-features-2/1.0/conf/crs", "ogcapi-features-3/1.0/conf/filter",
                 "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json", "cql2/1.0/conf/basic-cql2"):
        assert any(uri.endswith(part) for uri in conforms), part
    # Only what is implemented: no temporal, array or arithmetic CQL2.
    assert not any(word in uri for uri in conforms
                   for word in ("temporal", "array", "arithmetic", "sorting"))

    body = client.get(f"{OGC}/collections").json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == ["koppelkansen", "buurtscores", *LAYERS]
    for described in body["collections"]:
        assert described["storageCrs"] == RD.uri
        assert described["crs"][0] == CRS84.uri and {RD.uri, WGS84.uri} <= set(described["crs"])
        minx, miny, maxx, maxy = described["extent"]["spatial"]["bbox"][0]
        assert 3 < minx < maxx < 8 and 50 < miny < maxy < 54
        single = client.get(f"{OGC}/collections/{described['id']}").json()
        assert single["id"] == described["id"]
        assert any(link["rel"] == "items" for link in single["links"])


def test_queryables_list_result_attributes_and_the_decision(client: TestClient) -> None:
    schema = client.get(f"{OGC}/collections/koppelkansen/queryables")
    assert schema.headers["content-type"].startswith("application/schema+json")
    properties = schema.json()["properties"]
    for name in ("regel", "regelcode", "categorie", "actie_nodig", "jaar", "start_jaar",
                 "eind_jaar", "riool_due_jaar", "buurtcode", "straatnaam", "partij_a", "partij_b",
                 "soort_a", "soort_b", "besluit_status", "geometry"):
        assert name in properties, name
    assert properties["jaar"]["type"] == "integer"
    assert properties["actie_nodig"]["type"] == "boolean"
    riool = client.get(f"{OGC}/collections/riolering/queryables").json()["properties"]
    assert riool["aanlegjaar"]["type"] == "integer" and riool["materiaal"]["type"] == "string"
    assert "riool_due_jaar" in riool


def test_paging_through_a_collection_to_the_end(client: TestClient, demo_engine: Engine) -> None:
    count = _sql_ids(demo_engine, "SELECT count(*) FROM koppelkans")[0]
    assert count > 40
    features, pages = _all_pages(client, f"{OGC}/collections/koppelkansen/items?limit=40")
    assert len(pages) == -(-count // 40)
    assert all(p["numberMatched"] == count for p in pages)
    assert [p["numberReturned"] for p in pages] == [len(p["features"]) for p in pages]
    ids = [f["id"] for f in features]
    assert ids == sorted(_sql_ids(demo_engine, "SELECT kans_id FROM koppelkans"))
    assert not any(link["rel"] == "prev" for link in pages[0]["links"])
    prev = next(link["href"] for link in pages[1]["links"] if link["rel"] == "prev")
    assert parse_qs(urlsplit(prev).query)["offset"] == ["0"]
    assert {"self", "alternate", "collection"} <= {link["rel"] for link in pages[0]["links"]}
    assert not any(link["rel"] == "next" for link in pages[-1]["links"])
    # Every source layer pages the same way, keyed by its featureId.
    leefbaar, _ = _all_pages(client, f"{OGC}/collections/leefbaarometer/items?limit=5000")
    assert [f["id"] for f in leefbaar] == _sql_ids(demo_engine,
                                                    "SELECT id FROM leefbaarometer ORDER BY id")


def test_default_limit_and_the_maximum_page(client: TestClient, demo_engine: Engine) -> None:
    count = _sql_ids(demo_engine, "SELECT count(*) FROM riolering")[0]
    default = client.get(f"{OGC}/collections/riolering/items").json()
    assert default["numberReturned"] == min(100, count)
    big = client.get(f"{OGC}/collections/riolering/items?limit=50000").json()
    assert big["numberReturned"] == min(MAX_LIMIT, count)


def test_features_in_rd_are_the_stored_coordinates(client: TestClient, demo_engine: Engine) -> None:
    for collection, table, key in (("riolering", "riolering", "id"), ("boom", "boom", "id"),
                                   ("koppelkansen", "koppelkans", "kans_id")):
        r = client.get(f"{OGC}/collections/{collection}/items?limit=200&crs={RD.uri}")
        assert r.headers["content-crs"] == f"<{RD.uri}>"
        features = r.json()["features"]
        with demo_engine.connect() as conn:
            rows = conn.execute(text(f"SELECT {key}, ST_AsBinary(geom) FROM {table} "
                                     f"WHERE {key} = ANY(:ids)"),
                                {"ids": [f["id"] for f in features]})
            stored = {row[0]: row[1] for row in rows}
        assert len(stored) == len(features) > 0
        for feature in features:
            assert "crs" not in feature["geometry"]  # RFC 7946; the header names the CRS
            served = shapely.get_coordinates(shape(feature["geometry"]))
            truth = shapely.get_coordinates(shapely.from_wkb(bytes(stored[feature["id"]])))
            assert served.shape == truth.shape
            assert np.abs(served - truth).max() <= 0.0005  # the millimetre


def test_4326_is_latitude_first_and_crs84_longitude_first(client: TestClient) -> None:
    url = f"{OGC}/collections/boom/items?limit=5"
    crs84 = client.get(url).json()["features"]
    r = client.get(f"{url}&crs={WGS84.uri}")
    assert r.headers["content-crs"] == f"<{WGS84.uri}>"
    for a, b in zip(crs84, r.json()["features"], strict=True):
        lon, lat = a["geometry"]["coordinates"]
        assert 3 < lon < 8 and 50 < lat < 54
        assert b["geometry"]["coordinates"] == [lat, lon]
    one = crs84[0]["id"]
    single = client.get(f"{OGC}/collections/boom/items/{one}?crs={RD.uri}")
    assert single.headers["content-crs"] == f"<{RD.uri}>"
    assert single.json()["geometry"]["coordinates"][0] > 1000  # metres


def test_bbox_in_each_crs_matches_sql(client: TestClient, demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        x0, y0, x1, y1 = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            "(SELECT ST_Extent(geom) AS e FROM riolering) s")).one()
    rd_box = (x0, y0, (x0 + x1) / 2, (y0 + y1) / 2)
    expected = _sql_ids(demo_engine, "SELECT id FROM riolering WHERE ST_Intersects(geom, "
                        "ST_MakeEnvelope(:a, :b, :c, :d, 28992)) ORDER BY id",
                        a=rd_box[0], b=rd_box[1], c=rd_box[2], d=rd_box[3])
    assert 0 < len(expected) < _sql_ids(demo_engine, "SELECT count(*) FROM riolering")[0]
    got = _ids(client, "riolering", bbox=",".join(map(str, rd_box)), bbox_crs=RD.uri)
    assert got == expected

    with demo_engine.connect() as conn:
        lon0, lat0, lon1, lat1 = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
            "ST_Transform(ST_MakeEnvelope(:a, :b, :c, :d, 28992), 4326) AS e) s"),
            dict(zip("abcd", rd_box, strict=True))).one()
    expected84 = _sql_ids(demo_engine, "SELECT id FROM riolering WHERE ST_Intersects(geom, "
                          "ST_Transform(ST_MakeEnvelope(:a, :b, :c, :d, 4326), 28992)) ORDER BY id",
                          a=lon0, b=lat0, c=lon1, d=lat1)
    assert expected84
    assert _ids(client, "riolering", bbox=f"{lon0},{lat0},{lon1},{lat1}") == expected84
    # EPSG:4326 takes the box latitude first.
    assert _ids(client, "riolering", bbox=f"{lat0},{lon0},{lat1},{lon1}",
                bbox_crs=WGS84.uri) == expected84
    # A box around the world (as a zoomed-out map sends) gives everything, not an error.
    everything = client.get(f"{OGC}/collections/riolering/items?bbox=-180,-90,180,90").json()
    assert everything["numberMatched"] == _sql_ids(demo_engine, "SELECT count(*) FROM riolering")[0]
    assert client.get(f"{OGC}/collections/riolering/items?bbox=100,10,101,11").json()[
        "numberMatched"] == 0


def _filtered(client: TestClient, collection: str, flt: str | dict[str, Any],
              **extra: str) -> list[Any]:
    """The ids a filter selects, following the next links (which keep the filter)."""
    params = {"filter": flt if isinstance(flt, str) else json.dumps(flt), "limit": "400",
              **({"filter-lang": "cql2-json"} if isinstance(flt, dict) else {}),
              **{k.replace("_", "-"): v for k, v in extra.items()}}
    url = str(httpx.URL(f"{OGC}/collections/{collection}/items", params=params))
    features, pages = _all_pages(client, url)
    assert all(p["numberMatched"] == len(features) for p in pages)
    return [f["id"] for f in features]


def test_cql2_text_and_json_filters_match_sql(client: TestClient, demo_engine: Engine) -> None:
    def sql(where: str, **params: Any) -> list[Any]:
        return _sql_ids(demo_engine, f"SELECT k.kans_id FROM koppelkans k LEFT JOIN kans_besluit "
                                     f"b USING (kans_id) WHERE {where} ORDER BY k.kans_id",
                        **params)

    werk = sql("k.regel = 'werk_met_werk' AND k.actie_nodig")
    assert werk and len(werk) < len(sql("TRUE"))
    assert _filtered(client, "koppelkansen", "regel = 'werk_met_werk' AND actie_nodig = true") == werk
    assert _filtered(client, "koppelkansen", {"op": "and", "args": [
        {"op": "=", "args": [{"property": "regel"}, "werk_met_werk"]},
        {"op": "=", "args": [{"property": "actie_nodig"}, True]}]}) == werk

    jaren = sql("k.jaar BETWEEN 2027 AND 2030")
    assert jaren
    assert _filtered(client, "koppelkansen", "jaar BETWEEN 2027 AND 2030") == jaren
    assert _filtered(client, "koppelkansen", {"op": "between", "args": [
        {"property": "jaar"}, 2027, 2030]}) == jaren

    cases = {
        "regel IN ('vergroenen', 'boomconflict') OR NOT (jaar >= 2028)":
            "k.regel IN ('vergroenen', 'boomconflict') OR NOT (k.jaar >= 2028)",
        "straatnaam LIKE 'K%' AND buurtcode IS NOT NULL":
            "k.straatnaam LIKE 'K%' AND k.buurtcode IS NOT NULL",
        "riool_due_jaar IS NULL AND categorie <> 'knelpunt'":
            "k.riool_due_jaar IS NULL AND k.categorie <> 'knelpunt'",
        "eind_jaar > start_jaar": "k.eind_jaar > k.start_jaar",
        "besluit_status IS NULL": "b.status IS NULL",
    }
    for cql, where in cases.items():
        expected = sql(where)
        assert expected, cql  # each case selects something in the demo
        assert _filtered(client, "koppelkansen", cql) == expected, cql

    # Source layers: their own columns, and the due year of the latest analysis.
    riool = _sql_ids(demo_engine, "SELECT t.id FROM riolering t LEFT JOIN riool_due d ON "
                     "d.riolering_id = t.id WHERE t.aanlegjaar < 1975 AND d.due_jaar <= 2035 "
                     "ORDER BY t.id")
    assert riool
    assert _filtered(client, "riolering", "aanlegjaar < 1975 AND riool_due_jaar <= 2035") == riool


def test_s_intersects_matches_sql_in_crs84_and_rd(client: TestClient, demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        buurt = conn.execute(text("SELECT ST_AsText(ST_Envelope(ST_Transform(geom, 4326))), "
                                  "ST_AsText(ST_Envelope(geom)) FROM buurt ORDER BY buurtcode "
                                  "LIMIT 1")).one()
    expected = _sql_ids(demo_engine, "SELECT kans_id FROM koppelkans WHERE ST_Intersects(geom, "
                        "ST_Transform(ST_GeomFromText(:wkt, 4326), 28992)) ORDER BY kans_id",
                        wkt=buurt[0])
    assert expected
    assert _filtered(client, "koppelkansen", f"S_INTERSECTS(geometry, {buurt[0]})") == expected
    polygon = shapely.from_wkt(buurt[0]).__geo_interface__
    polygon = json.loads(json.dumps(polygon))
    assert _filtered(client, "koppelkansen", {"op": "s_intersects", "args": [
        {"property": "geometry"}, polygon]}) == expected
    everything = _sql_ids(demo_engine, "SELECT kans_id FROM koppelkans ORDER BY kans_id")
    disjoint = _filtered(client, "koppelkansen", f"S_DISJOINT(geometry, {buurt[0]})")
    assert disjoint == [k for k in everything if k not in set(expected)]
    lat_lon = shapely.transform(shapely.from_wkt(buurt[0]), lambda xy: xy[:, ::-1]).wkt
    assert _filtered(client, "koppelkansen", f"S_INTERSECTS(geometry, {lat_lon})",
                     filter_crs=WGS84.uri) == expected
    minx, miny, maxx, maxy = shapely.from_wkt(buurt[0]).bounds
    assert _filtered(client, "koppelkansen", {"op": "s_intersects", "args": [
        {"property": "geometry"}, {"bbox": [minx, miny, maxx, maxy]}]}) == expected

    in_rd = _sql_ids(demo_engine, "SELECT kans_id FROM koppelkans WHERE ST_Intersects(geom, "
                     "ST_GeomFromText(:wkt, 28992)) AND regel = 'vergroenen' ORDER BY kans_id",
                     wkt=buurt[1])
    got = _filtered(client, "koppelkansen",
                    f"S_INTERSECTS(geometry, {buurt[1]}) AND regel = 'vergroenen'",
                    filter_crs=RD.uri)
    assert got == in_rd


def test_a_decision_is_a_filterable_property(scratch_url: str, scratch_engine: Engine,
                                             tmp_path: Path) -> None:
    load_demo(scratch_engine, tmp_path, scale=0.3)
    with scratch_engine.begin() as conn:
        ids = list(conn.execute(text("SELECT kans_id FROM koppelkans ORDER BY kans_id LIMIT 3"))
                   .scalars())
        for kans_id, status in zip(ids, ("gekoppeld", "afgewezen", "gekoppeld"), strict=True):
            conn.execute(text("INSERT INTO kans_besluit (kans_id, status) VALUES (:k, :s)"),
                         {"k": kans_id, "s": status})
    with TestClient(create_app(Settings.model_validate({"DATABASE_URL": scratch_url}))) as api:
        assert _filtered(api, "koppelkansen", "besluit_status = 'gekoppeld'") == [ids[0], ids[2]]
        feature = api.get(f"{OGC}/collections/koppelkansen/items/{ids[1]}").json()
        assert feature["properties"]["besluit_status"] == "afgewezen"


def test_refusals_are_dutch_problems(client: TestClient) -> None:
    items = f"{OGC}/collections/koppelkansen/items"
    _problem(client.get(items, params={"filter": "regel = 'werk_met_werk' AND"}), 400,
             "niet te lezen als cql2-text")
    detail = _problem(client.get(items, params={"filter": "kleur = 'rood'"}), 400,
                      "Onbekende eigenschap 'kleur'", "queryables")
    assert "regel" in detail and "besluit_status" in detail
    _problem(client.get(items, params={"filter": "{\"op\": ", "filter-lang": "cql2-json"}), 400,
             "geen geldige JSON")
    _problem(client.get(items, params={"filter": "jaar = 'twintig'"}), 400, "past tekst niet")
    _problem(client.get(items, params={"filter": "jaar = TIMESTAMP('2020-01-01T00:00:00Z')"}),
             400, "niet ondersteund")
    _problem(client.get(items, params={"crs": "http://www.opengis.net/def/crs/EPSG/0/3857"}), 400,
             "Onbekend coördinatenstelsel in 'crs'", RD.uri)
    _problem(client.get(items, params={"bbox": "1,2,3", }), 400, "Ongeldige bbox")
    _problem(client.get(items, params={"bbox": "5,52,5.1,52.1", "bbox-crs": "EPSG:9999"}), 400,
             "'bbox-crs'")
    _problem(client.get(items, params={"filter": "S_INTERSECTS(geometry, POINT(155000 463000))"}),
             400, "buiten Nederland")
    _problem(client.get(f"{OGC}/collections/bestaat_niet/items"), 404, "koppelkansen")
    _problem(client.get(f"{items}/geen_kans"), 404, "bestaat niet")
    _problem(client.get(f"{OGC}/collections/leefbaarometer/items/abc"), 404, "bestaat niet")


def test_html_pages_in_dutch_without_script(client: TestClient) -> None:
    kans = client.get(f"{OGC}/collections/koppelkansen/items?limit=1").json()["features"][0]["id"]
    for path in ("", "/conformance", "/collections", "/collections/koppelkansen",
                 "/collections/koppelkansen/queryables", "/collections/koppelkansen/items",
                 f"/collections/koppelkansen/items/{kans}"):
        r = client.get(f"{OGC}{path}?f=html")
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert '<html lang="nl">' in r.text and "<script" not in r.text
        nonce = re.search(r"'nonce-([A-Za-z0-9_-]+)'", r.headers["content-security-policy"])
        assert nonce and f'<style nonce="{nonce.group(1)}">' in r.text
        assert "cdn" not in r.text.lower()
    browser = client.get(f"{OGC}/collections", headers={"Accept": "text/html,*/*"})
    assert browser.headers["content-type"].startswith("text/html") and "Collecties" in browser.text
    page = client.get(f"{OGC}/collections/koppelkansen/items?f=html&limit=2").text
    assert "Volgende pagina" in page and kans in page


def test_reading_needs_a_key_when_configured(demo_url: str) -> None:
    settings = Settings.model_validate({"DATABASE_URL": demo_url, "read_requires_key": True})
    with TestClient(create_app(settings)) as api:
        _problem(api.get(f"{OGC}/collections"), 401)
        with Session(api.app.state.engine) as session:  # type: ignore[attr-defined]
            _, key = create_key(session, naam="ogc-lezer", rol="viewer")
        try:
            r = api.get(f"{OGC}/collections/buurtscores/items", headers={"X-API-Key": key})
            assert r.status_code == 200 and r.headers["cache-control"] == "private"
            # QGIS 3.22 can only send Basic authentication: the key is the password.
            assert api.get(f"{OGC}/collections", auth=("qgis", key)).status_code == 200
            wrong = api.get(f"{OGC}/collections", auth=("qgis", key + "x"))
            _problem(wrong, 401, "onbekend")
            for header in ("Basic !!geen-base64", "Bearer " + key, "Basic "):
                _problem(api.get(f"{OGC}/collections", headers={"Authorization": header}), 401)
            nothing = api.get(f"{OGC}/collections")
            _problem(nothing, 401, "X-API-Key", "Basic-authenticatie")
        finally:
            with api.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
                conn.execute(text("DELETE FROM api_key WHERE naam = 'ogc-lezer'"))


def test_owslib_reads_pages_and_filters(live_server: str, demo_engine: Engine) -> None:
    from owslib.ogcapi.features import Features

    api = Features(f"{live_server}{OGC}")
    conformance = api.conformance()["conformsTo"]
    assert any(uri.endswith("ogcapi-features-1/1.0/conf/core") for uri in conformance)
    collections = api.feature_collections()
    assert collections == list(COLLECTIONS)
    for collection_id in collections:
        assert api.collection(collection_id)["id"] == collection_id
        assert "properties" in api.collection_queryables(collection_id)
    seen: list[str] = []
    offset = 0
    while True:
        page = api.collection_items("buurtscores", limit=7, offset=offset)
        seen.extend(f["id"] for f in page["features"])
        offset += page["numberReturned"]
        if not any(link["rel"] == "next" for link in page["links"]):
            break
    assert seen == _sql_ids(demo_engine, "SELECT buurtcode FROM buurtscore ORDER BY buurtcode")
    filtered = api.collection_items("koppelkansen", limit=1000,
                                    filter="regel = 'vergroenen' AND jaar >= 2027")
    expected = _sql_ids(demo_engine, "SELECT kans_id FROM koppelkans WHERE regel = 'vergroenen' "
                        "AND jaar >= 2027 ORDER BY kans_id")
    assert expected and [f["id"] for f in filtered["features"]] == expected
    one = api.collection_item("koppelkansen", expected[0])
    assert one["properties"]["regel"] == "vergroenen"
