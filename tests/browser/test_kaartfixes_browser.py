"""Map fixes of issue 8 on the demo, in headless Chromium: counts that follow the filters,
folding legend and layer control, a choice where results overlap, the gemeente in the header,
a local favicon and a message when the basemap cannot be reached.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Recorder
from tests.browser.helpers import click_lonlat, line_midpoint, wait_drawn, wait_hash

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]


def _all_kansen(page: Page, base: str) -> list[dict[str, Any]]:
    body = page.request.get(base + "/api/v1/koppelkansen?limit=100000").json()
    assert body["numberReturned"] == body["numberMatched"]
    return [f["properties"] for f in body["features"]]


def _tekst(kansen: int, knelpunten: int) -> str:
    return (f"{kansen} {'koppelkans' if kansen == 1 else 'koppelkansen'} · {knelpunten} "
            f"{'knelpunt' if knelpunten == 1 else 'knelpunten'}")


def _nl(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _open_filters(page: Page) -> None:
    if page.locator(".kk-filters").get_attribute("open") is None:
        page.locator(".kk-filters summary").click()


def _categorie(page: Page) -> Locator:
    return page.locator(".kk-filters label.kk-veld", has_text="Categorie").locator("select")


def test_counts_split_kansen_from_knelpunten_and_follow_the_filters(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    kansen = _all_kansen(page, live_server)
    knel = Counter(p["buurtcode"] for p in kansen if p["categorie"] == "knelpunt")
    kans = Counter(p["buurtcode"] for p in kansen if p["categorie"] == "kans")
    # The demo has knelpunten of both kinds (R2b and R5b), so a wrong count shows.
    assert {p["regelcode"] for p in kansen if p["categorie"] == "knelpunt"} == {"R2b", "R5b"}
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    aantal = page.locator(".kk-aantal")
    n_knel = sum(knel.values())
    expect(aantal).to_have_text(f"{_nl(len(kansen))} resultaten: {_nl(len(kansen) - n_knel)} "
                                f"koppelkansen en {_nl(n_knel)} knelpunten.")
    items = page.locator(".kk-rang-item")
    codes = [items.nth(i).get_attribute("data-buurtcode") for i in range(items.count())]
    for code in codes:
        expect(page.locator(f".kk-rang-aantal[data-buurtcode={code}]")).to_have_text(
            _tekst(kans[code], knel[code]))
    legend = page.locator(".kk-legend-blok[data-laag=koppelkansen] .kk-legend-item")
    per_code = Counter(p["regelcode"] for p in kansen)
    r1 = legend.filter(has_text="Werk met werk: warmtenet en riool")
    expect(r1.locator(".kk-legend-aantal")).to_have_text(str(per_code["R1"]))

    # Only knelpunten: every buurt has 0 koppelkansen, the legend's R1 count drops to 0.
    _open_filters(page)
    _categorie(page).select_option("knelpunt")
    expect(aantal).to_have_text(f"{_nl(n_knel)} resultaten binnen de filters (van "
                                f"{_nl(len(kansen))}): 0 koppelkansen en {_nl(n_knel)} knelpunten.")
    for code in codes:
        expect(page.locator(f".kk-rang-aantal[data-buurtcode={code}]")).to_have_text(
            _tekst(0, knel[code]))
    expect(r1.locator(".kk-legend-aantal")).to_have_text("0")

    # A rule and a year range together, counted as the map filters them.
    _categorie(page).select_option("")
    page.get_by_role("checkbox", name="Dubbel open (knelpunt)").uncheck()
    page.get_by_label("van", exact=True).fill("2027")
    page.get_by_label("van", exact=True).press("Enter")
    wait_hash(page, van="2027")
    shown = [p for p in kansen if p["regelcode"] != "R5b" and p["jaar"] is not None
             and p["jaar"] >= 2027]
    k2 = Counter(p["buurtcode"] for p in shown if p["categorie"] == "kans")
    n2 = Counter(p["buurtcode"] for p in shown if p["categorie"] == "knelpunt")
    expect(aantal).to_contain_text(f"{_nl(len(shown))} resultaten binnen de filters")
    for code in codes:
        expect(page.locator(f".kk-rang-aantal[data-buurtcode={code}]")).to_have_text(
            _tekst(k2[code], n2[code]))
    r5b = legend.filter(has_text="Dubbel open")
    expect(r5b.locator(".kk-legend-aantal")).to_have_text("0")
    screenshot("tellingen-filters")
    assert recorder.errors == []


def test_without_the_attributes_the_ranking_says_its_own_unfiltered_numbers(
    page: Page, live_server: str
) -> None:
    page.route("**/kaart/kenmerken", lambda route: route.fulfill(
        status=503, json={"detail": "De database is niet bereikbaar."}))
    page.goto(live_server + "/kaart?achtergrond=geen")
    expect(page.locator(".kk-aantal")).to_have_text(
        "Kon de aantallen niet tellen: De database is niet bereikbaar. (HTTP 503)")
    eerste = page.locator(".kk-rang-item").first
    row = page.request.get(live_server + "/api/v1/buurten").json()["buurten"][0]
    assert eerste.get_attribute("data-buurtcode") == row["buurtcode"]
    expect(eerste.locator(".kk-rang-aantal")).to_have_text(
        f"{row['n_kansen']} resultaten (zonder filters)")


_COVER_JS = """() => {
  const m = document.querySelector('.folium-map').getBoundingClientRect();
  const east = {l: m.left + m.width / 2, t: m.top, r: m.right, b: m.bottom};
  let covered = 0;
  for (const sel of ['.leaflet-control-layers', '.kk-legend']) {
    const node = document.querySelector(sel);
    if (!node || node.offsetParent === null) continue;
    const r = node.getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, east.r) - Math.max(r.left, east.l));
    const h = Math.max(0, Math.min(r.bottom, east.b) - Math.max(r.top, east.t));
    covered += w * h;
  }
  return covered / ((east.r - east.l) * (east.b - east.t));
}"""


def test_legend_and_layer_control_fold_away_on_a_laptop(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server + "/kaart?achtergrond=geen#achtergrond=geen"
              "&lagen=buurten,warmtenet,riolering,koppelkansen")
    wait_drawn(page, "buurten", "koppelkansen")
    screenshot("uitgeklapt-1366x768")
    open_share = page.evaluate(_COVER_JS)
    assert open_share > 0.12, open_share
    legend_knop = page.locator(".kk-legend button.kk-inklap")
    lagen_knop = page.locator(".leaflet-control-layers button.kk-inklap")
    expect(legend_knop).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_label("Leefbaarometer")).to_be_visible()

    legend_knop.click()
    lagen_knop.click()
    expect(legend_knop).to_have_attribute("aria-expanded", "false")
    expect(lagen_knop).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_label("Leefbaarometer")).to_be_hidden()
    expect(page.locator(".kk-legend-blok").first).to_be_hidden()
    wait_hash(page, ingeklapt="legenda,lagen")
    screenshot("ingeklapt-1366x768")
    # Two small buttons are left: under 3.5 % of the east half.
    assert page.evaluate(_COVER_JS) < 0.035

    # The link keeps it: a new tab with it opens folded.
    link = page.url
    page.goto("about:blank")
    page.goto(link)
    wait_drawn(page, "buurten", "koppelkansen")
    expect(legend_knop).to_have_attribute("aria-expanded", "false")
    assert page.evaluate(_COVER_JS) < 0.035

    # And unfolds again.
    legend_knop.click()
    expect(page.locator(".kk-legend-blok[data-laag=koppelkansen]")).to_be_visible()
    wait_hash(page, ingeklapt="lagen")
    lagen_knop.click()
    expect(page.get_by_label("Leefbaarometer")).to_be_visible()
    wait_hash(page, ingeklapt=None)
    assert recorder.errors == []


def _overlapping_spot(page: Page, base: str) -> tuple[float, float, list[dict[str, Any]]]:
    """A spot where the point query finds two or more results (with the map's layers)."""
    body = page.request.get(base + "/api/v1/koppelkansen?limit=100000").json()
    for regel in ("werk_met_werk", "vergroenen", "afkoppelen", "leefbaarheid"):
        for f in (f for f in body["features"] if f["properties"]["regel"] == regel):
            lon, lat = line_midpoint(f["geometry"])
            hit = page.request.get(
                f"{base}/api/v1/punt?lon={lon:.6f}&lat={lat:.6f}&zoom=17&tolerantiePx=8").json()
            if len(hit["kansen"]) >= 2:
                return lon, lat, hit["kansen"]
    raise AssertionError("geen plek met meer resultaten in de demo")


def test_a_click_where_results_overlap_offers_a_choice(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    lon, lat, kansen = _overlapping_spot(page, live_server)
    page.evaluate("([lon, lat]) => kkMap.setView([lat, lon], 17, {animate: false})", [lon, lat])
    wait_drawn(page, "koppelkansen")
    click_lonlat(page, lon, lat)
    detail = page.locator(".kk-detail")
    keuze = detail.locator(".kk-plek")
    expect(keuze.locator(".kk-plek-kop")).to_have_text(
        f"Op deze plek liggen {len(kansen)} resultaten. Kies er een:")
    knoppen = keuze.locator("button.kk-resultaat")
    expect(knoppen).to_have_count(len(kansen))
    ids = [k["kans_id"] for k in kansen]
    assert [knoppen.nth(i).get_attribute("data-kans-id") for i in range(len(kansen))] == ids
    expect(detail).to_have_attribute("data-kans-id", ids[0])
    expect(knoppen.nth(0)).to_have_attribute("aria-current", "true")
    screenshot("plek-keuze")

    knoppen.nth(1).click()
    expect(detail).to_have_attribute("data-kans-id", ids[1])
    expect(knoppen).to_have_count(len(kansen))
    expect(knoppen.nth(1)).to_have_attribute("aria-current", "true")
    assert knoppen.nth(0).get_attribute("aria-current") is None
    wait_hash(page, kans=ids[1])
    assert recorder.errors == []


def test_header_names_the_gemeente_and_the_favicon_is_local(
    page: Page, live_server: str, recorder: Recorder
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    gemeenten = {b["gemeentenaam"] for b in
                 page.request.get(live_server + "/api/v1/buurten").json()["buurten"]}
    assert gemeenten == {"Lindewaarde"}
    expect(page.locator(".kk-kop .kk-gemeentenaam")).to_have_text("Lindewaarde")
    expect(page.locator(".kk-zijpaneel h1")).to_have_text("Koppelkansen — waar werk met werk kan")
    icon = page.locator("head link[rel=icon]")
    href = icon.get_attribute("href")
    assert href == "/static/koppelkansen/favicon.svg"
    r = page.request.get(live_server + href)
    assert r.status == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in r.text()
    page.wait_for_load_state("networkidle")
    assert recorder.foreign() == []
    assert recorder.errors == []


def test_an_unreachable_basemap_is_said_and_can_be_switched_off(
    page: Page, live_server: str, recorder: Recorder, screenshot: Shot
) -> None:
    # The recorder aborts every request to PDOK: its tiles fail as offline.
    page.goto(live_server + "/kaart")
    melding = page.locator(".kk-achtergrond-fout")
    expect(melding).to_be_visible()
    expect(melding).to_contain_text("De achtergrondkaart is niet bereikbaar")
    screenshot("achtergrond-onbereikbaar")
    melding.get_by_role("button", name="Geen achtergrond").click()
    expect(melding).to_be_hidden()
    wait_hash(page, achtergrond="geen")
    expect(page.get_by_label("Geen achtergrond")).to_be_checked()
    assert any("service.pdok.nl" in u for u in recorder.foreign())
    assert recorder.errors == []


def test_a_reachable_basemap_shows_no_message(page: Page, live_server: str) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    wait_drawn(page, "buurten", "koppelkansen")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".kk-achtergrond-fout")).to_be_hidden()


def test_what_changed_says_the_first_analysis_has_nothing_to_compare(
    page: Page, live_server: str, recorder: Recorder
) -> None:
    page.goto(live_server + "/kaart?achtergrond=geen")
    box = page.locator(".kk-verschil")
    box.locator("summary").click()
    expect(box.locator(".kk-verschil-melding")).to_have_text(
        "Analyse 1 is de eerste: er is nog niets om mee te vergelijken.")
    expect(box.locator(".kk-verschil-item")).to_have_count(0)
    expect(box.locator(".kk-volgen")).to_contain_text("Nog geen gebied bewaard")
    assert recorder.errors == []

