"""R1 werk_met_werk (RULES.md §3): distance, year window and shared length edges."""

from __future__ import annotations

from typing import Any

import pytest

from shapely import LineString

from geo.params import RuleParams
from geo.rules import r1_werk_met_werk
from geo.sections import split_sections
from tests.geo.builders import empty, layer, pijp, werk

# One 100 m section WN1#0 along y = 0, works 2027–2028.
SECTIES = split_sections(layer("warmtenet", [werk("WN1", [(0, 0), (100, 0)])]), 100.0)


def run(*pipes: dict[str, Any], params: RuleParams | None = None) -> Any:
    return r1_werk_met_werk(SECTIES, layer("riolering", list(pipes)), params or RuleParams())


@pytest.mark.parametrize(("offset", "found"), [(10.0, True), (10.01, False)])
def test_distance_edge(offset: float, found: bool) -> None:
    got = run(pijp("R", [(0, offset), (100, offset)], vervanging=2028))
    assert len(got) == int(found)
    if found:
        assert got["afstand_m"].iloc[0] == pytest.approx(10.0)
        assert got["gedeelde_lengte_m"].iloc[0] == pytest.approx(100.0)


@pytest.mark.parametrize(("due", "found"), [
    (2021, False), (2022, True), (2027, True), (2033, True), (2034, False),
])
def test_year_window_with_marge(due: int, found: bool) -> None:
    got = run(pijp("R", [(0, 5), (100, 5)], vervanging=due))
    assert len(got) == int(found)


def test_due_from_aanlegjaar_plus_lifetime() -> None:
    # beton 1972 + 60 = 2032, inside 2027-5 .. 2028+5.
    got = run(pijp("R", [(0, 5), (100, 5)], materiaal="beton", aanleg=1972))
    assert got["riool_due_jaar"].tolist() == [2032]
    assert got["jaarverschil"].tolist() == [5]


@pytest.mark.parametrize(("end_x", "found", "length"), [(0.0, True, 10.0), (-0.01, False, 9.99)])
def test_min_length_edge(end_x: float, found: bool, length: float) -> None:
    # A collinear pipe ending at end_x: its round buffer cap reaches end_x + 10 along y = 0.
    got = run(pijp("R", [(-50, 0), (end_x, 0)], vervanging=2028))
    assert len(got) == int(found)
    if found:
        assert got["gedeelde_lengte_m"].iloc[0] == pytest.approx(length)
        assert got.geometry.iloc[0].equals(LineString([(0, 0), (10, 0)]))


def test_crossing_pipe_geometry_and_attributes() -> None:
    got = run(pijp("R9", [(50, -30), (50, 30)], stelsel="vuilwater", materiaal="pvc",
                   vervanging=2025))
    assert len(got) == 1
    row = got.iloc[0]
    assert row.geometry.equals(LineString([(40, 0), (60, 0)]))
    assert row["gedeelde_lengte_m"] == pytest.approx(20.0)
    assert row["afstand_m"] == 0.0
    assert (row["sectie_id"], row["warmtenet_id"], row["riool_id"]) == ("WN1#0", "WN1", "R9")
    assert (row["start_jaar"], row["eind_jaar"], row["riool_due_jaar"]) == (2027, 2028, 2025)
    assert row["jaarverschil"] == -2
    assert (row["materiaal"], row["stelseltype"]) == ("pvc", "vuilwater")
    assert row["regel"] == "werk_met_werk"


def test_toelichting_names_features_quantities_and_thresholds() -> None:
    # The pipe runs past both ends of the section, so the whole 100 m is shared.
    got = run(pijp("R123", [(-20, 4.2), (150, 4.2)], materiaal="beton", aanleg=1969))
    assert got["toelichting"].iloc[0] == (
        "Werk met werk: Warmtenet 'Tracé WN1' sectie WN1#0 (2027–2028) ligt op 4,2 m van "
        "riool R123 (beton, gemengd, aanleg 1969 + levensduur 60 = 2029) over 100,0 m, "
        "jaarverschil +2 jaar; drempels: afstand ≤ 10 m, marge ± 5 jaar, minimaal 10 m."
    )


def test_one_result_per_pipe_and_unknown_due_is_ignored() -> None:
    got = run(
        pijp("A", [(0, 5), (100, 5)], vervanging=2028),
        pijp("B", [(0, -5), (100, -5)], vervanging=2029),
        pijp("C", [(0, 2), (100, 2)]),  # no aanlegjaar, no vervangingsjaar
    )
    assert sorted(got["riool_id"]) == ["A", "B"]


def test_section_without_start_year_has_no_window() -> None:
    secties = split_sections(
        layer("warmtenet", [werk("X", [(0, 0), (100, 0)], start=None, eind=None)]), 100.0)
    pipes = layer("riolering", [pijp("A", [(0, 5), (100, 5)], vervanging=2028)])
    assert len(r1_werk_met_werk(secties, pipes, RuleParams())) == 0


def test_parameters_change_the_outcome() -> None:
    pipe = pijp("R", [(0, 12), (100, 12)], vervanging=2035)
    assert len(run(pipe)) == 0
    assert len(run(pipe, params=RuleParams(afstand_m=15, marge_jaar=7))) == 1
    assert len(run(pipe, params=RuleParams(afstand_m=15, marge_jaar=6))) == 0


def test_empty_inputs() -> None:
    assert len(r1_werk_met_werk(SECTIES, empty("riolering"), RuleParams())) == 0
    got = r1_werk_met_werk(SECTIES.iloc[0:0], layer("riolering", [
        pijp("A", [(0, 5), (100, 5)], vervanging=2028)]), RuleParams())
    assert len(got) == 0 and got.crs == "EPSG:28992"


def test_crs_mismatch_raises() -> None:
    pipes = layer("riolering", [pijp("A", [(0, 5), (100, 5)], vervanging=2028)],
                  crs="EPSG:4326")
    with pytest.raises(ValueError, match="riolering"):
        r1_werk_met_werk(SECTIES, pipes, RuleParams())
