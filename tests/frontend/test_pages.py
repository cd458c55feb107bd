"""The Dutch error pages and the print view, rendered without a server."""

from __future__ import annotations

from frontend.pages import render_niet_gevonden


def test_niet_gevonden_is_dutch_and_escaped() -> None:
    html = render_niet_gevonden(message="Buurt <b>BU1</b> bestaat niet.", page_base="/kaart")
    assert '<html lang="nl">' in html
    assert "niet gevonden" in html
    assert "&lt;b&gt;BU1&lt;/b&gt;" in html
    assert 'href="/kaart"' in html
    assert "<script" not in html and "http" not in html
    assert "Controleer de buurtcode" in html


def test_niet_gevonden_advises_on_the_buurtcode_only_when_asked() -> None:
    html = render_niet_gevonden(message="Er is nog geen analyse.", title="Nog geen analyse",
                                buurt_advies=False)
    assert "Nog geen analyse" in html
    assert "buurtcode" not in html


def test_sleutel_nodig_says_how_to_get_and_use_a_key() -> None:
    from frontend.pages import render_sleutel_nodig

    html = render_sleutel_nodig(message="Deze kaart is alleen te zien met een sleutel.",
                                page_url="https://gis.example/kk/kaart?<x>")
    assert '<html lang="nl">' in html and "Sleutel nodig" in html
    assert 'koppelkansen sleutel maak "Gebiedsteam" --rol viewer' in html
    assert "https://gis.example/kk/kaart?&lt;x&gt;?sleutel=kk_…" in html
    assert "X-API-Key" in html and "<script" not in html


def test_meting_units_appear_once() -> None:
    from frontend.pages import meting_tekst

    assert meting_tekst("lengte_m", 86.4) == "Lengte: 86,4 m"
    assert meting_tekst("afstand_m", 3) == "Afstand warmtenet–riool: 3,0 m"


def test_print_page_renders_and_escapes() -> None:
    from frontend.pages import fmt_getal, meting_tekst, render_print

    kans = {
        "kans_id": "abc", "regel": "werk_met_werk", "categorie": "kans", "actie_nodig": True,
        "start_jaar": 2028, "eind_jaar": 2029, "riool_due_jaar": 2030, "lengte_m": 86.4,
        "toelichting": "Werk met werk: <sectie> en riool.", "koppeling": None,
        "uitleg": {"betekenis": "De straat gaat één keer open.",
                   "metingen": {"gedeelde_lengte_m": 18.8, "groen_aandeel": 0.052},
                   "bronnen": [{"laag": "warmtenet", "id": "WN-1", "naam": "Tracé A",
                                "status": "gepland", "start_jaar": 2028, "eind_jaar": 2029}]},
    }
    data = {
        "buurt": {"buurtcode": "BU00000001", "buurtnaam": "Proefbuurt", "gemeentenaam": "Testdam",
                  "inwoners": 1234, "oppervlakte_ha": 12.5, "peiljaar": 2026, "analyse_id": 3,
                  "score": {"rang": 2, "score": 61.26, "m_r1": 1200.0, "m_r2": 0.0, "m_r3": 0.0,
                            "m_r4": 10.0, "n_knelpunt": 1, "laag_aandeel": 0.25}},
        "aantal_buurten": 9,
        "kansen": [kans],
        "kaart": {"viewbox": "0 -10 10 10", "eenheid": 0.1, "buurt": [{"d": "M 0 0 L 1 1"}],
                  "buren": [], "warmtenet": [],
                  "kansen": [{"kans_id": "abc", "regel": "werk_met_werk", "categorie": "kans",
                              "d": "M 0 0 L 1 0", "x": 0.5, "y": 0.0}]},
    }
    html = render_print(data=data)
    assert '<html lang="nl">' in html
    assert "Rang 2" in html and "van 9" in html and "Score 61,3" in html
    assert "&lt;sectie&gt;" in html and "<sectie>" not in html
    assert "Gedeelde lengte warmtenet en riool: 18,8 m" in html  # the unit once
    assert "Warmtenet Tracé A, gepland, 2028–2029" in html
    assert "<script" not in html and "http" not in html
    assert 'href="/static/koppelkansen/print.css"' in html
    assert fmt_getal(1234.5, 1) == "1.234,5"
    assert meting_tekst("groen_aandeel", 0.052) == "Aandeel groen in de strook: 5,2 %"
