"""Recognise known sources (CBS, GWSW, SUFRIB, BGT, ESDL, Leefbaarometer) by their column names."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from data.importers.errors import ImportRefused
from geo.schema import LAYER_COLUMNS

# canonical column -> source names, best first. Matching ignores case and non-alphanumerics;
# a 10-character source name also matches as the Shapefile truncation of a longer alias.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "buurt": {
        "buurtcode": ("buurtcode", "BU_CODE", "statcode", "buurt_code"),
        "buurtnaam": ("buurtnaam", "BU_NAAM", "statnaam", "buurt_naam", "naam"),
        "wijkcode": ("wijkcode", "WK_CODE", "wijk_code"),
        "gemeentecode": ("gemeentecode", "GM_CODE", "gemeente_code"),
        "gemeentenaam": ("gemeentenaam", "GM_NAAM", "gemeente_naam"),
        "inwoners": ("aantal_inwoners", "AANT_INW", "inwoners", "aantalinwoners"),
        "water": ("water", "WATER"),
    },
    "warmtenet": {
        "id": ("id", "tracé_id", "trace_id", "leiding_id", "objectid", "fid", "guid", "gml_id"),
        "naam": ("naam", "Netnaam", "net_naam", "name", "tracenaam", "projectnaam", "project"),
        "status": ("status", "projectstatus", "fase", "status_net"),
        "start_jaar": ("start_jaar", "startjaar", "aanleg_jaar", "aanlegjaar", "jaar",
                       "jaar_start", "uitvoeringsjaar", "start_uitvoering"),
        "eind_jaar": ("eind_jaar", "eindjaar", "jaar_eind", "opleverjaar", "eind_uitvoering"),
    },
    "riolering": {
        "id": ("id", "guid", "gwsw_id", "leidingid", "leiding_id", "strengref", "streng_id",
               "strengid", "naam", "objectid", "fid", "gml_id"),
        "stelseltype": ("stelseltype", "StelselType", "stelsel", "type_stelsel", "rioolstelsel",
                        "stelselnaam", "typestelsel", "type_leiding", "TypeLeiding", "leidingtype",
                        "stelsel_type"),
        "materiaal": ("MateriaalLeiding", "materiaal", "materiaal_leiding", "material"),
        "diameter_mm": ("diameter_mm", "diameter", "dn", "diameter_leiding"),
        # GWSW BreedteLeiding is a diameter only for round pipes (attributes._pipe_sizes)
        "breedte_mm": ("BreedteLeiding", "breedte_mm", "breedte", "breedte_leiding"),
        "hoogte_mm": ("HoogteLeiding", "hoogte_mm", "hoogte", "hoogte_leiding"),
        "aanlegjaar": ("aanlegjaar", "Begindatum", "jaar_aanleg", "bouwjaar",
                       "jaar_ingebruikname", "jaar_van_aanleg", "aanleg_jaar"),
        "vervangingsjaar": ("vervangingsjaar", "jaar_vervanging", "planjaar", "maatregeljaar",
                            "vervangjaar", "jaar_maatregel", "geplande_vervanging"),
    },
    "groen": {
        "id": ("id", "lokaalID", "identificatie", "gml_id", "objectid", "guid", "fid"),
        "type": ("type", "class", "bgt-fysiekVoorkomen", "fysiekVoorkomen", "groentype",
                 "beheertype", "plus-fysiekVoorkomen", "omschrijving", "function"),
    },
    "boom": {
        "id": ("id", "boomnummer", "boom_id", "boomid", "lokaalID", "identificatie", "gml_id",
               "objectid", "nummer", "guid", "fid"),
        "soort": ("soortnaam", "boomsoort", "soort", "latijnse_naam", "wetenschappelijke_naam",
                  "boomsoort_wetenschappelijk", "species", "soort_nl"),
    },
    "leefbaarometer": {
        "grid_id": ("grid_id", "gridid", "cbs_grid_code", "crs28992res100m", "c28992r100",
                    "vierkant_id", "rastercel"),
        "jaar": ("jaar", "year", "meetjaar"),
        "lbm": ("lbm", "livability_score", "leefbaarheid", "lbm_score"),
        "afw": ("afw",), "fys": ("fys",), "onv": ("onv",), "soc": ("soc",),
        "vrz": ("vrz",), "won": ("won",),
        "klasse": ("klasse", "kscore", "klasse_lbm", "kl_lbm"),
    },
    # NWB wegvakken (Rijkswaterstaat); huisnummer_van/tot are derived from NWB's four
    # house-number columns (attributes.straat_huisnummers) unless a file has them as such
    "straat": {
        "id": ("wvk_id", "wegvak_id", "wegvakid", "id", "objectid", "fid", "guid"),
        "straatnaam": ("stt_naam", "straatnaam", "straat", "openbareruimtenaam", "straat_naam",
                       "naam", "name"),
        "woonplaats": ("wpsnaamnen", "woonplaats", "wps_naam", "woonplaatsnaam", "plaats"),
        "huisnummer_van": ("huisnummer_van", "huisnr_van", "hnr_van"),
        "huisnummer_tot": ("huisnummer_tot", "huisnr_tot", "hnr_tot"),
        "gme_id": ("gme_id", "gemeentenummer", "gemeente_id"),
        "gme_naam": ("gme_naam", "gemeentenaam", "gemeente"),
    },
    # planned works of any party (RULES.md §9): no national schema, the obvious names
    "werk": {
        "id": ("id", "werk_id", "project_id", "projectid", "projectnummer", "projectnr",
               "objectid", "fid", "guid", "gml_id"),
        "naam": ("naam", "projectnaam", "omschrijving", "project", "titel", "werknaam", "name"),
        "partij": ("partij", "organisatie", "beheerder", "netbeheerder", "eigenaar",
                   "initiatiefnemer", "opdrachtgever", "partij_naam"),
        "soort": ("soort", "type", "discipline", "soort_werk", "werksoort", "categorie"),
        "status": ("status", "projectstatus", "fase"),
        "start_jaar": ("start_jaar", "startjaar", "jaar", "uitvoeringsjaar", "startdatum",
                       "start_datum", "begindatum", "jaar_start", "start_uitvoering", "planjaar"),
        "eind_jaar": ("eind_jaar", "eindjaar", "einddatum", "eind_datum", "jaar_eind",
                      "opleverjaar", "opleverdatum", "eind_uitvoering"),
    },
}
# NWB's first and last house numbers, left and right (0 or empty: none)
NWB_HUISNUMMERS = ("e_hnr_lnks", "l_hnr_lnks", "e_hnr_rhts", "l_hnr_rhts")

# Leefbaarometer service output has classes (1–9) instead of the dimension scores; they stand in
# for the scores only when the file has none of them, so the dimensions stay on one scale.
DIMENSION_CLASSES = {"fys": "kfys", "onv": "konv", "soc": "ksoc", "vrz": "kvrz", "won": "kwon"}
# Names that are no part of Leefbaarometer 3.0 but that we accept as its total score.
LBM_FOREIGN = {"livabilityscore", "leefbaarheid"}
LBM2 = re.compile(r"^(rlb[a-z]*\d{2}|kl\d{2}|vkl\d{4})$")
BGT_GREEN = ("begroeidterreindeel", "ondersteunendwegdeel")
BGT_TREE = ("vegetatieobject",)
GREEN_SUPPORT = {"groenvoorziening", "gras- en kruidachtigen", "heesters", "planten",
                 "bodembedekkers", "bosplantsoen", "struiken"}


def key(name: str) -> str:
    """Column name for comparison: lowercase alphanumerics."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


# Source names of the shape of a pipe (not stored: it decides whether a width is a diameter).
VORM_ALIASES = ("VormLeiding", "vorm", "vorm_leiding", "leidingvorm", "profiel", "vormprofiel")


def find_column(
    columns: Iterable[str], aliases: Iterable[str], used: set[str] | None = None,
) -> str | None:
    """The first source column named like one of `aliases` (best first), also when a Shapefile
    truncated the name to 10 characters; columns in `used` are passed over."""
    cols = list(columns)
    used = used or set()
    by_key = {key(c): c for c in reversed(cols)}
    names = list(aliases)
    hit = next((by_key[key(a)] for a in names if key(a) in by_key
                and by_key[key(a)] not in used), None)
    if hit is None:  # Shapefile truncated the name to 10 characters
        hit = next((c for a in names for c in cols if len(c) == 10 and c not in used
                    and len(a) > 10 and a.lower().startswith(c.lower())), None)
    return hit


def match_columns(laag: str, columns: Iterable[str]) -> dict[str, str]:
    """Canonical column -> source column found by name (no user mapping)."""
    cols = list(columns)
    by_key = {key(c): c for c in reversed(cols)}
    found: dict[str, str] = {}
    used: set[str] = set()
    for canon, aliases in ALIASES[laag].items():
        hit = find_column(cols, aliases, used)
        if hit is not None:
            found[canon] = hit
            used.add(hit)
    if laag == "leefbaarometer" and not found.keys() & DIMENSION_CLASSES.keys():
        for canon, class_name in DIMENSION_CLASSES.items():
            hit = by_key.get(class_name)
            if hit is not None and hit not in used:
                found[canon] = hit
                used.add(hit)
    return found


def detect_preset(laag: str, columns: Iterable[str], bgt: bool) -> str:
    """Name of the source family the columns belong to."""
    keys = {key(c) for c in columns}
    if bgt:
        return "bgt"
    if laag == "buurt" and keys & {"buurtcode", "bucode"}:
        return "cbs"
    if laag == "riolering":
        if keys & {"strengref", "materiaalcode", "bobbeginnap"}:
            return "sufrib"
        gwsw = {"begindatum", "materiaalleiding", "breedteleiding", "vormleiding",
                "lengteleiding", "materiaall", "breedtelei", "vormleidin", "lengteleid"}
        if keys & gwsw:
            return "gwsw"
    if laag == "warmtenet" and "esdltype" in keys:
        return "esdl"
    if laag == "leefbaarometer" and "gridid" in keys and keys & {"lbm", "kscore", "klasse"}:
        return "lbm3"
    if laag == "straat" and keys & {"wvkid", "sttnaam"}:
        return "nwb"
    return "generic"


def is_bgt(columns: Iterable[str]) -> bool:
    """True for BGT/IMGeo attribute sets (as written by GDAL or NLExtract)."""
    keys = {key(c) for c in columns}
    return "lokaalid" in keys and bool(keys & {"bgtstatus", "eindregistratie", "bronhouder"})


def bgt_layer_name(name: str) -> str:
    """'bgt_begroeidterreindeel' and 'begroeidterreindeel' alike."""
    name = name.lower()
    return name[4:] if name.startswith("bgt_") else name


def bgt_layers_for(laag: str, layers: Iterable[str]) -> list[str]:
    """The layers of a multi-layer BGT source that feed `laag` (empty when it is no BGT set)."""
    wanted = {"groen": BGT_GREEN, "boom": BGT_TREE}.get(laag, ())
    return [name for name in layers if bgt_layer_name(name) in wanted]


def refuse_lbm2(columns: Iterable[str]) -> None:
    """Leefbaarometer 2.0 columns (RLBRMTR, RLBWON, KL18, …) cannot be read as 3.0."""
    old = [c for c in columns if LBM2.match(c.lower())]
    if old:
        raise ImportRefused(
            "Dit is een Leefbaarometer 2.0-bestand (kolommen "
            f"{', '.join(old[:6])}{', …' if len(old) > 6 else ''}). Leefbaarometer 2.0 en 3.0 "
            "gebruiken een ander model, andere dimensies en andere schaal; ze kunnen niet "
            "gemengd worden. Gebruik de Leefbaarometer 3.0 open data (grid_id, jaar, lbm, afw, "
            "fys, onv, soc, vrz, won) van leefbaarometer.nl."
        )


def derive_klasse(
    scores: pd.Series, grenzen: list[float] | None = None,
) -> tuple[pd.Series, list[float], str]:
    """Classes 1–9 from scores: given boundaries, else the 8 boundaries of 9 equal-count groups."""
    values = scores.astype("float64")
    if grenzen is None:
        present = values.dropna()
        grenzen = [float(q) for q in np.quantile(present, np.arange(1, 9) / 9)] if len(
            present) else []
        how = ("relatieve klassen: negen even grote groepen binnen dit bestand, géén officiële "
               "Leefbaarometer-klassen")
    else:
        how = "opgegeven klassegrenzen"
    if len(grenzen) != 8:
        return pd.Series(pd.NA, index=scores.index, dtype="Int64"), list(grenzen), how
    klasse = pd.Series(np.searchsorted(np.asarray(grenzen), values.to_numpy(), side="right") + 1,
                       index=scores.index).astype("Int64")
    klasse[values.isna()] = pd.NA
    return klasse, [round(g, 4) for g in grenzen], how


def required_columns(laag: str) -> tuple[str, ...]:
    """Canonical attributes without which a layer cannot be imported."""
    return {"buurt": ("buurtcode",), "warmtenet": ("status", "start_jaar"),
            "leefbaarometer": ("grid_id",), "straat": ("straatnaam",),
            "werk": ("soort", "status")}.get(laag, ())


def refuse_missing(laag: str, missing: list[str], columns: Iterable[str]) -> ImportRefused:
    """The refusal for absent required attributes, listing what the file does have."""
    cols = [c for c in columns]
    shown = ", ".join(cols[:60]) + (f", … ({len(cols)} kolommen)" if len(cols) > 60 else "")
    voorbeeld_map = f"--map {missing[0]}=<kolomnaam>"
    voorbeeld_set = {"warmtenet": "--set status=gepland --set start_jaar=2027",
                     "werk": "--set soort=water --set status=gepland"}.get(laag, "")
    return ImportRefused(
        f"Laag '{laag}' heeft {', '.join(missing)} nodig, maar die is niet gevonden. "
        f"Kolommen in het bestand: {shown or 'geen'}. Koppel een kolom met {voorbeeld_map}"
        + (f", of geef één waarde voor het hele bestand met {voorbeeld_set}" if voorbeeld_set
           else "")
        + f". Verwachte kolommen: {', '.join(LAYER_COLUMNS[laag])}."
    )
