"""The map of a service that asks a key for reading, opened once with ?sleutel=."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.auth.service import create_key
from app.config import Settings
from app.main import create_app
from tests.browser.conftest import ARTIFACTS, Recorder
from tests.browser.helpers import click_lonlat, clickable_kans, wait_drawn
from tests.support import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def locked_server(demo_settings: Settings, demo_engine: Engine) -> Iterator[tuple[str, str]]:
    """A server on the demo data that needs a viewer key, and such a key (removed after)."""
    with Session(demo_engine) as session:
        key_id, key = create_key(session, naam="browsertest", rol="viewer")
    base, stop = serve(create_app(demo_settings.model_copy(update={"read_requires_key": True})))
    yield base, key
    stop()
    with demo_engine.begin() as conn:
        conn.execute(text("DELETE FROM api_key WHERE id = :id"), {"id": key_id})


@pytest.fixture
def locked_page(browser: Browser, locked_server: tuple[str, str]) -> Iterator[tuple[Page, Recorder]]:
    base, _ = locked_server
    recorder = Recorder(base)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    page = context.new_page()
    page.route("**/*", recorder.handle)
    page.on("pageerror", lambda exc: recorder.errors.append(str(exc)))
    yield page, recorder
    context.close()


def test_map_opens_with_a_key_in_the_link_and_forgets_it_from_the_url(
    locked_page: tuple[Page, Recorder], locked_server: tuple[str, str]
) -> None:
    page, recorder = locked_page
    base, key = locked_server
    response = page.goto(f"{base}/kaart?achtergrond=geen&sleutel={key}#lagen=buurten,warmtenet,koppelkansen")
    assert response is not None and response.ok
    assert page.url.startswith(f"{base}/kaart?achtergrond=geen#")
    assert key not in page.url
    wait_drawn(page, "buurten", "warmtenet", "koppelkansen")
    expect(page.locator(".kk-rang-item").first).to_be_visible()
    assert key not in page.evaluate("() => document.cookie")  # HttpOnly
    assert page.evaluate("() => KK.staat.link(kkMap)").count("sleutel") == 0
    kans, lon, lat = clickable_kans(page, base)
    page.evaluate("([lon, lat]) => kkMap.setView([lat, lon], 17, {animate: false})", [lon, lat])
    wait_drawn(page, "koppelkansen")
    click_lonlat(page, lon, lat)
    expect(page.locator(".kk-detail")).to_have_attribute("data-kans-id", kans["properties"]["kans_id"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sleutel-kaart.png"))
    page.goto(f"{base}/kaart/buurt/{kans['properties']['buurtcode']}/print")
    expect(page.locator(".rang")).to_contain_text("Rang")
    assert not [u for u in recorder.urls if "/tiles/" in u and "sleutel" in u]
    assert recorder.foreign() == [] and recorder.errors == []


def test_map_without_a_key_explains_how_to_get_one(
    locked_page: tuple[Page, Recorder], locked_server: tuple[str, str]
) -> None:
    page, _ = locked_page
    base, _ = locked_server
    response = page.goto(f"{base}/kaart")
    assert response is not None and response.status == 401
    expect(page.locator("h1")).to_have_text("Sleutel nodig")
    expect(page.locator("main")).to_contain_text("koppelkansen sleutel maak")
    expect(page.locator("main")).to_contain_text(f"{base}/kaart?sleutel=kk_…")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sleutel-nodig.png"))
