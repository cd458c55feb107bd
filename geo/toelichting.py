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
