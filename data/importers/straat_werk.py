"""Checks of the layers of version 2: straat (NWB wegvakken, RULES.md §7) and werk (planned
works of any party, RULES.md §9)."""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pandas as pd

import geopandas as gpd

from data.importers import normalise as nm
from data.importers.errors import ImportRefused
from data.importers.presets import NWB_HUISNUMMERS, find_column
from data.importers.report import ImportReport
from data.importers.validate import RowNumbers, shown, source_name
from geo.schema import WERK_SOORTEN, WERK_STATUSES

SHOWN_VALUES = 5  # unknown values named in a refusal
ALLOWED = {"soort": WERK_SOORTEN, "status": WERK_STATUSES}
VOORBEELD = {"soort": "water", "status": "gepland"}


def house_numbers(numbers: pd.Series) -> pd.Series:
    """House numbers as Int64; 0, negatives and empty are 'none' (NWB writes 0 for none)."""
    values = numbers.astype("float64").round()
    return values.where(values > 0).astype("Int64")


def straat_checks(
    out: pd.DataFrame, frame: pd.DataFrame, found: dict[str, str], values: dict[str, str],
    report: ImportReport,
) -> pd.DataFrame:
    """House-number range from NWB's four columns; segments without a street name skipped."""
    given = {"huisnummer_van", "huisnummer_tot"} & (set(found) | set(values))
    if not given:
        _nwb_house_numbers(out, frame, found, report)
    unnamed = out["straatnaam"].isna()
    report.skip("wegvak zonder straatnaam (geeft geen naam aan een resultaat)",
                int(unnamed.sum()))
    return out.loc[~unnamed]


def _nwb_house_numbers(
    out: pd.DataFrame, frame: pd.DataFrame, found: dict[str, str], report: ImportReport,
) -> None:
    """huisnummer_van = the lowest non-zero of e_hnr_lnks, l_hnr_lnks, e_hnr_rhts, l_hnr_rhts;
    huisnummer_tot = the highest (DATA.md, straat)."""
    columns = [str(c) for c in frame.columns]
    used = set(found.values())
    sources = [c for c in (find_column(columns, (name,), used) for name in NWB_HUISNUMMERS)
               if c is not None]
    if not sources:
        melding = ("Geen huisnummers gevonden (NWB: e_hnr_lnks, l_hnr_lnks, e_hnr_rhts, "
                   "l_hnr_rhts): huisnummer_van en huisnummer_tot blijven leeg.")
        if melding not in report.meldingen:
            report.meldingen.append(melding)
        return
    counts: Counter[str] = Counter()
    numbers = np.column_stack([
        house_numbers(nm.normalise_number(frame[c], c, counts)).astype("float64").to_numpy()
        for c in sources])
    report.normalised(counts)
    with warnings.catch_warnings():  # a row without any number: all-NaN, gives NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanmin(numbers, axis=1), np.nanmax(numbers, axis=1)
    out["huisnummer_van"] = pd.Series(low, index=out.index).round().astype("Int64")
    out["huisnummer_tot"] = pd.Series(high, index=out.index).round().astype("Int64")
    named = ", ".join(sources)
    report.mapping.setdefault("huisnummer_van", f"laagste van {named} (0 of leeg = geen)")
    report.mapping.setdefault("huisnummer_tot", f"hoogste van {named} (0 of leeg = geen)")


def refuse_unknown_werk_values(
    out: pd.DataFrame, frame: pd.DataFrame, unknown: dict[str, Counter[str]],
    found: dict[str, str], values: dict[str, str], rows: RowNumbers,
) -> None:
    """Refuse a werk file with a soort or status that is not recognised, or empty, naming the
    values, how many rows have them and where."""
    for canon in ("soort", "status"):
        allowed = ", ".join(ALLOWED[canon])
        hint = (f"Pas de waarden in het bestand aan, geef één {canon} voor het hele bestand met "
                f"--set {canon}={VOORBEELD[canon]}, of koppel een andere kolom met "
                f"--map {canon}=<kolomnaam>.")
        bad = unknown.get(canon) or Counter()
        if bad and canon in values:
            raise ImportRefused(
                f"--set {canon}=…: {shown(values[canon])} is geen bekende {canon}. "
                f"Kies uit: {allowed}."
            )
        if bad:
            source = frame[found[canon]]
            text = source.map(lambda v: None if nm.is_missing(v) else nm._text(v))
            parts = []
            for value, n in bad.most_common(SHOWN_VALUES):
                where = text.index[(text == value).to_numpy(dtype=bool)]
                parts.append(f"{shown(value)} in {rows.describe(where, n)}")
            more = (f" en nog {len(bad) - SHOWN_VALUES} andere waarden"
                    if len(bad) > SHOWN_VALUES else "")
            raise ImportRefused(
                f"Onbekende {canon} ({source_name(canon, found, values)}): "
                f"{'; '.join(parts)}{more}. Er is niets geladen. Toegestaan: {allowed}. {hint}"
            )
        empty = out[canon].isna().to_numpy(dtype=bool)
        if empty.any():
            raise ImportRefused(
                f"{canon.capitalize()} ontbreekt in "
                f"{rows.describe(out.index[empty], int(empty.sum()))} "
                f"({source_name(canon, found, values)}). Er is niets geladen. Elk werk heeft een "
                f"{canon} nodig ({allowed}). {hint}"
            )


def werk_checks(
    out: pd.DataFrame, found: dict[str, str], values: dict[str, str], report: ImportReport,
    rows: RowNumbers,
) -> pd.DataFrame:
    """Cancelled works skipped; eind_jaar before start_jaar refused by row; works without
    partij or start_jaar reported."""
    cancelled = out["status"].eq(nm.VERVALLEN).to_numpy(dtype=bool)
    report.skip("werk vervallen of geannuleerd (status)", int(cancelled.sum()))
    out = out.loc[~cancelled]
    start, eind = out["start_jaar"], out["eind_jaar"]
    backwards = (eind.notna() & start.notna() & (eind < start)).to_numpy(dtype=bool)
    if backwards.any():
        first = out.loc[backwards].iloc[0]
        raise ImportRefused(
            f"Het eind_jaar ligt vóór het start_jaar in "
            f"{rows.describe(out.index[backwards], int(backwards.sum()))} (bijvoorbeeld "
            f"start {first['start_jaar']}, eind {first['eind_jaar']}). Er is niets geladen. "
            "Verbeter de jaren, of koppel de juiste kolommen met --map start_jaar=… en "
            "--map eind_jaar=…."
        )
    if "partij" not in found and "partij" not in values:
        melding = ("Geen kolom voor de partij gevonden (gezocht: partij, organisatie, beheerder, "
                   "netbeheerder, …): de werken zijn geladen zonder partij. Geef de partij voor "
                   "het hele bestand met --set partij=…, of koppel een kolom met --map partij=….")
        if melding not in report.meldingen:
            report.meldingen.append(melding)
    else:
        report.normalised({"partij leeg: werk geladen zonder partij":
                           int(out["partij"].isna().sum())})
    report.normalised({"start_jaar leeg: werk doet niet mee aan de regels (geef een jaar met "
                       "--set start_jaar=…)": int(out["start_jaar"].isna().sum())})
    return out


def refuse_without_geometry(gdf: gpd.GeoDataFrame, rows: RowNumbers) -> None:
    """A werk without geometry cannot be placed: refuse the file, naming the rows."""
    empty = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy(dtype=bool)
    if empty.any():
        raise ImportRefused(
            f"Geen geometrie in {rows.describe(gdf.index[empty], int(empty.sum()))}. Er is "
            "niets geladen. Elk werk heeft een lijn of vlak nodig (in een CSV of XLSX: een "
            "WKT-kolom, bijvoorbeeld LINESTRING (155000 463000, 155100 463000)); vul de "
            "geometrie in of haal de rij weg."
        )


def refuse_other_partij(frame: pd.DataFrame, column: str, partij: str,
                        rows: RowNumbers) -> None:
    """--set partij (or a party's key) over a file whose own partij column names others.

    Relabelling another party's works would hide whose plan it is, so such a file is refused
    by row; rows naming the same party (case and spaces aside) or none are fine.
    """
    named = frame[column].astype("string").str.strip()
    other = (named.notna() & (named != "") & (named.str.casefold() != partij.strip().casefold()))
    other = other.fillna(False).to_numpy(dtype=bool)
    if not other.any():
        return
    names = Counter(named[other].tolist()).most_common(SHOWN_VALUES)
    listed = ", ".join(f"{shown(n)} ({k}×)" for n, k in names)
    raise ImportRefused(
        f"Het bestand noemt zelf andere partijen dan {shown(partij)} in kolom {shown(column)}: "
        f"{listed}, in {rows.describe(frame.index[other], int(other.sum()))}. Er is niets "
        f"geladen: werken van een andere partij worden niet als werk van {shown(partij)} "
        "opgeslagen. Lever alleen de eigen werken aan, of laat --set partij weg."
    )
