"""The planner's map page: PDOK basemaps, buurt scores, koppelkansen and the source layers.

Data is never embedded: every overlay is a vector-tile layer served by the app (/tiles), and
the side panel reads the API, so the page stays small whatever the size of the area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

import folium

from frontend import styles
from frontend.elements import EmptyBaseLayer, KaartApp, KaartMap, VectorTileLayer

TITLE = "Koppelkansen — waar werk met werk kan"
PDOK_ATTRIBUTION = "Kaartgegevens &copy; Kadaster"
LUCHTFOTO_ATTRIBUTION = "Luchtfoto &copy; Beeldmateriaal Nederland (PDOK)"
BRT_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/{variant}/EPSG:3857/{{z}}/{{x}}/{{y}}.png"
LUCHTFOTO_URL = (
    "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_orthoHR/EPSG:3857/{z}/{x}/{y}.jpeg"
)
ACHTERGRONDEN: dict[str, str] = {
    "grijs": "Achtergrond grijs (PDOK)",
    "standaard": "Achtergrond standaard (PDOK)",
    "pastel": "Achtergrond pastel (PDOK)",
    "luchtfoto": "Luchtfoto (PDOK)",
    "geen": "Geen achtergrond",
}
STANDAARD_ACHTERGROND = "grijs"
NL_CENTER = (52.15, 5.3)
# (laag, name in the layer control, pane, shown when the URL says nothing, id attribute)
LAGEN: tuple[tuple[str, str, str, bool, str], ...] = (
    ("buurten", "Buurten (score)", "kk-buurten", True, "buurtcode"),
    ("leefbaarometer", "Leefbaarometer", "kk-bron-vlak", False, "grid_id"),
    ("groen", "Groen", "kk-bron-vlak", False, "id"),
    ("riolering", "Riolering (jaar van vervanging)", "kk-bron-lijn", False, "id"),
    ("warmtenet", "Warmtenet (status)", "kk-bron-lijn", True, "id"),
    ("boom", "Bomen", "kk-bron-punt", False, "id"),
    ("werk", "Geplande werken", "kk-werk", False, "id"),
    ("straat", "Straatnamen", "kk-straat", True, "id"),
    ("koppelkansen", "Koppelkansen en knelpunten", "kk-kansen", True, "kans_id"),
)


def build_kaart(
    *,
    bounds: tuple[float, float, float, float] | None,
    api_base: str = "/api/v1",
    tiles_base: str = "/tiles",
    buurtcode: str | None = None,
    static_base: str = "/static",
    page_base: str = "/kaart",
    achtergrond: str = STANDAARD_ACHTERGROND,
    peiljaar: int | None = None,
    versie: str = "0",
    minzoom: dict[str, int] | None = None,
    bronlagen: Sequence[str] = (),
    jaarbereik: tuple[int, int] | None = None,
    partijen: Sequence[str] = (),
    soorten: Sequence[str] = (),
    besluiten: Sequence[tuple[str, str]] = (),
) -> folium.Map:
    """Build the map of the whole area, or of one buurt when `buurtcode` is given.

    `bounds` is (minlon, minlat, maxlon, maxlat) in WGS84: the map fits to it unless the URL
    holds a view. `achtergrond` picks the basemap shown first (a key of ACHTERGRONDEN; ``geen``
    loads nothing from outside the app). `peiljaar` is that of the latest analysis (the
    riolering classes follow it). `versie` is the data version put into the tile URLs, so a new
    import or analysis gives new URLs. `minzoom` per layer comes from the tile service.
    `bronlagen` are the source layers a click may ask the point query about, and `jaarbereik`
    the (first, last) year its filters accept; the page ignores years outside it.
    `partijen` and `soorten` are the values the partij and soort filters offer (those in the
    loaded works and results, read when the page is built). `besluiten` are the decision
    statuses with their Dutch labels, for the filter on the team's decision.
    """
    if achtergrond not in ACHTERGRONDEN:
        raise ValueError(f"Onbekende achtergrond {achtergrond!r}; kies uit {sorted(ACHTERGRONDEN)}")
    api = api_base.rstrip("/")
    tiles = tiles_base.rstrip("/")
    jaar = peiljaar if peiljaar is not None else dt.date.today().year
    m = KaartMap(
        static_base=static_base,
        title=TITLE if buurtcode is None else f"{TITLE} — buurt {buurtcode}",
        location=NL_CENTER,
        zoom_start=8,
        font_size="13px",
        max_zoom=21,
    )
    _add_basemaps(m)
    for laag, naam, pane, visible, id_field in LAGEN:
        VectorTileLayer(
            name=naam,
            kind=laag,
            url=f"{tiles}/{quote(laag)}/{{z}}/{{x}}/{{y}}.pbf?{urlencode({'v': versie})}",
            pane=pane,
            style=_style(laag, jaar),
            minZoom=(minzoom or {}).get(laag, 0),
            idField=id_field,
            filtered=laag == "koppelkansen",
            werkFilter=laag == "werk",
            visible=visible,
        ).add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    KaartApp(
        title=TITLE,
        subtitle=(
            "Klik op de kaart voor de uitleg van een koppelkans of knelpunt, of kies een buurt "
            "in de rangorde. Filters en kaartbeeld staan in de link: deel die gerust."
        ),
        buurtcode=buurtcode,
        bounds=list(bounds) if bounds is not None else None,
        panes=styles.PANES,
        pageBase=page_base,
        apiBase=api,
        peiljaar=peiljaar,
        achtergrond=achtergrond,
        achtergronden=ACHTERGRONDEN,
        bronlagen=list(bronlagen),
        jaarbereik=list(jaarbereik) if jaarbereik is not None else None,
        partijen=list(partijen),
        soorten=list(soorten),
        besluiten=[list(b) for b in besluiten],
        labels=styles.panel_labels(),
    ).add_to(m)
    return m


def _style(laag: str, peiljaar: int) -> dict[str, Any]:
    if laag == "riolering":
        return styles.riool_style(peiljaar)
    factories = {
        "buurten": styles.buurt_style,
        "koppelkansen": styles.kans_style,
        "warmtenet": styles.warmtenet_style,
        "groen": styles.groen_style,
        "boom": styles.boom_style,
        "leefbaarometer": styles.leefbaarometer_style,
        "werk": styles.werk_style,
        "straat": styles.straat_style,
    }
    return factories[laag]()


def _add_basemaps(m: folium.Map) -> None:
    # None is shown by folium: the page script adds the one the URL or the option asks for.
    for variant in ("grijs", "standaard", "pastel"):
        folium.TileLayer(
            tiles=BRT_URL.format(variant=variant),
            attr=PDOK_ATTRIBUTION,
            name=ACHTERGRONDEN[variant],
            max_zoom=21,
            max_native_zoom=19,
            show=False,
        ).add_to(m)
    folium.TileLayer(
        tiles=LUCHTFOTO_URL,
        attr=LUCHTFOTO_ATTRIBUTION,
        name=ACHTERGRONDEN["luchtfoto"],
        max_zoom=21,
        max_native_zoom=19,
        show=False,
    ).add_to(m)
    EmptyBaseLayer(ACHTERGRONDEN["geen"]).add_to(m)
