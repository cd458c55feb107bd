"""The planner's map page: PDOK basemaps, buurt scores, koppelkansen and the source layers.

Data is never embedded: every overlay is fetched from the API by URL when it is switched on,
so the page stays small whatever the size of the area.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

import folium

from frontend import styles
from frontend.elements import ApiLayer, BuurtLijst, EmptyBaseLayer, KaartApp, KaartMap
from geo.schema import REGELS

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
KANSEN_PAGE_SIZE = 1000
LAAG_LIMIT = 100_000
NL_CENTER = (52.15, 5.3)
# (laag in the API, name in the layer control, pane, shown at start)
BRONLAGEN: tuple[tuple[str, str, str, bool], ...] = (
    ("warmtenet", "Warmtenet (status)", "kk-bron-lijn", True),
    ("riolering", "Riolering (jaar van vervanging)", "kk-bron-lijn", False),
    ("groen", "Groen", "kk-bron-vlak", False),
    ("boom", "Bomen", "kk-bron-punt", False),
    ("leefbaarometer", "Leefbaarometer", "kk-bron-vlak", False),
)


def build_kaart(
    *,
    bounds: tuple[float, float, float, float] | None,
    api_base: str = "/api/v1",
    buurtcode: str | None = None,
    static_base: str = "/static",
    page_base: str = "/kaart",
    achtergrond: str = "grijs",
    peiljaar: int | None = None,
) -> folium.Map:
    """Build the map of the whole area, or of one buurt when `buurtcode` is given.

    `bounds` is (minlon, minlat, maxlon, maxlat) in WGS84: the map fits to it and the source
    layers are requested for it. `achtergrond` picks the basemap shown first (a key of
    ACHTERGRONDEN; ``geen`` loads nothing from outside the app).
    """
    if achtergrond not in ACHTERGRONDEN:
        raise ValueError(f"Onbekende achtergrond {achtergrond!r}; kies uit {sorted(ACHTERGRONDEN)}")
    api = api_base.rstrip("/")
    jaar = peiljaar if peiljaar is not None else dt.date.today().year
    m = KaartMap(
        static_base=static_base,
        title=TITLE if buurtcode is None else f"{TITLE} — buurt {buurtcode}",
        location=NL_CENTER,
        zoom_start=8,
        font_size="13px",
        max_zoom=21,
    )
    _add_basemaps(m, achtergrond)

    KaartApp(
        title=TITLE,
        subtitle=(
            "Klik op een gekleurde lijn voor de toelichting. Zet lagen aan of uit in het "
            "lagenmenu rechtsboven."
        ),
        buurtcode=buurtcode,
        panes=styles.PANES,
        pageBase=page_base,
    ).add_to(m)

    buurt_query = {"format": "geojson"}
    ApiLayer(
        name="Buurten (score)",
        show=True,
        kind="buurten",
        url=f"{api}/buurten?{urlencode(buurt_query)}",
        pane="kk-buurten",
        style=styles.buurt_style(),
        popup="buurt",
        highlight=buurtcode,
        pageBase=page_base,
    ).add_to(m)

    for laag, naam, pane, show in BRONLAGEN:
        ApiLayer(
            name=naam,
            show=show,
            kind=laag,
            url=_laag_url(api, laag, bounds),
            bboxFromMap=bounds is None,
            pane=pane,
            style=_bron_style(laag, jaar),
            popup="velden",
        ).add_to(m)

    kansen_query: dict[str, Any] = {"limit": KANSEN_PAGE_SIZE, "offset": 0}
    if buurtcode is not None:
        kansen_query["buurt"] = buurtcode
    ApiLayer(
        name="Koppelkansen en knelpunten",
        show=True,
        kind="kansen",
        url=f"{api}/koppelkansen?{urlencode(kansen_query)}",
        pane="kk-kansen",
        style=styles.kans_style(),
        popup="kans",
        apiBase=api,
        categorieLabels={"kans": "Koppelkans", "knelpunt": "Knelpunt"},
    ).add_to(m)

    if buurtcode is not None:
        BuurtLijst(
            buurtcode=buurtcode,
            kansen="kansen",
            buurten="buurten",
            pageBase=page_base,
            regels=list(REGELS),
            regelLabels=styles.REGEL_LABELS,
            regelColors=styles.REGEL_COLORS,
        ).add_to(m)

    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    if bounds is not None:
        minlon, minlat, maxlon, maxlat = bounds
        # In buurt mode the side list covers the left of the map: keep the buurt clear of it.
        left = 360 if buurtcode is not None else 20
        m.fit_bounds(
            [[minlat, minlon], [maxlat, maxlon]],
            padding_top_left=(left, 20),
            padding_bottom_right=(20, 20),
        )
    return m


def buurt_page_url(page_base: str, buurtcode: str) -> str:
    """URL of the map page of one buurt."""
    return f"{page_base.rstrip('/')}/buurt/{quote(buurtcode, safe='')}"


def _laag_url(api: str, laag: str, bounds: tuple[float, float, float, float] | None) -> str:
    query: dict[str, Any] = {"limit": LAAG_LIMIT}
    if bounds is not None:
        query = {"bbox": ",".join(f"{v:.6f}" for v in bounds), **query}
    return f"{api}/lagen/{laag}?{urlencode(query, safe=',')}"


def _bron_style(laag: str, peiljaar: int) -> dict[str, Any]:
    if laag == "riolering":
        return styles.riool_style(peiljaar)
    factories = {
        "warmtenet": styles.warmtenet_style,
        "groen": styles.groen_style,
        "boom": styles.boom_style,
        "leefbaarometer": styles.leefbaarometer_style,
    }
    return factories[laag]()


def _add_basemaps(m: folium.Map, achtergrond: str) -> None:
    for variant in ("grijs", "standaard", "pastel"):
        folium.TileLayer(
            tiles=BRT_URL.format(variant=variant),
            attr=PDOK_ATTRIBUTION,
            name=ACHTERGRONDEN[variant],
            max_zoom=21,
            max_native_zoom=19,
            show=achtergrond == variant,
        ).add_to(m)
    folium.TileLayer(
        tiles=LUCHTFOTO_URL,
        attr=LUCHTFOTO_ATTRIBUTION,
        name=ACHTERGRONDEN["luchtfoto"],
        max_zoom=21,
        max_native_zoom=19,
        show=achtergrond == "luchtfoto",
    ).add_to(m)
    EmptyBaseLayer(ACHTERGRONDEN["geen"], show=achtergrond == "geen").add_to(m)
