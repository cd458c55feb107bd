"""The point query that answers a click on the map, and the map's JSON helpers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.tiles.punt import metres_per_pixel


def _kans(client: TestClient, regel: str) -> dict[str, Any]:
    feats = client.get(f"/api/v1/koppelkansen?regel={regel}&limit=50").json()["features"]
    assert feats
    return dict(feats[0])


def _mid(feature: dict[str, Any]) -> tuple[float, float]:
    coords = feature["geometry"]["coordinates"]
    while isinstance(coords[0][0], list):
        coords = coords[0]
    (x0, y0), (x1, y1) = coords[0][:2], coords[1][:2]
    return (x0 + x1) / 2, (y0 + y1) / 2


def test_click_on_a_result_finds_it(client: TestClient) -> None:
    kans = _kans(client, "afkoppelen")
    lon, lat = _mid(kans)
    body = client.get(f"/api/v1/punt?lon={lon}&lat={lat}&zoom=18").json()
    ids = [k["kans_id"] for k in body["kansen"]]
    assert kans["properties"]["kans_id"] in ids
    hit = body["kansen"][ids.index(kans["properties"]["kans_id"])]
    assert hit["afstand_m"] < 0.5
    assert hit["href"] == f"/api/v1/koppelkansen/{hit['kans_id']}"
    assert hit["regel_naam"] == "Afkoppelen regenwater"
    assert [k["afstand_m"] for k in body["kansen"]] == sorted(k["afstand_m"] for k in body["kansen"])
    # A result lies in a buurt, and the click names that buurt.
    assert body["buurt"] is not None
    assert body["buurt"]["buurtcode"] == kans["properties"]["buurtcode"]


def test_filters_apply_to_clicks(client: TestClient) -> None:
    kans = _kans(client, "afkoppelen")
    lon, lat = _mid(kans)
    base = f"/api/v1/punt?lon={lon}&lat={lat}&zoom=18"
    other = client.get(base + "&regel=werk_met_werk&regel=vergroenen").json()
    assert kans["properties"]["kans_id"] not in [k["kans_id"] for k in other["kansen"]]
    due = kans["properties"]["riool_due_jaar"]
    later = client.get(base + f"&jaarVan={due + 1}").json()
    assert kans["properties"]["kans_id"] not in [k["kans_id"] for k in later["kansen"]]
    same = client.get(base + f"&jaarVan={due}&jaarTot={due}&categorie=kans").json()
    assert kans["properties"]["kans_id"] in [k["kans_id"] for k in same["kansen"]]


def test_tolerance_is_in_screen_pixels(client: TestClient) -> None:
    kans = _kans(client, "afkoppelen")
    lon, lat = _mid(kans)
    near = client.get(f"/api/v1/punt?lon={lon}&lat={lat + 0.0002}&zoom=14").json()  # ~22 m
    far = client.get(f"/api/v1/punt?lon={lon}&lat={lat + 0.0002}&zoom=19").json()
    assert kans["properties"]["kans_id"] in [k["kans_id"] for k in near["kansen"]]
    assert kans["properties"]["kans_id"] not in [k["kans_id"] for k in far["kansen"]]
    assert near["tolerantie_m"] == pytest.approx(8 * metres_per_pixel(lat + 0.0002, 14), abs=0.01)


def test_source_layers_are_searched_on_request(client: TestClient) -> None:
    pipe = client.get("/api/v1/lagen/riolering?limit=1").json()["features"][0]
    lon, lat = _mid(pipe)
    without = client.get(f"/api/v1/punt?lon={lon}&lat={lat}&zoom=18").json()
    assert without["bronnen"] == []
    body = client.get(f"/api/v1/punt?lon={lon}&lat={lat}&zoom=18&laag=riolering").json()
    found = [b for b in body["bronnen"] if b["laag"] == "riolering"]
    assert found[0]["eigenschappen"]["id"] == pipe["properties"]["id"]
    assert "riool_due_jaar" in found[0]["eigenschappen"]


def test_click_layers_match_the_queries() -> None:
    from app.tiles.punt import _BRON_SQL, BRONLAGEN

    assert set(_BRON_SQL) == set(BRONLAGEN)


def test_year_filters_outside_the_range_are_refused(client: TestClient) -> None:
    # The page drops such years (KK.filterJaar); the API answers 400 to them.
    from app.tiles.punt import JAAR_MAX, JAAR_MIN

    base = "/api/v1/punt?lon=5.3&lat=52&zoom=14"
    assert client.get(f"{base}&jaarVan={JAAR_MIN}&jaarTot={JAAR_MAX}").status_code == 200
    assert client.get(f"{base}&jaarVan={JAAR_MIN - 1}").status_code == 400
    assert client.get(f"{base}&jaarTot={JAAR_MAX + 1}").status_code == 400


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("lon=5.3&zoom=14", "'lat': ontbreekt"),
        ("lon=120&lat=52&zoom=14", "'lon': mag hoogstens 8.5 zijn"),
        ("lon=5.3&lat=52&zoom=14&regel=onzin", "Onbekende regel onzin"),
        ("lon=5.3&lat=52&zoom=14&laag=buurt", "'laag.0'"),
        ("lon=5.3&lat=52&zoom=14&categorie=iets", "'categorie'"),
    ],
)
def test_bad_point_queries_get_dutch_400(client: TestClient, query: str, words: str) -> None:
    r = client.get("/api/v1/punt?" + query)
    assert r.status_code == 400
    assert words in r.json()["detail"]


def test_omvang_gives_every_buurt_a_box(client: TestClient) -> None:
    omvang = client.get("/kaart/omvang").json()
    codes = {b["buurtcode"] for b in client.get("/api/v1/buurten").json()["buurten"]}
    assert set(omvang) == codes
    for minx, miny, maxx, maxy in omvang.values():
        assert 3 < minx < maxx < 8 and 50 < miny < maxy < 54


def test_map_page_stays_small_and_names_the_version(client: TestClient) -> None:
    r = client.get("/kaart")
    assert r.status_code == 200 and len(r.content) < 500_000
    version = client.get("/tiles").json()["versie"]
    assert f"pbf?v={version}" in r.text
    assert '"peiljaar": 2026' in r.text


def test_print_page_needs_a_known_buurt(client: TestClient) -> None:
    assert client.get("/kaart/buurt/BU99999999/print").status_code == 404
    assert client.get("/kaart/buurt/onzin/print").status_code == 404
    code = client.get("/api/v1/buurten").json()["buurten"][0]["buurtcode"]
    r = client.get(f"/kaart/buurt/{code}/print")
    assert r.status_code == 200 and "Rang 1" in r.text
