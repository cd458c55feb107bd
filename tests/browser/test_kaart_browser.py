"""The map page in headless Chromium against the live server with the demo data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Recorder
from tests.browser.helpers import (
    click_lonlat,
    clickable_kans,
    line_midpoint,
    stats,
    wait_drawn,
    wait_hash,
)

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]


def test_map_draws_tiles_from_the_app_only(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "warmtenet", "koppelkansen")
    page.wait_for_load_state("networkidle")
    screenshot("kaart-geen-achtergrond")

    assert recorder.foreign() == []
    assert recorder.errors == []
    tiles = [u for u in recorder.urls if "/tiles/" in u]
    for laag in ("buurten", "warmtenet", "koppelkansen"):
        assert any(f"/tiles/{laag}/" in u and ".pbf?v=" in u for u in tiles), laag
        assert stats(page, laag)["features"] > 0
    for laag in ("riolering", "groen", "boom", "leefbaarometer"):
        assert not any(f"/tiles/{laag}/" in u for u in tiles), laag
    # Nothing is drawn as SVG or GeoJSON: the layers are canvas tiles.
    assert page.locator(".leaflet-kk-kansen-pane canvas").count() > 0
    expect(page.locator(".kk-zijpaneel h1")).to_have_text("Koppelkansen — waar werk met werk kan")
    legend = page.locator(".kk-legend")
    for title in ("Score per buurt (0–100)", "Warmtenet", "Koppelkansen en knelpunten"):
        expect(legend).to_contain_text(title)
    expect(page.locator(".leaflet-control-layers")).to_contain_text("Geen achtergrond")


def test_default_basemap_asks_only_pdok(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart")
    wait_drawn(page, "buurten", "koppelkansen")
    screenshot("kaart-pdok-geblokkeerd")
    hosts = {urlsplit(u).netloc for u in recorder.foreign()}
    assert hosts == {"service.pdok.nl"}
    assert any("/achtergrondkaart/wmts/v2_0/grijs/" in u for u in recorder.foreign())
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Kadaster")
    page.get_by_label("Luchtfoto (PDOK)").check()
    page.wait_for_timeout(300)
    assert any("/luchtfotorgb/" in u for u in recorder.foreign())
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Beeldmateriaal")


def test_clicking_a_koppelkans_opens_its_explanation(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "koppelkansen")
    kans, lon, lat = clickable_kans(page, live_server)
    props = kans["properties"]
    page.evaluate("([lon, lat]) => kkMap.setView([lat, lon], 17, {animate: false})", [lon, lat])
    wait_drawn(page, "koppelkansen")
    click_lonlat(page, lon, lat)

    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-kans-id", props["kans_id"])
    expect(detail).to_have_attribute("data-regel", props["regel"])
    uitleg = page.request.get(f"{live_server}/api/v1/koppelkansen/{props['kans_id']}").json()
    # The street first (RULES.md §7), the rule under it; without a street the rule heads.
    expect(detail.locator("h2")).to_contain_text(props["straatnaam"] or uitleg["uitleg"]["regel_naam"])
    expect(detail).to_contain_text(uitleg["uitleg"]["regel_naam"])
    expect(detail).to_contain_text(uitleg["uitleg"]["toelichting"])
    expect(detail).to_contain_text("Parameters van de regel")
    expect(detail).to_contain_text("Betrokken objecten")
    for bron in uitleg["uitleg"]["bronnen"]:
        expect(detail).to_contain_text(str(bron["id"]))
    link = detail.locator("a.kk-api-link")
    href = link.get_attribute("href")
    assert href == f"/api/v1/koppelkansen/{props['kans_id']}"
    assert page.request.get(live_server + href).ok
    # The clicked result is highlighted on the map and kept in the URL.
    assert page.locator(".leaflet-kk-selectie-pane path").count() == 2
    wait_hash(page, kans=props["kans_id"])
    page.wait_for_timeout(200)
    screenshot("kaart-klik-koppelkans")
    assert recorder.foreign() == []
    assert recorder.errors == []


def test_clicking_a_source_feature_shows_its_attributes(
    page: Page, live_server: str, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "koppelkansen")
    page.get_by_label("Koppelkansen en knelpunten", exact=True).uncheck()
    page.get_by_label("Riolering (jaar van vervanging)").check()
    pipe = page.request.get(live_server + "/api/v1/lagen/riolering?limit=1").json()["features"][0]
    lon, lat = line_midpoint(pipe["geometry"])
    page.evaluate("([lon, lat]) => kkMap.setView([lat, lon], 18, {animate: false})", [lon, lat])
    wait_drawn(page, "riolering")
    click_lonlat(page, lon, lat)
    detail = page.locator(".kk-detail")
    expect(detail).to_contain_text("Op deze plek")
    expect(detail).to_contain_text(pipe["properties"]["id"])
    expect(detail).to_contain_text("Jaar van vervanging")
    screenshot("kaart-klik-riool")


def test_switching_a_layer_on_loads_its_tiles_and_legend(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    page.get_by_label("Riolering (jaar van vervanging)").check()
    page.get_by_label("Leefbaarometer").check()
    wait_drawn(page, "riolering", "leefbaarometer")
    screenshot("kaart-riolering-leefbaarometer")
    legend = page.locator(".kk-legend")
    expect(legend).to_contain_text("vervanging t/m 2028")  # peiljaar 2026 of the demo + 2
    expect(legend).to_contain_text("1 zeer onvoldoende")
    expect(legend).to_contain_text("9 uitstekend")
    page.get_by_label("Riolering (jaar van vervanging)").uncheck()
    expect(legend).not_to_contain_text("Riolering (jaar van vervanging)")
    page.get_by_role("checkbox", name="Bomen").check()
    page.evaluate("() => kkMap.setZoom(12, {animate: false})")
    expect(legend).to_contain_text("zichtbaar vanaf zoomniveau 14")
    assert recorder.foreign() == []


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
    page.route("**/api/v1/buurten", lambda route: route.fulfill(status=503, json={"detail": detail}))
    page.goto(live_server + "/kaart?achtergrond=geen")
    ranking = page.locator(".kk-rangorde")
    expect(ranking).to_contain_text("Kon de rangorde niet laden")
    expect(ranking).to_contain_text(detail)
    screenshot("kaart-api-fout")
