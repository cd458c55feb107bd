"""Value normalisation: materials, stelseltype, status, years, numbers, CBS secrecy codes."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

MATERIALEN: dict[str, str] = {
    "pvc": "pvc", "pvcu": "pvc", "upvc": "pvc", "pvcunplasticised": "pvc",
    "polyvinylchloride": "pvc",
    "beton": "beton", "bet": "beton", "betn": "beton", "ongewapendbeton": "beton",
    "gewapendbeton": "gewapend beton", "betongewapend": "gewapend beton", "gwb": "gewapend beton",
    "gres": "gres", "grs": "gres", "gresbuis": "gres", "steengoed": "gres",
    "pe": "pe", "hdpe": "pe", "pehd": "pe", "ldpe": "pe", "polyethyleen": "pe",
    "polyetheen": "pe",
    "gietijzer": "gietijzer", "gij": "gietijzer", "gegotenijzer": "gietijzer",
    "nodulairgietijzer": "gietijzer", "ductielgietijzer": "gietijzer",
    "metselwerk": "metselwerk", "mw": "metselwerk", "mwk": "metselwerk", "baksteen": "metselwerk",
    # GWSW terms without a life span of their own in RULES.md: one spelling, default life span
    "staal": "staal", "asbestcement": "asbestcement", "ac": "asbestcement",
    "pp": "pp", "polypropyleen": "pp", "polyester": "polyester", "gvk": "polyester",
    "onbekend": "onbekend", "materiaalonbekend": "onbekend",
}

STATUSSEN: dict[str, str] = {
    "bestaand": "bestaand", "bestaande": "bestaand", "ingebruik": "bestaand",
    "inbedrijf": "bestaand", "existing": "bestaand", "gerealiseerd": "bestaand",
    "gepland": "gepland", "planned": "gepland", "plan": "gepland", "ontwerp": "gepland",
    "voorlopig": "gepland", "concept": "gepland", "toekomstig": "gepland", "voorgenomen": "gepland",
    "inaanleg": "in_uitvoering", "inuitvoering": "in_uitvoering", "aanleg": "in_uitvoering",
    "uitvoering": "in_uitvoering", "underconstruction": "in_uitvoering",
}

# RULES.md §9: soort of a werk; keys are lowercase alphanumerics of the source value
WERK_SOORT_SYNONIEMEN: dict[str, str] = {
    "riool": "riolering", "riolen": "riolering", "rioolvervanging": "riolering",
    "rioolrenovatie": "riolering", "rioleringsvervanging": "riolering",
    "warmte": "warmtenet", "warmtenetten": "warmtenet", "stadsverwarming": "warmtenet",
    "wegen": "weg", "asfalt": "weg", "verharding": "weg", "wegonderhoud": "weg",
    "bestrating": "weg", "herbestrating": "weg", "wegreconstructie": "weg",
    "drinkwater": "water", "waterleiding": "water", "drinkwaterleiding": "water",
    "elektra": "elektriciteit", "stroom": "elektriciteit", "enet": "elektriciteit",
    "electriciteit": "elektriciteit", "elektriciteitsnet": "elektriciteit",
    "gasnet": "gas", "gasleiding": "gas", "aardgas": "gas",
    "glasvezel": "telecom", "telecommunicatie": "telecom", "data": "telecom",
    "groenvoorziening": "groen", "vergroening": "groen", "beplanting": "groen",
    "klimaat": "klimaatadaptatie", "klimaatadaptief": "klimaatadaptatie",
    "woning": "woningen", "renovatie": "woningen", "woningrenovatie": "woningen",
    "woningbouw": "woningen", "nieuwbouw": "woningen",
    "overige": "overig", "anders": "overig",
}
# RULES.md §9: status of a werk; a cancelled work is no work (skipped, not refused)
WERK_STATUS_SYNONIEMEN: dict[str, str] = {
    "idee": "idee", "initiatief": "idee", "verkenning": "idee", "wens": "idee",
    "gepland": "gepland", "planned": "gepland", "plan": "gepland", "ontwerp": "gepland",
    "voorbereiding": "gepland", "invoorbereiding": "gepland", "voorgenomen": "gepland",
    "toekomstig": "gepland", "concept": "gepland", "geprogrammeerd": "gepland",
    "inuitvoering": "in_uitvoering", "inaanleg": "in_uitvoering", "uitvoering": "in_uitvoering",
    "aanleg": "in_uitvoering", "lopend": "in_uitvoering", "underconstruction": "in_uitvoering",
    "afgerond": "afgerond", "gereed": "afgerond", "opgeleverd": "afgerond", "klaar": "afgerond",
    "voltooid": "afgerond", "gerealiseerd": "afgerond", "completed": "afgerond",
}
WERK_VERVALLEN = {"vervallen", "geannuleerd", "ingetrokken", "cancelled", "geschrapt"}
VERVALLEN = "vervallen"  # the value normalise_werk_value gives a cancelled work

WATER_TRUE = {"ja", "j", "true", "1", "yes", "y", "t", "waar"}
WATER_FALSE = {"nee", "n", "false", "0", "no", "f", "onwaar"}
URI = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|urn:)", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d|21\d\d)(?!\d)")


def _key(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.lower())


def uri_term(value: str) -> str:
    """The term of a linked-data URI (last path segment, or what follows '#'); else the value.

    GWSW/PDOK exports give materials and types as http://data.gwsw.nl/1.4/totaal/Gres.
    """
    if not URI.match(value):
        return value
    tail = value.rstrip("/#")
    for sep in ("#", "/", ":"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
            break
    return tail or value


def is_missing(value: Any) -> bool:
    """True for None, NaN, NA and blank strings."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _factorize(series: pd.Series) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Codes (-1 for missing), the distinct values, and how often each occurs."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return codes, list(uniques), counts


def _take(results: list[Any], codes: np.ndarray, fill: Any = None) -> np.ndarray:
    table = np.empty(len(results) + 1, dtype=object)
    table[:-1] = results
    table[-1] = fill
    return table[codes]  # code -1 picks the fill value


def _take_text(results: list[str | None], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A str Series of results[code] (code -1 and None: missing), without a Python object per
    row: Arrow takes from the distinct values."""
    picked = pc.take(pa.array(results, type=pa.large_string()),
                     pa.array(codes, mask=codes < 0, type=pa.int64()))
    return pd.Series(ArrowStringArray(picked, dtype=pd.StringDtype("pyarrow", np.nan)),
                     index=index)


def _take_int(results: list[int | None], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """An Int64 Series of results[code] (code -1 and None: missing), built from arrays."""
    missing = np.array([r is None for r in results] + [True])
    values = np.array([0 if r is None else r for r in results] + [0], dtype=np.int64)
    return pd.Series(pd.arrays.IntegerArray(values[codes], missing[codes]), index=index)


def normalise_text(series: pd.Series) -> pd.Series:
    """Strings stripped; floats that are whole numbers without '.0'; blanks → missing."""
    if series.dtype.kind in "iub":
        return series.astype("str")
    if series.dtype.kind == "f":
        values = [None if is_missing(v) else _text(v) for v in series.drop_duplicates()]
        lookup = dict(zip(series.drop_duplicates(), values, strict=True))
        return series.map(lookup).astype("str")
    if isinstance(series.array, ArrowStringArray):  # Arrow strings: no Python loop per value
        # utf8_trim_whitespace strips exactly what str.strip() strips (checked for every code
        # point, tests/data/test_normalise_fast.py)
        trimmed = pc.utf8_trim_whitespace(pa.array(series.array))
        trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)
        return pd.Series(ArrowStringArray(trimmed, dtype=pd.StringDtype("pyarrow", np.nan)),
                         index=series.index)
    text = series.astype(object)
    is_str = text.map(type).eq(str).to_numpy()
    out = np.empty(len(text), dtype=object)
    stripped = text[is_str].str.strip()
    out[is_str] = stripped.where(stripped != "", None).to_numpy()
    other = ~is_str
    if other.any():
        out[other] = [None if is_missing(v) else _text(v) for v in text[other]]
    return pd.Series(out, index=series.index, dtype="str")


def _mapped(
    series: pd.Series, column: str, fn: Callable[[str], str | None], counts: Counter[str],
) -> pd.Series:
    codes, uniques, n = _factorize(series)
    raws = [None if is_missing(u) else _text(u) for u in uniques]
    news = [None if raw is None else fn(raw) for raw in raws]
    for raw, new, k in zip(raws, news, n, strict=True):
        if raw is not None and new != raw:
            counts[f"{column}: '{raw}' → " + (f"'{new}'" if new is not None else "leeg")] += int(k)
    return _take_text(news, codes, series.index)


def normalise_materiaal(series: pd.Series, counts: Counter[str]) -> pd.Series:
    """Pipe material to one spelling (pvc, beton, gewapend beton, gres, pe, …), else lowercased."""
    def one(raw: str) -> str:
        term = uri_term(raw)
        return MATERIALEN.get(_key(term), term.lower())

    return _mapped(series, "materiaal", one, counts)


def _stelsel(raw: str) -> str:
    key = _key(uri_term(raw))
    if "gemengd" in key or key in ("gem", "gmd", "combined"):
        return "gemengd"
    if key in ("hwa", "rwa") or any(w in key for w in ("hemelwater", "regenwater", "hwa", "rwa")):
        return "hemelwater"
    if "infiltratie" in key:  # infiltration sewers carry rain water
        return "hemelwater"
    if key == "dwa" or any(w in key for w in ("vuilwater", "droogweer", "dwa", "afvalwater")):
        return "vuilwater"
    if key in ("onbekend", "unknown", "nb", "") or "onbekend" in key:
        return "onbekend"
    return "overig"


def normalise_stelseltype(series: pd.Series, counts: Counter[str]) -> pd.Series:
    """Stelsel names (GemengdStelsel, 'vuilwater (DWA)', HWA, …) to the canonical types."""
    out = _mapped(series, "stelseltype", _stelsel, counts)
    return out.fillna("onbekend")


def normalise_status(series: pd.Series, counts: Counter[str]) -> tuple[pd.Series, Counter[str]]:
    """Warmtenet status to bestaand/gepland/in_uitvoering; unrecognised values counted apart."""
    codes, uniques, n = _factorize(series)
    unknown: Counter[str] = Counter()
    results: list[str | None] = []
    for value, k in zip(uniques, n, strict=True):
        raw = None if is_missing(value) else _text(value)
        found = STATUSSEN.get(_key(raw)) if raw is not None else None
        if raw is not None and found is None:
            unknown[raw] += int(k)
        elif raw is not None and found != raw:
            counts[f"status: '{raw}' → '{found}'"] += int(k)
        results.append(found)
    return _take_text(results, codes, series.index), unknown


def parse_year(value: Any) -> int | None:
    """A year from 1993, 1993.0, '1993-05-01', '01-05-1993', dates; None when unreadable."""
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return int(value.year)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1600 <= value <= 2199:
            return int(value)
        return None
    found = YEAR.findall(str(value))
    return int(found[0]) if len(set(found)) == 1 else None


def normalise_year(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """Years as Int64; unreadable values ('onbekend', '19xx', 0) become missing and are counted."""
    codes, uniques, n = _factorize(series)
    years = [None if is_missing(v) else parse_year(v) for v in uniques]
    bad = sum(int(k) for v, y, k in zip(uniques, years, n, strict=True)
              if y is None and not is_missing(v))
    if bad:
        counts[f"{column} onleesbaar → leeg"] += bad
    return _take_int(years, codes, series.index)


def _float(value: Any) -> float | None:
    if is_missing(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = re.search(r"-?\d+(?:[.,]\d+)?", str(value))
    return float(match.group(0).replace(",", ".")) if match else None


def normalise_number(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """Numbers as float; text like '250 mm' or '0,25' is read, the rest counted and emptied."""
    if series.dtype.kind in "iuf":
        return series.astype("float64")
    codes, uniques, n = _factorize(series)
    numbers = [_float(v) for v in uniques]
    bad = sum(int(k) for v, x, k in zip(uniques, numbers, n, strict=True)
              if x is None and not is_missing(v))
    if bad:
        counts[f"{column} onleesbaar → leeg"] += bad
    return pd.Series(_take(numbers, codes), index=series.index).astype("float64")


def normalise_cbs_count(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """CBS counts as Int64; secrecy codes (-99999999, -99995, -99997) and negatives → missing."""
    numbers = normalise_number(series, column, counts)
    secret = numbers < 0
    for code, n in Counter(int(v) for v in numbers[secret]).items():
        counts[f"{column}: CBS-geheimhoudingscode {code} → leeg"] += n
    numbers[secret] = math.nan
    return numbers.round().astype("Int64")


def _bool(value: Any) -> bool | None:
    key = _text(value).lower()
    return True if key in WATER_TRUE else False if key in WATER_FALSE else None


def normalise_bool(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """'JA'/'NEE', true/false, 1/0 to a nullable boolean."""
    codes, uniques, n = _factorize(series)
    results = []
    for value, k in zip(uniques, n, strict=True):
        result = None if is_missing(value) else _bool(value)
        if result is None and not is_missing(value):
            counts[f"{column}: '{value}' onbekend → leeg"] += int(k)
        results.append(result)
    return pd.Series(_take(results, codes), index=series.index, dtype="boolean")


def normalise_class(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """Leefbaarometer class 1–9 as Int64; anything else missing and counted."""
    numbers = normalise_number(series, column, counts)
    bad = numbers.notna() & ~numbers.isin(range(1, 10))
    if bad.any():
        counts[f"{column} buiten 1–9 → leeg"] += int(bad.sum())
        numbers[bad] = math.nan
    return numbers.astype("Int64")


def normalise_werk_value(
    series: pd.Series, column: str, allowed: tuple[str, ...], synonyms: dict[str, str],
    counts: Counter[str], cancelled: set[str] | None = None,
) -> tuple[pd.Series, Counter[str]]:
    """A werk's soort or status onto `allowed` (case, spaces and obvious Dutch synonyms);
    unrecognised values counted apart (value -> rows) and left missing. Values in `cancelled`
    (a status such as 'vervallen') become VERVALLEN, for the caller to skip."""
    codes, uniques, n = _factorize(series)
    unknown: Counter[str] = Counter()
    results: list[str | None] = []
    by_key = {_key(a): a for a in allowed}
    for value, k in zip(uniques, n, strict=True):
        raw = None if is_missing(value) else _text(value)
        found = None
        if raw is not None:
            key = _key(uri_term(raw))
            if cancelled is not None and key in cancelled:
                found = VERVALLEN
            else:
                found = by_key.get(key) or synonyms.get(key)
        if raw is not None and found is None:
            unknown[raw] += int(k)
        elif raw is not None and found != raw:
            counts[f"{column}: '{raw}' → '{found}'"] += int(k)
        results.append(found)
    return _take_text(results, codes, series.index), unknown
