"""The HTTP API against the demo municipality in a real PostGIS."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shapely.geometry import box, shape

from app.buurten.schemas import BuurtDetail, BuurtRanking
from geo.params import DEFAULT_WEIGHTS
from geo.schema import KANS_COLUMNS, REGELS

pytestmark = pytest.mark.db


def _all_pages(client: TestClient, url: str) -> list[dict[str, Any]]:
    feats: list[dict[str, Any]] = []
    while url:
        body = client.get(url).json()
        feats.extend(body["features"])
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), "")
    return feats


def test_health_reports_postgis_and_last_run(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["database"] is True
    assert body["postgis"].startswith("3.")
    assert body["laatste_analyse"]["peiljaar"] == 2026


def test_ranking_lists_every_buurt_with_consistent_scores(client: TestClient) -> None:
    ranking = BuurtRanking.model_validate(client.get("/api/v1/buurten").json())
    buurten = client.get("/api/v1/lagen/buurt?limit=1000").json()
    assert len(ranking.buurten) == buurten["numberMatched"] >= 10
    assert [b.rang for b in ranking.buurten] == list(range(1, len(ranking.buurten) + 1))
    maxima = {m: max(getattr(b, m) for b in ranking.buurten) for m in DEFAULT_WEIGHTS}
    for b in ranking.buurten:
        expected = 100 * sum(
            w * (getattr(b, m) / maxima[m] if maxima[m] > 0 else 0) for m, w in DEFAULT_WEIGHTS.items()
        ) / sum(DEFAULT_WEIGHTS.values())
        assert b.score == pytest.approx(expected, abs=1e-6)
    scores = [(-b.score, b.buurtcode) for b in ranking.buurten]
    assert scores == sorted(scores)


def test_buurt_detail_counts_match_the_result_list(client: TestClient) -> None:
    top = client.get("/api/v1/buurten").json()["buurten"][0]
    detail = BuurtDetail.model_validate(client.get(f"/api/v1/buurten/{top['buurtcode']}").json())
    listed = _all_pages(client, f"/api/v1/koppelkansen?buurt={top['buurtcode']}&limit=50")
    for regel in REGELS:
        assert detail.aantal_per_regel[regel] == sum(
            1 for f in listed if f["properties"]["regel"] == regel)
    assert detail.score is not None and detail.score.rang == 1


def test_unknown_buurt_is_a_dutch_404(client: TestClient) -> None:
    response = client.get("/api/v1/buurten/BU99999999")
    assert response.status_code == 404
    assert "bestaat niet" in response.json()["detail"]


def test_every_rule_is_in_the_demo_and_fields_are_complete(client: TestClient) -> None:
    feats = _all_pages(client, "/api/v1/koppelkansen?limit=100000")
    assert {f["properties"]["regel"] for f in feats} == set(REGELS)
    for feature in feats:
        assert set(KANS_COLUMNS) <= set(feature["properties"])
        assert feature["properties"]["toelichting"]
    ids = [f["properties"]["kans_id"] for f in feats]
    assert len(ids) == len(set(ids))


def test_paging_follows_next_links_to_every_result(client: TestClient) -> None:
    everything = client.get("/api/v1/koppelkansen?limit=100000").json()
    paged = _all_pages(client, "/api/v1/koppelkansen?limit=7")
    assert len(paged) == everything["numberMatched"] == len(everything["features"])
    assert [f["properties"]["kans_id"] for f in paged] == [
        f["properties"]["kans_id"] for f in everything["features"]]


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("regel=boomconflict", lambda p: p["regel"] == "boomconflict"),
        ("categorie=knelpunt", lambda p: p["categorie"] == "knelpunt"),
        ("categorie=kans", lambda p: p["categorie"] == "kans" and p["regel"] != "boomconflict"),
        ("actieNodig=true", lambda p: p["actie_nodig"] is True),
        ("regel=vergroenen&regel=afkoppelen", lambda p: p["regel"] in ("vergroenen", "afkoppelen")),
    ],
)
def test_filters_return_only_matching_results(client: TestClient, query: str, check: Any) -> None:
    body = client.get(f"/api/v1/koppelkansen?{query}&limit=100000").json()
    assert body["features"], f"demo heeft geen resultaten voor {query}"
    assert all(check(f["properties"]) for f in body["features"])
    total = client.get("/api/v1/koppelkansen?limit=1").json()["numberMatched"]
    assert body["numberMatched"] < total


def test_bbox_filter_keeps_results_that_touch_the_box(client: TestClient) -> None:
    all_feats = client.get("/api/v1/koppelkansen?limit=100000").json()["features"]
    first = shape(all_feats[0]["geometry"])
    minx, miny, maxx, maxy = first.buffer(0.002).bounds
    body = client.get(f"/api/v1/koppelkansen?bbox={minx},{miny},{maxx},{maxy}&limit=100000").json()
    area = box(minx, miny, maxx, maxy)
    assert 0 < len(body["features"]) < len(all_feats)
    assert all(shape(f["geometry"]).intersects(area.buffer(1e-7)) for f in body["features"])


def test_one_result_explains_itself(client: TestClient) -> None:
    r1 = client.get("/api/v1/koppelkansen?regel=werk_met_werk&limit=1").json()["features"][0]
    feature = client.get(f"/api/v1/koppelkansen/{r1['properties']['kans_id']}").json()
    uitleg = feature["uitleg"]
    assert uitleg["regel"] == "werk_met_werk"
    assert {p["naam"] for p in uitleg["parameters"]} >= {"afstand_m", "marge_jaar", "min_lengte_m"}
    assert all(p["waarde"] is not None for p in uitleg["parameters"])
    lagen = {b["laag"]: b for b in uitleg["bronnen"]}
    assert lagen["warmtenet"]["start_jaar"] == feature["properties"]["start_jaar"]
    assert lagen["riolering"]["id"] == feature["properties"]["riool_id"]
    assert uitleg["metingen"]["gedeelde_lengte_m"] >= 10


def test_unknown_result_is_a_dutch_404(client: TestClient) -> None:
    response = client.get("/api/v1/koppelkansen/0000000000000000")
    assert response.status_code == 404
    assert "bestaat niet" in response.json()["detail"]


def test_layer_page_within_bbox_has_due_years(client: TestClient) -> None:
    buurt = client.get("/api/v1/lagen/buurt?limit=1").json()["features"][0]
    minx, miny, maxx, maxy = shape(buurt["geometry"]).bounds
    body = client.get(
        f"/api/v1/lagen/riolering?bbox={minx},{miny},{maxx},{maxy}&limit=100000").json()
    area = box(minx, miny, maxx, maxy)
    assert body["features"]
    assert all(shape(f["geometry"]).intersects(area.buffer(1e-7)) for f in body["features"])
    assert any(f["properties"]["riool_due_jaar"] is not None for f in body["features"])
    whole = client.get("/api/v1/lagen/riolering?limit=1").json()["numberMatched"]
    assert body["numberMatched"] < whole


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/koppelkansen?bbox=1,2,3",
        "/api/v1/koppelkansen?bbox=155000,463000,156000,464000",
        "/api/v1/koppelkansen?bbox=5.2,52.1,5.1,52.0",
        "/api/v1/koppelkansen?bbox=a,b,c,d",
        "/api/v1/koppelkansen?regel=onzin",
        "/api/v1/koppelkansen?categorie=misschien",
        "/api/v1/koppelkansen?actieNodig=soms",
        "/api/v1/koppelkansen?limit=0",
        "/api/v1/koppelkansen?limit=100001",
        "/api/v1/koppelkansen?offset=-1",
        "/api/v1/lagen/wegen",
        "/api/v1/lagen/riolering?limit=abc",
        "/api/v1/export?format=dwg",
        "/api/v1/buurten?format=xml",
    ],
)
def test_bad_parameters_give_dutch_400(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "Traceback" not in detail
    assert any(word in detail for word in ("Ongeldig", "Onbekend", "moet", "mag", "Kies"))


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/buurten", "/api/v1/buurten/{buurtcode}", "/api/v1/koppelkansen",
                 "/api/v1/koppelkansen/{kans}", "/api/v1/lagen/{laag}", "/api/v1/export",
                 "/health"):
        operation = spec["paths"][path]["get"]
        assert operation.get("description") or operation.get("summary"), path


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("/api/v1/koppelkansen?offset=100000000000000000000", "hoogstens"),
        ("/api/v1/lagen/boom?offset=99999999999999999999", "hoogstens"),
        ("/api/v1/koppelkansen?buurt=%00", "Ongeldige invoer"),
        ("/api/v1/buurten/BU%00", "Ongeldige invoer"),
    ],
)
def test_values_the_database_cannot_take_give_400(client: TestClient, url: str, fragment: str) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["detail"]
