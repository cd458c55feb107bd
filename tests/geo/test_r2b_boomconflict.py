"""R2b boomconflict (RULES.md §3): trees within 5 m of a section."""

from __future__ import annotations

from typing import Any

import pytest

from shapely import LineString, Point

from geo.params import RuleParams
from geo.rules import r2b_boomconflict
from geo.sections import split_sections
from tests.geo.builders import empty, layer, werk

# Two sections: WN1#0 (0,0)-(100,0) and WN1#1 (100,0)-(200,0).
SECTIES = split_sections(layer("warmtenet", [werk("WN1", [(0, 0), (200, 0)])]), 100.0)


def bomen(*points: tuple[str, float, float]) -> Any:
    return layer("boom", [{"id": i, "soort": None, "geometry": Point(x, y)} for i, x, y in points])


@pytest.mark.parametrize(("y", "found"), [(5.0, True), (5.01, False)])
def test_distance_edge(y: float, found: bool) -> None:
    got = r2b_boomconflict(SECTIES, bomen(("B1", 50, y)), RuleParams())
    assert got["sectie_id"].tolist() == (["WN1#0"] if found else [])


def test_one_result_per_section_with_count_and_sorted_ids() -> None:
    trees = bomen(("B2", 10, 1), ("B10", 20, -4), ("B1", 90, 0), ("B9", 150, 30),
                  ("B5", 100, 3))  # B5 is at the joint: near both sections
    got = r2b_boomconflict(SECTIES, trees, RuleParams())
    assert got["sectie_id"].tolist() == ["WN1#0", "WN1#1"]
    assert got["aantal_bomen"].tolist() == [4, 1]
    assert got["boom_ids"].tolist() == ["B1,B10,B2,B5", "B5"]
    assert got.geometry.iloc[1].equals(LineString([(100, 0), (200, 0)]))
    assert got["regel"].unique().tolist() == ["boomconflict"]


def test_tree_beyond_section_end() -> None:
    got = r2b_boomconflict(SECTIES, bomen(("B1", 205, 0), ("B2", 205.01, 0)), RuleParams())
    assert got["boom_ids"].tolist() == ["B1"]


def test_toelichting() -> None:
    got = r2b_boomconflict(SECTIES, bomen(("B7", 30, 1.25), ("B3", 60, -4)), RuleParams())
    assert got["toelichting"].iloc[0] == (
        "Boomconflict: Warmtenet 'Tracé WN1' sectie WN1#0 (2027–2028) ligt binnen 5 m van "
        "2 bomen (B3, B7; dichtstbij 1,2 m); drempel: boomafstand ≤ 5 m."
    )


def test_parameter_and_empty_layers() -> None:
    trees = bomen(("B1", 50, 7))
    assert len(r2b_boomconflict(SECTIES, trees, RuleParams())) == 0
    assert len(r2b_boomconflict(SECTIES, trees, RuleParams(boom_afstand_m=7.5))) == 1
    assert len(r2b_boomconflict(SECTIES, empty("boom"), RuleParams())) == 0
    assert len(r2b_boomconflict(SECTIES.iloc[0:0], trees, RuleParams())) == 0


def test_null_tree_geometry_is_skipped() -> None:
    trees = layer("boom", [{"id": "X", "soort": None, "geometry": None},
                           {"id": "B1", "soort": "eik", "geometry": Point(1, 1)}])
    assert r2b_boomconflict(SECTIES, trees, RuleParams())["boom_ids"].tolist() == ["B1"]
