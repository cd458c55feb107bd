"""RULES.md §10 on the map: with more than one gemeente the ranking has a heading per gemeente
and the buurt panel says "Rang X van N in <gemeente>".

Serves its own database (the demo town split over two gemeenten, through the real importers)
with a real uvicorn and real headless Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import Engine

from app.config import Settings
from app.main import create_app
from tests.support import serve
from tests.twee_gemeenten import TWEESTAD, ZONDER, load_two_gemeenten

pytestmark = pytest.mark.browser


@pytest.fixture
def twee_server(scratch_url: str, scratch_engine: Engine, tmp_path: Path) -> Iterator[str]:
    load_two_gemeenten(scratch_engine, tmp_path)
    base, stop = serve(create_app(Settings(DATABASE_URL=scratch_url)))
    yield base
    stop()


@pytest.fixture
def twee_page(browser: Browser, twee_server: str) -> Iterator[Page]:
    """A laptop-sized page that may only reach this server; errors are collected."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    page = context.new_page()
    own = urlsplit(twee_server).netloc

    def route(r: Route) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == own:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def test_ranking_per_gemeente_with_headings(twee_page: Page, twee_server: str) -> None:
    page = twee_page
    ranking = page.request.get(twee_server + "/api/v1/buurten").json()["buurten"]
    tweestad = [b for b in ranking if b["gemeentecode"] == TWEESTAD[0]]
    demo = [b for b in ranking if b["gemeentecode"] == "GM0999"]
    assert len(tweestad) == 4 and len(demo) == 7

    page.goto(twee_server + "/kaart?achtergrond=geen")
    koppen = page.locator(".kk-rangorde .kk-gemeente-kop")
    expect(koppen).to_have_count(3)
    # The header names the first gemeente and how many more (buurten without one: none).
    expect(page.locator(".kk-kop .kk-gemeentenaam")).to_have_text(
        f"{TWEESTAD[1]} en 1 andere gemeente")
    expect(koppen).to_have_text([f"{TWEESTAD[1]} (4 buurten)",
                                 f"{demo[0]['gemeentenaam']} (7 buurten)",
                                 "Zonder gemeente (1 buurt)"])
    # Each gemeente lists its own buurten, from rang 1.
    groep = page.locator(".kk-gemeente").first
    expect(groep.locator(".kk-rang-nr")).to_have_text(["1", "2", "3", "4"])
    expect(groep.locator(".kk-rang-item").first).to_contain_text(tweestad[0]["buurtnaam"])
    second = page.locator(".kk-gemeente").nth(1)
    expect(second.locator(".kk-rang-nr").first).to_have_text("1")
    expect(page.locator(".kk-rang-item")).to_have_count(len(ranking))

    second.locator(".kk-rang-item").first.click()
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-buurtcode", demo[0]["buurtcode"])
    expect(detail.locator(".kk-rang-regel")).to_contain_text(
        f"Rang 1 van 7 in {demo[0]['gemeentenaam']}")
    status = page.locator(".kk-status[role=status]")
    expect(status).to_contain_text(f"rang 1 van 7 in {demo[0]['gemeentenaam']}")

    groep.locator(".kk-rang-item").nth(1).click()
    expect(detail).to_have_attribute("data-buurtcode", tweestad[1]["buurtcode"])
    expect(detail.locator(".kk-rang-regel")).to_contain_text(f"Rang 2 van 4 in {TWEESTAD[1]}")

    page.locator(f".kk-rang-item[data-buurtcode={ZONDER}]").click()
    expect(detail.locator(".kk-rang-regel")).to_contain_text("Rang 1 van 1 zonder gemeente")
