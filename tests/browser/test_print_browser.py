"""The A4 print view of one buurt in headless Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, Recorder

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]


def test_print_view_renders_map_rank_and_explanations(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    ranking = page.request.get(live_server + "/api/v1/buurten").json()["buurten"]
    buurt = ranking[0]
    code = buurt["buurtcode"]
    expected = page.request.get(f"{live_server}/api/v1/koppelkansen?buurt={code}&limit=1000").json()

    response = page.goto(f"{live_server}/kaart/buurt/{code}/print")
    assert response is not None and response.ok
    expect(page.locator("h1")).to_contain_text(buurt["buurtnaam"])
    expect(page.locator(".rang")).to_contain_text(f"Rang 1 van {len(ranking)}")
    rows = page.locator(".resultaten tbody tr")
    expect(rows).to_have_count(expected["numberMatched"])
    toelichtingen = {f["properties"]["toelichting"] for f in expected["features"]}
    first = rows.first.inner_text()
    assert any(t in first for t in toelichtingen)
    assert page.locator("svg path.kans").count() == expected["numberMatched"]
    assert page.locator("svg path.buurt").count() == 1
    assert page.locator("svg .nummer").count() == expected["numberMatched"]
    assert page.locator("script").count() == 0
    screenshot("print-scherm")
    page.emulate_media(media="print")
    expect(page.locator(".scherm-alleen")).to_be_hidden()
    screenshot("print-afdruk")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "print-buurt.pdf"), format="A4", print_background=True)
    assert pdf[:4] == b"%PDF"
    assert recorder.foreign() == [] and recorder.errors == []


def test_print_view_of_unknown_buurt_is_a_dutch_404(page: Page, live_server: str) -> None:
    response = page.goto(f"{live_server}/kaart/buurt/BU99999999/print")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Deze buurt is niet gevonden")
