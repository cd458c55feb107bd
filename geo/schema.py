"""Column contracts shared by the rules, the database and the exports.

Canonical input layers follow RULES.md §1 (EPSG:28992, source ids in column `id` as text).
Results are one wide table: every rule fills the attributes it has, the rest stay null.
"""

from __future__ import annotations

from dataclasses import dataclass

CRS = "EPSG:28992"

LAYERS = ("buurt", "warmtenet", "riolering", "groen", "boom", "leefbaarometer", "straat", "werk")

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
    # RULES.md §7; gme_id and gme_naam are NWB's gemeente number and name, kept when present.
    "straat": ("id", "straatnaam", "woonplaats", "huisnummer_van", "huisnummer_tot", "gme_id",
               "gme_naam"),
    # RULES.md §9
    "werk": ("id", "naam", "partij", "soort", "status", "start_jaar", "eind_jaar"),
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
    "straat": {
        "id": ("text", None), "straatnaam": ("text", None), "woonplaats": ("text", None),
        "huisnummer_van": ("int", None), "huisnummer_tot": ("int", None),
        "gme_id": ("text", 16), "gme_naam": ("text", None),
    },
    "werk": {
        "id": ("text", None), "naam": ("text", None), "partij": ("text", 200),
        "soort": ("text", 32), "status": ("text", 16), "start_jaar": ("int", None),
        "eind_jaar": ("int", None),
    },
}

WARMTENET_STATUSES = ("bestaand", "gepland", "in_uitvoering")
STELSELTYPES = ("gemengd", "vuilwater", "hemelwater", "overig", "onbekend")
DIMENSIONS = ("fys", "onv", "soc", "vrz", "won")
# RULES.md §9
WERK_SOORTEN = ("riolering", "warmtenet", "weg", "water", "elektriciteit", "gas", "telecom",
                "groen", "klimaatadaptatie", "woningen", "overig")
WERK_STATUSES = ("idee", "gepland", "in_uitvoering", "afgerond")

REGELS = ("werk_met_werk", "vergroenen", "boomconflict", "leefbaarheid", "afkoppelen",
          "dubbel_open")
CATEGORIE = {
    "werk_met_werk": "kans",
    "vergroenen": "kans",
    "boomconflict": "knelpunt",
    "leefbaarheid": "kans",
    "afkoppelen": "kans",
    "dubbel_open": "knelpunt",
}
# The rule of RULES.md that found a result: R1 and R5 share the regel werk_met_werk.
REGELCODES = ("R1", "R2", "R2b", "R3", "R4", "R5", "R5b")
# The regelcode of a result of the rules of version 1 (werk_met_werk without a werk layer).
V1_REGELCODE = {"werk_met_werk": "R1", "vergroenen": "R2", "boomconflict": "R2b",
                "leefbaarheid": "R3", "afkoppelen": "R4"}

# pandas dtypes a result column can have; "str" columns hold NaN when missing.
RESULT_DTYPES = ("str", "Int64", "float64", "bool")


@dataclass(frozen=True)
class ResultColumn:
    """One column of a result table, declared once (STYLE.md "Derive, don't restate").

    The pandas dtypes of the analysis, the ORM columns (app/models.py), the export field names,
    aliases and legenda (app/exports/fields.py), the vector-tile attributes (app/tiles/layers.py)
    and the typed API responses are all derived from these declarations; tests/app/
    test_result_schema.py fails when any of them drifts. Adding a result column is one edit
    here plus an alembic migration.
    """

    name: str
    dtype: str                    # pandas dtype: "str" (NaN when missing), "Int64", "float64", "bool"
    shp: str                      # shapefile field name (at most 10 characters)
    label: str                    # Dutch: export alias and legenda; API description unless api_doc
    nullable: bool = True
    limit: int | None = None      # maximum characters of a "str" column in the database
    tile: bool = False            # an attribute of the vector-tile layer of its table
    tile_decimals: int | None = None  # rounded to this many decimals in the tile
    api: str = "value"            # "value": as stored; "regels": list of Dutch lines built per run
    api_doc: str | None = None    # API description where it says more than the label
    example: str | None = None    # example value in the API documentation
    key: bool = False             # primary key of its table
    index: bool = False           # indexed in the database
    default: float | None = None  # database default (and API default) of a non-null column

    def __post_init__(self) -> None:
        if self.dtype not in RESULT_DTYPES:
            raise ValueError(f"{self.name}: dtype {self.dtype} is not one of {RESULT_DTYPES}")
        if not 0 < len(self.shp) <= 10:
            raise ValueError(f"{self.name}: shapefile name {self.shp!r} is not 1-10 characters")
        if self.limit is not None and self.dtype != "str":
            raise ValueError(f"{self.name}: only a text column has a limit")
        if self.tile_decimals is not None and not (self.tile and self.dtype == "float64"):
            raise ValueError(f"{self.name}: only a float column in the tiles is rounded there")
        if self.api not in ("value", "regels"):
            raise ValueError(f"{self.name}: api {self.api!r} is not value or regels")


_c = ResultColumn  # short name for the declarations below

# Result columns (besides `geometry`, any geometry type, EPSG:28992), in export order.
KANS: tuple[ResultColumn, ...] = (
    # sha1 of regel + sorted source ids, 16 hex characters
    _c("kans_id", "str", "kans_id",
       "Vaste sleutel van het resultaat (blijft gelijk bij een nieuwe analyse)",
       nullable=False, limit=16, key=True, tile=True),
    _c("regel", "str", "regel", "Regel die het resultaat vond",
       nullable=False, limit=16, index=True, tile=True),  # one of REGELS
    _c("categorie", "str", "categorie", "kans of knelpunt",
       nullable=False, limit=10, index=True, tile=True),
    _c("regelcode", "str", "regelcode",
       "Nummer van de regel in RULES.md (R1–R5b); R1 en R5 heten allebei werk met werk",
       nullable=False, limit=4, index=True, tile=True),  # one of REGELCODES
    _c("buurtcode", "str", "buurtcode", "CBS-buurtcode van het midden van het resultaat",
       limit=10, index=True, tile=True),
    # RULES.md §7: the street of the result, every street it runs along, house numbers
    _c("straatnaam", "str", "straat", "Straat waar het resultaat ligt", tile=True),
    _c("straten", "str", "straten", "Alle straten langs het resultaat (langste eerst)"),
    _c("huisnummers", "str", "huisnrs", "Huisnummers langs het resultaat (van–tot)", tile=True),
    # null for a result that is an area (R5 between two polygon works, RULES.md §9)
    _c("lengte_m", "float64", "lengte_m", "Lengte van de geometrie in meters",
       tile=True, tile_decimals=1),
    _c("oppervlak_m2", "float64", "opp_m2",
       "Oppervlakte in m² van een resultaat dat een vlak is (twee vlakvormige werken)",
       tile=True, tile_decimals=0),
    _c("actie_nodig", "bool", "actie",
       "Actie nodig: vroegste jaar ligt binnen het signaal (1 = ja)",
       nullable=False, index=True, tile=True,
       api_doc="Actie nodig: het vroegste jaar ligt binnen het signaal"),
    # one line of Dutch a planner can check by hand
    _c("toelichting", "str", "toelicht", "Uitleg waarom dit resultaat gevonden is",
       nullable=False),
    # comma-joined sorted source ids (section ids for sections)
    _c("bron_ids", "str", "bron_ids", "Betrokken bron-id's (secties en leidingen)",
       nullable=False),
    _c("warmtenet_id", "str", "warmte_id", "Id van het warmtenet-tracé"),
    _c("sectie_id", "str", "sectie_id", "Id van de warmtenetsectie (<tracé>#<n>)"),
    _c("riool_id", "str", "riool_id", "Id van de rioolleiding"),
    _c("boom_ids", "str", "boom_ids", "Id's van de bomen bij het tracé"),  # R2b, comma-joined
    _c("start_jaar", "Int64", "start_jaar", "Startjaar van het warmtenetwerk", tile=True),
    _c("eind_jaar", "Int64", "eind_jaar", "Eindjaar van het warmtenetwerk", tile=True),
    _c("riool_due_jaar", "Int64", "riool_jaar", "Jaar waarin het riool aan vervanging toe is",
       tile=True),
    # the one year of a result (time filter of map, lists and point query): start_jaar, else
    # riool_due_jaar (R4); computed once in geo.results.finish_kansen
    _c("jaar", "Int64", "jaar", "Jaar (start werk, anders vervanging riool)", tile=True),
    _c("jaarverschil", "Int64", "jaarversch", "Rioolvervangjaar min startjaar warmtenet"),  # R1
    _c("afstand_m", "float64", "afstand_m",
       "Afstand tussen warmtenetsectie en riool in meters"),  # R1
    _c("gedeelde_lengte_m", "float64", "gedeeld_m",
       "Lengte waarover warmtenet en riool samen lopen (m)"),  # R1
    _c("materiaal", "str", "materiaal", "Materiaal van de rioolleiding"),  # R1
    _c("stelseltype", "str", "stelsel", "Type rioolstelsel"),  # R1, R4
    _c("groen_aandeel", "float64", "groen_aand",
       "Aandeel groen in de strook langs het tracé (0–1)"),  # R2, R4
    _c("aantal_bomen", "Int64", "n_bomen", "Aantal bomen dicht bij het tracé"),  # R2b
    _c("laagste_klasse", "Int64", "min_klasse",
       "Laagste Leefbaarometer-klasse langs de sectie"),  # R3
    _c("zwakste_dimensie", "str", "zwak_dim", "Zwakste Leefbaarometer-dimensie",
       limit=3),  # R3, one of DIMENSIONS
    _c("koppeling", "str", "koppeling", "Voorgestelde sociale koppeling"),  # R3, Dutch
    # RULES.md §9 (R5, R5b): the two units of a pair, `a` the one whose geometry the result is
    # cut from (a heat section, else a werk section, else a pipe; of two polygons the lower id)
    _c("eenheid_a", "str", "eenheid_a", "Eerste werk van het paar (sectie, werk of leiding)"),
    _c("partij_a", "str", "partij_a", "Partij van het eerste werk", tile=True),
    _c("soort_a", "str", "soort_a", "Soort van het eerste werk", limit=32, tile=True),
    _c("start_a", "Int64", "start_a", "Startjaar van het eerste werk"),
    _c("eind_a", "Int64", "eind_a", "Eindjaar van het eerste werk"),
    _c("eenheid_b", "str", "eenheid_b", "Tweede werk van het paar (sectie, werk of leiding)"),
    _c("partij_b", "str", "partij_b", "Partij van het tweede werk", tile=True),
    _c("soort_b", "str", "soort_b", "Soort van het tweede werk", limit=32, tile=True),
    _c("start_b", "Int64", "start_b", "Startjaar van het tweede werk"),
    _c("eind_b", "Int64", "eind_b", "Eindjaar van het tweede werk"),
    _c("gap_jaar", "Int64", "gap_jaar", "Jaren tussen de twee werken (0: ze overlappen)"),
)

BUURTSCORE: tuple[ResultColumn, ...] = (
    _c("buurtcode", "str", "buurtcode", "CBS-buurtcode",
       nullable=False, limit=10, key=True, tile=True, example="BU03070000"),
    _c("buurtnaam", "str", "buurtnaam", "Naam van de buurt", tile=True),
    # RULES.md §10: score and rang are taken within the gemeente (null: buurten without one,
    # ranked together)
    _c("gemeentecode", "str", "gem_code", "CBS-gemeentecode; de rang telt binnen de gemeente",
       limit=6, example="GM0307",
       api_doc="CBS-gemeentecode; score en rang gelden binnen de gemeente (RULES.md §10); "
               "null: buurten zonder gemeentecode, samen gerangschikt"),
    _c("gemeentenaam", "str", "gem_naam", "Naam van de gemeente"),
    _c("score", "float64", "score", "Score 0–100: hoe kansrijk de buurt is voor werk met werk",
       nullable=False, tile=True, tile_decimals=1,
       api_doc="0–100; gewogen som van m_r1..m_r4, elk gedeeld door het maximum in de gemeente"),
    _c("rang", "Int64", "rang", "Positie in de rangorde van de gemeente (1 = meest kansrijk)",
       nullable=False, index=True, tile=True,
       api_doc="1 = hoogste score binnen de gemeente (RULES.md §10); gelijke scores op "
               "buurtcode"),
    _c("m_r1", "float64", "m_r1", "Meters werk met werk (warmtenet + riolering)",
       nullable=False, api_doc="Meters werk met werk (unie van R1-geometrieën in de buurt)"),
    _c("m_r2", "float64", "m_r2", "Meters vergroenen", nullable=False),
    _c("m_r3", "float64", "m_r3", "Meters leefbaarheid", nullable=False),
    _c("m_r4", "float64", "m_r4", "Meters afkoppelen", nullable=False),
    _c("m_r5", "float64", "m_r5", "Meters werk met werk tussen andere partijen",
       nullable=False, default=0.0,
       api_doc="Meters werk met werk tussen werken van partijen (unie van R5-lijnresultaten in "
               "de buurt, RULES.md §9); telt alleen mee in de score als er een werklaag is"),
    _c("n_knelpunt", "Int64", "n_knelpunt", "Aantal boomconflicten",
       nullable=False, api_doc="Aantal boomconflicten met deze buurtcode"),
    _c("laag_aandeel", "float64", "laag_aand",
       "Deel van de buurt met zwakke of slechtere leefbaarheid",
       nullable=False, api_doc="Deel van de buurt met Leefbaarometer-klasse ≤ klasse_max"),
    _c("riool_onbekend", "Int64", "riool_onb", "Aantal rioolleidingen zonder bekend vervangjaar",
       nullable=False, api_doc="Leidingen zonder aanlegjaar en vervangingsjaar"),
    _c("n_kansen", "Int64", "n_kansen", "Aantal resultaten in de buurt",
       nullable=False, api_doc="Aantal resultaten (kansen en knelpunten) in de buurt"),
    # RULES.md §8: metres of units a rule did not judge (outside the dekking), clipped to the
    # buurt: where a layer was missing or did not reach, a rule judged nothing
    _c("nb_r2_m", "float64", "nb_r2_m",
       "Meters warmtenet niet beoordeeld voor vergroenen (geen groengegevens)",
       nullable=False, default=0.0,
       api_doc="Meters secties niet beoordeeld voor vergroenen (buiten de dekking van de "
               "groenlaag, of geen groenlaag)"),
    _c("nb_r2b_m", "float64", "nb_r2b_m",
       "Meters warmtenet niet beoordeeld voor boomconflicten (geen bomengegevens)",
       nullable=False, default=0.0,
       api_doc="Meters secties niet beoordeeld voor boomconflict"),
    _c("nb_r3_m", "float64", "nb_r3_m",
       "Meters warmtenet niet beoordeeld voor leefbaarheid (geen Leefbaarometer-gegevens)",
       nullable=False, default=0.0,
       api_doc="Meters secties niet beoordeeld voor leefbaarheid"),
    _c("nb_r4_m", "float64", "nb_r4_m",
       "Meters riool niet beoordeeld voor afkoppelen (geen groengegevens)",
       nullable=False, default=0.0,
       api_doc="Meters leidingen niet beoordeeld voor afkoppelen"),
    # the same in Dutch words; the API builds the lines from the run (RULES.md §8)
    _c("niet_beoordeeld", "str", "niet_beoor",
       "Wat in de buurt niet beoordeeld is en waarom; geen resultaat betekent daar niet dat er "
       "niets te halen is",
       api="regels",
       api_doc="Per regel in woorden wat in deze buurt niet beoordeeld is en waarom "
               "(RULES.md §8), bv. 'Vergroenen: 350 m niet beoordeeld (geen groenlaag "
               "geladen)'"),
)

KANS_COLUMNS: tuple[str, ...] = tuple(c.name for c in KANS)
BUURTSCORE_COLUMNS: tuple[str, ...] = tuple(c.name for c in BUURTSCORE)
KANS_DTYPES: dict[str, str] = {c.name: c.dtype for c in KANS}
BUURTSCORE_DTYPES: dict[str, str] = {c.name: c.dtype for c in BUURTSCORE}

# RULES.md §8 per buurt: metres of units a rule did not judge (niet_beoordeeld_m), per rule.
NIET_BEOORDEELD_COLUMNS: dict[str, str] = {
    "vergroenen": "nb_r2_m",
    "boomconflict": "nb_r2b_m",
    "leefbaarheid": "nb_r3_m",
    "afkoppelen": "nb_r4_m",
}
