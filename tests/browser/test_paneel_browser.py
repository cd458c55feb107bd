"""The side panel in headless Chromium: ranking, filters, shared URL, keyboard, screen sizes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Recorder
from tests.browser.helpers import (
    drawn_properties,
    settle,
    wait_drawn,
    wait_drawn_until,
    wait_hash,
)

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]


def _ranking(page: Page, base: str) -> list[dict[str, Any]]:
    return list(page.request.get(base + "/api/v1/buurten").json()["buurten"])


def _results(page: Page, base: str, code: str) -> list[dict[str, Any]]:
    body = page.request.get(f"{base}/api/v1/koppelkansen?buurt={code}&limit=1000").json()
    return [f["properties"] for f in body["features"]]


def _open(page: Page, base: str, path: str = "/kaart?achtergrond=geen") -> None:
    page.goto(base + path)
    wait_drawn(page, "buurten", "koppelkansen")
    expect(page.locator(".kk-rang-item").first).to_be_visible()


def test_ranking_zooms_to_a_buurt_and_lists_its_results(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    _open(page, live_server)
    ranking = _ranking(page, live_server)
    items = page.locator(".kk-rang-item")
    expect(items).to_have_count(len(ranking))
    expect(items.first).to_contain_text(ranking[0]["buurtnaam"])
    second = ranking[1]
    omvang = page.request.get(live_server + "/kaart/omvang").json()[second["buurtcode"]]
    zoom_before = page.evaluate("() => kkMap.getZoom()")

    items.nth(1).click()
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-buurtcode", second["buurtcode"])
    expect(detail).to_contain_text(f"Rang 2 van {len(ranking)}")
    view = page.evaluate("() => { const b = kkMap.getBounds(); return {z: kkMap.getZoom(), "
                         "w: b.getWest(), s: b.getSouth(), e: b.getEast(), n: b.getNorth()}; }")
    assert view["z"] > zoom_before
    assert view["w"] <= omvang[0] and view["s"] <= omvang[1]
    assert view["e"] >= omvang[2] and view["n"] >= omvang[3]
    expected = _results(page, live_server, second["buurtcode"])
    expect(detail.locator(".kk-resultaat")).to_have_count(len(expected))
    wait_hash(page, buurt=second["buurtcode"])
    wait_drawn(page, "koppelkansen")
    screenshot("rangorde-buurt")

    first = detail.locator(".kk-resultaat").first
    kans_id = first.get_attribute("data-kans-id")
    first.click()
    expect(detail).to_have_attribute("data-kans-id", str(kans_id))
    expect(detail.get_by_role("button", name="← Terug naar de buurt")).to_be_visible()
    detail.get_by_role("button", name="← Terug naar de buurt").click()
    expect(detail).to_have_attribute("data-buurtcode", second["buurtcode"])
    assert recorder.foreign() == [] and recorder.errors == []


def test_filters_change_what_is_drawn_and_listed(
    page: Page, live_server: str, screenshot: Shot
) -> None:
    _open(page, live_server)
    before = drawn_properties(page, "koppelkansen")
    assert {p["regel"] for p in before} >= {"werk_met_werk", "vergroenen", "afkoppelen"}

    if page.locator(".kk-filters").get_attribute("open") is None:
        page.locator(".kk-filters summary").click()
    page.get_by_label("Categorie").select_option("knelpunt")
    settle(page, "koppelkansen")
    knelpunten = drawn_properties(page, "koppelkansen")
    assert knelpunten and {p["categorie"] for p in knelpunten} == {"knelpunt"}
    assert len(knelpunten) < len(before)
    screenshot("filter-knelpunten")

    page.get_by_label("Categorie").select_option("")
    for regel in ("Vergroenen", "Boomconflict (knelpunt)", "Leefbaarheid",
                  "Afkoppelen regenwater", "Werk met werk: werken van partijen",
                  "Dubbel open (knelpunt)"):
        page.get_by_role("checkbox", name=regel).uncheck()
    page.get_by_label("van", exact=True).fill("2029")
    page.get_by_label("van", exact=True).dispatch_event("change")
    settle(page, "koppelkansen")
    wait_drawn_until(page, "koppelkansen", "ps.length > 0 && ps.every((p) => p.start_jaar >= 2029)")
    r1 = drawn_properties(page, "koppelkansen")
    assert r1 and {p["regelcode"] for p in r1} == {"R1"}
    assert all(p["start_jaar"] >= 2029 for p in r1)
    wait_hash(page, regel="R1", van="2029")

    # The buurt list follows the same filters.
    code = str(page.locator(".kk-rang-item").first.get_attribute("data-buurtcode"))
    page.locator(".kk-rang-item").first.click()
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-buurtcode", code)
    expected = [p for p in _results(page, live_server, code)
                if p["regelcode"] == "R1" and p["start_jaar"] >= 2029]
    expect(detail.locator(".kk-resultaat")).to_have_count(len(expected))
    expect(detail).to_contain_text("filters")
    screenshot("filter-werk-met-werk-vanaf-2029")

    page.get_by_role("button", name="Filters wissen").click()
    settle(page, "koppelkansen")
    assert len(drawn_properties(page, "koppelkansen")) >= len(r1)
    wait_hash(page, regel=None, van=None)


def test_shared_url_restores_the_view(
    browser: Browser, page: Page, live_server: str, screenshot: Shot
) -> None:
    _open(page, live_server)
    page.locator(".kk-rang-item").nth(2).click()
    page.get_by_label("Riolering (jaar van vervanging)").check()
    page.locator(".kk-filters summary").click()
    page.get_by_label("Alleen waar nu actie nodig is").check()
    page.get_by_role("checkbox", name="Leefbaarheid").uncheck()
    wait_drawn(page, "riolering")
    state = wait_hash(page, actie="1", regel="R1,R2,R2b,R4,R5,R5b")
    assert "riolering" in state["lagen"].split(",")
    shared = page.url
    view = page.evaluate("() => [kkMap.getZoom(), kkMap.getCenter().lat, kkMap.getCenter().lng]")

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    other = context.new_page()
    other.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_server)
                else r.abort())
    other.goto(shared)
    wait_drawn(other, "buurten", "koppelkansen", "riolering")
    again = other.evaluate("() => [kkMap.getZoom(), kkMap.getCenter().lat, kkMap.getCenter().lng]")
    assert again[0] == view[0]
    assert abs(again[1] - view[1]) < 1e-4 and abs(again[2] - view[2]) < 1e-4
    expect(other.locator(".kk-detail")).to_have_attribute("data-buurtcode", state["buurt"])
    expect(other.get_by_label("Alleen waar nu actie nodig is")).to_be_checked()
    expect(other.get_by_role("checkbox", name="Leefbaarheid")).not_to_be_checked()
    expect(other.get_by_role("checkbox", name="Vergroenen")).to_be_checked()
    expect(other.get_by_label("Riolering (jaar van vervanging)")).to_be_checked()
    expect(other.get_by_label("Geen achtergrond")).to_be_checked()
    drawn = drawn_properties(other, "koppelkansen")
    assert drawn and all(p["actie_nodig"] for p in drawn)
    assert "leefbaarheid" not in {p["regel"] for p in drawn}
    other.screenshot(path=str(Path(screenshot("url-bron")).with_name("url-hersteld-1920.png")))
    context.close()


def test_keyboard_reaches_and_activates_the_lists(
    page: Page, live_server: str, screenshot: Shot
) -> None:
    _open(page, live_server)
    first = page.locator(".kk-rang-item").first
    first.focus()
    page.keyboard.press("Enter")
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-buurtcode", str(first.get_attribute("data-buurtcode")))
    result = detail.locator(".kk-resultaat").first
    kans_id = str(result.get_attribute("data-kans-id"))
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    result.focus()
    outline = result.evaluate("(e) => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    screenshot("toetsenbord-focus")
    page.keyboard.press(" ")
    expect(detail).to_have_attribute("data-kans-id", kans_id)
    # Tab order: the panel's controls come before the map.
    page.locator("body").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('.kk-zijpaneel') !== null")
    assert focused


def _contrast(page: Page, selector: str) -> float:
    return float(page.evaluate(
        """(sel) => {
          const e = document.querySelector(sel);
          const rgb = (c) => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
          let n = e, bg = 'rgba(0, 0, 0, 0)';
          while (n && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
            bg = getComputedStyle(n).backgroundColor; n = n.parentElement; }
          if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
          const a = lum(rgb(getComputedStyle(e).color)), b = lum(rgb(bg));
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }""",
        selector,
    ))


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_fits_laptop_and_projector_with_readable_text(
    page: Page, live_server: str, screenshot: Shot, size: tuple[int, int]
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    _open(page, live_server)
    page.locator(".kk-rang-item").first.click()
    expect(page.locator(".kk-detail .kk-resultaat").first).to_be_visible()
    panel = page.locator(".kk-zijpaneel").bounding_box()
    kaart = page.locator(".folium-map").bounding_box()
    assert panel and kaart
    assert panel["x"] + panel["width"] <= kaart["x"] + 1
    assert kaart["width"] >= size[0] * 0.6 and kaart["height"] == size[1]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
    for selector in (".kk-uitleg", ".kk-rang-item .kk-klein", ".kk-legend-item span",
                     ".kk-rang-naam", ".kk-detail .kk-toelichting"):
        assert _contrast(page, selector) >= 4.5, selector
    screenshot(f"scherm-{size[0]}x{size[1]}")
