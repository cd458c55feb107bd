"""The residents' handout: sentences per street, grouping, the line budget, and no ids."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from frontend.bewoners import (
    KOPPELING_EENVOUDIG,
    WERK_ACTIEF,
    WERK_NAAM,
    WERK_PASSIEF,
    Groep,
    groep_zinnen,
    group_kansen,
    huisnummers,
    regels,
    render_bewoners,
    select_straten,
    straat_met_lidwoord,
    street_labels,
    werk_zin,
)
from geo.schema import DIMENSIONS, WERK_SOORTEN
from geo.toelichting import KOPPELING

KANS_KEYS = ("regelcode", "regel", "categorie", "straatnaam", "huisnummers", "actie_nodig",
             "jaar", "start_jaar", "eind_jaar", "riool_due_jaar", "zwakste_dimensie",
             "partij_a", "soort_a", "start_a", "eind_a", "partij_b", "soort_b", "start_b",
             "eind_b", "gap_jaar", "d", "vlak", "x", "y", "plek")


def kans(**values: Any) -> dict[str, Any]:
    """A result row as app.kaart.bewoners reads it."""
    row: dict[str, Any] = dict.fromkeys(KANS_KEYS)
    row.update(actie_nodig=False, d="M 0 0 L 10 0", vlak=False, x=5.0, y=0.0)
    row.update(values)
    return row


def test_every_soort_and_dimension_has_words() -> None:
    assert set(WERK_ACTIEF) == set(WERK_PASSIEF) == set(WERK_NAAM) == set(WERK_SOORTEN)
    assert set(KOPPELING_EENVOUDIG) == set(KOPPELING) == set(DIMENSIONS)


def test_r1_street_opens_once_for_warmtenet_and_riool() -> None:
    groep = Groep("Lindelaan", [kans(regelcode="R1", start_jaar=2028, eind_jaar=2028,
                                     riool_due_jaar=2030, jaar=2028)])
    assert groep_zinnen(groep, peiljaar=2026) == [
        "In 2028 gaat de Lindelaan open voor het warmtenet.",
        "Het riool is dan ook aan vervanging toe. Dat kan in één keer.",
    ]


def test_heat_window_green_trees_and_liveability() -> None:
    rows = [kans(regelcode="R2", start_jaar=2028, eind_jaar=2030),
            kans(regelcode="R2b", start_jaar=2028, eind_jaar=2030),
            kans(regelcode="R3", start_jaar=2029, eind_jaar=2030, zwakste_dimensie="soc")]
    zinnen = groep_zinnen(Groep("Marktplein", rows), peiljaar=2026)
    assert zinnen[0] == "Tussen 2028 en 2030 gaat het Marktplein open voor het warmtenet."
    assert ("Als de straat toch open is, kan er meer: meer groen en plekken om elkaar te "
            "ontmoeten.") in zinnen
    assert any("bomen" in z for z in zinnen)


def test_running_heat_work_is_now() -> None:
    zinnen = groep_zinnen(Groep(None, [kans(regelcode="R2", start_jaar=2025, eind_jaar=2027)]),
                          peiljaar=2026)
    assert zinnen[0] == "Nu gaat de straat open voor het warmtenet."


def test_r4_rainwater_with_its_year() -> None:
    zinnen = groep_zinnen(Groep("Kerkweg", [kans(regelcode="R4", riool_due_jaar=2031)]),
                          peiljaar=2026)
    assert zinnen[0] == "Rond 2031 is het riool hier aan vervanging toe."
    assert "regenwater apart" in zinnen[1]


def test_r5_two_parties_in_one_go() -> None:
    row = kans(regelcode="R5", partij_a="Liander", soort_a="elektriciteit", start_a=2029,
               eind_a=2029, partij_b=None, soort_b="riolering", start_b=2030, eind_b=2030)
    assert groep_zinnen(Groep("Dorpsstraat", [row]), peiljaar=2026) == [
        "Liander verzwaart het elektriciteitsnet en het riool wordt vervangen (rond 2030): "
        "dat kan in één keer."
    ]


def test_r5b_street_opens_twice() -> None:
    rows = [kans(regelcode="R5b", partij_a=None, soort_a="warmtenet", start_a=2028,
                 partij_b=None, soort_b="riolering", start_b=2020 + gap, gap_jaar=gap)
            for gap in (1, 16)]
    zinnen = groep_zinnen(Groep("Dorpsstraat", rows), peiljaar=2026)
    assert len(zinnen) == 1  # one knelpunt sentence per street
    assert zinnen[0].startswith("Let op: het warmtenet (2028) en het riool (nu al aan de beurt)")
    assert "twee keer open: we proberen dat samen te voegen" in zinnen[0]


def test_werk_zin_with_and_without_partij() -> None:
    assert werk_zin("Vitens", "water") == "Vitens werkt aan de waterleiding"
    assert werk_zin(None, "onbekende soort") == "er wordt gewerkt in de straat"


def test_grouping_by_street_then_place_most_urgent_first() -> None:
    rows = [kans(regelcode="R4", straatnaam="Beukenweg", jaar=2033),
            kans(regelcode="R2", straatnaam="Akkerstraat", jaar=2030),
            kans(regelcode="R4", straatnaam=None, plek=0, jaar=2031, actie_nodig=True),
            kans(regelcode="R2", straatnaam="Akkerstraat", jaar=2029),
            kans(regelcode="R4", straatnaam=None, plek=1, jaar=2035)]
    groups = group_kansen(rows)
    assert [(g.naam, len(g.rows)) for g in groups] == [
        (None, 1), ("Akkerstraat", 2), ("Beukenweg", 1), (None, 1)]


def test_house_numbers_and_articles() -> None:
    assert huisnummers(["2–48", None, "50–60", "7"]) == "2–60"
    assert huisnummers([None, ""]) is None
    assert straat_met_lidwoord("Lindelaan") == "de Lindelaan"
    assert straat_met_lidwoord("Prins Hendrikplein") == "het Prins Hendrikplein"
    assert straat_met_lidwoord("Vijverhof") == "het Vijverhof"
    assert straat_met_lidwoord("Bolder") == "de straat"


def test_line_budget_keeps_the_first_streets_that_fit() -> None:
    straten = [{"zinnen": ["x" * 170]} for _ in range(10)]  # 1.5 + 2 lines each
    assert regels(straten[0]) == 3.5
    assert len(select_straten(straten, max_straten=8, max_regels=10)) == 2
    assert len(select_straten(straten, max_straten=3, max_regels=100)) == 3
    assert len(select_straten([{"zinnen": ["x" * 5000]}], max_regels=10)) == 1  # always one


def test_street_labels_upright_and_listed_streets_first() -> None:
    labels = [{"straatnaam": "Lange Nieuwe Dwarsstraat", "lengte": 10.0, "x": 0, "y": 0,
               "azimut": 270.0},
              {"straatnaam": "Kort", "lengte": 50.0, "x": 0, "y": 0, "azimut": 0.0},
              {"straatnaam": "Lindelaan", "lengte": 5.0, "x": 0, "y": 0, "azimut": 200.0}]
    chosen = street_labels(labels, eenheid=2.0, genoemd={"Lindelaan"})
    assert [c["straatnaam"] for c in chosen] == ["Lindelaan", "Kort"]  # too long left out
    assert all(-90 < c["hoek"] <= 90 for c in chosen)
    assert chosen[0]["hoek"] == 110 - 180


ID_PATTERNS = [re.compile(p) for p in (
    r"\b[0-9a-f]{16}\b", r"BU\d{8}", r"#\d+", r"\bWN-\d+", r"[0-9a-f]{8}-[0-9a-f]{4}-")]


def test_render_falls_back_without_street_names_and_shows_no_ids() -> None:
    rows = [kans(regelcode="R1", start_jaar=2028, eind_jaar=2029, riool_due_jaar=2029,
                 jaar=2028, plek=i, actie_nodig=i == 0, x=10.0 * i, y=-5.0)
            for i in range(14)]
    data = {
        "buurt": {"buurtcode": "BU09990102", "buurtnaam": "Kerkebuurt",
                  "gemeentenaam": "Lindewaarde", "peiljaar": 2026},
        "kansen": rows,
        "kaart": {"viewbox": "0 -100 100 100", "eenheid": 1.0, "buurt": [], "buren": [],
                  "straten": [], "labels": [], "warmtenet": []},
    }
    html = render_bewoners(data=data, today=dt.date(2026, 12, 2), max_regels=20)
    body = html.split("<body>", 1)[1]
    text = re.sub(r"<[^>]+>", " ", body.split("</nav>", 1)[1])  # the nav only links
    assert "Werk in de straat: Kerkebuurt" in text and "Gemeente Lindewaarde" in text
    assert "Plek 1 op de kaart" in text
    assert "In 2028" not in text and "Tussen 2028 en 2029 gaat de straat open" in text
    shown = len(re.findall(r'class="bolletje">\d+<', body))
    assert 1 < shown < 14 and f"En nog {14 - shown + 1} straten" in text
    assert "Wat kunt u doen?" in text
    for pattern in ID_PATTERNS:
        assert not pattern.search(text), pattern.pattern
    assert "<script" not in html


def test_street_label_moves_clear_of_a_numbered_circle() -> None:
    lab = {"straatnaam": "Lindelaan", "lengte": 100.0, "x": 50.0, "y": 0.0, "azimut": 90.0,
           "plekken": [50.0, 0.0, 90.0, 30.0, 0.0, 90.0, 70.0, 0.0, 90.0]}
    assert street_labels([lab], eenheid=1.0, genoemd={"Lindelaan"})[0]["x"] == 50.0
    moved = street_labels([lab], eenheid=1.0, genoemd={"Lindelaan"}, nummers=[(51.0, 0.0)])
    assert moved[0]["x"] == 30.0 and moved[0]["hoek"] == 0.0


def test_r5b_next_to_r1_speaks_of_another_pipe() -> None:
    rows = [kans(regelcode="R1", start_jaar=2028, eind_jaar=2029, riool_due_jaar=2029),
            kans(regelcode="R5b", soort_a="warmtenet", start_a=2028, soort_b="riolering",
                 start_b=2036, gap_jaar=7)]
    zinnen = groep_zinnen(Groep("Lindelaan", rows), peiljaar=2026)
    assert zinnen[-1] == ("Let op: een ander stuk riool in deze straat is pas in 2036 aan de "
                          "beurt. Zo gaat de straat binnen een paar jaar twee keer open: we "
                          "proberen dat samen te voegen.")
