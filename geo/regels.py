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
            "werk_met_werk", "Werk met werk", "kans",
            "De straat gaat één keer open voor twee werken: het warmtenet en de "
            "rioolvervanging (R1), of de werken van twee partijen (R5).",
            ("sectie_m", "afstand_m", "marge_jaar", "min_lengte_m", "min_oppervlak_m2",
             "signaal_jaren"),
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
        RegelInfo(
            "dubbel_open", "Dubbel open (knelpunt)", "knelpunt",
            "Twee werken op dezelfde plek liggen net te ver uit elkaar in de tijd: de straat "
            "gaat binnen enkele jaren twee keer open. Schuif een van beide op.",
            ("sectie_m", "afstand_m", "marge_jaar", "graafrust_jaar", "min_lengte_m",
             "min_oppervlak_m2", "signaal_jaren"),
        ),
    )
}

# Per regelcode (geo.schema.REGELCODES) its Dutch name: R1 and R5 share the regel werk_met_werk.
REGELCODE_NAMEN: dict[str, str] = {
    "R1": "Werk met werk: warmtenet en riool",
    "R2": "Vergroenen",
    "R2b": "Boomconflict (knelpunt)",
    "R3": "Leefbaarheid",
    "R4": "Afkoppelen regenwater",
    "R5": "Werk met werk: werken van partijen",
    "R5b": "Dubbel open (knelpunt)",
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
    "min_oppervlak_m2": "minimale overlap van twee vlakvormige werken (m²)",
    "graafrust_jaar": "jaren waarin een straat niet opnieuw open hoort te gaan",
    "straat_afstand_m": "zoekafstand naar de straatnaam (m)",
    "straten_aandeel": "deel van de lengte waarboven een straat ook genoemd wordt",
}

KLASSE_NAMEN: dict[int, str] = {
    1: "zeer onvoldoende", 2: "ruim onvoldoende", 3: "onvoldoende", 4: "zwak", 5: "voldoende",
    6: "ruim voldoende", 7: "goed", 8: "zeer goed", 9: "uitstekend",
}
