"""R2 vergroenen (RULES.md §3): green share of the 25 m corridor against 0.15."""

from __future__ import annotations

from typing import Any

import pytest

from shapely import LineString, Polygon, box

from geo.params import RuleParams
from geo.rules import r2_vergroenen
from geo.sections import split_sections
from tests.geo.builders import empty, layer, werk

SECTIE = LineString([(0, 0), (100, 0)])
SECTIES = split_sections(layer("warmtenet", [werk("WN1", [(0, 0), (100, 0)])]), 100.0)
CORRIDOR_M2 = SECTIE.buffer(25).area  # 5 000 m² strip + 64-gon circle, about 6.960 m²


def green_strip(share: float) -> Polygon:
    """A full-height green block in the straight part of the corridor with this share of it."""
    width = share * CORRIDOR_M2 / 50
    return box(10, -25, 10 + width, 25)


def groen(*geoms: Polygon) -> Any:
    return layer("groen", [{"id": f"G{i}", "type": "park", "geometry": g}
                           for i, g in enumerate(geoms)])


@pytest.mark.parametrize(("share", "found"), [(0.15, False), (0.1499, True), (0.0, True)])
def test_threshold_edge(share: float, found: bool) -> None:
    layer_ = groen(green_strip(share)) if share else empty("groen")
    got = r2_vergroenen(SECTIES, layer_, RuleParams())
    assert len(got) == int(found)
    if found:
        assert got["groen_aandeel"].iloc[0] == pytest.approx(share, abs=1e-9)
        assert got.geometry.iloc[0].equals(SECTIE)
        assert got["sectie_id"].iloc[0] == "WN1#0"


def test_overlapping_green_counts_once_and_outside_green_not_at_all() -> None:
    strip = green_strip(0.10)
    far = box(0, 100, 100, 200)  # 75 m beyond the corridor
    got = r2_vergroenen(SECTIES, groen(strip, strip, far), RuleParams())
    # Summed per polygon it would be 0.20 (no result); as a union it is 0.10.
    assert got["groen_aandeel"].tolist() == pytest.approx([0.10])


def test_green_partly_in_corridor_is_clipped() -> None:
    # Half of this block lies above the corridor (y 0..25 inside, 25..50 outside).
    block = box(20, 0, 20 + 0.2 * CORRIDOR_M2 / 25, 50)
    got = r2_vergroenen(SECTIES, groen(block), RuleParams())
    assert len(got) == 0  # 0.2 of the corridor, not 0.4 and not 0


def test_invalid_green_polygon_is_repaired() -> None:
    bowtie = Polygon([(10, -25), (30, 25), (30, -25), (10, 25)])
    got = r2_vergroenen(SECTIES, groen(bowtie), RuleParams())
    assert got["groen_aandeel"].tolist() == pytest.approx([500 / CORRIDOR_M2])


def test_parameters_change_the_outcome() -> None:
    layer_ = groen(green_strip(0.10))
    assert len(r2_vergroenen(SECTIES, layer_, RuleParams(groen_drempel=0.10))) == 0
    assert len(r2_vergroenen(SECTIES, layer_, RuleParams(groen_drempel=0.11))) == 1
    # A 10 m wide verge along the section: 1 000 m² of 6 960 (0.144) in the default 25 m
    # corridor, but 1 000 of 2 314 (0.43) in a 10 m corridor.
    verge = groen(box(0, -5, 100, 5))
    assert len(r2_vergroenen(SECTIES, verge, RuleParams())) == 1
    assert len(r2_vergroenen(SECTIES, verge, RuleParams(groen_buffer_m=10))) == 0


def test_toelichting() -> None:
    got = r2_vergroenen(SECTIES, empty("groen"), RuleParams())
    assert got["toelichting"].iloc[0] == (
        "Vergroenen: Warmtenet 'Tracé WN1' sectie WN1#0 (2027–2028); groen in de strook van "
        "25 m rond de sectie is 0 van 6.960 m² = 0,0%; drempel: groen_aandeel < 15%."
    )
