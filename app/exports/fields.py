"""Export field names: full names, the 10-character shapefile names, and Dutch descriptions."""

from __future__ import annotations

# full name -> (shapefile name of at most 10 characters, Dutch description)
KANS_FIELDS: dict[str, tuple[str, str]] = {
    "kans_id": ("kans_id", "Vaste sleutel van het resultaat (blijft gelijk bij een nieuwe analyse)"),
    "regel": ("regel", "Regel die het resultaat vond"),
    "categorie": ("categorie", "kans of knelpunt"),
    "buurtcode": ("buurtcode", "CBS-buurtcode van het midden van het resultaat"),
    "lengte_m": ("lengte_m", "Lengte van de geometrie in meters"),
    "actie_nodig": ("actie", "Actie nodig: vroegste jaar ligt binnen het signaal (1 = ja)"),
    "toelichting": ("toelicht", "Uitleg waarom dit resultaat gevonden is"),
    "bron_ids": ("bron_ids", "Betrokken bron-id's (secties en leidingen)"),
    "warmtenet_id": ("warmte_id", "Id van het warmtenet-tracé"),
    "sectie_id": ("sectie_id", "Id van de warmtenetsectie (<tracé>#<n>)"),
    "riool_id": ("riool_id", "Id van de rioolleiding"),
    "boom_ids": ("boom_ids", "Id's van de bomen bij het tracé"),
    "start_jaar": ("start_jaar", "Startjaar van het warmtenetwerk"),
    "eind_jaar": ("eind_jaar", "Eindjaar van het warmtenetwerk"),
    "riool_due_jaar": ("riool_jaar", "Jaar waarin het riool aan vervanging toe is"),
    "jaarverschil": ("jaarversch", "Rioolvervangjaar min startjaar warmtenet"),
    "afstand_m": ("afstand_m", "Afstand tussen warmtenetsectie en riool in meters"),
    "gedeelde_lengte_m": ("gedeeld_m", "Lengte waarover warmtenet en riool samen lopen (m)"),
    "materiaal": ("materiaal", "Materiaal van de rioolleiding"),
    "stelseltype": ("stelsel", "Type rioolstelsel"),
    "groen_aandeel": ("groen_aand", "Aandeel groen in de strook langs het tracé (0–1)"),
    "aantal_bomen": ("n_bomen", "Aantal bomen dicht bij het tracé"),
    "laagste_klasse": ("min_klasse", "Laagste Leefbaarometer-klasse langs de sectie"),
    "zwakste_dimensie": ("zwak_dim", "Zwakste Leefbaarometer-dimensie"),
    "koppeling": ("koppeling", "Voorgestelde sociale koppeling"),
    "besluit_status": ("besluit", "Besluit van het team: open, in_overleg, gekoppeld of afgewezen "
                       "(leeg = nog geen besluit)"),
    "besluit_notitie": ("besl_notit", "Toelichting van het team bij het besluit"),
}

# Export columns that come from the team's decisions (table kans_besluit), not from koppelkans.
BESLUIT_COLUMNS: dict[str, str] = {"besluit_status": "status", "besluit_notitie": "notitie"}

# The geometry type each layer is written with, also when it is empty (the analysis only makes
# line results; buurten are areas).
LAYER_GEOMETRY: dict[str, str] = {"koppelkansen": "MultiLineString", "buurtscores": "MultiPolygon"}

BUURT_FIELDS: dict[str, tuple[str, str]] = {
    "buurtcode": ("buurtcode", "CBS-buurtcode"),
    "buurtnaam": ("buurtnaam", "Naam van de buurt"),
    "score": ("score", "Score 0–100: hoe kansrijk de buurt is voor werk met werk"),
    "rang": ("rang", "Positie in de rangorde (1 = meest kansrijk)"),
    "m_r1": ("m_r1", "Meters werk met werk (warmtenet + riolering)"),
    "m_r2": ("m_r2", "Meters vergroenen"),
    "m_r3": ("m_r3", "Meters leefbaarheid"),
    "m_r4": ("m_r4", "Meters afkoppelen"),
    "n_knelpunt": ("n_knelpunt", "Aantal boomconflicten"),
    "laag_aandeel": ("laag_aand", "Deel van de buurt met zwakke of slechtere leefbaarheid"),
    "riool_onbekend": ("riool_onb", "Aantal rioolleidingen zonder bekend vervangjaar"),
    "n_kansen": ("n_kansen", "Aantal resultaten in de buurt"),
    # RULES.md §8: where a layer was missing or did not reach, a rule judged nothing
    "nb_r2_m": ("nb_r2_m", "Meters warmtenet niet beoordeeld voor vergroenen (geen groen"
                           "gegevens)"),
    "nb_r2b_m": ("nb_r2b_m", "Meters warmtenet niet beoordeeld voor boomconflicten (geen "
                             "bomengegevens)"),
    "nb_r3_m": ("nb_r3_m", "Meters warmtenet niet beoordeeld voor leefbaarheid (geen "
                           "Leefbaarometer-gegevens)"),
    "nb_r4_m": ("nb_r4_m", "Meters riool niet beoordeeld voor afkoppelen (geen groengegevens)"),
    "niet_beoordeeld": ("niet_beoor", "Wat in de buurt niet beoordeeld is en waarom; geen "
                                      "resultaat betekent daar niet dat er niets te halen is"),
}
