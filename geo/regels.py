"""What each rule means and which parameters it uses, in the words a planner reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegelInfo:
    """Dutch name, meaning and parameters of one rule of RULES.md §3."""

    regel: str
    naam: str
    categorie: str
    betekenis: str
    parameters: tuple[str, ...]


REGEL_INFO: dict[str, RegelInfo] = {
    info.regel: info
    for info in (
        RegelInfo(
            "werk_met_werk", "Werk met werk (warmtenet + riolering)", "kans",
            "De straat gaat één keer open voor het warmtenet én de rioolvervanging.",
            ("sectie_m", "afstand_m", "marge_jaar", "min_lengte_m", "signaal_jaren"),
        ),
        RegelInfo(
            "vergroenen", "Vergroenen", "kans",
            "De straat wordt toch heringericht: voeg groen toe nu hij open ligt.",
            ("sectie_m", "groen_buffer_m", "groen_drempel", "signaal_jaren"),
        ),
        RegelInfo(
            "boomconflict", "Boomconflict (knelpunt)", "knelpunt",
            "Bomen staan dicht bij het tracé: wortels en stamzone moeten vroeg bekend zijn.",
            ("sectie_m", "boom_afstand_m", "signaal_jaren"),
        ),
        RegelInfo(
            "leefbaarheid", "Leefbaarheid", "kans",
            "Het werk loopt door een buurt met zwakke leefbaarheid: koppel er sociale doelen aan.",
            ("sectie_m", "klasse_max", "laag_aandeel_min", "signaal_jaren"),
        ),
        RegelInfo(
            "afkoppelen", "Afkoppelen regenwater", "kans",
            "Het gemengde riool wordt vervangen: koppel regenwater af en maak ruimte voor "
            "groene infiltratie.",
            ("groen_buffer_m", "groen_drempel", "horizon_jaar", "signaal_jaren"),
        ),
    )
}

PARAMETER_LABELS: dict[str, str] = {
    "sectie_m": "maximale sectielengte (m)",
    "afstand_m": "maximale afstand warmtenet–riool (m)",
    "marge_jaar": "jarenmarge rond de uitvoering",
    "min_lengte_m": "minimale gedeelde lengte (m)",
    "groen_buffer_m": "breedte strook aan weerszijden (m)",
    "groen_drempel": "groenaandeel waaronder vergroenen kansrijk is",
    "boom_afstand_m": "maximale afstand boom–tracé (m)",
    "klasse_max": "hoogste Leefbaarometer-klasse die als laag telt",
    "laag_aandeel_min": "minimaal deel van de sectie door lage cellen",
    "horizon_jaar": "vooruitblik rioolvervanging (jaren)",
    "signaal_jaren": "jaren vooruit waarbinnen actie nodig is",
}

KLASSE_NAMEN: dict[int, str] = {
    1: "zeer onvoldoende", 2: "ruim onvoldoende", 3: "onvoldoende", 4: "zwak", 5: "voldoende",
    6: "ruim voldoende", 7: "goed", 8: "zeer goed", 9: "uitstekend",
}
