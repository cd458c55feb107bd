"""Column contracts shared by the rules, the database and the exports.

Canonical input layers follow RULES.md §1 (EPSG:28992, source ids in column `id` as text).
Results are one wide table: every rule fills the attributes it has, the rest stay null.
"""

from __future__ import annotations

CRS = "EPSG:28992"

LAYERS = ("buurt", "warmtenet", "riolering", "groen", "boom", "leefbaarometer")

# Canonical attribute columns per input layer (besides `geometry`).
LAYER_COLUMNS: dict[str, tuple[str, ...]] = {
    "buurt": ("buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "inwoners", "water"),
    "warmtenet": ("id", "naam", "status", "start_jaar", "eind_jaar"),
    "riolering": (
        "id", "stelseltype", "materiaal", "diameter_mm", "breedte_mm", "hoogte_mm", "aanlegjaar",
        "vervangingsjaar",
    ),
    "groen": ("id", "type"),
    "boom": ("id", "soort"),
    "leefbaarometer": (
        "grid_id", "jaar", "lbm", "afw", "fys", "onv", "soc", "vrz", "won", "klasse",
    ),
}

# Database type of every canonical column: (kind, limit). kind is "text" (limit: the maximum
# number of characters, None: unlimited), "int" (PostgreSQL integer, 4 bytes), "float" (double
# precision) or "bool". The importers check every value against this before COPY;
# tests/data/test_import_limits.py checks it against the real database columns.
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1
COLUMN_TYPES: dict[str, dict[str, tuple[str, int | None]]] = {
    "buurt": {
        "buurtcode": ("text", 10), "buurtnaam": ("text", None), "wijkcode": ("text", 8),
        "gemeentecode": ("text", 6), "gemeentenaam": ("text", None), "inwoners": ("int", None),
        "water": ("bool", None),
    },
    "warmtenet": {
        "id": ("text", None), "naam": ("text", None), "status": ("text", 16),
        "start_jaar": ("int", None), "eind_jaar": ("int", None),
    },
    "riolering": {
        "id": ("text", None), "stelseltype": ("text", 16), "materiaal": ("text", None),
        "diameter_mm": ("float", None), "breedte_mm": ("float", None),
        "hoogte_mm": ("float", None), "aanlegjaar": ("int", None),
        "vervangingsjaar": ("int", None),
    },
    "groen": {"id": ("text", None), "type": ("text", None)},
    "boom": {"id": ("text", None), "soort": ("text", None)},
    "leefbaarometer": {
        "grid_id": ("text", 16), "jaar": ("int", None), "lbm": ("float", None),
        "afw": ("float", None), "fys": ("float", None), "onv": ("float", None),
        "soc": ("float", None), "vrz": ("float", None), "won": ("float", None),
        "klasse": ("int", None),
    },
}

WARMTENET_STATUSES = ("bestaand", "gepland", "in_uitvoering")
STELSELTYPES = ("gemengd", "vuilwater", "hemelwater", "overig", "onbekend")
DIMENSIONS = ("fys", "onv", "soc", "vrz", "won")

REGELS = ("werk_met_werk", "vergroenen", "boomconflict", "leefbaarheid", "afkoppelen")
CATEGORIE = {
    "werk_met_werk": "kans",
    "vergroenen": "kans",
    "boomconflict": "knelpunt",
    "leefbaarheid": "kans",
    "afkoppelen": "kans",
}

# Result columns (besides `geometry`, any geometry type, EPSG:28992), in export order.
KANS_COLUMNS: tuple[str, ...] = (
    "kans_id",            # str: sha1 of regel + sorted source ids, 16 hex characters
    "regel",              # str: one of REGELS
    "categorie",          # str: kans | knelpunt
    "buurtcode",          # str | None
    "lengte_m",           # float: length of the geometry
    "actie_nodig",        # bool
    "toelichting",        # str: one line of Dutch a planner can check by hand
    "bron_ids",           # str: comma-joined sorted source ids (section ids for sections)
    "warmtenet_id",       # str | None
    "sectie_id",          # str | None  (<warmtenet id>#<n>)
    "riool_id",           # str | None
    "boom_ids",           # str | None: comma-joined tree ids (R2b)
    "start_jaar",         # Int | None
    "eind_jaar",          # Int | None
    "riool_due_jaar",     # Int | None
    "jaarverschil",       # Int | None (R1: due - start_jaar)
    "afstand_m",          # float | None (R1: distance section-pipe)
    "gedeelde_lengte_m",  # float | None (R1)
    "materiaal",          # str | None (R1)
    "stelseltype",        # str | None (R1, R4)
    "groen_aandeel",      # float | None (R2, R4)
    "aantal_bomen",       # Int | None (R2b)
    "laagste_klasse",     # Int | None (R3)
    "zwakste_dimensie",   # str | None (R3)
    "koppeling",          # str | None (R3: suggested social coupling, Dutch)
)

BUURTSCORE_COLUMNS: tuple[str, ...] = (
    "buurtcode", "buurtnaam", "score", "rang", "m_r1", "m_r2", "m_r3", "m_r4",
    "n_knelpunt", "laag_aandeel", "riool_onbekend", "n_kansen",
    "nb_r2_m", "nb_r2b_m", "nb_r3_m", "nb_r4_m", "niet_beoordeeld",
)

# RULES.md §8 per buurt: metres of units a rule did not judge (niet_beoordeeld_m), per rule.
NIET_BEOORDEELD_COLUMNS: dict[str, str] = {
    "vergroenen": "nb_r2_m",
    "boomconflict": "nb_r2b_m",
    "leefbaarheid": "nb_r3_m",
    "afkoppelen": "nb_r4_m",
}
