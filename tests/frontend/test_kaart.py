"""Unit tests of the map builder: no server, no browser, just the rendered HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from jinja2.utils import htmlsafe_json_dumps

from frontend import styles
from frontend.elements import EmptyBaseLayer, VectorTileLayer
from frontend.kaart import ACHTERGRONDEN, TITLE, build_kaart

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
BOUNDS = (4.85, 52.35, 4.95, 52.40)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.scripts.append(str(a["src"]))
            else:
                self.inline_scripts += 1
        if tag == "link" and a.get("href"):
            self.styles.append(str(a["href"]))


def _render(**kwargs: object) -> str:
    m = build_kaart(**{"bounds": BOUNDS, **kwargs})  # type: ignore[arg-type]
    return m.get_root().render()


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _js(text: str) -> str:
    """How a string appears inside the page's escaped JSON options (jinja's |tojson)."""
    return str(htmlsafe_json_dumps(text))[1:-1]


def test_returns_a_folium_map() -> None:
    assert isinstance(build_kaart(bounds=None), folium.Map)


def test_every_script_and_style_comes_from_static() -> None:
    links = _links(_render())
    assert links.scripts and links.styles
    for url in links.scripts + links.styles:
        assert url.startswith("/static/"), url
    html = _render()
    for host in ("cdn.", "jsdelivr", "cdnjs", "jquery", "bootstrap", "fonts.googleapis", "unpkg"):
        assert host not in html


def test_static_base_is_used_for_every_asset() -> None:
    links = _links(_render(static_base="/kk/static"))
    assert all(u.startswith("/kk/static/") for u in links.scripts + links.styles)


def test_linked_assets_exist_on_disk() -> None:
    links = _links(_render())
    for url in links.scripts + links.styles:
        path = FRONTEND / url.removeprefix("/")
        assert path.is_file(), f"{path} ontbreekt; draai scripts/vendor-assets"


def test_html_names_the_tile_urls_with_the_data_version() -> None:
    html = _render(versie="1-7-12")
    for laag in ("buurten", "koppelkansen", "warmtenet", "riolering", "groen", "boom",
                 "leefbaarometer"):
        assert _js(f"/tiles/{laag}/{{z}}/{{x}}/{{y}}.pbf?v=1-7-12") in html
    assert _js("/api/v1") in html
    assert "/api/v1/lagen/" not in html  # no GeoJSON of whole layers any more


def test_api_and_tiles_bases_are_configurable() -> None:
    html = _render(api_base="/proxy/api/v1/", tiles_base="/proxy/tiles/")
    assert _js("/proxy/api/v1") in html
    assert _js("/proxy/tiles/koppelkansen/{z}/{x}/{y}.pbf?v=0") in html


def test_view_is_decided_by_the_page_script() -> None:
    html = build_kaart(bounds=None).get_root().render()
    assert "fitBounds" not in html
    assert '"bounds": null' in html
    assert '"bounds": [4.85, 52.35, 4.95, 52.4]' in _render()


def test_dutch_labels_are_present() -> None:
    html = _render()
    for text in (
        TITLE,
        "Score per buurt (0–100)",
        "Werk met werk: warmtenet en riool",
        "Werk met werk: werken van partijen",
        "Dubbel open (knelpunt)",
        "Geplande werken",
        "Vergroenen",
        "Boomconflict (knelpunt)",
        "Leefbaarheid",
        "Afkoppelen regenwater",
        "Geen achtergrond",
        "Warmtenet",
        "1 zeer onvoldoende",
        "9 uitstekend",
        "Kaartgegevens &copy; Kadaster",
    ):
        assert _js(text) in html or text in html, text
    assert '<html lang="nl">' in html


def test_basemaps_are_pdok() -> None:
    html = _render()
    brt = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"
    assert brt in html
    assert "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_orthoHR/EPSG:3857/" in html
    assert "openstreetmap" not in html.lower()


def test_html_stays_small() -> None:
    assert len(_render().encode()) < 500_000
    assert len(_render(buurtcode="BU03630000").encode()) < 500_000


def test_buurt_mode_selects_the_buurt() -> None:
    html = _render(buurtcode="BU03630000")
    assert '"buurtcode": "BU03630000"' in html
    assert '"buurtcode": null' in _render()


def test_options_are_escaped() -> None:
    evil = "</script><script>alert(1)</script>"
    html = _render(buurtcode=evil)
    assert "<script>alert(1)" not in html
    assert html.count("</script>") == len(_links(html).scripts) + _links(html).inline_scripts


@pytest.mark.parametrize("achtergrond", sorted(ACHTERGRONDEN))
def test_basemap_is_chosen_by_the_page_not_by_folium(achtergrond: str) -> None:
    # folium adds no layer itself: the script adds the basemap of the URL or this option,
    # so a shared link without a basemap never asks PDOK for a tile first.
    m = build_kaart(bounds=BOUNDS, achtergrond=achtergrond)
    bases = [c for c in m._children.values() if isinstance(c, folium.TileLayer | EmptyBaseLayer)]
    assert len(bases) == len(ACHTERGRONDEN)
    assert not any(c.show for c in bases)
    assert f'"achtergrond": "{achtergrond}"' in m.get_root().render()


def test_unknown_basemap_is_refused() -> None:
    with pytest.raises(ValueError, match="achtergrond"):
        build_kaart(bounds=BOUNDS, achtergrond="osm")


def test_only_buurten_warmtenet_straten_and_kansen_are_on_at_start() -> None:
    m = build_kaart(bounds=BOUNDS)
    layers = {c.options["kind"]: c.options["visible"] for c in m._children.values()
              if isinstance(c, VectorTileLayer)}
    assert layers == {
        "buurten": True, "koppelkansen": True, "warmtenet": True,
        "riolering": False, "groen": False, "boom": False, "leefbaarometer": False,
        "werk": False, "straat": True,
    }
    assert not any(c.show for c in m._children.values() if isinstance(c, VectorTileLayer))


def test_only_koppelkansen_follow_the_filters() -> None:
    m = build_kaart(bounds=BOUNDS, minzoom={"boom": 14})
    tiles = {c.options["kind"]: c.options for c in m._children.values()
             if isinstance(c, VectorTileLayer)}
    assert [k for k, o in tiles.items() if o["filtered"]] == ["koppelkansen"]
    assert tiles["boom"]["minZoom"] == 14
    assert tiles["koppelkansen"]["idField"] == "kans_id"


def test_vectorgrid_is_served_by_the_app() -> None:
    links = _links(_render())
    assert "/static/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js" in links.scripts
    assert "unpkg" not in _render()


def test_panel_labels_reuse_the_rule_texts() -> None:
    from geo.regels import KLASSE_NAMEN, REGEL_INFO

    labels = styles.panel_labels()
    assert [r["naam"] for r in labels["regels"]] == [i.naam for i in REGEL_INFO.values()]
    assert labels["klassen"]["4"] == KLASSE_NAMEN[4] == "zwak"
    assert styles.LBM_KLASSEN == KLASSE_NAMEN


def test_riool_classes_follow_the_peiljaar() -> None:
    html = _render(peiljaar=2026)
    assert _js("vervanging t/m 2028") in html
    assert _js("vervanging 2029–2036") in html
    assert _js("vervanging na 2036") in html
    bins = styles.riool_style(2026)["classes"]
    assert [c["max"] for c in bins] == [2028, 2036, None]


def test_every_rule_has_a_label_and_colour() -> None:
    from geo.schema import REGELCODES, REGELS

    assert set(styles.REGEL_LABELS) == set(REGELS) == set(styles.REGEL_COLORS)
    assert len(set(styles.REGEL_COLORS.values())) == len(REGELS)
    assert [c["value"] for c in styles.kans_style()["classes"]] == list(REGELCODES)
    assert set(styles.REGELCODE_COLORS) == set(REGELCODES)
    assert len(set(styles.REGELCODE_COLORS.values())) == len(REGELCODES)


def test_every_werk_soort_has_a_label_and_its_own_colour() -> None:
    from geo.schema import WERK_SOORTEN

    assert set(styles.WERK_SOORT_COLORS) == set(WERK_SOORTEN) == set(styles.WERK_SOORT_LABELS)
    assert len(set(styles.WERK_SOORT_COLORS.values())) == len(WERK_SOORTEN)
    assert [c["value"] for c in styles.werk_style()["classes"]] == list(WERK_SOORTEN)


def test_leefbaarometer_has_nine_named_classes() -> None:
    style = styles.leefbaarometer_style()
    assert [c["label"] for c in style["classes"]][0] == "1 zeer onvoldoende"
    assert [c["label"] for c in style["classes"]][-1] == "9 uitstekend"
    assert len(style["classes"]) == 9


def test_no_template_builds_js_by_concatenation() -> None:
    for path in (FRONTEND / "templates").glob("*.js.j2"):
        text = path.read_text()
        for expr in re.findall(r"{{(.*?)}}", text):
            assert "get_name()" in expr or "|tojson" in expr, (path.name, expr)


def test_page_may_be_zoomed() -> None:
    # WCAG 1.4.4: folium's viewport (maximum-scale=1.0, user-scalable=no) is replaced.
    html = _render()
    viewports = re.findall(r'<meta name="viewport"[^>]*>', html)
    assert viewports == ['<meta name="viewport" content="width=device-width, initial-scale=1" />']
    assert "user-scalable" not in html and "maximum-scale" not in html


def test_click_layers_and_year_range_come_from_the_options() -> None:
    html = _render(bronlagen=("warmtenet", "riolering"), jaarbereik=(1800, 2300))
    assert '"bronlagen": ["warmtenet", "riolering"]' in html
    assert '"jaarbereik": [1800, 2300]' in html
    js = (FRONTEND / "static" / "koppelkansen" / "zijpaneel.js").read_text()
    assert '"leefbaarometer"' not in js  # the list lives in Python only


def test_styles_hold_only_what_the_page_uses() -> None:
    factories = (styles.buurt_style, styles.kans_style, styles.warmtenet_style,
                 styles.groen_style, styles.boom_style, styles.leefbaarometer_style)
    for style in (*(f() for f in factories), styles.riool_style(2026)):
        assert set(style) <= {"field", "type", "classes", "missing", "geom", "path", "legend"}
    assert styles.panel_labels()["velden"]["onv"] == "Overlast en onveiligheid"


def test_no_measured_label_carries_its_unit() -> None:
    # The value gets the unit ("86,4 m"); a label with "(m)" would show it twice.
    assert not [k for k, v in styles.METING_LABELS.items() if "(m)" in v]
