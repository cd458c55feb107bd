"""One line of Dutch per result, so that a planner can check it by hand (RULES.md §6)."""

from __future__ import annotations

from geo._common import fmt_num, fmt_param, fmt_pct, fmt_years
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


def sectie_text(naam: str | None, warmtenet_id: str, sectie_id: str,
                start: object, eind: object) -> str:
    """'Warmtenet 'Noordtracé' sectie WN1#3 (2027–2028)'."""
    label = f"'{naam}'" if naam else warmtenet_id
    return f"Warmtenet {label} sectie {sectie_id} ({fmt_years(start, eind)})"


def riool_text(riool_id: str, materiaal: str | None, stelseltype: str | None,
               due_text: str) -> str:
    """'riool R123 (beton, gemengd, aanleg 1969 + levensduur 60 = 2029)'."""
    return (f"riool {riool_id} ({materiaal or 'materiaal onbekend'}, "
            f"{stelseltype or 'stelsel onbekend'}, {due_text})")


def r1_text(sectie: str, riool: str, afstand: float, lengte: float, jaarverschil: int,
            params: RuleParams) -> str:
    """Explanation of an R1 werk_met_werk result."""
    return (f"Werk met werk: {sectie} ligt op {fmt_num(afstand)} m van {riool} over "
            f"{fmt_num(lengte)} m, jaarverschil {jaarverschil:+d} jaar; drempels: afstand ≤ "
            f"{fmt_param(params.afstand_m)} m, marge ± {params.marge_jaar} jaar, minimaal "
            f"{fmt_param(params.min_lengte_m)} m.")


def r2_text(sectie: str, groen_m2: float, strook_m2: float, params: RuleParams) -> str:
    """Explanation of an R2 vergroenen result."""
    return (f"Vergroenen: {sectie}; groen in de strook van {fmt_param(params.groen_buffer_m)} m "
            f"rond de sectie is {fmt_num(groen_m2, 0)} van {fmt_num(strook_m2, 0)} m² = "
            f"{fmt_pct(groen_m2 / strook_m2)}; drempel: groen_aandeel < "
            f"{_pct_param(params.groen_drempel)}.")


def r2b_text(sectie: str, boom_ids: list[str], dichtstbij: float, params: RuleParams) -> str:
    """Explanation of an R2b boomconflict result."""
    shown = ", ".join(boom_ids[:10]) + (", …" if len(boom_ids) > 10 else "")
    woord = "boom" if len(boom_ids) == 1 else "bomen"
    return (f"Boomconflict: {sectie} ligt binnen {fmt_param(params.boom_afstand_m)} m van "
            f"{len(boom_ids)} {woord} ({shown}; dichtstbij {fmt_num(dichtstbij)} m); "
            f"drempel: boomafstand ≤ {fmt_param(params.boom_afstand_m)} m.")


def r3_text(sectie: str, laag_m: float, lengte: float, jaar: int, laagste: int | None,
            dimensie: str | None, waarde: float | None, params: RuleParams) -> str:
    """Explanation of an R3 leefbaarheid result."""
    text = (f"Leefbaarheid: {sectie} loopt over {fmt_num(laag_m)} van {fmt_num(lengte)} m "
            f"({fmt_pct(laag_m / lengte if lengte else 0.0)}) door leefbaarometercellen "
            f"met klasse ≤ {params.klasse_max} (jaar {jaar}); laagste klasse "
            f"{laagste if laagste is not None else 'onbekend'}")
    if dimensie is not None and waarde is not None:
        text += (f"; zwakste dimensie {dimensie} (gewogen gemiddelde {fmt_num(waarde, 3)}): "
                 f"{KOPPELING[dimensie]}")
    return text + f"; drempel: aandeel ≥ {_pct_param(params.laag_aandeel_min)}."


def r4_text(riool: str, peiljaar: int, groen_m2: float, strook_m2: float,
            params: RuleParams) -> str:
    """Explanation of an R4 afkoppelen result."""
    return (f"Afkoppelen: {riool} valt in {peiljaar}–{peiljaar + params.horizon_jaar}; groen in "
            f"de strook van {fmt_param(params.groen_buffer_m)} m rond het riool is "
            f"{fmt_num(groen_m2, 0)} van {fmt_num(strook_m2, 0)} m² = "
            f"{fmt_pct(groen_m2 / strook_m2)}; drempels: horizon {params.horizon_jaar} jaar, "
            f"groen_aandeel < {_pct_param(params.groen_drempel)}.")
