"""Source attributes to the canonical columns of one layer, normalised and typed."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from data.importers import normalise as nm
from data.importers.errors import ImportRefused
from data.importers.presets import (
    DIMENSION_CLASSES,
    GREEN_SUPPORT,
    LBM_FOREIGN,
    derive_klasse,
    key,
    refuse_missing,
    required_columns,
)
from data.importers.report import ImportReport
from geo.schema import LAYER_COLUMNS

YEARS = {"start_jaar", "eind_jaar", "aanlegjaar", "vervangingsjaar", "jaar"}
FLOATS = {"diameter_mm", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"}
BU_CODE = re.compile(r"^BU\d{8}$")


def resolve_mapping(
    laag: str, columns: list[str], found: dict[str, str],
    mapping: dict[str, str] | None, values: dict[str, str] | None,
) -> dict[str, str]:
    """Recognised names overridden by the user's --map; --set columns are taken out."""
    canon_cols = LAYER_COLUMNS[laag]
    by_lower = {c.lower(): c for c in columns}
    result = dict(found)
    for canon, source in (mapping or {}).items():
        if canon not in canon_cols:
            raise ImportRefused(
                f"--map {canon}=… : '{canon}' is geen kolom van laag {laag}. "
                f"Kies uit: {', '.join(canon_cols)}."
            )
        if source.lower() not in by_lower:
            raise ImportRefused(
                f"--map {canon}={source}: kolom '{source}' staat niet in het bestand. "
                f"Kolommen: {', '.join(columns)}."
            )
        result[canon] = by_lower[source.lower()]
    for canon in values or {}:
        if canon not in canon_cols:
            raise ImportRefused(
                f"--set {canon}=… : '{canon}' is geen kolom van laag {laag}. "
                f"Kies uit: {', '.join(canon_cols)}."
            )
        result.pop(canon, None)
    return result


def check_required(
    laag: str, columns: list[str], found: dict[str, str], values: dict[str, str] | None,
    has_geometry: bool,
) -> None:
    """Refuse when an attribute the rules need is neither found, mapped nor set."""
    present = set(found) | set(values or {})
    missing = [c for c in required_columns(laag) if c not in present]
    if laag == "leefbaarometer":
        if "grid_id" in missing and has_geometry:
            missing.remove("grid_id")  # derived from the cell corners
        if not present & {"klasse", "lbm", "afw"}:
            missing.append("klasse (of lbm/afw om de klasse af te leiden)")
    if missing:
        raise refuse_missing(laag, missing, columns)


def bgt_filter(laag: str, frame: pd.DataFrame, report: ImportReport) -> pd.Series:
    """Rows of a BGT layer to keep: current objects, green verges only, trees only."""
    keys = {key(c): c for c in frame.columns}
    keep = pd.Series(True, index=frame.index)
    for name in ("eindregistratie", "terminationdate"):
        if name in keys:
            ended = frame[keys[name]].map(lambda v: not nm.is_missing(v))
            keep &= ~ended
    report.skip("niet actueel (BGT eindRegistratie)", int((~keep).sum()))
    if laag == "groen" and "plusfysiekvoorkomenondersteunendwegdeel" in keys:
        looks = pd.Series(False, index=frame.index)
        for name in ("surfacematerial", "bgtfysiekvoorkomen",
                     "plusfysiekvoorkomenondersteunendwegdeel"):
            if name in keys:
                looks |= frame[keys[name]].astype("string").str.lower().isin(GREEN_SUPPORT)
        report.skip("ondersteunend wegdeel zonder groen (verhard)", int((keep & ~looks).sum()))
        keep &= looks
    if laag == "boom" and "plustype" in keys:
        boom = frame[keys["plustype"]].astype("string").str.lower().eq("boom").fillna(False)
        report.skip("BGT-vegetatieobject is geen boom", int((keep & ~boom).sum()))
        keep &= boom
    return keep.astype(bool)


def build_attributes(
    laag: str, frame: pd.DataFrame, found: dict[str, str], values: dict[str, str] | None,
    report: ImportReport, klassegrenzen: list[float] | None = None,
) -> pd.DataFrame:
    """Canonical columns (without geometry) typed and normalised; the caller adds ids."""
    counts: Counter[str] = Counter()
    values = values or {}
    out = pd.DataFrame(index=frame.index)
    for canon in LAYER_COLUMNS[laag]:
        if canon in values:
            raw = pd.Series([values[canon]] * len(frame), index=frame.index, dtype=object)
        elif canon in found:
            raw = frame[found[canon]]
        else:
            raw = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        out[canon] = _typed(canon, raw, counts, report)
    report.normalised(counts)
    if laag == "buurt":
        _buurt_checks(out, found, report)
    elif laag == "warmtenet":
        out = _warmtenet_checks(out, report)
    elif laag == "riolering":
        _riolering_checks(out, found, values, report)
    elif laag == "leefbaarometer":
        _leefbaarometer_klasse(out, found, report, klassegrenzen)
    return out


def _typed(canon: str, raw: pd.Series, counts: Counter[str], report: ImportReport) -> pd.Series:
    if canon in YEARS:
        return nm.normalise_year(raw, canon, counts)
    if canon in FLOATS:
        return nm.normalise_number(raw, canon, counts)
    if canon == "materiaal":
        return nm.normalise_materiaal(raw, counts)
    if canon == "stelseltype":
        return nm.normalise_stelseltype(raw, counts)
    if canon == "inwoners":
        return nm.normalise_cbs_count(raw, canon, counts)
    if canon == "water":
        return nm.normalise_bool(raw, canon, counts)
    if canon == "klasse":
        return nm.normalise_class(raw, canon, counts)
    if canon == "status":
        status, unknown = nm.normalise_status(raw, counts)
        for value, n in unknown.items():
            report.skip(f"status onbekend ('{value}')", n)
        return status
    return nm.normalise_text(raw)


def _buurt_checks(out: pd.DataFrame, found: dict[str, str], report: ImportReport) -> None:
    codes = out["buurtcode"]
    odd = codes.notna() & ~codes.fillna("").str.match(BU_CODE)
    if odd.any():
        report.meldingen.append(
            f"{int(odd.sum())} buurtcodes hebben niet de CBS-vorm BU + 8 cijfers "
            f"(bijvoorbeeld '{codes[odd].iloc[0]}')."
        )
    cbs = codes.fillna("").str.match(BU_CODE)
    for canon, prefix, length in (("gemeentecode", "GM", 4), ("wijkcode", "WK", 6)):
        if canon not in found and cbs.any():
            out.loc[cbs, canon] = prefix + codes[cbs].str[2 : 2 + length]
            report.meldingen.append(f"{canon} afgeleid uit de buurtcode.")
    water = out["water"].fillna(False).astype(bool)
    if water.any():
        report.meldingen.append(f"{int(water.sum())} buurten zijn water (water = JA): geladen "
                                "en als water gemarkeerd.")


def _warmtenet_checks(out: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    unknown = out["status"].isna()
    if unknown.all() and len(out):
        raise ImportRefused(
            "Geen enkele warmtenet-status is herkend (verwacht: bestaand, gepland, in aanleg / "
            "in uitvoering). Zie de overgeslagen waarden in het rapport; geef de status voor het "
            "hele bestand met --set status=gepland, of koppel een andere kolom met --map status=…."
        )
    out = out.loc[~unknown]
    no_start = out["start_jaar"].isna() & out["status"].isin(["gepland", "in_uitvoering"])
    if no_start.any():
        report.meldingen.append(
            f"{int(no_start.sum())} geplande tracés zonder start_jaar: die doen niet mee aan de "
            "regels. Geef een jaar met --set start_jaar=…."
        )
    backwards = out["eind_jaar"].notna() & (out["eind_jaar"] < out["start_jaar"])
    if backwards.any():
        report.meldingen.append(f"{int(backwards.sum())} tracés hebben eind_jaar vóór start_jaar.")
    return out


def _riolering_checks(
    out: pd.DataFrame, found: dict[str, str], values: dict[str, str], report: ImportReport,
) -> None:
    if not ({"aanlegjaar", "vervangingsjaar"} & (set(found) | set(values))):
        report.meldingen.append(
            "Geen aanlegjaar of vervangingsjaar gevonden: het vervangingsjaar van deze riolen is "
            "onbekend en ze doen niet mee aan de regels. Koppel een kolom met --map aanlegjaar=…."
        )
    diameter = out["diameter_mm"]
    if diameter.notna().any() and diameter.max() <= 3:
        out["diameter_mm"] = diameter * 1000
        report.meldingen.append("diameter leek in meters te staan (alle ≤ 3) en is ×1000 gedaan.")
    bad = out["diameter_mm"] <= 0
    if bad.any():
        out.loc[bad, "diameter_mm"] = float("nan")
        report.normalised({"diameter_mm ≤ 0 → leeg": int(bad.sum())})


def _leefbaarometer_klasse(
    out: pd.DataFrame, found: dict[str, str], report: ImportReport,
    klassegrenzen: list[float] | None,
) -> None:
    if "lbm" in found and key(found["lbm"]) in LBM_FOREIGN:
        report.meldingen.append(
            f"Kolom '{found['lbm']}' is geen Leefbaarometer 3.0-kolom; hij is als lbm "
            "(totaalscore) "
            "gebruikt. Controleer of dat klopt."
        )
    classes = [f"{found[d]} → {d}" for d, k in DIMENSION_CLASSES.items()
               if d in found and key(found[d]) == k]
    if classes:
        melding = (
            "Geen dimensiescores in het bestand: de klassen van de dimensies zijn gebruikt "
            f"({', '.join(classes)}; 1–9, lager is slechter). Zo blijft de zwakste dimensie te "
            "bepalen, maar de waarden zijn klassen, geen scores."
        )
        if melding not in report.meldingen:
            report.meldingen.append(melding)
    if out["klasse"].notna().any():
        return
    source = "lbm" if out["lbm"].notna().any() else "afw"
    klasse, grenzen, how = derive_klasse(out[source], klassegrenzen)
    out["klasse"] = klasse
    report.meldingen.append(
        f"Geen klasse in het bestand: klasse 1–9 afgeleid uit {source} ({how}); klassegrenzen "
        f"(ondergrens klasse 2 t/m 9): {', '.join(f'{g:g}' for g in grenzen)}."
    )
