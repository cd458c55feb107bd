"""Filters, clicks and the side panel's timing and accessibility, in headless Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Recorder
from tests.browser.helpers import (
    click_lonlat,
    clickable_kans,
    drawn_properties,
    settle,
    wait_drawn,
    wait_hash,
)

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]


def _open_at_kans(
    page: Page, base: str, path: str = "/kaart?achtergrond=geen"
) -> tuple[dict[str, Any], float, float]:
    page.goto(base + path)
    wait_drawn(page, "buurten", "koppelkansen")
    kans, lon, lat = clickable_kans(page, base)
    page.evaluate("([lon, lat]) => kkMap.setView([lat, lon], 17, {animate: false})", [lon, lat])
    wait_drawn(page, "koppelkansen")
    return kans, lon, lat


def _open_filters(page: Page) -> None:
    if page.locator(".kk-filters").get_attribute("open") is None:
        page.locator(".kk-filters summary").click()


def test_no_rule_ticked_means_a_click_finds_no_result(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    kans, lon, lat = _open_at_kans(page, live_server)
    page.get_by_label("Warmtenet (status)").uncheck()  # else the click finds the heat network
    _open_filters(page)
    for box in page.locator(".kk-filters input[name=regelcode]").all():
        box.uncheck()
    settle(page, "koppelkansen")
    assert drawn_properties(page, "koppelkansen") == []
    click_lonlat(page, lon, lat)
    detail = page.locator(".kk-detail")
    # The click answers with the buurt under it, never with the undrawn result.
    expect(detail).to_have_attribute("data-buurtcode", kans["properties"]["buurtcode"])
    page.wait_for_timeout(300)
    assert detail.get_attribute("data-kans-id") is None
    screenshot("geen-regel-klik")
    assert recorder.errors == []


def test_a_link_pasted_into_the_same_tab_redraws_the_map(
    page: Page, live_server: str, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    assert {p["regel"] for p in drawn_properties(page, "koppelkansen")} != {"werk_met_werk"}
    page.evaluate("() => { const p = new URLSearchParams(location.hash.slice(1));"
                  " p.set('regel', 'werk_met_werk'); location.hash = p.toString(); }")
    expect(page.locator(".kk-filters summary")).to_have_text("Filters (1 actief)")
    # An older link names the regel: werk_met_werk stands for R1 and R5.
    expect(page.locator("input[name=regelcode][value=R2]")).not_to_be_checked()
    expect(page.locator("input[name=regelcode][value=R1]")).to_be_checked()
    expect(page.locator("input[name=regelcode][value=R5]")).to_be_checked()
    settle(page, "koppelkansen")
    drawn = drawn_properties(page, "koppelkansen")
    assert drawn and {p["regel"] for p in drawn} == {"werk_met_werk"}
    screenshot("link-in-zelfde-tab")


def test_years_outside_the_api_range_are_ignored(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    kans, lon, lat = _open_at_kans(page, live_server, "/kaart?achtergrond=geen#van=20300&tot=2100")
    assert page.evaluate("() => [KK.filter.van, KK.filter.tot]") == [None, 2100]
    expect(page.get_by_label("van", exact=True)).to_have_value("")
    click_lonlat(page, lon, lat)
    expect(page.locator(".kk-detail")).to_have_attribute("data-kans-id", kans["properties"]["kans_id"])

    _open_filters(page)
    page.get_by_label("t/m", exact=True).fill("99999")
    page.get_by_label("t/m", exact=True).dispatch_event("change")
    expect(page.locator(".kk-status")).to_contain_text("Jaar 99999 genegeerd")
    assert page.evaluate("() => KK.filter.tot") is None
    expect(page.get_by_label("t/m", exact=True)).to_have_value("")
    wait_hash(page, tot=None, van=None)
    click_lonlat(page, lon, lat)
    expect(page.locator(".kk-detail")).to_have_attribute("data-kans-id", kans["properties"]["kans_id"])
    expect(page.locator(".kk-status")).not_to_contain_text("Kon niet opvragen")
    screenshot("jaar-buiten-bereik")
    assert recorder.errors == []


def test_a_late_answer_does_not_replace_a_newer_selection(page: Page, live_server: str) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "koppelkansen")
    feats = page.request.get(live_server + "/api/v1/koppelkansen?limit=2").json()["features"]
    slow, fast = (f["properties"]["kans_id"] for f in feats)
    page.evaluate(
        """(slow) => { const orig = window.fetch;
          window.fetch = (u, o) => String(u).includes(slow)
            ? new Promise((r) => setTimeout(r, 1200)).then(() => orig(u, o)) : orig(u, o); }""",
        slow,
    )
    page.evaluate("([a, b]) => { KK.zijpaneel.showKans(a, {zoom: false});"
                  " KK.zijpaneel.showKans(b, {zoom: false}); }", [slow, fast])
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-kans-id", fast)
    page.wait_for_timeout(1800)
    expect(detail).to_have_attribute("data-kans-id", fast)
    assert page.evaluate("() => KK.selectie.kans") == fast


def test_a_failed_buurt_list_is_asked_again(
    page: Page, live_server: str, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten")
    page.route(lambda url: "/api/v1/koppelkansen?buurt=" in url,
               lambda route: route.fulfill(status=503, json={"detail": "Even niet bereikbaar."}),
               times=1)
    item = page.locator(".kk-rang-item").first
    item.click()
    detail = page.locator(".kk-detail")
    expect(detail).to_contain_text("Kon de resultaten niet laden: Even niet bereikbaar.")
    screenshot("buurt-lijst-fout")
    item.click()
    expect(detail.locator(".kk-resultaat").first).to_be_visible()
    expect(detail).not_to_contain_text("Kon de resultaten niet laden")


def test_opening_a_buurt_moves_focus_and_announces_a_summary(
    page: Page, live_server: str, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten")
    detail = page.locator(".kk-detail")
    assert detail.get_attribute("aria-live") is None
    ranking = page.request.get(live_server + "/api/v1/buurten").json()["buurten"]
    page.locator(".kk-rang-item").first.focus()
    page.keyboard.press("Enter")
    expect(detail).to_have_attribute("data-buurtcode", ranking[0]["buurtcode"])
    assert page.evaluate("() => document.activeElement.classList.contains('kk-detail-titel')")
    status = page.locator(".kk-status[role=status]")
    expect(status).to_contain_text(f"rang 1 van {len(ranking)}")
    # A filter change redraws the list but leaves the focus on the filter.
    _open_filters(page)
    page.get_by_label("Alleen waar nu actie nodig is").check()
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.type") == "checkbox"
    screenshot("buurt-focus-status")


def test_the_map_reads_the_stored_year_of_a_result(
    page: Page, live_server: str, recorder: Recorder
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    drawn = drawn_properties(page, "koppelkansen")
    assert drawn and any(p.get("jaar") is not None for p in drawn)
    # The year comes from the tile attribute `jaar` (stored once by the analysis) ...
    got = page.evaluate("(ps) => ps.map((p) => KK.jaar(p))", drawn)
    assert got == [p.get("jaar") for p in drawn]
    # ... never derived again from start_jaar / riool_due_jaar in the page.
    assert page.evaluate("KK.jaar({start_jaar: 2030, riool_due_jaar: 2031, jaar: 2040})") == 2040
    assert page.evaluate("KK.jaar({start_jaar: 2030, riool_due_jaar: 2031})") is None
    assert recorder.errors == []
