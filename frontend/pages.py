"""HTML pages around the map (no folium): Dutch error pages and the print view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from frontend import styles
from frontend.elements import load_template
from geo.regels import KLASSE_NAMEN
from geo.schema import CATEGORIE

_METINGEN_KORT = ("gedeelde_lengte_m", "afstand_m", "groen_aandeel", "aantal_bomen",
                  "laagste_klasse", "zwakste_dimensie", "jaarverschil", "riool_due_jaar")


def render_niet_gevonden(
    *, message: str, page_base: str = "/kaart", title: str = "Deze buurt is niet gevonden",
    buurt_advies: bool = True, nonce: str = "",
) -> str:
    """A friendly Dutch error page with `message` (escaped) and a link back to the map.

    `buurt_advies` adds the advice to check the buurtcode: for an unknown buurt only. `nonce`
    is the answer's CSP nonce, for the page's style element.
    """
    return load_template("niet_gevonden.html").render(
        message=message, page_base=page_base, title=title, buurt_advies=buurt_advies, nonce=nonce
    )


def render_sleutel_nodig(*, message: str, page_url: str, nonce: str = "") -> str:
    """The Dutch page of a map that needs a viewer key: how to get one and open the map."""
    return load_template("sleutel_nodig.html").render(
        message=message, page_url=page_url, title="Sleutel nodig", nonce=nonce
    )


def fmt_getal(value: Any, digits: int = 0) -> str:
    """A number the Dutch way (1.234,5); '—' when missing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float):
        text = f"{value:,.{digits}f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


def meting_tekst(key: str, value: Any) -> str:
    """One measured quantity of a result, with its unit, in Dutch."""
    label = styles.METING_LABELS.get(key, key)
    if key == "groen_aandeel":
        shown = f"{fmt_getal(100 * value, 1)} %"
    elif key == "laagste_klasse":
        shown = f"{value} ({KLASSE_NAMEN.get(int(value), '')})"
    elif key == "zwakste_dimensie":
        shown = styles.DIMENSIE_LABELS.get(value, value)
    elif key.endswith("_m"):
        shown = f"{fmt_getal(value, 1)} m"
    else:
        shown = str(value)
    return f"{label}: {shown}"


def bron_tekst(bron: dict[str, Any]) -> str:
    """One source feature of a result in a line: layer, name or id, years, material."""
    laag = styles.LAAG_LABELS.get(bron.get("laag", ""), bron.get("laag", ""))
    parts = [f"{laag} {bron.get('naam') or bron.get('id')}"]
    if bron.get("sectie_id"):
        parts.append(f"sectie {bron['sectie_id']}")
    if bron.get("status"):
        parts.append(styles.WARMTENET_LABELS.get(bron["status"], bron["status"]).lower())
    if bron.get("start_jaar"):
        parts.append(f"{bron['start_jaar']}–{bron.get('eind_jaar') or bron['start_jaar']}")
    for key in ("materiaal", "stelseltype", "soort"):
        if bron.get(key):
            parts.append(str(bron[key]))
    if bron.get("aanlegjaar"):
        parts.append(f"aangelegd {bron['aanlegjaar']}")
    if bron.get("riool_due_jaar"):
        parts.append(f"vervanging {bron['riool_due_jaar']}")
    return ", ".join(parts)


def render_print(
    *, data: dict[str, Any], static_base: str = "/static", page_base: str = "/kaart",
    today: dt.date | None = None,
) -> str:
    """The A4 print view of one buurt from `print_data` (app.kaart.afdruk)."""
    kansen = []
    for nummer, kans in enumerate(data["kansen"], start=1):
        uitleg = kans["uitleg"]
        metingen = [meting_tekst(k, uitleg["metingen"][k]) for k in _METINGEN_KORT
                    if k in uitleg["metingen"]]
        kansen.append({
            **kans, "nummer": nummer,
            "regel_naam": styles.REGEL_LABELS.get(kans["regel"], kans["regel"]),
            "kleur": styles.REGEL_COLORS.get(kans["regel"], styles.ONBEKEND_COLOR),
            "metingen": metingen,
            "bronnen": [bron_tekst(b) for b in uitleg["bronnen"]],
        })
    nummers = {k["kans_id"]: k["nummer"] for k in kansen}
    kaart = data["kaart"]
    for item in kaart["kansen"]:
        item["nummer"] = nummers.get(item["kans_id"])
        item["kleur"] = styles.REGEL_COLORS.get(item["regel"], styles.ONBEKEND_COLOR)
    regels_aanwezig = sorted({k["regel"] for k in kansen}, key=list(styles.REGEL_LABELS).index)
    return load_template("print.html").render(
        buurt=data["buurt"], aantal_buurten=data["aantal_buurten"],
        rang_in=data.get("rang_in"), kansen=kansen, kaart=kaart,
        legenda=[{"naam": styles.REGEL_LABELS[r], "kleur": styles.REGEL_COLORS[r],
                  "knelpunt": CATEGORIE[r] == "knelpunt"} for r in regels_aanwezig],
        warmtenet_kleuren=styles.WARMTENET_COLORS, static_base=static_base,
        page_base=page_base, fmt=fmt_getal,
        datum=(today or dt.date.today()).strftime("%d-%m-%Y"),
    )


def render_docs(*, title: str, openapi_url: str, static_base: str = "/static") -> str:
    """The API documentation page: the vendored Swagger UI reading `openapi_url`."""
    return load_template("docs.html").render(
        title=title, openapi_url=openapi_url, static_base=static_base
    )
