"""One line of Dutch per result, so that a planner can check it by hand (RULES.md §6)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo._common import cat, fmt_num_col, fmt_param, fmt_pct_col, fmt_years_col, texts
from geo.params import RuleParams

KOPPELING: dict[str, str] = {
    "fys": "herinrichting openbare ruimte",
    "onv": "sociale veiligheid (verlichting, zichtlijnen)",
    "soc": "ontmoetingsplekken en bewoners vroeg betrekken",
    "vrz": "voorzieningen",
    "won": "woningrenovatie gelijk met de aansluiting",
}


def _pct_param(share: float) -> str:
    return f"{fmt_param(round(share * 100, 6))}%"


def sectie_text(naam: object, warmtenet_id: object, sectie_id: object,
                start: pd.Series, eind: pd.Series) -> np.ndarray:
    """Per section 'Warmtenet 'Noordtracé' sectie WN1#3 (2027–2028)'; naam may be null."""
    naam_t = texts(naam)
    label = np.where(naam_t != "", cat("'", naam_t, "'"), texts(warmtenet_id))
    return cat("Warmtenet ", label, " sectie ", texts(sectie_id), " (",
               fmt_years_col(start, eind), ")")


def riool_text(riool_id: object, materiaal: object, stelseltype: object,
               due_text: object) -> np.ndarray:
    """Per pipe 'riool R123 (beton, gemengd, aanleg 1969 + levensduur 60 = 2029)'."""
    mat, stelsel = texts(materiaal), texts(stelseltype)
    mat = np.where(mat != "", mat, "materiaal onbekend")
    stelsel = np.where(stelsel != "", stelsel, "stelsel onbekend")
    return cat("riool ", texts(riool_id), " (", mat, ", ", stelsel, ", ", texts(due_text), ")")


def r1_text(sectie: np.ndarray, riool: np.ndarray, afstand: np.ndarray, lengte: np.ndarray,
            jaarverschil: np.ndarray, params: RuleParams) -> np.ndarray:
    """Explanations of R1 werk_met_werk results, one per row."""
    verschil = np.asarray(jaarverschil, dtype=np.int64)
    teken = cat(np.where(verschil >= 0, "+", "-"), np.abs(verschil).astype(str))
    return cat("Werk met werk: ", sectie, " ligt op ", fmt_num_col(afstand), " m van ", riool,
               " over ", fmt_num_col(lengte), " m, jaarverschil ", teken,
               f" jaar; drempels: afstand ≤ {fmt_param(params.afstand_m)} m, marge ± "
               f"{params.marge_jaar} jaar, minimaal {fmt_param(params.min_lengte_m)} m.")


def r2_text(sectie: np.ndarray, groen_m2: np.ndarray, strook_m2: np.ndarray,
            params: RuleParams) -> np.ndarray:
    """Explanations of R2 vergroenen results, one per row."""
    return cat("Vergroenen: ", sectie,
               f"; groen in de strook van {fmt_param(params.groen_buffer_m)} m rond de sectie is ",
               fmt_num_col(groen_m2, 0), " van ", fmt_num_col(strook_m2, 0), " m² = ",
               fmt_pct_col(np.asarray(groen_m2) / np.asarray(strook_m2)),
               f"; drempel: groen_aandeel < {_pct_param(params.groen_drempel)}.")


def r2b_text(sectie: np.ndarray, aantal: np.ndarray, eerste_tien: np.ndarray,
             dichtstbij: np.ndarray, params: RuleParams) -> np.ndarray:
    """Explanations of R2b boomconflict results; `eerste_tien`: the first ten tree ids joined
    by ', ' (of `aantal` in all)."""
    aantal = np.asarray(aantal, dtype=np.int64)
    shown = np.where(aantal <= 10, eerste_tien, cat(eerste_tien, ", …"))
    woord = np.where(aantal == 1, "boom", "bomen")
    afstand = fmt_param(params.boom_afstand_m)
    return cat("Boomconflict: ", sectie, f" ligt binnen {afstand} m van ", aantal.astype(str),
               " ", woord, " (", shown, "; dichtstbij ", fmt_num_col(dichtstbij),
               f" m); drempel: boomafstand ≤ {afstand} m.")


def r3_text(sectie: np.ndarray, laag_m: np.ndarray, lengte: np.ndarray, jaar: int,
            laagste: pd.Series, dimensie: pd.Series, waarde: np.ndarray,
            params: RuleParams) -> np.ndarray:
    """Explanations of R3 leefbaarheid results; laagste, dimensie and waarde may be null."""
    lengte = np.asarray(lengte, dtype=float)
    aandeel = np.divide(laag_m, lengte, out=np.zeros(len(lengte)), where=lengte != 0)
    klasse = np.where(laagste.isna().to_numpy(dtype=bool), "onbekend",
                      texts(laagste.astype(object)))
    text = cat("Leefbaarheid: ", sectie, " loopt over ", fmt_num_col(laag_m), " van ",
               fmt_num_col(lengte), " m (", fmt_pct_col(aandeel),
               f") door leefbaarometercellen met klasse ≤ {params.klasse_max} (jaar {jaar}); "
               "laagste klasse ", klasse)
    dim = texts(dimensie)
    has_dim = (dim != "") & ~np.isnan(np.asarray(waarde, dtype=float))
    if has_dim.any():
        extra = cat("; zwakste dimensie ", dim, " (gewogen gemiddelde ", fmt_num_col(waarde, 3),
                    "): ", texts(dimensie.map(KOPPELING)))
        text = np.where(has_dim, cat(text, extra), text)
    return cat(text, f"; drempel: aandeel ≥ {_pct_param(params.laag_aandeel_min)}.")


def r4_text(riool: np.ndarray, peiljaar: int, groen_m2: np.ndarray, strook_m2: np.ndarray,
            params: RuleParams) -> np.ndarray:
    """Explanations of R4 afkoppelen results, one per row."""
    return cat("Afkoppelen: ", riool, f" valt in {peiljaar}–{peiljaar + params.horizon_jaar}; "
               f"groen in de strook van {fmt_param(params.groen_buffer_m)} m rond het riool is ",
               fmt_num_col(groen_m2, 0), " van ", fmt_num_col(strook_m2, 0), " m² = ",
               fmt_pct_col(np.asarray(groen_m2) / np.asarray(strook_m2)),
               f"; drempels: horizon {params.horizon_jaar} jaar, "
               f"groen_aandeel < {_pct_param(params.groen_drempel)}.")


# RULES.md §9: per soort of work what a party does, and the same said without a party.
WERK_DOET: dict[str, tuple[str, str]] = {
    "elektriciteit": ("verzwaart het elektriciteitsnet", "het elektriciteitsnet wordt verzwaard"),
    "gas": ("haalt de gasleiding weg", "de gasleiding wordt weggehaald"),
    "water": ("vervangt de waterleiding", "de waterleiding wordt vervangen"),
    "telecom": ("legt glasvezel of kabels", "er komen glasvezel of kabels"),
    "weg": ("vernieuwt de weg", "de weg wordt vernieuwd"),
    "groen": ("richt het groen opnieuw in", "het groen wordt opnieuw ingericht"),
    "klimaatadaptatie": ("maakt de straat klimaatbestendig",
                         "de straat wordt klimaatbestendig gemaakt"),
    "woningen": ("renoveert woningen", "woningen worden gerenoveerd"),
    "riolering": ("vervangt het riool", "het riool wordt vervangen"),
    "warmtenet": ("legt het warmtenet aan", "het warmtenet wordt aangelegd"),
    "overig": ("voert werk uit", "er wordt gewerkt"),
}


def werk_clause(eenheid: object, naam: object, partij: object, soort: object,
                start: pd.Series, eind: pd.Series) -> np.ndarray:
    """Per werk unit 'Liander verzwaart het elektriciteitsnet in 2029 (werk W7#0 'Kabel
    Noord')'; without partij 'het elektriciteitsnet wordt verzwaard in 2029 (…)'. An unknown
    soort reads as overig; naam, partij and soort may be null."""
    soort_t = texts(soort)
    soort_t = np.where(np.isin(soort_t, list(WERK_DOET)), soort_t, "overig")
    doet = np.asarray([WERK_DOET[s][0] for s in soort_t.tolist()], dtype=str)
    gedaan = np.asarray([WERK_DOET[s][1] for s in soort_t.tolist()], dtype=str)
    partij_t, naam_t = texts(partij), texts(naam)
    if len(soort_t) == 0:
        return np.zeros(0, dtype="U1")
    clause = np.where(partij_t != "", cat(partij_t, " ", doet), gedaan)
    detail = np.where(naam_t != "", cat("werk ", texts(eenheid), " '", naam_t, "'"),
                      cat("werk ", texts(eenheid)))
    return cat(clause, " in ", fmt_years_col(start, eind), " (", detail, ")")


def warmtenet_clause(naam: object, sectie_id: object, start: pd.Series,
                     eind: pd.Series) -> np.ndarray:
    """Per heat section 'het warmtenet wordt aangelegd in 2027–2028 (sectie WN1#0 van
    'Noordtracé')'; naam may be null."""
    naam_t = texts(naam)
    if len(naam_t) == 0:
        return np.zeros(0, dtype="U1")
    van = np.where(naam_t != "", cat(" van '", naam_t, "'"), "")
    return cat("het warmtenet wordt aangelegd in ", fmt_years_col(start, eind), " (sectie ",
               texts(sectie_id), van, ")")


def riool_clause(riool_id: object, materiaal: object, stelseltype: object,
                 due_text: object) -> np.ndarray:
    """Per pipe 'het riool R123 (beton, gemengd, aanleg 1969 + levensduur 60 = 2029) is aan
    vervanging toe'."""
    label = riool_text(riool_id, materiaal, stelseltype, due_text)
    if len(label) == 0:
        return np.zeros(0, dtype="U1")
    return cat("het ", label, " is aan vervanging toe")


def _plaats(afstand: np.ndarray, lengte: np.ndarray, oppervlak: np.ndarray,
            vlak: np.ndarray) -> np.ndarray:
    """Where two units meet: distance and shared length, or the overlap of two polygons."""
    return np.where(vlak, cat("overlappen ", fmt_num_col(np.nan_to_num(oppervlak), 0), " m²"),
                    cat("liggen ", fmt_num_col(np.nan_to_num(afstand)), " m uit elkaar over ",
                        fmt_num_col(np.nan_to_num(lengte)), " m"))


def r5_text(a: np.ndarray, b: np.ndarray, gap: np.ndarray, afstand: np.ndarray,
            lengte: np.ndarray, oppervlak: np.ndarray, vlak: np.ndarray,
            params: RuleParams) -> np.ndarray:
    """Explanations of R5 werk_met_werk results (RULES.md §9); `a`, `b`: the units' clauses,
    `vlak`: two polygon works (then `oppervlak` counts, else distance and shared length)."""
    if len(a) == 0:
        return np.zeros(0, dtype="U1")
    vlak = np.asarray(vlak, dtype=bool)
    marge = f"marge ± {params.marge_jaar} jaar"
    drempels = np.where(
        vlak, f"drempels: overlap minimaal {fmt_param(params.min_oppervlak_m2)} m², {marge}.",
        f"drempels: afstand ≤ {fmt_param(params.afstand_m)} m, {marge}, "
        f"minimaal {fmt_param(params.min_lengte_m)} m.")
    return cat("Werk met werk: ", a, " en ", b, ": de straat hoeft maar één keer open. Ze ",
               _plaats(afstand, lengte, oppervlak, vlak), ", ",
               np.asarray(gap, dtype=np.int64).astype(str), " jaar ertussen; ", drempels)


def r5b_text(a: np.ndarray, b: np.ndarray, gap: np.ndarray, jaar1: np.ndarray,
             jaar2: np.ndarray, afstand: np.ndarray, lengte: np.ndarray,
             oppervlak: np.ndarray, vlak: np.ndarray, params: RuleParams) -> np.ndarray:
    """Explanations of R5b dubbel_open knelpunten (RULES.md §9); `jaar1`, `jaar2`: the end of
    the earlier work and the start of the later one."""
    if len(a) == 0:
        return np.zeros(0, dtype="U1")
    vlak = np.asarray(vlak, dtype=bool)
    tijd = (f"marge {params.marge_jaar} jaar < verschil ≤ graafrust "
            f"{params.graafrust_jaar} jaar")
    drempels = np.where(
        vlak, f"drempels: overlap minimaal {fmt_param(params.min_oppervlak_m2)} m², {tijd}.",
        f"drempels: afstand ≤ {fmt_param(params.afstand_m)} m, "
        f"minimaal {fmt_param(params.min_lengte_m)} m, {tijd}.")
    return cat("Dubbel open: ", a, " en ", b, ": de straat gaat binnen ",
               np.asarray(gap, dtype=np.int64).astype(str), " jaar twee keer open (",
               np.asarray(jaar1, dtype=np.int64).astype(str), " en ",
               np.asarray(jaar2, dtype=np.int64).astype(str),
               "); schuif een van beide op. Ze ",
               _plaats(afstand, lengte, oppervlak, vlak), "; ",
               drempels)
