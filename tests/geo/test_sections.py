"""Sections of heat works (RULES.md §2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from geopandas.testing import assert_geodataframe_equal
from shapely import LineString, MultiLineString
from shapely.ops import substring

from geo.sections import split_sections
from tests.geo.builders import empty, layer, werk


def test_250_m_work_gives_three_equal_sections() -> None:
    net = layer("warmtenet", [werk("WN1", [(0, 0), (250, 0)], start=2027, eind=2028)])
    got = split_sections(net, 100.0)
    expected = gpd.GeoDataFrame(
        {
            "sectie_id": pd.Series(["WN1#0", "WN1#1", "WN1#2"], dtype="str"),
            "warmtenet_id": pd.Series(["WN1"] * 3, dtype="str"),
            "naam": pd.Series(["Tracé WN1"] * 3, dtype="str"),
            "status": pd.Series(["gepland"] * 3, dtype="str"),
            "start_jaar": pd.Series([2027] * 3, dtype="Int64"),
            "eind_jaar": pd.Series([2028] * 3, dtype="Int64"),
        },
        geometry=[
            LineString([(0, 0), (250 / 3, 0)]),
            LineString([(250 / 3, 0), (500 / 3, 0)]),
            LineString([(500 / 3, 0), (250, 0)]),
        ],
        crs="EPSG:28992",
    )
    assert_geodataframe_equal(got, expected, check_less_precise=True)
    assert got.length.round(2).tolist() == [83.33, 83.33, 83.33]


def test_exactly_100_m_is_one_section_and_100_01_is_two() -> None:
    net = layer("warmtenet", [werk("A", [(0, 0), (100, 0)]), werk("B", [(0, 50), (100.01, 50)])])
    got = split_sections(net, 100.0)
    assert got["sectie_id"].tolist() == ["A#0", "B#0", "B#1"]
    assert got.length.round(3).tolist() == [100.0, 50.005, 50.005]


def test_section_follows_a_bend() -> None:
    net = layer("warmtenet", [werk("L", [(0, 0), (60, 0), (60, 60)])])
    got = split_sections(net, 100.0)
    assert len(got) == 2
    assert got.geometry.iloc[0].equals(LineString([(0, 0), (60, 0)]))
    assert got.geometry.iloc[1].equals(LineString([(60, 0), (60, 60)]))


def test_multilinestring_numbering_continues_across_parts() -> None:
    row = werk("M", [(0, 0), (1, 0)])
    row["geometry"] = MultiLineString([[(0, 0), (150, 0)], [(0, 100), (80, 100)]])
    got = split_sections(layer("warmtenet", [row]), 100.0)
    assert got["sectie_id"].tolist() == ["M#0", "M#1", "M#2"]
    assert got.length.round(6).tolist() == [75.0, 75.0, 80.0]
    # Parts are never joined: the third section lies on the second part only.
    assert got.geometry.iloc[2].equals(LineString([(0, 100), (80, 100)]))


def test_only_planned_and_ongoing_works_and_eind_defaults_to_start() -> None:
    net = layer("warmtenet", [
        werk("B", [(0, 0), (50, 0)], status="bestaand"),
        werk("G", [(0, 10), (50, 10)], status="gepland", start=2030, eind=None),
        werk("U", [(0, 20), (50, 20)], status="in_uitvoering", start=2026, eind=2027),
    ])
    got = split_sections(net, 100.0)
    assert got["sectie_id"].tolist() == ["G#0", "U#0"]
    assert got["eind_jaar"].tolist() == [2030, 2027]


def test_null_and_empty_geometries_are_skipped() -> None:
    a = werk("N", [(0, 0), (1, 0)])
    a["geometry"] = None
    b = werk("E", [(0, 0), (1, 0)])
    b["geometry"] = LineString()
    got = split_sections(layer("warmtenet", [a, b, werk("OK", [(0, 0), (10, 0)])]), 100.0)
    assert got["sectie_id"].tolist() == ["OK#0"]


def test_empty_layer_gives_empty_sections_with_columns() -> None:
    got = split_sections(empty("warmtenet"), 100.0)
    assert len(got) == 0
    assert list(got.columns) == [
        "sectie_id", "warmtenet_id", "naam", "status", "start_jaar", "eind_jaar", "geometry",
    ]
    assert got.crs == "EPSG:28992"


def test_input_not_mutated() -> None:
    net = layer("warmtenet", [werk("WN1", [(0, 0), (250, 0)], eind=None)])
    before = net.copy()
    split_sections(net, 100.0)
    assert_geodataframe_equal(net, before)


def test_crs_mismatch_raises() -> None:
    net = layer("warmtenet", [werk("WN1", [(0, 0), (250, 0)])], crs="EPSG:4326")
    with pytest.raises(ValueError, match="EPSG:28992"):
        split_sections(net, 100.0)


def test_sections_equal_substring_exactly_on_random_lines() -> None:
    """All lines are cut at once; each piece must be shapely.ops.substring's, bit for bit,
    also where a vertex lies exactly on a cut (grid lines of 100 m cut into 50 m)."""
    rng = np.random.default_rng(5)
    rows = []
    for k in range(60):
        m = int(rng.integers(2, 9))
        pts = (np.round(rng.uniform(0, 500, (m, 2)), int(rng.integers(-2, 3)))
               if k % 2 else rng.integers(0, 5, (m, 2)) * 100.0)
        pts = [tuple(p) for i, p in enumerate(pts) if i == 0 or tuple(p) != tuple(pts[i - 1])]
        if len(pts) >= 2:
            rows.append(werk(f"W{k}", pts, start=2027, eind=None))
    for sectie_m in (50.0, 73.3, 1000.0):
        got = split_sections(layer("warmtenet", rows), sectie_m)
        expected = []
        for row in rows:
            line = LineString(row["geometry"].coords)
            n = max(1, int(np.ceil(line.length / sectie_m - 1e-9)))
            step = line.length / n
            expected += [substring(line, i * step, line.length if i == n - 1 else (i + 1) * step)
                         for i in range(n)]
        assert len(got) == len(expected)
        for g, e in zip(got.geometry, expected, strict=True):
            assert g.equals_exact(e, 0.0), (g.wkt, e.wkt)
