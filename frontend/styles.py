"""Dutch labels, colours and legends of the map layers, as plain JSON-able dicts.

The JavaScript in static/koppelkansen/kaart.js gets these through escaped options, so the
symbology lives in one place and the unit tests can read it.
"""

from __future__ import annotations

from typing import Any

from geo.regels import KLASSE_NAMEN, PARAMETER_LABELS, REGEL_INFO, REGELCODE_NAMEN
from geo.schema import (
    CATEGORIE,
    REGELCODES,
    REGELS,
    V1_REGELCODE,
    WARMTENET_STATUSES,
    WERK_SOORTEN,
    WERK_STATUSES,
)

REGEL_LABELS: dict[str, str] = {regel: REGEL_INFO[regel].naam for regel in REGELS}
# Colour-blind-safe-ish and distinct from the warmtenet and score colours.
REGEL_COLORS: dict[str, str] = {
    "werk_met_werk": "#1f4e9e",
    "vergroenen": "#1a9850",
    "boomconflict": "#c51b7d",
    "leefbaarheid": "#762a83",
    "afkoppelen": "#2aa7c9",
    "dubbel_open": "#d95f02",
}
# The map, legend and filters tell results apart by regelcode (R1 and R5 share a regel).
REGELCODE_REGEL: dict[str, str] = {
    **{code: regel for regel, code in V1_REGELCODE.items()},
    "R5": "werk_met_werk",
    "R5b": "dubbel_open",
}
REGELCODE_LABELS: dict[str, str] = {code: REGELCODE_NAMEN[code] for code in REGELCODES}
REGELCODE_COLORS: dict[str, str] = {
    **{code: REGEL_COLORS[regel] for code, regel in REGELCODE_REGEL.items()},
    "R5": "#8c510a",  # brown: works of parties, next to R1's blue
}

# Planned works of every party (RULES.md §9) by soort.
WERK_SOORT_LABELS: dict[str, str] = {soort: soort.capitalize() for soort in WERK_SOORTEN}
WERK_SOORT_COLORS: dict[str, str] = {
    "riolering": "#6a3d9a",
    "warmtenet": "#d6604d",
    "weg": "#525252",
    "water": "#2166ac",
    "elektriciteit": "#e6ab02",
    "gas": "#fdb462",
    "telecom": "#e7298a",
    "groen": "#4daf4a",
    "klimaatadaptatie": "#35978f",
    "woningen": "#a6761d",
    "overig": "#969696",
}
WERK_STATUS_LABELS: dict[str, str] = {
    status: status.replace("_", " ").capitalize() for status in WERK_STATUSES
}

WARMTENET_LABELS: dict[str, str] = {
    "bestaand": "Bestaand",
    "gepland": "Gepland",
    "in_uitvoering": "In uitvoering",
}
WARMTENET_COLORS: dict[str, str] = {
    "bestaand": "#6e6e6e",
    "gepland": "#e08214",
    "in_uitvoering": "#b2182b",
}

LBM_KLASSEN: dict[int, str] = dict(KLASSE_NAMEN)
# Red (onvoldoende) to green (uitstekend), as the Leefbaarometer itself shows it.
LBM_COLORS: dict[int, str] = {
    1: "#a50026",
    2: "#d73027",
    3: "#f46d43",
    4: "#fdae61",
    5: "#fee08b",
    6: "#d9ef8b",
    7: "#a6d96a",
    8: "#66bd63",
    9: "#1a9850",
}

# Sequential ramp for the buurt score, light (0) to dark (100).
SCORE_RAMP: tuple[tuple[float, str], ...] = (
    (20, "#fff7bc"),
    (40, "#fec44f"),
    (60, "#fe9929"),
    (80, "#d95f0e"),
    (100, "#993404"),
)
SCORE_LEGEND_TITLE = "Score per buurt (0–100)"
# From this zoom on the map writes street names (the `straat` tiles start at zoom 14).
STRAATNAAM_ZOOM = 16
ONBEKEND_COLOR = "#9e9e9e"

# Panes keep the drawing order fixed whatever layer finishes loading first.
PANES: dict[str, int] = {
    "kk-buurten": 350,
    "kk-bron-vlak": 380,
    "kk-werk": 400,
    "kk-straat": 410,
    "kk-bron-lijn": 420,
    "kk-bron-punt": 430,
    "kk-kansen": 460,
    "kk-straatnamen": 465,
    "kk-selectie": 470,
}

# Labels of the measured quantities in a result's explanation (`uitleg.metingen`); the unit
# goes with the value (frontend.pages.meting_tekst, uitleg.js), never into the label.
METING_LABELS: dict[str, str] = {
    "lengte_m": "Lengte",
    "gedeelde_lengte_m": "Gedeelde lengte warmtenet en riool",
    "afstand_m": "Afstand warmtenet–riool",
    "groen_aandeel": "Aandeel groen in de strook",
    "aantal_bomen": "Bomen dicht bij het tracé",
    "laagste_klasse": "Laagste Leefbaarometer-klasse",
    "laagste_klasse_naam": "Betekenis van die klasse",
    "zwakste_dimensie": "Zwakste dimensie",
    "jaarverschil": "Jaren tussen start warmtenet en vervanging riool",
    "riool_due_jaar": "Jaar van vervanging riool",
    "oppervlak_m2": "Oppervlakte",
    "gap_jaar": "Jaren tussen de twee werken",
}
DIMENSIE_LABELS: dict[str, str] = {
    "fys": "Fysieke omgeving",
    "onv": "Overlast en onveiligheid",
    "soc": "Sociale samenhang",
    "vrz": "Voorzieningen",
    "won": "Woningvoorraad",
}
# Labels of source features' attributes in the side panel.
VELD_LABELS: dict[str, str] = {
    "id": "Id", "naam": "Naam", "status": "Status", "start_jaar": "Startjaar",
    "eind_jaar": "Eindjaar", "sectie_id": "Sectie", "lengte_m": "Lengte (m)",
    "stelseltype": "Stelsel", "materiaal": "Materiaal", "diameter_mm": "Diameter (mm)",
    "breedte_mm": "Breedte (mm)", "hoogte_mm": "Hoogte (mm)",
    "aanlegjaar": "Aanlegjaar", "vervangingsjaar": "Gepland vervangingsjaar",
    "riool_due_jaar": "Jaar van vervanging", "type": "Type", "soort": "Soort",
    "grid_id": "Cel", "jaar": "Jaar", "klasse": "Klasse", "lbm": "Score (lbm)",
    "partij": "Partij", "periode": "Periode", "straatnaam": "Straat",
    **DIMENSIE_LABELS,
}
LAAG_LABELS: dict[str, str] = {
    "warmtenet": "Warmtenet", "riolering": "Riool", "groen": "Groen", "boom": "Boom",
    "leefbaarometer": "Leefbaarometer-cel", "buurt": "Buurt", "werk": "Gepland werk",
}
CATEGORIE_LABELS: dict[str, str] = {"kans": "Koppelkans", "knelpunt": "Knelpunt"}


def panel_labels() -> dict[str, Any]:
    """Every Dutch label the side panel needs, in one JSON-able dict."""
    return {
        "regels": [
            {"regel": r, "naam": REGEL_LABELS[r], "kleur": REGEL_COLORS[r],
             "categorie": CATEGORIE[r], "betekenis": REGEL_INFO[r].betekenis}
            for r in REGELS
        ],
        "regelcodes": [
            {"regelcode": code, "regel": REGELCODE_REGEL[code], "naam": REGELCODE_LABELS[code],
             "kleur": REGELCODE_COLORS[code], "categorie": CATEGORIE[REGELCODE_REGEL[code]]}
            for code in REGELCODES
        ],
        "metingen": METING_LABELS,
        "dimensies": DIMENSIE_LABELS,
        "velden": VELD_LABELS,
        "lagen": LAAG_LABELS,
        "categorieen": CATEGORIE_LABELS,
        "parameters": PARAMETER_LABELS,
        "klassen": {str(k): v for k, v in KLASSE_NAMEN.items()},
        "warmtenetStatus": WARMTENET_LABELS,
        "werkSoorten": WERK_SOORT_LABELS,
        "werkStatus": WERK_STATUS_LABELS,
    }


def _item(label: str, color: str, shape: str, dash: str | None = None) -> dict[str, Any]:
    return {"label": label, "color": color, "shape": shape, "dash": dash}


def buurt_style() -> dict[str, Any]:
    """Choropleth of the buurt score with its legend."""
    classes: list[dict[str, Any]] = []
    lower = 0.0
    for upper, color in SCORE_RAMP:
        label = f"{lower:.0f}–{upper:.0f}"
        # min: the class's lower bound for renderers that want both (the QGIS style of exports)
        classes.append({"min": lower, "max": upper, "color": color, "label": label})
        lower = upper
    return {
        "field": "score",
        "type": "bins",
        "classes": classes,
        "missing": {"color": ONBEKEND_COLOR, "label": "geen score"},
        "geom": "fill",
        "path": {"color": "#4d4d4d", "weight": 1, "fillOpacity": 0.45},
        "legend": {
            "title": SCORE_LEGEND_TITLE,
            "items": [_item(c["label"], c["color"], "fill") for c in classes],
        },
    }


def kans_style() -> dict[str, Any]:
    """Koppelkansen and knelpunten coloured by regelcode (R1 and R5 apart); knelpunten dashed.

    A result that is an area (R5 between two polygon works) is filled lightly; VectorGrid
    never fills a line.
    """
    classes: list[dict[str, Any]] = [
        {
            "value": code,
            "color": REGELCODE_COLORS[code],
            "label": REGELCODE_LABELS[code],
            "dash": "8 6" if CATEGORIE[REGELCODE_REGEL[code]] == "knelpunt" else None,
        }
        for code in REGELCODES
    ]
    return {
        "field": "regelcode",
        "type": "categorical",
        "classes": classes,
        "missing": {"color": ONBEKEND_COLOR, "label": "overig"},
        "geom": "line",
        "path": {"weight": 6, "opacity": 0.9, "lineCap": "butt", "fillOpacity": 0.25},
        "legend": {
            "title": "Koppelkansen en knelpunten",
            "items": [_item(c["label"], c["color"], "line", c["dash"]) for c in classes],
        },
    }


def werk_style() -> dict[str, Any]:
    """Planned works of every party by soort: lines, and areas filled semi-transparently."""
    classes: list[dict[str, Any]] = [
        {"value": soort, "color": WERK_SOORT_COLORS[soort], "label": WERK_SOORT_LABELS[soort]}
        for soort in WERK_SOORTEN
    ]
    return {
        "field": "soort",
        "type": "categorical",
        "classes": classes,
        "missing": {"color": ONBEKEND_COLOR, "label": "soort onbekend"},
        "geom": "fill",
        "path": {"weight": 3, "opacity": 0.9, "fillOpacity": 0.3},
        "legend": {
            "title": "Geplande werken (soort)",
            "items": [_item(c["label"], c["color"], "fill") for c in classes],
        },
    }


def straat_style() -> dict[str, Any]:
    """Streets as thin grey lines; their names are labels (kaart.js), not in the legend."""
    style = _single_style(title="Straten", label="Straat", legend="Straat (naam vanaf zoom "
                          f"{STRAATNAAM_ZOOM})", color="#8a8a8a", geom="line",
                          path={"weight": 1, "opacity": 0.5})
    style["labels"] = {"field": "straatnaam", "minZoom": STRAATNAAM_ZOOM,
                       "pane": "kk-straatnamen"}
    return style


def warmtenet_style() -> dict[str, Any]:
    """Heat network by status."""
    classes: list[dict[str, Any]] = [
        {
            "value": s,
            "color": WARMTENET_COLORS[s],
            "label": WARMTENET_LABELS[s],
            "dash": None if s == "in_uitvoering" else ("2 4" if s == "bestaand" else "6 4"),
        }
        for s in WARMTENET_STATUSES
    ]
    return {
        "field": "status",
        "type": "categorical",
        "classes": classes,
        "missing": {"color": ONBEKEND_COLOR, "label": "status onbekend"},
        "geom": "line",
        "path": {"weight": 3, "opacity": 0.95},
        "legend": {
            "title": "Warmtenet",
            "items": [_item(c["label"], c["color"], "line", c["dash"]) for c in classes],
        },
    }


def riool_style(peiljaar: int) -> dict[str, Any]:
    """Sewer pipes by due year relative to the peiljaar P: ≤ P+2, ≤ P+10, later, unknown."""
    classes: list[dict[str, Any]] = [
        {"max": peiljaar + 2, "color": "#d7191c", "label": f"vervanging t/m {peiljaar + 2}"},
        {"max": peiljaar + 10, "color": "#fdae61",
         "label": f"vervanging {peiljaar + 3}–{peiljaar + 10}"},
        {"max": None, "color": "#2c7bb6", "label": f"vervanging na {peiljaar + 10}"},
    ]
    missing: dict[str, Any] = {"color": ONBEKEND_COLOR, "label": "vervangingsjaar onbekend"}
    return {
        "field": "riool_due_jaar",
        "type": "bins",
        "classes": classes,
        "missing": missing,
        "geom": "line",
        "path": {"weight": 2.5, "opacity": 0.9},
        "legend": {
            "title": "Riolering (jaar van vervanging)",
            "items": [_item(c["label"], c["color"], "line") for c in [*classes, missing]],
        },
    }


def _single_style(*, title: str, label: str, legend: str, color: str, geom: str,
                  path: dict[str, Any]) -> dict[str, Any]:
    """A layer drawn in one colour."""
    only = {"color": color, "label": label}
    return {
        "field": None,
        "type": "single",
        "classes": [only],
        "missing": only,
        "geom": geom,
        "path": path,
        "legend": {"title": title, "items": [_item(legend, color, geom)]},
    }


def groen_style() -> dict[str, Any]:
    """Public green as one flat colour."""
    return _single_style(title="Groen", label="Groen", legend="Openbaar groen", color="#41ab5d",
                         geom="fill", path={"color": "#238443", "weight": 1, "fillOpacity": 0.4})


def boom_style() -> dict[str, Any]:
    """Trees as small dots."""
    return _single_style(title="Bomen", label="Boom", legend="Boom", color="#00441b",
                         geom="point",
                         path={"radius": 3, "weight": 1, "color": "#ffffff", "fillOpacity": 0.9})


def leefbaarometer_style() -> dict[str, Any]:
    """Leefbaarometer 100 m cells by klasse 1–9 with the official names."""
    classes: list[dict[str, Any]] = [
        {"value": k, "color": LBM_COLORS[k], "label": f"{k} {naam}"}
        for k, naam in LBM_KLASSEN.items()
    ]
    return {
        "field": "klasse",
        "type": "categorical",
        "classes": classes,
        "missing": {"color": ONBEKEND_COLOR, "label": "klasse onbekend"},
        "geom": "fill",
        "path": {"weight": 0, "fillOpacity": 0.55},
        "legend": {
            "title": "Leefbaarometer (klasse)",
            "items": [_item(c["label"], c["color"], "fill") for c in classes],
        },
    }
