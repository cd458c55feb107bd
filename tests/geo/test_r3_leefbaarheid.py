"""R3 leefbaarheid (RULES.md §3): low cells, half the length, weakest dimension."""

from __future__ import annotations

from typing import Any

import pytest

from geo.params import RuleParams
from geo.rules import r3_leefbaarheid
from geo.sections import split_sections
from tests.geo.builders import cel, empty, layer, werk


def secties(x0: float, x1: float) -> Any:
    """One section along y = 50 from x0 to x1 (at most 100 m)."""
    return split_sections(layer("warmtenet", [werk("WN1", [(x0, 50), (x1, 50)])]), 100.0)


def cells(*rows: dict[str, Any]) -> Any:
    return layer("leefbaarometer", list(rows))


@pytest.mark.parametrize(("klasse", "found"), [(4, True), (5, False)])
def test_klasse_edge(klasse: int, found: bool) -> None:
    got = r3_leefbaarheid(secties(10, 90), cells(cel("A", 0, 0, klasse)), RuleParams())
    assert len(got) == int(found)


@pytest.mark.parametrize(("x0", "found"), [(50.0, True), (50.01, False)])
def test_half_length_edge(x0: float, found: bool) -> None:
    # Low cell A covers x 0..100, cell B (x 100..200) is class 6; the section is 100 m long.
    got = r3_leefbaarheid(secties(x0, x0 + 100),
                          cells(cel("A", 0, 0, 3), cel("B", 100, 0, 6)), RuleParams())
    assert len(got) == int(found)
    if found:
        assert got["laagste_klasse"].tolist() == [3]


def test_weakest_dimension_is_length_weighted_over_low_cells() -> None:
    # 80 m in A, 20 m in D: fys = (80·-0.1 + 20·0.2)/100 = -0.04; onv = 20·-0.3/100 = -0.06.
    layer_ = cells(cel("A", 0, 0, 4, fys=-0.1, onv=0.0), cel("D", 100, 0, 2, fys=0.2, onv=-0.3))
    got = r3_leefbaarheid(secties(20, 120), layer_, RuleParams())
    row = got.iloc[0]
    assert (row["zwakste_dimensie"], row["laagste_klasse"]) == ("onv", 2)
    assert row["koppeling"] == "sociale veiligheid (verlichting, zichtlijnen)"
    assert row["toelichting"] == (
        "Leefbaarheid: Warmtenet 'Tracé WN1' sectie WN1#0 (2027–2028) loopt over 100,0 van "
        "100,0 m (100,0%) door leefbaarometercellen met klasse ≤ 4 (jaar 2022); laagste "
        "klasse 2; zwakste dimensie onv (gewogen gemiddelde -0,060): sociale veiligheid "
        "(verlichting, zichtlijnen); drempel: aandeel ≥ 50%."
    )


def test_cells_that_are_not_low_do_not_weigh_but_do_count_for_laagste_klasse() -> None:
    # D is class 5 now, so only A (80 m) weighs: fys -0.1 is weakest.
    layer_ = cells(cel("A", 0, 0, 4, fys=-0.1, onv=0.0), cel("D", 100, 0, 5, fys=0.2, onv=-0.3))
    got = r3_leefbaarheid(secties(20, 120), layer_, RuleParams())
    assert got["zwakste_dimensie"].tolist() == ["fys"]
    assert got["koppeling"].tolist() == ["herinrichting openbare ruimte"]
    assert got["laagste_klasse"].tolist() == [4]


def test_only_latest_year_counts() -> None:
    old_low = cel("A", 0, 0, 1, jaar=2020)
    new_ok = cel("A", 0, 0, 7, jaar=2022)
    assert len(r3_leefbaarheid(secties(10, 90), cells(old_low, new_ok), RuleParams())) == 0
    old_ok = cel("A", 0, 0, 7, jaar=2018)
    got = r3_leefbaarheid(secties(10, 90), cells(old_ok, old_low), RuleParams())
    assert got["laagste_klasse"].tolist() == [1]


def test_parameters_change_the_outcome() -> None:
    layer_ = cells(cel("A", 0, 0, 5), cel("B", 100, 0, 8))
    sec = secties(30, 130)  # 70 m in A, 30 m in B
    assert len(r3_leefbaarheid(sec, layer_, RuleParams())) == 0
    assert len(r3_leefbaarheid(sec, layer_, RuleParams(klasse_max=5))) == 1
    assert len(r3_leefbaarheid(sec, layer_, RuleParams(klasse_max=5, laag_aandeel_min=0.71))) == 0


def test_empty_layers() -> None:
    assert len(r3_leefbaarheid(secties(10, 90), empty("leefbaarometer"), RuleParams())) == 0
    got = r3_leefbaarheid(secties(10, 90).iloc[0:0], cells(cel("A", 0, 0, 1)), RuleParams())
    assert len(got) == 0
