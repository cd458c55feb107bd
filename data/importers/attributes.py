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
    VORM_ALIASES,
    derive_klasse,
    find_column,
    key,
    refuse_missing,
    required_columns,
)
from data.importers.report import ImportReport
from data.importers.straat_werk import (
    house_numbers,
    refuse_unknown_werk_values,
    straat_checks,
    werk_checks,
)
from data.importers.validate import RowNumbers, check_limits, shown, source_name
from geo.schema import LAYER_COLUMNS, WERK_SOORTEN, WERK_STATUSES

YEARS = {"start_jaar", "eind_jaar", "aanlegjaar", "vervangingsjaar", "jaar"}
FLOATS = {"diameter_mm", "breedte_mm", "hoogte_mm", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"}
INTS = {"huisnummer_van", "huisnummer_tot"}
# werk columns normalised onto a list of values: (allowed, synonyms, cancelled)
WERK_VALUES: dict[str, tuple[tuple[str, ...], dict[str, str], set[str] | None]] = {
    "soort": (WERK_SOORTEN, nm.WERK_SOORT_SYNONIEMEN, None),
    "status": (WERK_STATUSES, nm.WERK_STATUS_SYNONIEMEN, nm.WERK_VERVALLEN),
}
BU_CODE = re.compile(r"^BU\d{8}$")
BU_DIGITS = re.compile(r"\d{8}")


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
    rows: RowNumbers | None = None,
) -> pd.DataFrame:
    """Canonical columns (without geometry) typed, normalised and checked against the
    database columns; the caller adds ids. `rows` says how the user numbers the rows."""
    rows = rows or RowNumbers()
    counts: Counter[str] = Counter()
    values = values or {}
    out = pd.DataFrame(index=frame.index)
    unknown: dict[str, Counter[str]] = {}
    for canon in LAYER_COLUMNS[laag]:
        if canon in values:
            raw = pd.Series([values[canon]] * len(frame), index=frame.index, dtype=object)
        elif canon in found:
            raw = frame[found[canon]]
        else:
            raw = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        if laag == "werk" and canon in WERK_VALUES:
            allowed, synonyms, cancelled = WERK_VALUES[canon]
            out[canon], unknown[canon] = nm.normalise_werk_value(
                raw, canon, allowed, synonyms, counts, cancelled)
        else:
            out[canon] = _typed(canon, raw, counts, report)
    report.normalised(counts)
    if laag == "werk":  # before the length checks: an unknown value is the clearer message
        refuse_unknown_werk_values(out, frame, unknown, found, values, rows)
    check_limits(laag, out, found, values, rows)
    if laag == "buurt":
        _buurt_checks(out, found, values, report, rows)
    elif laag == "warmtenet":
        out = _warmtenet_checks(out, report)
    elif laag == "riolering":
        _riolering_checks(out, found, values, report)
        _pipe_sizes(out, frame, found, report)
    elif laag == "leefbaarometer":
        _leefbaarometer_klasse(out, found, report, klassegrenzen)
    elif laag == "straat":
        out = straat_checks(out, frame, found, values, report)
    elif laag == "werk":
        out = werk_checks(out, found, values, report, rows)
    return out


def _typed(canon: str, raw: pd.Series, counts: Counter[str], report: ImportReport) -> pd.Series:
    if canon in YEARS:
        return nm.normalise_year(raw, canon, counts)
    if canon in FLOATS:
        return nm.normalise_number(raw, canon, counts)
    if canon in INTS:
        return house_numbers(nm.normalise_number(raw, canon, counts))
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


def buurtcodes(
    codes: pd.Series, source: str, rows: RowNumbers, counts: Counter[str],
) -> pd.Series:
    """Buurtcodes in the CBS form BU + 8 digits: the one rule for codes written otherwise.

    'bu03440101' is upper-cased and a bare 8-digit code ('03440101', as BGT and some municipal
    files write it) gets 'BU' in front, both counted in the report; anything else (missing,
    another length, letters) refuses the file, naming the rows, because a buurt whose code
    matches no CBS buurt cannot be joined to the other data.
    """
    text = codes.astype("string").str.strip()
    upper = text.str.upper()
    counts["buurtcode: kleine letters → hoofdletters (bu → BU)"] += int(
        (upper.ne(text) & upper.str.match(BU_CODE)).fillna(False).sum())
    digits = upper.str.fullmatch(BU_DIGITS).fillna(False)
    counts["buurtcode: 8 cijfers zonder BU → BU ervoor gezet"] += int(digits.sum())
    fixed = upper.where(~digits, "BU" + upper)
    bad = ~fixed.str.match(BU_CODE).fillna(False)
    if bad.any():
        example = codes[bad].iloc[0]
        value = "leeg" if nm.is_missing(example) else shown(example)
        raise ImportRefused(
            f"Buurtcode niet in de CBS-vorm BU + 8 cijfers (zoals BU03440101) in "
            f"{rows.describe(codes.index[bad.to_numpy(dtype=bool)], int(bad.sum()))} ({source}), "
            f"bijvoorbeeld {value}. Er is niets geladen. Een code van 8 cijfers krijgt "
            "vanzelf BU ervoor; verbeter de andere codes, of koppel de juiste kolom met "
            "--map buurtcode=…."
        )
    return fixed.astype(object)


def _buurt_checks(
    out: pd.DataFrame, found: dict[str, str], values: dict[str, str], report: ImportReport,
    rows: RowNumbers,
) -> None:
    counts: Counter[str] = Counter()
    out["buurtcode"] = buurtcodes(out["buurtcode"], source_name("buurtcode", found, values),
                                  rows, counts)
    report.normalised(counts)
    codes = out["buurtcode"]
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
    for column in ("diameter_mm", "breedte_mm", "hoogte_mm"):
        size = out[column]
        if size.notna().any() and size.max() <= 3:
            out[column] = size * 1000
            melding = f"{column} leek in meters te staan (alle ≤ 3) en is ×1000 gedaan."
            if melding not in report.meldingen:
                report.meldingen.append(melding)
        bad = out[column] <= 0
        if bad.any():
            out.loc[bad, column] = float("nan")
            report.normalised({f"{column} ≤ 0 → leeg": int(bad.sum())})


ROND = {"rond", "cirkelvormig", "cirkel", "circulair", "round", "circular", "circle"}
VORM_ONBEKEND = {"onbekend", "unknown", "nb", "overig"}


def pipe_shape(value: object) -> str | None:
    """'rond', another shape's name (lowercase), or None when unknown (GWSW URIs read too)."""
    if nm.is_missing(value):
        return None
    term = nm.uri_term(str(value).strip())
    k = key(term)
    if not k or k in VORM_ONBEKEND:
        return None
    if k in ROND or k.startswith("rond") or k.startswith("cirkel"):
        return "rond"
    return term.lower()


def _pipe_sizes(
    out: pd.DataFrame, frame: pd.DataFrame, found: dict[str, str], report: ImportReport,
) -> None:
    """A width (GWSW BreedteLeiding) is a diameter only for round pipes (DATA.md).

    Round pipes, and pipes whose shape is not given (no VormLeiding column, or an empty or
    unknown value), take the width as diameter when the file has no diameter; pipes of another
    shape (eivormig, rechthoekig, …) keep breedte_mm and hoogte_mm and get no diameter.
    """
    width = out["breedte_mm"].notna() & out["diameter_mm"].isna()
    if not width.any():
        return
    column = find_column([str(c) for c in frame.columns], VORM_ALIASES, set(found.values()))
    bron = found.get("breedte_mm", "breedte")
    if column is None:
        out.loc[width, "diameter_mm"] = out.loc[width, "breedte_mm"]
        report.normalised({f"geen kolom VormLeiding: {bron} als diameter genomen (aangenomen "
                           "rond)": int(width.sum())})
        return
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    shapes = pd.Series([pipe_shape(u) for u in uniques] + [None], dtype=object)
    shape = pd.Series(shapes.to_numpy()[codes], index=frame.index).loc[out.index]
    rond = width & shape.eq("rond")
    unknown = width & shape.isna()
    other = width & ~rond & ~unknown
    out.loc[rond | unknown, "diameter_mm"] = out.loc[rond | unknown, "breedte_mm"]
    counts = {f"{column} rond: {bron} als diameter": int(rond.sum()),
              f"{column} leeg of onbekend: {bron} als diameter": int(unknown.sum())}
    for vorm, n in shape[other].value_counts().items():
        counts[f"{column} {vorm} (niet rond): breedte_mm en hoogte_mm bewaard, geen "
               "diameter"] = int(n)
    report.normalised(counts)


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
