"""Sewer due years (RULES.md §2)."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from geo.params import RuleParams
from geo.riool import due_explanations, due_years
from tests.geo.builders import layer, pijp

SEG = [(0.0, 0.0), (10.0, 0.0)]


def test_vervangingsjaar_wins_then_lifetime_per_material_then_unknown() -> None:
    pipes = layer("riolering", [
        pijp("V", SEG, materiaal="beton", aanleg=1950, vervanging=2031),
        pijp("BET", SEG, materiaal="beton", aanleg=1970),
        pijp("GB", SEG, materiaal="gewapend beton", aanleg=1970),
        pijp("GRES", SEG, materiaal="gres", aanleg=1950),
        pijp("PVC", SEG, materiaal="pvc", aanleg=1980),
        pijp("PE", SEG, materiaal="pe", aanleg=1990),
        pijp("GIET", SEG, materiaal="gietijzer", aanleg=1940),
        pijp("METS", SEG, materiaal="metselwerk", aanleg=1920),
        pijp("ASB", SEG, materiaal="asbestcement", aanleg=1965),
        pijp("NONE", SEG, materiaal=None, aanleg=1966),
        pijp("ONB", SEG, materiaal="beton", aanleg=None, vervanging=None),
        pijp("ONLYV", SEG, materiaal=None, aanleg=None, vervanging=2040),
    ])
    got = due_years(pipes, RuleParams())
    expected = pd.Series(
        [2031, 2030, 2030, 2030, 2040, 2050, 2020, 2020, 2025, 2026, pd.NA, 2040], dtype="Int64",
    )
    assert_series_equal(got, expected)


def test_material_is_matched_case_insensitively() -> None:
    pipes = layer("riolering", [pijp("G", SEG, materiaal=" Gres ", aanleg=1950)])
    assert due_years(pipes, RuleParams()).tolist() == [2030]


def test_custom_lifetime_changes_due_year() -> None:
    pipes = layer("riolering", [pijp("B", SEG, materiaal="beton", aanleg=1970)])
    params = RuleParams(levensduur={"beton": 50}, levensduur_overig=70)
    assert due_years(pipes, params).tolist() == [2020]


def test_index_is_kept() -> None:
    pipes = layer("riolering", [pijp("A", SEG, aanleg=1970), pijp("B", SEG, aanleg=1980)])
    pipes.index = [7, 3]
    assert due_years(pipes, RuleParams()).index.tolist() == [7, 3]


def test_explanations_show_the_arithmetic() -> None:
    pipes = layer("riolering", [
        pijp("V", SEG, aanleg=1950, vervanging=2031),
        pijp("A", SEG, materiaal="gres", aanleg=1950),
        pijp("O", SEG),
    ])
    assert due_explanations(pipes, RuleParams()).tolist() == [
        "vervanging gepland 2031", "aanleg 1950 + levensduur 80 = 2030", "vervangingsjaar onbekend",
    ]


def test_crs_mismatch_raises() -> None:
    pipes = layer("riolering", [pijp("A", SEG, aanleg=1970)], crs="EPSG:3857")
    with pytest.raises(ValueError, match="EPSG:28992"):
        due_years(pipes, RuleParams())
