"""Buurt ranking (RULES.md §5)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import geopandas as gpd
from geopandas.testing import assert_geodataframe_equal
from shapely import LineString, box

from geo.params import RuleParams
from geo.ranking import rank_buurten
from geo.riool import add_due_years
from geo.schema import BUURTSCORE_COLUMNS
from tests.geo.builders import buurt_row, cel, empty, layer, pijp

A, B, C = box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)
BUURT = layer("buurt", [buurt_row("BU00000003", C), buurt_row("BU00000001", A),
                        buurt_row("BU00000002", B)])


def kansen(*rows: tuple[str, str | None, LineString]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"regel": pd.Series([r[0] for r in rows], dtype="str"),
         "buurtcode": pd.Series([r[1] for r in rows], dtype="str")},
        geometry=gpd.GeoSeries([r[2] for r in rows], crs="EPSG:28992"))


def riool(*pipes: dict[str, Any]) -> gpd.GeoDataFrame:
    return add_due_years(layer("riolering", list(pipes)), RuleParams())


KANSEN = kansen(
    # Overlapping R1 geometries in A (two pipes along one section): union 0..80 = 80 m.
    ("werk_met_werk", "BU00000001", LineString([(0, 50), (60, 50)])),
    ("werk_met_werk", "BU00000001", LineString([(20, 50), (80, 50)])),
    # Crossing from A into B: 10 m in A, 30 m in B.
    ("werk_met_werk", "BU00000002", LineString([(90, 10), (130, 10)])),
    ("vergroenen", "BU00000002", LineString([(120, 80), (170, 80)])),
    ("boomconflict", "BU00000002", LineString([(120, 80), (170, 80)])),
    ("boomconflict", "BU00000002", LineString([(120, 70), (170, 70)])),
    ("afkoppelen", "BU00000003", LineString([(220, 50), (260, 50)])),
)
LBM = layer("leefbaarometer", [cel("X", 50, 0, 3), cel("Y", 150, 0, 8),
                               cel("Z", 0, 0, 1, jaar=2019)])  # Z: an older year, ignored
PIPES = riool(pijp("K", [(0, 0), (10, 0)], aanleg=1970),  # known due, not counted
              pijp("U1", [(150, 20), (160, 20)]), pijp("U2", [(150, 30), (160, 30)]),
              pijp("U3", [(90, 40), (110, 40)]))  # midpoint on the A|B boundary: A


def test_metrics_scores_and_ranks() -> None:
    got = rank_buurten(BUURT, KANSEN, LBM, PIPES, RuleParams())
    # max m_r1 = 90 (A), max m_r2 = 50 (B), max m_r3 = 0, max m_r4 = 40 (C); Σw = 1.
    b_score = 100 * (0.4 * 30 / 90 + 0.2 * 1)
    expected = gpd.GeoDataFrame(
        {
            "buurtcode": pd.Series(["BU00000001", "BU00000002", "BU00000003"], dtype="str"),
            "buurtnaam": pd.Series(["Buurt 01", "Buurt 02", "Buurt 03"], dtype="str"),
            "gemeentecode": pd.Series(["GM0001"] * 3, dtype="str"),
            "gemeentenaam": pd.Series(["Proefstad"] * 3, dtype="str"),
            "score": [40.0, b_score, 15.0],
            "rang": pd.Series([1, 2, 3], dtype="Int64"),
            "m_r1": [90.0, 30.0, 0.0],
            "m_r2": [0.0, 50.0, 0.0],
            "m_r3": [0.0, 0.0, 0.0],
            "m_r4": [0.0, 0.0, 40.0],
            "m_r5": [0.0, 0.0, 0.0],
            "n_knelpunt": pd.Series([0, 2, 0], dtype="Int64"),
            "laag_aandeel": [0.5, 0.5, 0.0],
            "riool_onbekend": pd.Series([1, 2, 0], dtype="Int64"),
            "n_kansen": pd.Series([2, 4, 1], dtype="Int64"),
            # nothing passed as niet beoordeeld (RULES.md §8): 0 m everywhere
            "nb_r2_m": [0.0, 0.0, 0.0], "nb_r2b_m": [0.0, 0.0, 0.0],
            "nb_r3_m": [0.0, 0.0, 0.0], "nb_r4_m": [0.0, 0.0, 0.0],
            "niet_beoordeeld": pd.Series([None, None, None], dtype="str"),
        },
        geometry=[A, B, C], crs="EPSG:28992",
    )
    assert_geodataframe_equal(got, expected, check_less_precise=True)
    assert got["score"].iloc[1] == pytest.approx(33.3333333)
    assert list(got.columns) == [*BUURTSCORE_COLUMNS, "geometry"]


def test_ties_are_broken_by_buurtcode_and_all_zero_metrics_score_zero() -> None:
    got = rank_buurten(BUURT, kansen(), empty("leefbaarometer"), riool(), RuleParams())
    assert got["buurtcode"].tolist() == ["BU00000001", "BU00000002", "BU00000003"]
    assert got["rang"].tolist() == [1, 2, 3]
    assert got["score"].tolist() == [0.0, 0.0, 0.0]


def test_equal_scores_tie_on_buurtcode() -> None:
    same = kansen(("vergroenen", "BU00000003", LineString([(210, 50), (260, 50)])),
                  ("vergroenen", "BU00000002", LineString([(110, 50), (160, 50)])))
    got = rank_buurten(BUURT, same, empty("leefbaarometer"), riool(), RuleParams())
    assert got["buurtcode"].tolist() == ["BU00000002", "BU00000003", "BU00000001"]
    # Only m_r2 is non-zero: 100 × 0.2 · (50/50) / 1.0 = 20 for both.
    assert got["score"].tolist() == pytest.approx([20.0, 20.0, 0.0])


def test_weights_from_params_change_the_ranking() -> None:
    params = RuleParams(gewichten={"m_r1": 0.0, "m_r2": 0.0, "m_r3": 0.0, "m_r4": 1.0})
    got = rank_buurten(BUURT, KANSEN, LBM, PIPES, params)
    assert got["buurtcode"].tolist()[0] == "BU00000003"
    assert got["score"].tolist() == [100.0, 0.0, 0.0]


def test_buurt_without_geometry_still_appears() -> None:
    rows = [buurt_row("BU00000001", A), buurt_row("BU00000009", A)]
    rows[1]["geometry"] = None
    got = rank_buurten(layer("buurt", rows), KANSEN, LBM, PIPES, RuleParams())
    assert got["buurtcode"].tolist() == ["BU00000001", "BU00000009"]
    assert got["m_r1"].tolist() == [90.0, 0.0]


def test_empty_buurt_layer() -> None:
    got = rank_buurten(empty("buurt"), KANSEN, LBM, PIPES, RuleParams())
    assert len(got) == 0 and list(got.columns) == [*BUURTSCORE_COLUMNS, "geometry"]


def test_crs_mismatch_raises() -> None:
    with pytest.raises(ValueError, match="leefbaarometer"):
        rank_buurten(BUURT, KANSEN, LBM.set_crs(4326, allow_override=True), PIPES, RuleParams())


def _buurt_in(*gemeenten: str | None) -> gpd.GeoDataFrame:
    """BUURT (A, B, C) with these gemeentecodes, in that order."""
    rows = [buurt_row(code, geom) for code, geom in
            (("BU00000001", A), ("BU00000002", B), ("BU00000003", C))]
    for row, gemeente in zip(rows, gemeenten, strict=True):
        row["gemeentecode"] = gemeente
    return layer("buurt", rows)


def test_each_gemeente_has_its_own_maxima_and_rang_1() -> None:
    """RULES.md §10: A alone in GM0001; B and C in GM0002."""
    got = rank_buurten(_buurt_in("GM0001", "GM0002", "GM0002"), KANSEN, LBM, PIPES,
                       RuleParams())
    assert got["buurtcode"].tolist() == ["BU00000001", "BU00000002", "BU00000003"]
    assert got["rang"].tolist() == [1, 1, 2]
    # B: m_r1 30 is the maximum of GM0002 (not 90 from A): 100 × (0.4 · 1 + 0.2 · 1) = 60.
    assert got["score"].tolist() == pytest.approx([40.0, 60.0, 15.0])


def test_buurten_without_gemeentecode_form_one_group() -> None:
    """A (null) and C (blank) are ranked together; B alone in GM0001."""
    got = rank_buurten(_buurt_in(None, "GM0001", " "), KANSEN, LBM, PIPES, RuleParams())
    assert got["buurtcode"].tolist() == ["BU00000001", "BU00000003", "BU00000002"]
    assert got["rang"].tolist() == [1, 2, 1]
    assert got["score"].tolist() == pytest.approx([40.0, 15.0, 60.0])


def test_one_gemeente_equals_no_gemeentecode_at_all() -> None:
    """With one gemeente §10 is §5 unchanged, exactly."""
    one = rank_buurten(_buurt_in("GM0001", "GM0001", "GM0001"), KANSEN, LBM, PIPES,
                       RuleParams())
    without = rank_buurten(BUURT.drop(columns="gemeentecode"), KANSEN, LBM, PIPES, RuleParams())
    gemeente = ["gemeentecode", "gemeentenaam"]
    assert_geodataframe_equal(one.drop(columns=gemeente), without.drop(columns=gemeente))
    assert one["rang"].tolist() == [1, 2, 3]
    assert one["gemeentecode"].tolist() == ["GM0001"] * 3
    assert without["gemeentecode"].isna().all()


def test_gemeente_is_kept_stripped_and_blank_is_missing() -> None:
    """The row says which gemeente it was ranked in: the code stripped, blank as missing."""
    buurt = _buurt_in(" GM0001 ", None, " ")
    buurt["gemeentenaam"] = ["Proefstad ", "  ", None]
    got = rank_buurten(buurt, KANSEN, LBM, PIPES, RuleParams()).set_index("buurtcode")
    assert got.loc["BU00000001", "gemeentecode"] == "GM0001"
    assert got.loc["BU00000001", "gemeentenaam"] == "Proefstad"
    rest = got.loc[["BU00000002", "BU00000003"], ["gemeentecode", "gemeentenaam"]]
    assert rest.isna().all().all()
    assert got["rang"].sort_index().tolist() == [1, 1, 2]
