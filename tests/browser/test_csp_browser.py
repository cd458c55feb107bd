"""The Content-Security-Policy holds in a real browser: the map pages and the API documentation
run without a single violation, and an injected inline script is refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import Recorder
from tests.browser.helpers import click_lonlat, clickable_kans, wait_drawn

pytestmark = pytest.mark.browser

# Runs before any script of the page (added by the browser, outside the page's CSP).
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile
                    + ':' + e.lineNumber);
});
"""


class Violations:
    """CSP violations seen by the page (events) and by the console (Chromium's messages)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def events(self) -> list[Any]:
        return list(self.page.evaluate("() => window.__csp || []"))

    def assert_none(self) -> None:
        assert self.events() == [] and self.console == [], (self.events(), self.console)


@pytest.fixture
def violations(page: Page) -> Violations:
    return Violations(page)


def test_map_page_runs_without_csp_violations(
    page: Page, live_server: str, recorder: Recorder, violations: Violations
) -> None:
    response = page.goto(live_server + "/kaart")  # default basemap: PDOK asked (and aborted)
    assert response is not None and "nonce-" in response.headers["content-security-policy"]
    wait_drawn(page, "buurten", "koppelkansen")
    kans, lon, lat = clickable_kans(page, live_server)
    page.evaluate("([lon, lat]) => kkMap.setView([lat, lon], 17, {animate: false})", [lon, lat])
    wait_drawn(page, "koppelkansen")
    click_lonlat(page, lon, lat)
    expect(page.locator(".kk-detail")).to_have_attribute("data-kans-id",
                                                         kans["properties"]["kans_id"])
    page.wait_for_timeout(300)
    violations.assert_none()
    assert recorder.errors == []

    # The guard is live: an inline script without the nonce is refused and reported.
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__ingevoegd = true';
                             document.body.appendChild(s); }""")
    page.wait_for_function("() => window.__csp.length > 0", timeout=5_000)
    assert page.evaluate("() => window.__ingevoegd === undefined")
    assert any("script-src" in v for v in violations.events())


def test_buurt_page_print_view_and_404_run_without_csp_violations(
    page: Page, live_server: str, recorder: Recorder, violations: Violations
) -> None:
    code = page.request.get(live_server + "/api/v1/buurten").json()["buurten"][0]["buurtcode"]
    page.goto(f"{live_server}/kaart/buurt/{code}?achtergrond=geen")
    wait_drawn(page, "buurten")
    page.wait_for_timeout(300)
    violations.assert_none()
    page.goto(f"{live_server}/kaart/buurt/{code}/print")
    expect(page.locator(".resultaten")).to_be_visible()
    violations.assert_none()
    page.goto(f"{live_server}/kaart/buurt/BU99999999")
    expect(page.locator("h1")).to_have_text("Deze buurt is niet gevonden")
    # The style element carries the nonce: the page is styled (white card), not bare.
    background = page.evaluate("() => getComputedStyle(document.querySelector('main')).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    violations.assert_none()
    assert recorder.foreign() == [] and recorder.errors == []


def test_docs_come_from_the_app_and_list_the_operations(
    page: Page, live_server: str, recorder: Recorder, violations: Violations
) -> None:
    page.goto(live_server + "/docs")  # every request to another host is aborted
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for expected in ("/api/v1/buurten", "/api/v1/koppelkansen", "/api/v1/lagen/{laag}/import",
                     "/tiles/{laag}/{z}/{x}/{y}.pbf"):
        assert any(expected in p.replace("\u200b", "") for p in paths), (expected, paths)
    page.wait_for_timeout(300)
    violations.assert_none()
    assert recorder.foreign() == [] and recorder.errors == []
