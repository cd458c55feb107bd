"""RULES.md §8: no result from missing data; units outside a layer's dekking are niet beoordeeld."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from shapely import LineString, MultiPolygon, Point, box

from geo.analysis import Analysis, analyse
from geo.dekking import (
    BUITEN_DEKKING,
    LAAG_LEEG,
    DekkingAccumulator,
    buurt_text,
    cells_union,
    dekking_from_layers,
    import_dekking,
    within_tolerance,
)
from geo.params import RuleParams
from tests.geo.builders import buurt_row, cel, empty, layer, overal, pijp, werk

P = 2026


def town() -> dict[str, Any]:
    """Two buurten; a 300 m heat work (3 sections) along y=100 with a due foul sewer beside it
    (R1, needs no context layer) and two due combined sewers further away (R4 candidates)."""
    return {
        "buurt": layer("buurt", [buurt_row("BU00000001", box(0, 0, 150, 200)),
                                 buurt_row("BU00000002", box(150, 0, 300, 200))]),
        "warmtenet": layer("warmtenet", [werk("WN1", [(0, 100), (300, 100)])]),
        "riolering": layer("riolering", [
            pijp("R1", [(0, 20), (100, 20)], vervanging=2030),
            pijp("R2", [(200, 20), (300, 20)], vervanging=2030),
            pijp("R3", [(0, 105), (300, 105)], stelsel="vuilwater", vervanging=2028),
        ]),
        "groen": layer("groen", [{"id": "G1", "type": "gras", "geometry": box(0, 180, 5, 185)}]),
        "boom": layer("boom", [{"id": "T1", "soort": None, "geometry": Point(50, 102)},
                               {"id": "T2", "soort": None, "geometry": Point(250, 102)}]),
        "leefbaarometer": layer("leefbaarometer", [cel(f"C{x}", x, 50, 2)
                                                   for x in (0, 100, 200)]),
    }


def run(dekking: dict[str, Any] | None, **layers: Any) -> Analysis:
    return analyse(**{**town(), **layers}, dekking=dekking, params=RuleParams(), peiljaar=P)


def regels(result: Analysis) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for regel, bron in zip(result.kansen["regel"], result.kansen["bron_ids"], strict=True):
        out.setdefault(regel, []).append(bron)
    return {regel: sorted(ids) for regel, ids in out.items()}


def test_everything_covered_gives_every_rule() -> None:
    got = regels(run(overal()))
    assert got["vergroenen"] == ["WN1#0", "WN1#1", "WN1#2"]
    assert sorted(got["afkoppelen"]) == ["R1", "R2"]
    assert sorted(got["boomconflict"]) == ["WN1#0", "WN1#2"]
    assert len(got["leefbaarheid"]) == 3


def test_no_groen_layer_judges_nothing_and_says_why() -> None:
    result = run(overal(), groen=empty("groen"))
    got = regels(result)
    assert "vergroenen" not in got and "afkoppelen" not in got
    assert "werk_met_werk" in got and "boomconflict" in got  # other rules are unaffected
    r2, r4 = result.beoordeling["vergroenen"], result.beoordeling["afkoppelen"]
    assert (r2.beoordeeld, r2.niet_beoordeeld, r2.reden) == (0, 3, LAAG_LEEG)
    assert (r4.beoordeeld, r4.niet_beoordeeld, r4.reden) == (0, 2, LAAG_LEEG)
    assert r2.text() == "Vergroenen: 3 secties niet beoordeeld: geen groenlaag geladen"
    assert r4.text() == "Afkoppelen: 2 leidingen niet beoordeeld: geen groenlaag geladen"
    assert r2.to_dict()["per_reden"] == {LAAG_LEEG: 3, BUITEN_DEKKING: 0}
    scores = result.buurtscores.set_index("buurtcode")
    # sections: 0–150 m in buurt 1, 150–300 m in buurt 2 (clipped lengths)
    assert scores["nb_r2_m"].to_dict() == pytest.approx({"BU00000001": 150, "BU00000002": 150})
    assert scores["nb_r4_m"].to_dict() == pytest.approx({"BU00000001": 100, "BU00000002": 100})
    assert scores["nb_r2b_m"].tolist() == [0.0, 0.0]


def test_empty_layer_judges_nothing_even_with_a_dekking() -> None:
    result = run(overal(), boom=empty("boom"), leefbaarometer=empty("leefbaarometer"))
    assert {"boomconflict", "leefbaarheid"}.isdisjoint(regels(result))
    assert result.beoordeling["boomconflict"].reden == LAAG_LEEG
    assert result.beoordeling["leefbaarheid"].text() == (
        "Leefbaarheid: 3 secties niet beoordeeld: geen Leefbaarometerlaag geladen")


def test_no_dekking_means_nothing_covered() -> None:
    for dekking in (None, {}):
        result = run(dekking)
        assert set(regels(result)) == {"werk_met_werk"}
        for b in result.beoordeling.values():
            assert b.reden == BUITEN_DEKKING and b.beoordeeld == 0


def test_partial_dekking_judges_only_units_inside() -> None:
    # groen collected only west of x=150: section WN1#0 (0–100) and pipe R1 (0–100) inside.
    west = box(-10, -10, 150, 210)
    result = run({**overal(), "groen": west})
    got = regels(result)
    assert got["vergroenen"] == ["WN1#0"]
    assert got["afkoppelen"] == ["R1"]
    r2 = result.beoordeling["vergroenen"]
    assert (r2.beoordeeld, r2.niet_beoordeeld, r2.reden) == (1, 2, BUITEN_DEKKING)
    assert r2.text() == "Vergroenen: 2 secties niet beoordeeld: buiten de dekking van de groenlaag"
    assert result.beoordeling["afkoppelen"].text() == (
        "Afkoppelen: 1 leiding niet beoordeeld: buiten de dekking van de groenlaag")
    scores = result.buurtscores.set_index("buurtcode")
    # WN1#1 (100–200) and WN1#2 (200–300) are not judged: 50 m in buurt 1, 150 m in buurt 2
    assert scores["nb_r2_m"].to_dict() == pytest.approx({"BU00000001": 50, "BU00000002": 150})
    assert scores["nb_r4_m"].to_dict() == pytest.approx({"BU00000001": 0, "BU00000002": 100})
    assert scores.loc["BU00000002", "niet_beoordeeld"] == (
        "Vergroenen: 150 m niet beoordeeld (buiten de dekking van de groenlaag); "
        "Afkoppelen: 100 m niet beoordeeld (buiten de dekking van de groenlaag)")
    # not judged is not scored: m_r2 only counts the judged section
    assert scores["m_r2"].to_dict() == pytest.approx({"BU00000001": 100, "BU00000002": 0})


def test_a_section_partly_outside_is_not_judged() -> None:
    result = run({**overal(), "boom": box(0, 0, 250, 200)})
    assert regels(result)["boomconflict"] == ["WN1#0"]  # WN1#2 runs to x=300: outside
    assert result.beoordeling["boomconflict"].niet_beoordeeld == 1


@pytest.mark.parametrize(("edge", "judged"), [(99.6, True), (99.5, True), (99.4, False)])
def test_half_metre_tolerance(edge: float, judged: bool) -> None:
    """Section WN1#0 runs 0–100 m; dekking ends at `edge`: within 0.5 m still counts."""
    result = run({**overal(), "groen": box(-10, 0, edge, 200)})
    assert ("WN1#0" in regels(result).get("vergroenen", [])) is judged
    assert result.beoordeling["vergroenen"].beoordeeld == (1 if judged else 0)


def test_leefbaarometer_dekking_is_its_cells() -> None:
    # cells only at x 0–200: the third section (200–300) lies outside their union
    lbm = layer("leefbaarometer", [cel("A", 0, 50, 2), cel("B", 100, 50, 2)])
    dekking = dekking_from_layers({**town(), "leefbaarometer": lbm})
    assert dekking["leefbaarometer"].equals(box(0, 50, 200, 150))
    result = run({**overal(), "leefbaarometer": dekking["leefbaarometer"]}, leefbaarometer=lbm)
    assert sorted(regels(result)["leefbaarheid"]) == ["WN1#0", "WN1#1"]
    assert result.beoordeling["leefbaarheid"].reden == BUITEN_DEKKING


def test_hull_of_batches_equals_hull_of_all() -> None:
    rng = np.random.default_rng(3)
    points = [Point(*xy) for xy in rng.uniform(0, 1000, (500, 2))]
    acc = DekkingAccumulator("boom")
    for start in range(0, 500, 37):
        acc.add(np.asarray(points[start:start + 37], dtype=object))
    whole = import_dekking("boom", points)
    assert whole is not None and acc.result() is not None
    assert acc.result().equals(whole)
    # Points on one line span no area: no dekking
    assert import_dekking("boom", [Point(0, 0), Point(5, 5)]) is None
    assert import_dekking("groen", []) is None
    lines = import_dekking("riolering", [LineString([(0, 0), (10, 0)]),
                                         LineString([(0, 5), (10, 5)])])
    assert lines is not None and lines.area == pytest.approx(50)


def test_buurt_text() -> None:
    assert buurt_text("vergroenen", 1234.4, LAAG_LEEG) == (
        "Vergroenen: 1.234 m niet beoordeeld (geen groenlaag geladen)")
    assert buurt_text("afkoppelen", 0.0, BUITEN_DEKKING) is None


def test_unit_through_the_point_where_two_parts_touch_is_covered() -> None:
    # Two cells touching only at (100, 100); a section runs diagonally through that corner.
    area = MultiPolygon([box(0, 0, 100, 100), box(100, 100, 200, 200)])
    units = np.asarray([LineString([(50, 50), (150, 150)]),      # inside the union
                        LineString([(50, 150), (150, 50)])], dtype=object)  # crosses the gaps
    assert within_tolerance(units, area).tolist() == [True, False]


def test_cells_union_of_overlapping_cells_falls_back_to_a_full_union() -> None:
    grid = [box(x, 0, x + 100, 100) for x in (0, 100, 200)]
    assert cells_union(np.asarray(grid + grid, dtype=object)).area == pytest.approx(30_000)
    overlapping = np.asarray([box(0, 0, 100, 100), box(50, 0, 150, 100)], dtype=object)
    merged = cells_union(overlapping)
    assert merged.is_valid and merged.area == pytest.approx(15_000)
