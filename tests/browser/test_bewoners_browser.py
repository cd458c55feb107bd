"""The residents' handout and the timeline in headless Chromium: at most two A4 pages, no ids.

The text is checked on what the page renders (document.body.innerText, print media) and the
page count on the PDF that Chromium prints (Page.printToPDF through Playwright's page.pdf).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, text

from app.config import Settings
from app.main import create_app
from tests.browser.conftest import ARTIFACTS, Recorder
from tests.support import load_demo, serve

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]

# Ids a resident must never read: kans_id (16 hex), buurtcode, section numbers (<id>#<n>),
# the demo's pipe ids (uuid) and heat work ids.
ID_PATTERNS = [re.compile(p) for p in (
    r"\b[0-9a-f]{16}\b", r"\bBU\d{8}\b", r"#\d+", r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-",
    r"\bWN-\d+\b")]
# Measurements and thresholds (metres, shares) belong in the technical annex.
MAAT = re.compile(r"\d+(,\d+)? ?(m|m²|%|meter)\b")
PAGE = re.compile(rb"/Type\s*/Page\b")


def _pdf_pages(pdf: bytes) -> int:
    assert pdf[:4] == b"%PDF"
    return len(PAGE.findall(pdf))


def _ids_of(page: Page, base: str, code: str) -> set[str]:
    """Every source id and result id of the buurt, as the API gives them."""
    kansen = page.request.get(f"{base}/api/v1/koppelkansen?buurt={code}&limit=1000").json()
    ids = {code}
    for f in kansen["features"]:
        p = f["properties"]
        ids.add(p["kans_id"])
        ids.update(i for i in p["bron_ids"].split(",") if len(i) > 3)
        ids.update(p[k] for k in ("sectie_id", "riool_id", "warmtenet_id", "eenheid_a",
                                  "eenheid_b") if p.get(k))
    return ids


def _check_handout(page: Page, base: str, code: str, *, pdf_path: Path | None = None) -> str:
    """Open the handout, check it has no ids and prints on at most two A4 pages; its text."""
    response = page.goto(f"{base}/kaart/buurt/{code}/bewoners")
    assert response is not None and response.ok
    page.emulate_media(media="print")
    body = str(page.evaluate("document.body.innerText"))
    for pattern in ID_PATTERNS:
        assert not pattern.search(body), (code, pattern.pattern, pattern.search(body))
    assert not MAAT.search(body), (code, MAAT.search(body))
    for found in _ids_of(page, base, code):
        assert found not in body, (code, found)
    pdf = page.pdf(path=str(pdf_path) if pdf_path else None, format="A4",
                   print_background=True, prefer_css_page_size=True)
    assert _pdf_pages(pdf) <= 2, code
    page.emulate_media(media="screen")
    return body


def test_handout_of_the_busiest_buurt(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    ranking = page.request.get(live_server + "/api/v1/buurten").json()["buurten"]
    buurt = max(ranking, key=lambda b: b["n_kansen"])
    code = buurt["buurtcode"]
    ARTIFACTS.mkdir(exist_ok=True)
    body = _check_handout(page, live_server, code, pdf_path=ARTIFACTS / "bewoners-buurt.pdf")

    expect(page.locator("h1")).to_have_text(f"Werk in de straat: {buurt['buurtnaam']}")
    assert f"Gemeente {buurt['gemeentenaam']}" in body
    items = page.locator(".straten li")
    n = items.count()
    assert 1 <= n
    # numbered like the map: one numbered circle per listed street, 1..n
    assert page.locator("svg .nummer text").all_text_contents() == [str(i) for i in range(1, n + 1)]
    kansen = page.request.get(f"{live_server}/api/v1/koppelkansen?buurt={code}&limit=1000").json()
    namen = {f["properties"]["straatnaam"] for f in kansen["features"]}
    first = items.first.locator("h3").inner_text()
    assert any(naam and naam in first for naam in namen)
    if len(namen) > n:
        assert re.search(r"En nog \d+ straten?: zie de kaart op de website", body)
    # street names on the map come from the straat table
    assert page.locator("svg text.straatnaam").count() > 0
    assert "Wat kunt u doen?" in body
    assert page.locator("script").count() == 0
    # the print view stays as the technical annex (a link on screen, not on paper)
    annex = page.locator(".scherm-alleen a", has_text="Technische bijlage")
    assert annex.get_attribute("href") == f"/kaart/buurt/{code}/print"
    screenshot("bewoners-scherm")
    page.emulate_media(media="print")
    expect(page.locator(".scherm-alleen")).to_be_hidden()
    screenshot("bewoners-afdruk")
    assert recorder.foreign() == [] and recorder.errors == []


def test_every_demo_buurt_fits_on_two_pages_without_ids(page: Page, live_server: str) -> None:
    ranking = page.request.get(live_server + "/api/v1/buurten").json()["buurten"]
    for buurt in ranking:
        _check_handout(page, live_server, buurt["buurtcode"])


def test_handout_of_unknown_buurt_is_a_dutch_404(page: Page, live_server: str) -> None:
    response = page.goto(f"{live_server}/kaart/buurt/BU99999999/bewoners")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Deze buurt is niet gevonden")


def test_timeline_on_the_buurt_page_and_in_the_annex(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    ranking = page.request.get(live_server + "/api/v1/buurten").json()["buurten"]
    code = max(ranking, key=lambda b: b["m_r1"])["buurtcode"]
    page.goto(f"{live_server}/kaart/buurt/{code}?achtergrond=geen")
    img = page.locator(".kk-tijdlijn img")
    expect(img).to_be_visible(timeout=20_000)
    page.wait_for_function(
        "() => { const i = document.querySelector('.kk-tijdlijn img');"
        " return i.complete && i.naturalWidth > 0; }", timeout=20_000)
    assert page.locator(".kk-links a", has_text="Voor bewoners").get_attribute("href") == \
        f"/kaart/buurt/{code}/bewoners"
    img.scroll_into_view_if_needed()
    screenshot("buurt-tijdlijn")

    svg = page.request.get(f"{live_server}/kaart/buurt/{code}/tijdlijn.svg")
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    # a buurt with R1 results: heat works, the sewer and their meetings are drawn
    assert 'data-rij="riool"' in svg.text() and 'data-rij="wn:' in svg.text()
    assert 'class="tl-kans"' in svg.text()

    page.goto(f"{live_server}/kaart/buurt/{code}/print")
    section = page.locator("section.tijdlijn")
    expect(section.locator("h2")).to_have_text("Tijdlijn van de werken")
    assert section.locator("g.tl-rij").count() >= 2
    assert section.locator("g.tl-kans").count() >= 1
    section.scroll_into_view_if_needed()
    screenshot("print-tijdlijn")
    assert recorder.foreign() == [] and recorder.errors == []


def test_timeline_of_one_street(page: Page, live_server: str) -> None:
    kansen = page.request.get(
        f"{live_server}/api/v1/koppelkansen?regel=werk_met_werk&limit=1000").json()["features"]
    props = next(f["properties"] for f in kansen
                 if f["properties"]["straatnaam"] and f["properties"]["regelcode"] == "R1")
    code, straat = props["buurtcode"], props["straatnaam"]
    whole = page.request.get(f"{live_server}/kaart/buurt/{code}/tijdlijn.svg").text()
    one = page.request.get(f"{live_server}/kaart/buurt/{code}/tijdlijn.svg",
                           params={"straat": straat})
    assert one.ok and straat in one.text()
    assert 'class="tl-kans"' in one.text()
    assert one.text().count('class="tl-kans"') <= whole.count('class="tl-kans"')
    missing = page.request.get(f"{live_server}/kaart/buurt/{code}/tijdlijn.svg",
                               params={"straat": "Geen Straat Hier"})
    assert missing.status == 404


@pytest.fixture(scope="module")
def zonder_straten(scratch_url: str) -> Iterator[str]:
    """The demo without street names (as before the straat layer is loaded), served live."""
    from sqlalchemy import create_engine

    engine: Engine = create_engine(scratch_url)
    with tempfile.TemporaryDirectory() as folder:
        load_demo(engine, Path(folder))
    with engine.begin() as conn:
        conn.execute(text("UPDATE koppelkans SET straatnaam = NULL, straten = NULL, "
                          "huisnummers = NULL"))
        conn.execute(text("DELETE FROM straat"))
    engine.dispose()
    base, stop = serve(create_app(Settings.model_validate({"DATABASE_URL": scratch_url})))
    yield base
    stop()


def test_handout_without_street_names_falls_back_to_places(
    browser: Browser, zonder_straten: str
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    page = context.new_page()
    recorder = Recorder(zonder_straten)
    page.route("**/*", recorder.handle)
    try:
        ranking: list[dict[str, Any]] = page.request.get(
            zonder_straten + "/api/v1/buurten").json()["buurten"]
        code = max(ranking, key=lambda b: b["n_kansen"])["buurtcode"]
        body = _check_handout(page, zonder_straten, code)
        assert "Plek 1 op de kaart" in body
        assert page.locator("svg text.straatnaam").count() == 0
        assert page.locator(".straten li").count() >= 1
        assert recorder.foreign() == []
    finally:
        context.close()
