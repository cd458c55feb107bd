"""Export field names: full names, the 10-character shapefile names, and Dutch descriptions."""

from __future__ import annotations

from app.kansen.schemas import STATUS_TEKST
from geo.schema import BUURTSCORE, KANS

# full name -> (shapefile name of at most 10 characters, Dutch description): the result columns
# as declared in geo/schema.py, then the team's decision.
KANS_FIELDS: dict[str, tuple[str, str]] = {
    **{column.name: (column.shp, column.label) for column in KANS},
    "besluit_status": ("besluit", f"Besluit van het team: {STATUS_TEKST} "
                       "(leeg = nog geen besluit)"),
    "besluit_notitie": ("besl_notit", "Toelichting van het team bij het besluit"),
}

# Export columns that come from the team's decisions (table kans_besluit), not from koppelkans.
BESLUIT_COLUMNS: dict[str, str] = {"besluit_status": "status", "besluit_notitie": "notitie"}

# The geometry type each layer is written with, also when it is empty (the analysis only makes
# line results; buurten are areas).
LAYER_GEOMETRY: dict[str, str] = {"koppelkansen": "MultiLineString", "buurtscores": "MultiPolygon"}

BUURT_FIELDS: dict[str, tuple[str, str]] = {
    column.name: (column.shp, column.label) for column in BUURTSCORE}

# The fields of each exported layer, by layer name.
LAYER_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "koppelkansen": KANS_FIELDS, "buurtscores": BUURT_FIELDS}
