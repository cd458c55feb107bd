"""Finishing results (RULES.md §4): kans_id, buurtcode, lengte_m, actie_nodig."""

from __future__ import annotations

from typing import Any

import pytest

from shapely import LineString, MultiLineString, Point, box

from geo.params import RuleParams
from geo.results import assign_buurt, finish_kansen, make_kans_id, midpoint
from geo.rules import r1_werk_met_werk, r2_vergroenen, r4_afkoppelen
from geo.schema import KANS_COLUMNS
from geo.sections import split_sections
from tests.geo.builders import buurt_row, empty, layer, pijp, werk

P = 2026
# Two buurten side by side; the higher code on the left so "lowest" is not "first".
BUURT = layer("buurt", [
    buurt_row("BU00000002", box(0, 0, 100, 100)),
    buurt_row("BU00000001", box(100, 0, 200, 100)),
])


def test_kans_id_is_sha1_of_regel_and_sorted_ids() -> None:
    assert make_kans_id("werk_met_werk", ["WN1#0", "R1"]) == "e7c4cc6d6b2de4e3"
    assert make_kans_id("werk_met_werk", ["R1", "WN1#0"]) == "e7c4cc6d6b2de4e3"
    assert make_kans_id("afkoppelen", ["R1"]) == "6a08797f10596d45"


def test_assign_buurt_boundary_lowest_and_outside_null() -> None:
    got = assign_buurt([Point(50, 50), Point(100, 50), Point(150, 50), Point(250, 50), None],
                       BUURT)
    assert got.isna().tolist() == [False, False, False, True, True]
    assert got.iloc[:3].tolist() == ["BU00000002", "BU00000001", "BU00000001"]


def test_midpoint_of_lines() -> None:
    assert midpoint(LineString([(0, 0), (10, 0), (10, 30)])) == Point(10, 10)
    # Parts that touch: the middle of the whole 40 m line.
    touching = MultiLineString([[(0, 0), (10, 0)], [(10, 0), (40, 0)]])
    assert midpoint(touching) == Point(20, 0)
    # Parts apart: halfway along all 40 m, walking the parts in order (10 m into the second).
    apart = MultiLineString([[(0, 0), (10, 0)], [(0, 50), (30, 50)]])
    assert midpoint(apart) == Point(10, 50)
    assert midpoint(LineString()) is None and midpoint(None) is None


def _sectie_results(coords: list[tuple[float, float]], start: int) -> Any:
    secties = split_sections(layer("warmtenet", [werk("WN1", coords, start=start, eind=None)]),
                             200.0)
    return r2_vergroenen(secties, empty("groen"), RuleParams())


def test_buurtcode_of_a_section_across_a_boundary_is_the_lowest() -> None:
    kansen = finish_kansen([_sectie_results([(0, 50), (200, 50)], P)], BUURT, RuleParams(),
                           peiljaar=P)
    assert kansen["buurtcode"].tolist() == ["BU00000001"]
    assert kansen["lengte_m"].tolist() == [200.0]
    outside = finish_kansen([_sectie_results([(300, 50), (400, 50)], P)], BUURT, RuleParams(),
                            peiljaar=P)
    assert outside["buurtcode"].isna().tolist() == [True]


@pytest.mark.parametrize(("start", "actie"), [(P + 2, True), (P + 3, False), (P - 1, True)])
def test_actie_nodig_edge_for_heat_works(start: int, actie: bool) -> None:
    kansen = finish_kansen([_sectie_results([(0, 50), (90, 50)], start)], BUURT, RuleParams(),
                           peiljaar=P)
    assert kansen["actie_nodig"].tolist() == [actie]


@pytest.mark.parametrize(("due", "actie"), [(P + 2, True), (P + 3, False)])
def test_actie_nodig_edge_for_r4_uses_due_year(due: int, actie: bool) -> None:
    rows = r4_afkoppelen(layer("riolering", [pijp("R1", [(0, 0), (50, 0)], vervanging=due)]),
                         empty("groen"), RuleParams(), peiljaar=P)
    kansen = finish_kansen([rows], BUURT, RuleParams(), peiljaar=P)
    assert kansen["actie_nodig"].tolist() == [actie]
    assert kansen["kans_id"].tolist() == ["6a08797f10596d45"]
    assert kansen["bron_ids"].tolist() == ["R1"]


def test_r1_uses_section_and_pipe_ids_and_earliest_year() -> None:
    secties = split_sections(layer("warmtenet", [werk("WN1", [(0, 50), (90, 50)], start=P + 5,
                                                      eind=P + 6)]), 100.0)
    pipes = layer("riolering", [pijp("R1", [(0, 55), (90, 55)], vervanging=P + 2)])
    kansen = finish_kansen([r1_werk_met_werk(secties, pipes, RuleParams())], BUURT,
                           RuleParams(), peiljaar=P)
    row = kansen.iloc[0]
    assert (row["kans_id"], row["bron_ids"]) == ("e7c4cc6d6b2de4e3", "R1,WN1#0")
    assert (row["categorie"], row["jaarverschil"]) == ("kans", -3)
    # The sewer (P+2) comes before the heat works (P+5): the earliest year decides.
    assert bool(row["actie_nodig"]) is True


def test_signaal_jaren_parameter_changes_the_outcome() -> None:
    rows = _sectie_results([(0, 50), (90, 50)], P + 4)
    assert finish_kansen([rows], BUURT, RuleParams(), peiljaar=P)["actie_nodig"].tolist() == [
        False]
    assert finish_kansen([rows], BUURT, RuleParams(signaal_jaren=4),
                         peiljaar=P)["actie_nodig"].tolist() == [True]


def test_columns_and_empty() -> None:
    kansen = finish_kansen([], BUURT, RuleParams(), peiljaar=P)
    assert list(kansen.columns) == [*KANS_COLUMNS, "geometry"]
    assert len(kansen) == 0 and kansen.crs == "EPSG:28992"
    full = finish_kansen([_sectie_results([(0, 50), (90, 50)], P)], empty("buurt"),
                         RuleParams(), peiljaar=P)
    assert list(full.columns) == [*KANS_COLUMNS, "geometry"]
    assert full["buurtcode"].isna().all()
