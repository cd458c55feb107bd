"""Headless Chromium (Debian's, never a downloaded build) for the browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.support import missing_tool

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        missing_tool("Chromium ontbreekt; draai scripts/setup --browser (Debian-pakket chromium).")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    executable = _chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """Every URL the page asked for; requests to other hosts are aborted, never sent."""

    def __init__(self, base_url: str) -> None:
        self.base = urlsplit(base_url)
        self.urls: list[str] = []
        self.errors: list[str] = []

    def is_app(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return (parts.scheme, parts.netloc) == (self.base.scheme, self.base.netloc)

    def foreign(self) -> list[str]:
        return [u for u in self.urls if not self.is_app(u)]

    def handle(self, route: Route) -> None:
        url = route.request.url
        self.urls.append(url)
        if self.is_app(url):
            route.continue_()
        else:
            route.abort()


@pytest.fixture
def recorder(live_server: str) -> Recorder:
    """The requests of the test's page."""
    return Recorder(live_server)


@pytest.fixture
def page(browser: Browser, recorder: Recorder) -> Iterator[Page]:
    """A fresh 1366×768 (laptop) page whose requests are recorded and kept on this machine."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    page = context.new_page()
    page.route("**/*", recorder.handle)
    page.on("pageerror", lambda exc: recorder.errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """Save a screenshot under test-artifacts/ (gitignored) for a person to look at."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take
