"""The map pages in headless Chromium against the live server with the demo data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Recorder

pytestmark = pytest.mark.browser

SETTLED = (
    "(kinds) => kinds.every((k) => window.kkLayers && kkLayers[k]"
    " && ['loaded', 'error'].includes(kkLayers[k].status))"
)
Shot = Callable[[str], Path]


def _wait_loaded(page: Page, *kinds: str) -> None:
    page.wait_for_function(SETTLED, arg=list(kinds), timeout=30_000)
    for kind in kinds:
        layer = _layer(page, kind)
        assert layer["status"] == "loaded", (kind, layer["error"])


def _layer(page: Page, kind: str) -> dict[str, Any]:
    return page.evaluate(
        "(k) => ({status: kkLayers[k].status, count: kkLayers[k].count, error: kkLayers[k].error,"
        " drawn: kkLayers[k].layer.getLayers().length})",
        kind,
    )


def _svg_paths(page: Page, pane: str) -> int:
    return page.locator(f".leaflet-{pane}-pane path").count()


def _api_features(page: Page, base: str, url: str) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = []
    next_url: str | None = base + url
    while next_url:
        body = page.request.get(next_url).json()
        features += body["features"]
        nxt = [link["href"] for link in body.get("links", []) if link["rel"] == "next"]
        next_url = nxt[0] if nxt else None
    return features


def test_whole_map_loads_only_from_the_app(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    _wait_loaded(page, "buurten", "warmtenet", "kansen")
    page.wait_for_load_state("networkidle")
    screenshot("kaart-geen-achtergrond")

    assert recorder.foreign() == []
    assert recorder.errors == []
    for kind in ("buurten", "warmtenet", "kansen"):
        layer = _layer(page, kind)
        assert layer["count"] > 0 and layer["drawn"] == layer["count"], (kind, layer)
    assert _svg_paths(page, "kk-buurten") == _layer(page, "buurten")["count"]
    assert _svg_paths(page, "kk-kansen") > 0
    assert _svg_paths(page, "kk-bron-lijn") > 0
    for kind in ("riolering", "groen", "boom", "leefbaarometer"):
        assert _layer(page, kind)["status"] == "idle"
    expect(page.locator(".kk-info h1")).to_have_text("Koppelkansen — waar werk met werk kan")
    expect(page.locator(".kk-legend")).to_contain_text("Score per buurt (0–100)")
    expect(page.locator(".leaflet-control-layers")).to_contain_text("Geen achtergrond")


def test_default_basemap_asks_only_pdok(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart")
    _wait_loaded(page, "buurten", "kansen")
    screenshot("kaart-pdok-geblokkeerd")
    hosts = {urlsplit(u).netloc for u in recorder.foreign()}
    assert hosts <= {"service.pdok.nl"}
    assert any("/achtergrondkaart/wmts/v2_0/grijs/" in u for u in recorder.foreign())
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Kadaster")


def test_clicking_a_koppelkans_shows_its_toelichting(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    _wait_loaded(page, "buurten", "warmtenet", "kansen")
    target = page.evaluate(
        """() => {
          const layer = kkLayers.kansen.layer.getLayers().find((l) => l.getLatLngs);
          kkMap.fitBounds(layer.getBounds(), {padding: [300, 300], animate: false, maxZoom: 18});
          let ll = layer.getLatLngs();
          while (Array.isArray(ll[0])) ll = ll[0];
          const a = kkMap.latLngToContainerPoint(ll[0]);
          const b = kkMap.latLngToContainerPoint(ll[1]);
          const box = kkMap.getContainer().getBoundingClientRect();
          return {x: box.left + (a.x + b.x) / 2, y: box.top + (a.y + b.y) / 2};
        }"""
    )
    page.mouse.click(target["x"], target["y"])
    popup = page.locator(".leaflet-popup-content .kk-popup-kans")
    expect(popup).to_be_visible()
    toelichtingen = page.evaluate(
        "() => kkLayers.kansen.layer.getLayers().map((l) => l.feature.properties.toelichting)"
    )
    shown = popup.locator(".kk-toelichting").inner_text()
    assert shown and shown in toelichtingen
    expect(popup).to_contain_text("Actie nodig")
    expect(popup).to_contain_text("Regel")
    href = popup.locator("a.kk-api-link").get_attribute("href")
    assert href and href.startswith("/api/v1/koppelkansen/")
    assert page.request.get(live_server + href).ok
    page.wait_for_timeout(300)
    screenshot("kaart-popup-koppelkans")
    assert recorder.foreign() == []


def test_switching_a_layer_on_loads_it(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    _wait_loaded(page, "buurten", "warmtenet", "kansen")
    assert not any("/api/v1/lagen/riolering" in u for u in recorder.urls)

    page.get_by_label("Riolering (jaar van vervanging)").check()
    _wait_loaded(page, "riolering")
    page.get_by_label("Leefbaarometer").check()
    _wait_loaded(page, "leefbaarometer")
    screenshot("kaart-riolering-leefbaarometer")

    assert any("/api/v1/lagen/riolering?bbox=" in u for u in recorder.urls)
    assert _layer(page, "riolering")["count"] > 0
    assert _layer(page, "leefbaarometer")["count"] > 0
    legend = page.locator(".kk-legend")
    expect(legend).to_contain_text("Riolering (jaar van vervanging)")
    expect(legend).to_contain_text("Leefbaarometer (klasse)")

    page.get_by_label("Riolering (jaar van vervanging)").uncheck()
    expect(legend).not_to_contain_text("Riolering (jaar van vervanging)")
    assert recorder.foreign() == []


def test_buurt_page_lists_its_results(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    buurten = _api_features(page, live_server, "/api/v1/buurten?format=geojson")
    best = min(buurten, key=lambda f: f["properties"]["rang"])["properties"]
    code = best["buurtcode"]
    expected = _api_features(page, live_server, f"/api/v1/koppelkansen?buurt={code}&limit=1000")
    assert expected, "de demo heeft in de best scorende buurt resultaten"

    page.goto(f"{live_server}/kaart/buurt/{code}?achtergrond=geen")
    _wait_loaded(page, "buurten", "kansen")
    items = page.locator(".kk-lijst .kk-lijst-item")
    expect(items).to_have_count(len(expected))
    expect(page.locator(".kk-lijst h2")).to_contain_text(code)
    expect(page.locator(".kk-lijst")).to_contain_text("rang 1")
    groups = page.locator(".kk-lijst .kk-lijst-groep summary").all_text_contents()
    regels = {f["properties"]["regel"] for f in expected}
    assert len(groups) == len(regels)
    listed = items.locator(".kk-toelichting").all_text_contents()
    assert sorted(listed) == sorted(f["properties"]["toelichting"] for f in expected)
    assert all(f["properties"]["buurtcode"] == code for f in expected)
    screenshot("buurt-lijst")

    items.first.click()
    expect(page.locator(".leaflet-popup-content .kk-popup-kans")).to_be_visible()
    page.wait_for_timeout(300)
    screenshot("buurt-lijst-popup")
    assert recorder.foreign() == []
    assert recorder.errors == []


@pytest.mark.parametrize("code", ["BU99999999", "geen-buurt"])
def test_unknown_buurt_gives_dutch_404_page(
    page: Page, live_server: str, screenshot: Shot, code: str
) -> None:
    response = page.goto(f"{live_server}/kaart/buurt/{code}")
    assert response is not None and response.status == 404
    assert "text/html" in response.headers["content-type"]
    expect(page.locator("h1")).to_have_text("Deze buurt is niet gevonden")
    expect(page.locator(".melding")).to_contain_text(code)
    screenshot(f"buurt-404-{code}")
    page.get_by_role("link", name="Terug naar de kaart").click()
    page.wait_for_url(f"{live_server}/kaart")


def test_api_failure_is_shown_in_dutch(page: Page, live_server: str, screenshot: Shot) -> None:
    detail = "De database is niet bereikbaar."
    page.route(
        "**/api/v1/koppelkansen?*",
        lambda route: route.fulfill(status=503, json={"detail": detail}),
    )
    page.goto(live_server + "/kaart?achtergrond=geen")
    page.wait_for_function(SETTLED, arg=["buurten", "kansen"], timeout=30_000)
    status = page.locator(".kk-status")
    expect(status).to_contain_text("Kon Koppelkansen en knelpunten niet laden")
    expect(status).to_contain_text(detail)
    assert _layer(page, "buurten")["status"] == "loaded"
    screenshot("kaart-api-fout")
