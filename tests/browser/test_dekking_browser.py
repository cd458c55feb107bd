"""RULES.md §8 on the map: the buurt panel and the ranking say what was not judged, and why.

The demo database imports the Leefbaarometer without a dekking, so its dekking is its own
cells: sections where no cell lies are niet beoordeeld for leefbaarheid.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import wait_drawn

pytestmark = pytest.mark.browser


def test_buurt_panel_says_what_was_not_judged(page: Page, live_server: str) -> None:
    body = page.request.get(live_server + "/api/v1/buurten").json()
    run_lines = body["analyse"]["niet_beoordeeld"]
    assert any(line.startswith("Leefbaarheid: ") for line in run_lines), run_lines
    ranking = body["buurten"]
    missing = next(b for b in ranking if b["nb_r3_m"] > 0)
    complete = next(b for b in ranking if not b["niet_beoordeeld"])
    words = next(t for t in missing["niet_beoordeeld"] if t.startswith("Leefbaarheid: "))
    assert words.endswith("m niet beoordeeld (buiten de dekking van de Leefbaarometerlaag)")

    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    ranking_box = page.locator(".kk-rangorde")
    expect(ranking_box.locator(".kk-niet-beoordeeld")).to_contain_text(run_lines[0])

    items = page.locator(".kk-rang-item")
    items.nth([b["buurtcode"] for b in ranking].index(missing["buurtcode"])).click()
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-buurtcode", missing["buurtcode"])
    note = detail.locator(".kk-niet-beoordeeld")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Niet beoordeeld")
    expect(note).to_contain_text(words)

    items.nth([b["buurtcode"] for b in ranking].index(complete["buurtcode"])).click()
    expect(detail).to_have_attribute("data-buurtcode", complete["buurtcode"])
    expect(detail.locator(".kk-niet-beoordeeld")).to_have_count(0)
