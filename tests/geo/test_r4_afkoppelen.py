"""R4 afkoppelen (RULES.md §3): stelseltype, horizon P..P+10 and green share."""

from __future__ import annotations

from typing import Any

import pytest

from shapely import LineString, box

from geo.params import RuleParams
from geo.rules import r4_afkoppelen
from tests.geo.builders import empty, layer, pijp

P = 2026
LINE = [(0.0, 0.0), (100.0, 0.0)]
CORRIDOR_M2 = LineString(LINE).buffer(25).area


def run(*pipes: dict[str, Any], groen: Any = None, params: RuleParams | None = None) -> Any:
    return r4_afkoppelen(layer("riolering", list(pipes)),
                         empty("groen") if groen is None else groen,
                         params or RuleParams(), peiljaar=P)


@pytest.mark.parametrize(("due", "found"), [
    (P - 1, False), (P, True), (P + 10, True), (P + 11, False),
])
def test_horizon_edges(due: int, found: bool) -> None:
    assert len(run(pijp("R", LINE, vervanging=due))) == int(found)


@pytest.mark.parametrize(("stelsel", "found"), [
    ("gemengd", True), ("onbekend", True), (None, True),
    ("vuilwater", False), ("hemelwater", False), ("overig", False),
])
def test_only_combined_or_unknown_systems(stelsel: str | None, found: bool) -> None:
    assert len(run(pijp("R", LINE, stelsel=stelsel, vervanging=P + 1))) == int(found)  # type: ignore[arg-type]


@pytest.mark.parametrize(("share", "found"), [(0.15, False), (0.1499, True)])
def test_green_threshold_edge(share: float, found: bool) -> None:
    width = share * CORRIDOR_M2 / 50
    block = box(10, -25, 10 + width, 25)
    green = layer("groen", [{"id": "G", "type": "plantsoen", "geometry": block}])
    got = run(pijp("R", LINE, vervanging=P + 3), groen=green)
    assert len(got) == int(found)


def test_due_from_lifetime_and_unknown_due_ignored() -> None:
    got = run(
        pijp("A", LINE, materiaal="gres", aanleg=1950),  # 2030
        pijp("B", LINE, materiaal="beton", aanleg=1950),  # 2010, already past
        pijp("C", LINE),  # unknown
    )
    assert got["riool_id"].tolist() == ["A"]
    assert got["riool_due_jaar"].tolist() == [2030]


def test_geometry_attributes_and_toelichting() -> None:
    got = run(pijp("R77", LINE, materiaal="beton", aanleg=1969))
    row = got.iloc[0]
    assert row.geometry.equals(LineString(LINE))
    assert (row["regel"], row["stelseltype"]) == ("afkoppelen", "gemengd")
    assert row["groen_aandeel"] == 0.0
    assert row["toelichting"] == (
        "Afkoppelen: riool R77 (beton, gemengd, aanleg 1969 + levensduur 60 = 2029) valt in "
        "2026–2036; groen in de strook van 25 m rond het riool is 0 van 6.960 m² = 0,0%; "
        "drempels: horizon 10 jaar, groen_aandeel < 15%."
    )


def test_parameters_change_the_outcome() -> None:
    pipe = pijp("R", LINE, vervanging=P + 12)
    assert len(run(pipe)) == 0
    assert len(run(pipe, params=RuleParams(horizon_jaar=12))) == 1


def test_crs_mismatch_raises() -> None:
    green = layer("groen", [{"id": "G", "type": "x", "geometry": box(0, 0, 1, 1)}], crs=4326)
    with pytest.raises(ValueError, match="groen"):
        run(pijp("R", LINE, vervanging=P), groen=green)
