"""Planned works of parties (RULES.md §9) and street names (§7) on the map, in headless Chromium.

The demo has works and streets of its own; these tests add a small, known set at a spot far
from every other result and work, in a database of their own (the demo plus a few rows), so
what they check by name does not move with the demo:

    Lindelaan (2–48) ── R5: Enexis Netbeheer (elektriciteit, 2027–2028)
                            × Gemeente Teststad (weg, 2027–2029)
    Beukenweg (1–33) ── R5b: Gemeente Teststad (riolering, 2027–2028)
                            × Waterschap Vallei (water, 2033–2034), gap 4
    Nieuwbouw Beukenhof: an area of Woonstichting Thuis (woningen, 2032–2034)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text

from app.config import Settings
from app.main import create_app
from tests.browser.conftest import Recorder
from tests.browser.helpers import (
    click_lonlat,
    drawn_properties,
    settle,
    wait_drawn,
    wait_drawn_until,
    wait_hash,
)
from tests.support import database_url, fresh_database, load_demo, serve

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]

R5_ID = "e5e5e5e5e5e5e501"
R5B_ID = "e5e5e5e5e5e5e502"

# A free spot in a buurt: no result, heat line or sewer within 120 m of it (RD New, metres).
_SPOT_SQL = text("""
    WITH b AS (SELECT buurtcode, geom FROM buurt ORDER BY buurtcode),
    p AS (
      SELECT b.buurtcode, ST_SetSRID(ST_MakePoint(x, y), 28992) AS pt
      FROM b,
           generate_series(floor(ST_XMin(b.geom))::int, ceil(ST_XMax(b.geom))::int, 50) x,
           generate_series(floor(ST_YMin(b.geom))::int, ceil(ST_YMax(b.geom))::int, 50) y
    )
    SELECT p.buurtcode, ST_X(p.pt) AS x, ST_Y(p.pt) AS y FROM p JOIN buurt u USING (buurtcode)
    WHERE ST_Within(ST_Buffer(p.pt, 200), u.geom)
      AND NOT EXISTS (SELECT 1 FROM koppelkans k WHERE ST_DWithin(k.geom, p.pt, 250))
      AND NOT EXISTS (SELECT 1 FROM warmtenet w WHERE ST_DWithin(w.geom, p.pt, 250))
      AND NOT EXISTS (SELECT 1 FROM riolering r WHERE ST_DWithin(r.geom, p.pt, 250))
      AND NOT EXISTS (SELECT 1 FROM werk w WHERE ST_DWithin(w.geom, p.pt, 250))
    ORDER BY p.buurtcode, x, y LIMIT 1
""")


def _line(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"LINESTRING({x0} {y0}, {x1} {y1})"


def _add_works(engine: Engine) -> dict[str, Any]:
    """Streets, works and an R5 and R5b result at a free spot; the spot and names in WGS84."""
    with engine.begin() as conn:
        spot = conn.execute(_SPOT_SQL).mappings().first()
        assert spot is not None, "geen vrije plek in de demo voor de testwerken"
        code, x, y = spot["buurtcode"], float(spot["x"]), float(spot["y"])
        lindelaan = _line(x - 150, y, x + 150, y)
        beukenweg = _line(x + 100, y - 150, x + 100, y - 20)
        straten = [
            ("test-straat-1", "Lindelaan", 2, 48, lindelaan),
            ("test-straat-2", "Beukenweg", 1, 33, beukenweg),
        ]
        for sid, naam, van, tot, geom in straten:
            conn.execute(text(
                "INSERT INTO straat (id, straatnaam, woonplaats, huisnummer_van, huisnummer_tot, geom) "
                "VALUES (:id, :naam, 'Teststad', :van, :tot, "
                "ST_Multi(ST_GeomFromText(:geom, 28992)))"),
                {"id": sid, "naam": naam, "van": van, "tot": tot, "geom": geom})
        beukenhof = (f"POLYGON(({x - 120} {y + 60}, {x - 40} {y + 60}, {x - 40} {y + 140}, "
                     f"{x - 120} {y + 140}, {x - 120} {y + 60}))")
        werken = [
            ("test-werk-1", "Vervanging kabels Lindelaan", "Enexis Netbeheer", "elektriciteit",
             2027, 2028, _line(x - 150, y + 2, x + 150, y + 2)),
            ("test-werk-2", "Herinrichting Lindelaan", "Gemeente Teststad", "weg",
             2027, 2029, _line(x - 150, y - 2, x + 150, y - 2)),
            ("test-werk-3", "Nieuwbouw Beukenhof", "Woonstichting Thuis", "woningen",
             2032, 2034, beukenhof),
            ("test-werk-4", "Nieuwe waterloop Beukenweg", "Waterschap Vallei", "water",
             2033, 2034, _line(x + 102, y - 150, x + 102, y - 20)),
            ("test-werk-5", "Riool Beukenweg", "Gemeente Teststad", "riolering",
             2027, 2028, _line(x + 98, y - 150, x + 98, y - 20)),
        ]
        for wid, naam, partij, soort, start, eind, geom in werken:
            conn.execute(text(
                "INSERT INTO werk (id, naam, partij, soort, status, start_jaar, eind_jaar, geom) "
                "VALUES (:id, :naam, :partij, :soort, 'gepland', :start, :eind, "
                "ST_GeomFromText(:geom, 28992))"),
                {"id": wid, "naam": naam, "partij": partij, "soort": soort, "start": start,
                 "eind": eind, "geom": geom})
        run = conn.execute(text("SELECT max(id) FROM analyse_run")).scalar_one()
        kansen = [
            dict(kans_id=R5_ID, regel="werk_met_werk", categorie="kans", regelcode="R5",
                 straatnaam="Lindelaan", straten="Lindelaan", huisnummers="2–48",
                 toelichting="Lindelaan: Enexis Netbeheer (elektriciteit, 2027–2028) en Gemeente "
                             "Teststad (weg, 2027–2029) graven op dezelfde plek in dezelfde jaren.",
                 bron_ids="test-werk-1#1,test-werk-2#1", eenheid_a="test-werk-1#1",
                 partij_a="Enexis Netbeheer", soort_a="elektriciteit", start_a=2027, eind_a=2028,
                 eenheid_b="test-werk-2#1", partij_b="Gemeente Teststad", soort_b="weg",
                 start_b=2027, eind_b=2029, gap_jaar=0, geom=lindelaan),
            dict(kans_id=R5B_ID, regel="dubbel_open", categorie="knelpunt", regelcode="R5b",
                 straatnaam="Beukenweg", straten="Beukenweg", huisnummers="1–33",
                 toelichting="Beukenweg: de straat gaat open in 2027 (riolering, Gemeente "
                             "Teststad) en weer in 2033 (water, Waterschap Vallei).",
                 bron_ids="test-werk-4#1,test-werk-5#1", eenheid_a="test-werk-5#1",
                 partij_a="Gemeente Teststad", soort_a="riolering", start_a=2027, eind_a=2028,
                 eenheid_b="test-werk-4#1", partij_b="Waterschap Vallei", soort_b="water",
                 start_b=2033, eind_b=2034, gap_jaar=4, geom=beukenweg),
        ]
        for k in kansen:
            conn.execute(text(
                "INSERT INTO koppelkans (kans_id, regel, categorie, regelcode, buurtcode, "
                "straatnaam, straten, huisnummers, lengte_m, actie_nodig, toelichting, bron_ids, "
                "eenheid_a, partij_a, soort_a, start_a, eind_a, eenheid_b, partij_b, soort_b, "
                "start_b, eind_b, gap_jaar, jaar, run_id, geom) VALUES (:kans_id, :regel, "
                ":categorie, :regelcode, :buurtcode, :straatnaam, :straten, :huisnummers, "
                "ST_Length(ST_GeomFromText(:geom, 28992)), true, :toelichting, :bron_ids, "
                ":eenheid_a, :partij_a, :soort_a, :start_a, :eind_a, :eenheid_b, :partij_b, "
                ":soort_b, :start_b, :eind_b, :gap_jaar, :start_a, :run, "
                "ST_GeomFromText(:geom, 28992))"),
                {**k, "buurtcode": code, "run": run})
        wgs = conn.execute(text(
            "SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_Transform(ST_SetSRID("
            "ST_MakePoint(:x, :y), 28992), 4326) AS p UNION ALL SELECT ST_Transform(ST_SetSRID("
            "ST_MakePoint(:x + 100, :y - 85), 28992), 4326) UNION ALL SELECT ST_Transform("
            "ST_SetSRID(ST_MakePoint(:x - 80, :y + 100), 28992), 4326)) s"),
            {"x": x, "y": y}).all()
    (lon, lat), (blon, blat), (hlon, hlat) = [(float(r.lon), float(r.lat)) for r in wgs]
    return {"buurtcode": code, "r5": (lon + 0.0002, lat), "r5b": (blon, blat),
            "beukenhof": (hlon, hlat), "centre": (lon, lat)}


@pytest.fixture(scope="module")
def werk_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """A live server on the demo plus the works above; its base URL and the places."""
    url = database_url("_werk")
    engine = fresh_database(url)
    load_demo(engine, tmp_path_factory.mktemp("demo-werk"))
    places = _add_works(engine)
    engine.dispose()
    base, stop = serve(create_app(Settings.model_validate({"DATABASE_URL": url})))
    yield base, places
    stop()


@pytest.fixture
def recorder(werk_data: tuple[str, dict[str, Any]]) -> Recorder:
    """The requests of the test's page (on the server with the works)."""
    return Recorder(werk_data[0])


def _open(page: Page, base: str, lonlat: tuple[float, float], zoom: int, lagen: str,
          extra: str = "") -> None:
    lon, lat = lonlat
    page.goto(f"{base}/kaart?achtergrond=geen#kaart={zoom}/{lat:.6f}/{lon:.6f}"
              f"&achtergrond=geen&lagen={lagen}{extra}")


def _open_filters(page: Page) -> None:
    if page.locator(".kk-filters").get_attribute("open") is None:
        page.locator(".kk-filters summary").click()


def _wait_drawn(page: Page, condition: str) -> None:
    """Wait until the drawn results `ps` meet the JS `condition` (after a redraw)."""
    wait_drawn_until(page, "koppelkansen", condition)


def _ids(page: Page) -> set[str]:
    return {p["kans_id"] for p in drawn_properties(page, "koppelkansen")}


def test_werk_layer_is_drawn_by_soort_and_a_click_names_partij_and_period(
    page: Page, werk_data: tuple[str, dict[str, Any]], recorder: Recorder, screenshot: Shot
) -> None:
    base, places = werk_data
    _open(page, base, places["centre"], 17, "werk")
    wait_drawn(page, "werk")
    werken = {p["id"]: p for p in drawn_properties(page, "werk")}
    assert {"test-werk-1", "test-werk-3", "test-werk-4"} <= set(werken)
    assert werken["test-werk-3"]["partij"] == "Woonstichting Thuis"
    # Coloured by soort: the area of woningen is filled semi-transparently in its colour.
    style = page.evaluate(
        "() => KK.util.featureStyle(kkLayers.werk.opts.style, {soort: 'woningen'})")
    colors = page.evaluate("() => kkLayers.werk.opts.style.classes")
    woningen = next(c for c in colors if c["value"] == "woningen")
    assert style["fillColor"] == woningen["color"] and 0 < style["fillOpacity"] < 1
    assert len({c["color"] for c in colors}) == len(colors)
    legend = page.locator(".kk-legend-blok[data-laag=werk]")
    expect(legend).to_contain_text("Geplande werken (soort)")
    expect(legend).to_contain_text("Elektriciteit")
    expect(page.locator(".leaflet-control-layers")).to_contain_text("Geplande werken")

    click_lonlat(page, *places["beukenhof"])
    detail = page.locator(".kk-detail")
    expect(detail).to_contain_text("Gepland werk ‘Nieuwbouw Beukenhof’")
    werk = detail.locator("table.kk-werk")
    expect(werk).to_contain_text("Woonstichting Thuis")
    expect(werk).to_contain_text("Woningen")
    expect(werk).to_contain_text("Gepland")
    expect(werk).to_contain_text("2032–2034")
    screenshot("werk-paneel")
    assert recorder.foreign() == []
    assert recorder.errors == []


def test_regelcode_partij_and_soort_filters_drive_map_clicks_and_counts(
    page: Page, werk_data: tuple[str, dict[str, Any]], recorder: Recorder, screenshot: Shot
) -> None:
    base, places = werk_data
    _open(page, base, places["centre"], 16, "koppelkansen,werk")
    wait_drawn(page, "koppelkansen", "werk")
    assert {R5_ID, R5B_ID} <= _ids(page)
    _open_filters(page)
    # R5 apart from R1 in the filter and the legend.
    legend = page.locator(".kk-legend-blok[data-laag=koppelkansen]")
    expect(legend).to_contain_text("Werk met werk: werken van partijen")
    expect(legend).to_contain_text("Werk met werk: warmtenet en riool")
    expect(legend).to_contain_text("Dubbel open (knelpunt)")
    page.get_by_role("checkbox", name="Werk met werk: werken van partijen").uncheck()
    _wait_drawn(page, "ps.length > 0 && ps.every((p) => p.regelcode !== 'R5')")
    assert R5B_ID in _ids(page)
    state = wait_hash(page, regel="R1,R2,R2b,R3,R4,R5b")
    assert "partij" not in state
    page.get_by_role("checkbox", name="Werk met werk: werken van partijen").check()
    wait_hash(page, regel=None)

    # Partij: only the results and works that involve it.
    page.get_by_label("Partij", exact=True).select_option("Waterschap Vallei")
    _wait_drawn(page, "ps.length > 0 && ps.every((p) => p.partij_a === 'Waterschap Vallei' "
                      "|| p.partij_b === 'Waterschap Vallei')")
    assert _ids(page) == {R5B_ID}
    settle(page, "werk")
    assert {p["partij"] for p in drawn_properties(page, "werk")} == {"Waterschap Vallei"}
    expect(page.locator(".kk-filters summary")).to_have_text("Filters (1 actief)")
    wait_hash(page, partij="Waterschap Vallei")
    # A click on the R5 street with that partij finds no R5 result (the API filters alike).
    click_lonlat(page, *places["r5"])
    expect(page.locator(".kk-status")).to_have_text("Hier ligt niets van de zichtbare lagen.")
    detail = page.locator(".kk-detail")
    assert detail.get_attribute("data-kans-id") != R5_ID

    # The buurt's list counts what passes the filters.
    code = places["buurtcode"]
    alle = page.request.get(f"{base}/api/v1/koppelkansen?buurt={code}&limit=1000").json()
    results = [f["properties"] for f in alle["features"]]
    page.evaluate("(c) => KK.zijpaneel.selectBuurt(c, {zoom: false, show: true})", code)
    expect(detail).to_have_attribute("data-buurtcode", code)
    waterschap = [p for p in results if "Waterschap Vallei" in (p["partij_a"], p["partij_b"])]
    expect(detail.locator(".kk-resultaat")).to_have_count(len(waterschap))
    expect(detail).to_contain_text(f"(van {len(results)}; de rest valt buiten de filters)")
    screenshot("filter-partij")

    # Soort instead of partij: elektriciteit in either work of the pair.
    page.get_by_label("Partij", exact=True).select_option("")
    page.get_by_label("Soort werk", exact=True).select_option("elektriciteit")
    _wait_drawn(page, "ps.length > 0 && ps.every((p) => p.soort_a === 'elektriciteit' "
                      "|| p.soort_b === 'elektriciteit')")
    assert R5_ID in _ids(page) and R5B_ID not in _ids(page)
    settle(page, "werk")
    assert {p["soort"] for p in drawn_properties(page, "werk")} == {"elektriciteit"}
    elektriciteit = [p for p in results if "elektriciteit" in (p["soort_a"], p["soort_b"])]
    expect(detail.locator(".kk-resultaat")).to_have_count(len(elektriciteit))
    # R1 counts as warmtenet × riolering (RULES.md §9): soort riolering keeps R1.
    page.get_by_label("Soort werk", exact=True).select_option("riolering")
    _wait_drawn(page, "ps.some((p) => p.kans_id === 'e5e5e5e5e5e5e502') && ps.every((p) => "
                      "p.regelcode === 'R1' || p.soort_a === 'riolering' "
                      "|| p.soort_b === 'riolering')")
    page.get_by_role("button", name="Filters wissen").click()
    wait_hash(page, soort=None, partij=None)
    assert recorder.errors == []


def test_r5_panel_names_the_street_first_and_both_parties(
    page: Page, werk_data: tuple[str, dict[str, Any]], recorder: Recorder, screenshot: Shot
) -> None:
    base, places = werk_data
    _open(page, base, places["centre"], 17, "koppelkansen")
    wait_drawn(page, "koppelkansen")
    click_lonlat(page, *places["r5"])
    detail = page.locator(".kk-detail")
    expect(detail).to_have_attribute("data-kans-id", R5_ID)
    expect(detail.locator("h2")).to_have_text("Lindelaan 2–48")
    expect(detail.locator(".kk-detail-regel")).to_contain_text(
        "Werk met werk: werken van partijen")
    paar = detail.locator("table.kk-paar")
    expect(paar).to_contain_text("Enexis Netbeheer · Elektriciteit · 2027–2028")
    expect(paar).to_contain_text("Gemeente Teststad · Weg · 2027–2029")
    expect(paar).to_contain_text("0 jaar: de werken overlappen in de tijd")
    expect(detail.locator(".kk-toelichting")).to_contain_text("Lindelaan: Enexis Netbeheer")
    screenshot("r5-paneel")

    click_lonlat(page, *places["r5b"])
    expect(detail).to_have_attribute("data-kans-id", R5B_ID)
    expect(detail.locator("h2")).to_have_text("Beukenweg 1–33")
    expect(detail.locator(".kk-detail-regel")).to_contain_text("Dubbel open (knelpunt)")
    expect(detail.locator("table.kk-paar")).to_contain_text("Waterschap Vallei · Water · 2033–2034")
    expect(detail.locator("table.kk-paar")).to_contain_text("4 jaar")
    assert recorder.errors == []


def test_street_names_appear_at_street_zoom_without_a_basemap(
    page: Page, werk_data: tuple[str, dict[str, Any]], recorder: Recorder, screenshot: Shot
) -> None:
    base, places = werk_data
    _open(page, base, places["centre"], 15, "straat")
    page.wait_for_function("() => kkLayers.straat && kkLayers.straat.status === 'loaded'")
    assert page.evaluate("() => KK.straatnamen()") == []
    page.evaluate("([lon, lat]) => kkMap.setView([lat, lon], 17, {animate: false})",
                  list(places["centre"]))
    page.wait_for_function("() => ['Lindelaan', 'Beukenweg'].every((n) => "
                           "KK.straatnamen().includes(n))", timeout=20_000)
    settle(page, "straat")
    names = page.evaluate("() => KK.straatnamen()")
    # One label per name per tile: never more labels of a name than tiles on screen.
    assert names.count("Lindelaan") <= page.evaluate("() => KK.stats('straat').tiles")
    label = page.locator(".kk-straatnaam-tekst", has_text="Lindelaan").first
    expect(label).to_be_visible()
    assert page.evaluate("() => KK.staat.currentBasemap(kkMap)") == "geen"
    screenshot("straatnamen")
    assert recorder.foreign() == []
    assert recorder.errors == []
