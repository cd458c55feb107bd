"""Value normalisation: materials, stelseltype, status, years, numbers, CBS secrecy codes."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pandas as pd

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
}

STATUSSEN: dict[str, str] = {
    "bestaand": "bestaand", "bestaande": "bestaand", "ingebruik": "bestaand",
    "inbedrijf": "bestaand", "existing": "bestaand", "gerealiseerd": "bestaand",
    "gepland": "gepland", "planned": "gepland", "plan": "gepland", "ontwerp": "gepland",
    "voorlopig": "gepland", "concept": "gepland", "toekomstig": "gepland", "voorgenomen": "gepland",
    "inaanleg": "in_uitvoering", "inuitvoering": "in_uitvoering", "aanleg": "in_uitvoering",
    "uitvoering": "in_uitvoering", "underconstruction": "in_uitvoering",
}

WATER_TRUE = {"ja", "j", "true", "1", "yes", "y", "t", "waar"}
WATER_FALSE = {"nee", "n", "false", "0", "no", "f", "onwaar"}
YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d|21\d\d)(?!\d)")


def _key(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.lower())


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


def normalise_text(series: pd.Series) -> pd.Series:
    """Strings stripped; floats that are whole numbers without '.0'; blanks → missing."""
    return pd.Series([None if is_missing(v) else _text(v) for v in series],
                     index=series.index, dtype="str")


def _mapped(
    series: pd.Series, column: str, fn: Callable[[str], str | None], counts: Counter[str],
) -> pd.Series:
    out: list[str | None] = []
    for value in series:
        if is_missing(value):
            out.append(None)
            continue
        raw = _text(value)
        new = fn(raw)
        if new != raw:
            counts[f"{column}: '{raw}' → " + (f"'{new}'" if new is not None else "leeg")] += 1
        out.append(new)
    return pd.Series(out, index=series.index, dtype="str")


def normalise_materiaal(series: pd.Series, counts: Counter[str]) -> pd.Series:
    """Pipe material to one spelling (pvc, beton, gewapend beton, gres, pe, …), else lowercased."""
    return _mapped(series, "materiaal",
                   lambda raw: MATERIALEN.get(_key(raw), raw.lower()), counts)


def _stelsel(raw: str) -> str:
    key = _key(raw)
    if "gemengd" in key or key in ("gem", "gmd", "combined"):
        return "gemengd"
    if key in ("hwa", "rwa") or any(w in key for w in ("hemelwater", "regenwater", "hwa", "rwa")):
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
    out: list[str | None] = []
    unknown: Counter[str] = Counter()
    for value in series:
        raw = None if is_missing(value) else _text(value)
        found = STATUSSEN.get(_key(raw)) if raw is not None else None
        if raw is not None and found is None:
            unknown[raw] += 1
        elif raw is not None and found != raw:
            counts[f"status: '{raw}' → '{found}'"] += 1
        out.append(found)
    return pd.Series(out, index=series.index, dtype="str"), unknown


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
    out: list[int | None] = []
    bad = 0
    for value in series:
        if is_missing(value):
            out.append(None)
            continue
        year = parse_year(value)
        if year is None:
            bad += 1
        out.append(year)
    if bad:
        counts[f"{column} onleesbaar → leeg"] += bad
    return pd.Series(out, index=series.index, dtype="Int64")


def _float(value: Any) -> float | None:
    if is_missing(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = re.search(r"-?\d+(?:[.,]\d+)?", str(value))
    return float(match.group(0).replace(",", ".")) if match else None


def normalise_number(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """Numbers as float; text like '250 mm' or '0,25' is read, the rest counted and emptied."""
    out: list[float | None] = []
    bad = 0
    for value in series:
        number = _float(value)
        if number is None and not is_missing(value):
            bad += 1
        out.append(number)
    if bad:
        counts[f"{column} onleesbaar → leeg"] += bad
    return pd.Series(out, index=series.index, dtype="float64")


def normalise_cbs_count(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """CBS counts as Int64; secrecy codes (-99999999, -99995, -99997) and negatives → missing."""
    numbers = normalise_number(series, column, counts)
    secret = numbers < 0
    for code, n in Counter(int(v) for v in numbers[secret]).items():
        counts[f"{column}: CBS-geheimhoudingscode {code} → leeg"] += n
    numbers[secret] = math.nan
    return numbers.round().astype("Int64")


def normalise_bool(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """'JA'/'NEE', true/false, 1/0 to a nullable boolean."""
    out: list[bool | None] = []
    for value in series:
        if is_missing(value):
            out.append(None)
            continue
        key = _text(value).lower()
        if key in WATER_TRUE:
            out.append(True)
        elif key in WATER_FALSE:
            out.append(False)
        else:
            counts[f"{column}: '{value}' onbekend → leeg"] += 1
            out.append(None)
    return pd.Series(out, index=series.index, dtype="boolean")


def normalise_class(series: pd.Series, column: str, counts: Counter[str]) -> pd.Series:
    """Leefbaarometer class 1–9 as Int64; anything else missing and counted."""
    numbers = normalise_number(series, column, counts)
    bad = numbers.notna() & ~numbers.isin(range(1, 10))
    if bad.any():
        counts[f"{column} buiten 1–9 → leeg"] += int(bad.sum())
        numbers[bad] = math.nan
    return numbers.astype("Int64")
