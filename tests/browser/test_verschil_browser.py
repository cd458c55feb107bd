"""Issue 8 in the map, in headless Chromium: the team's decision on a result, and "Wat is er
veranderd" since the analysis before, with the feed and CSV of a followed buurt.

Serves its own database: the demo, then the years of one heat route moved and the analysis run
again (so run 2 has new, gone and changed results), an editor key and a followed buurt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.analyse.service import run_analysis
from app.auth.service import create_key
from app.config import Settings
from app.main import create_app
from app.verschil.gebieden import create_gebied
from geo.params import RuleParams
from tests.browser.conftest import Recorder
from tests.browser.helpers import wait_drawn, wait_hash
from tests.support import DEMO_PEILJAAR, database_url, fresh_database, load_demo, serve

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]
ROUTE = "WN-001"
PLANNER = "Planner Noord"


def _rerun(engine: Engine) -> None:
    run_analysis(engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR)


@pytest.fixture(scope="module")
def tweede_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server on the demo analysed twice (one heat route a year later the second time)."""
    url = database_url("_verschil")
    engine = fresh_database(url)
    load_demo(engine, tmp_path_factory.mktemp("demo-verschil"))
    with engine.begin() as conn:
        old = conn.execute(text("SELECT start_jaar, eind_jaar FROM warmtenet WHERE id = :id"),
                           {"id": ROUTE}).one()
        conn.execute(text("UPDATE warmtenet SET start_jaar = start_jaar + 1, "
                          "eind_jaar = eind_jaar + 1 WHERE id = :id"), {"id": ROUTE})
    _rerun(engine)
    with Session(engine) as session:
        _, editor = create_key(session, naam=PLANNER, rol="editor")
        buurt = session.execute(text(
            "SELECT buurtcode FROM kans_verschil WHERE run_id = 2 AND buurtcode IS NOT NULL "
            "ORDER BY buurtcode LIMIT 1")).scalar_one()
        gebied = create_gebied(session, naam="Volg " + buurt, buurtcodes=[buurt],
                               geometrie=None)
        session.commit()
    base, stop = serve(create_app(Settings.model_validate({"DATABASE_URL": url})))
    yield {"base": base, "editor": editor, "engine": engine, "buurt": buurt,
           "gebied": gebied, "oud": tuple(old)}
    stop()
    engine.dispose()


@pytest.fixture
def recorder(tweede_run: dict[str, Any]) -> Recorder:
    """The requests of the test's page (on this module's server)."""
    return Recorder(tweede_run["base"])


def _open_verschil(page: Page, base: str) -> Any:
    page.goto(base + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    box = page.locator(".kk-verschil")
    box.locator("summary").click()
    return box


def test_what_changed_lists_new_gone_and_changed_results_by_street(
    page: Page, tweede_run: dict[str, Any], recorder: Recorder, screenshot: Shot
) -> None:
    base = tweede_run["base"]
    api = page.request.get(base + "/api/v1/analyses/2/verschil").json()
    feats = api["features"]
    tal = api["aantallen"]
    assert tal["nieuw"] and tal["vervallen"] and tal["gewijzigd"]
    box = _open_verschil(page, base)
    expect(box.locator("summary")).to_have_text(f"Wat is er veranderd ({len(feats)})")
    for kind, naam in (("nieuw", "Nieuw"), ("vervallen", "Vervallen"), ("gewijzigd", "Gewijzigd")):
        sec = box.locator(f".kk-verschil-soort[data-verandering={kind}]")
        expect(sec.locator("h3")).to_have_text(f"{naam} ({tal[kind]})")
        items = sec.locator(".kk-verschil-item")
        expect(items).to_have_count(tal[kind])
        mine = [f["properties"] for f in feats if f["properties"]["verandering"] == kind]
        # The street first, as the API orders them.
        assert items.locator("strong").all_inner_texts() == [
            p["straatnaam"] for p in mine]
        assert [items.nth(i).get_attribute("data-kans-id") for i in range(len(mine))] == [
            p["kans_id"] for p in mine]
    # The moved heat route: its werk-met-werk results changed in their years.
    moved = [f["properties"] for f in feats if f["properties"]["verandering"] == "gewijzigd"
             and f["properties"]["regelcode"] == "R1" and "jaren" in f["properties"]["wat"]]
    assert moved
    item = box.locator(f".kk-verschil-item[data-kans-id='{moved[0]['kans_id']}']")
    expect(item).to_contain_text(moved[0]["straatnaam"])
    expect(item).to_contain_text("Werk met werk: warmtenet en riool")
    expect(item).to_contain_text("anders: jaren")
    screenshot("verschil-paneel")

    # A click on a changed result opens it and zooms to it.
    item.click()
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-kans-id", moved[0]["kans_id"])
    wait_hash(page, kans=moved[0]["kans_id"])
    assert page.evaluate("() => kkMap.getZoom()") >= 14

    # A gone result: the map goes to where it was, and says so.
    gone = next(f for f in feats if f["properties"]["verandering"] == "vervallen")
    box.locator(f".kk-verschil-item[data-kans-id='{gone['properties']['kans_id']}']").click()
    expect(page.locator(".kk-status")).to_contain_text("Vervallen:")
    inside = page.evaluate("""(g) => {
      const b = L.geoJSON(g).getBounds();
      return kkMap.getBounds().contains(b);
    }""", gone["geometry"])
    assert inside

    # The followed buurt: its feed and CSV, in this panel and in the buurt's own panel.
    gebied = tweede_run["gebied"]
    volg = box.locator(".kk-volgen")
    expect(volg).to_contain_text(gebied["naam"])
    feed = volg.get_by_role("link", name="Atom-feed")
    assert feed.get_attribute("href") == f"{base}/api/v1/gebieden/{gebied['id']}/feed.atom"
    assert volg.get_by_role("link", name="CSV").get_attribute("href") == (
        f"{base}/api/v1/gebieden/{gebied['id']}/verschil.csv")
    r = page.request.get(feed.get_attribute("href") or "")
    assert r.status == 200 and "atom" in r.headers["content-type"]
    page.locator(f".kk-rang-item[data-buurtcode={tweede_run['buurt']}]").click()
    eigen = page.locator(".kk-detail .kk-volg")
    expect(eigen).to_contain_text("Volg deze buurt")
    expect(eigen.get_by_role("link", name="CSV")).to_have_attribute(
        "href", f"{base}/api/v1/gebieden/{gebied['id']}/verschil.csv")
    assert recorder.errors == []


def _open_kans(page: Page, base: str, kans_id: str) -> Any:
    page.goto(f"{base}/kaart?achtergrond=geen#achtergrond=geen&kans={kans_id}")
    besluit = page.locator(".kk-detail .kk-besluit")
    expect(besluit.locator("h3")).to_have_text("Besluit van het team")
    return besluit


def test_a_decision_is_saved_with_an_editor_key_and_a_viewer_sees_the_history(
    page: Page, browser: Browser, tweede_run: dict[str, Any], recorder: Recorder,
    screenshot: Shot
) -> None:
    base = tweede_run["base"]
    kansen = page.request.get(base + "/api/v1/koppelkansen?regel=afkoppelen&limit=5").json()
    kans_id = kansen["features"][0]["properties"]["kans_id"]
    besluit = _open_kans(page, base, kans_id)
    expect(page.locator(".kk-detail")).to_have_attribute("data-kans-id", kans_id)
    expect(besluit.locator(".kk-besluit-historie")).to_have_text("Nog geen besluit.")
    besparing = besluit.locator(".kk-besluit-besparing")
    expect(besparing).to_be_hidden()
    besluit.locator("select[name=status]").select_option("gekoppeld")
    expect(besparing).to_be_visible()
    besparing.get_by_label("Euro").fill("40000")
    besparing.get_by_label("Dagen minder open straat").fill("12")
    besluit.locator("textarea[name=notitie]").fill("Samen met de riolering in 2028.")

    # A wrong key is refused in Dutch and nothing is saved.
    besluit.locator("input[name=sleutel]").fill("kk_fout")
    besluit.get_by_role("button", name="Besluit opslaan").click()
    expect(besluit.locator(".kk-besluit-melding")).to_contain_text("Niet opgeslagen")
    expect(besluit.locator(".kk-besluit-historie")).to_have_text("Nog geen besluit.")

    besluit.locator("input[name=sleutel]").fill(tweede_run["editor"])
    besluit.get_by_role("button", name="Besluit opslaan").click()
    expect(besluit.locator(".kk-besluit-melding")).to_have_text("Besluit opgeslagen.")
    regel = besluit.locator(".kk-besluit-historie li").first
    expect(regel).to_contain_text(f"{PLANNER} · gekoppeld · € 40.000, 12 dagen")
    expect(regel).to_contain_text("Samen met de riolering in 2028.")
    screenshot("besluit-opgeslagen")
    saved = page.request.get(f"{base}/api/v1/koppelkansen/{kans_id}/besluiten").json()
    assert saved["besluiten"][0]["status"] == "gekoppeld"
    assert saved["besluiten"][0]["besparing_euro"] == 40000
    assert saved["besluiten"][0]["bespaarde_dagen"] == 12

    # The map filters on the team's decision: only this result is left, also after a reload.
    total = page.request.get(base + "/api/v1/koppelkansen?limit=1").json()["numberMatched"]
    if page.locator(".kk-filters").get_attribute("open") is None:
        page.locator(".kk-filters summary").click()
    page.locator(".kk-filters label.kk-veld", has_text="Besluit van het team").locator(
        "select").select_option("gekoppeld")
    wait_hash(page, besluit="gekoppeld")
    van = f"{total:,}".replace(",", ".")
    alleen = f"1 resultaat binnen de filters (van {van}): 1 koppelkans en 0 knelpunten."
    expect(page.locator(".kk-aantal")).to_have_text(alleen)
    page.reload()
    expect(page.locator(".kk-aantal")).to_have_text(alleen)
    page.goto(f"{base}/kaart?achtergrond=geen#achtergrond=geen&besluit=geen")
    expect(page.locator(".kk-aantal")).to_contain_text(
        f"{total - 1:,}".replace(",", ".") + " resultaten binnen de filters")

    # Someone else, without a key, reads the history.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    try:
        viewer = context.new_page()
        andere = _open_kans(viewer, base, kans_id)
        expect(andere.locator(".kk-besluit-historie li").first).to_contain_text(
            f"{PLANNER} · gekoppeld · € 40.000, 12 dagen")
        expect(andere.locator("input[name=sleutel]")).to_have_value("")
        expect(andere.locator("select[name=status]")).to_have_value("gekoppeld")
    finally:
        context.close()
    assert recorder.errors == []


def test_nothing_changed_since_the_analysis_before(
    page: Page, tweede_run: dict[str, Any], recorder: Recorder
) -> None:
    # Runs last in this module: a third analysis of the same data changes nothing.
    engine: Engine = tweede_run["engine"]
    _rerun(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT max(id) FROM analyse_run")).scalar_one() == 3
    box = _open_verschil(page, tweede_run["base"])
    expect(box.locator(".kk-verschil-melding")).to_have_text(
        "Sinds de vorige analyse niets veranderd.")
    expect(box.locator("summary")).to_have_text("Wat is er veranderd (niets)")
    assert recorder.errors == []

