"""Street names of every result (geo.straat, RULES.md §7)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely import LineString, Point, box

from geo._common import STRAAT_COLUMNS
from geo.analysis import analyse
from geo.params import RuleParams
from geo.partition import halo_m
from geo.schema import KANS_DTYPES
from geo.straat import name_streets
from tests.geo.builders import buurt_row, cel, layer, overal, pijp, werk

P = 2026
PARAMS = RuleParams()
# The result most tests name: a 100 m line along the x axis.
LIJN = LineString([(0, 0), (100, 0)])


def kansen(*geoms: Any, toelichting: str = "Werk met werk: uitleg.") -> gpd.GeoDataFrame:
    """Results as finish_kansen leaves them: street columns null, one explanation each."""
    n = len(geoms)
    data = {"toelichting": pd.Series([f"{toelichting} ({i})" for i in range(n)],
                                     dtype=KANS_DTYPES["toelichting"])}
    for col in STRAAT_COLUMNS:
        data[col] = pd.Series([None] * n, dtype=KANS_DTYPES[col])
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(list(geoms), crs="EPSG:28992"))


def straat(id_: str, naam: str | None, coords: list[tuple[float, float]],
           van: int | None = None, tot: int | None = None) -> dict[str, Any]:
    """A straat row (an NWB wegvak)."""
    return {"id": id_, "straatnaam": naam, "woonplaats": "Proefstad", "huisnummer_van": van,
            "huisnummer_tot": tot, "geometry": LineString(coords)}


def straten(*rows: dict[str, Any]) -> gpd.GeoDataFrame:
    out = layer("straat", list(rows))
    for col in ("huisnummer_van", "huisnummer_tot"):
        out[col] = pd.Series([r[col] for r in rows], dtype="Int64")
    return out


def named(frame: gpd.GeoDataFrame, params: RuleParams = PARAMS,
          *rows: dict[str, Any]) -> list[tuple[Any, ...]]:
    out = name_streets(frame, straten(*rows), params)
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in out[list(STRAAT_COLUMNS)].itertuples(index=False)]


def test_a_tie_goes_to_the_name_first_in_the_alphabet() -> None:
    # Two parallel streets 5 m either side, 100 m each: an exact tie.
    got = named(kansen(LIJN), PARAMS,
                straat("S1", "Zuidweg", [(0, -5), (100, -5)]),
                straat("S2", "Noordweg", [(0, 5), (100, 5)]))
    assert got == [("Noordweg", "Noordweg, Zuidweg", None)]
    # End to end on the line, meeting halfway: 65 m each up to the last bits of the buffer.
    got = named(kansen(LIJN), PARAMS,
                straat("S1", "Beukenlaan", [(-50, 0), (50, 0)]),
                straat("S2", "Akkerweg", [(50, 0), (150, 0)]))
    assert got == [("Akkerweg", "Akkerweg, Beukenlaan", None)]


def test_the_segments_of_one_name_add_up() -> None:
    # Lindelaan in two pieces of 30 m (60 m) beats Eikenweg's one piece of 50 m.
    got = named(kansen(LIJN), PARAMS,
                straat("E1", "Eikenweg", [(0, -5), (50, -5)]),
                straat("L1", "Lindelaan", [(0, 5), (30, 5)]),
                straat("L2", "Lindelaan", [(30, 5), (60, 5)]))
    assert got == [("Lindelaan", "Lindelaan, Eikenweg", None)]


def test_straten_lists_names_sharing_a_fifth_of_the_length_longest_first() -> None:
    rows = (
        straat("L1", "Lindelaan", [(-50, 3), (150, 3)]),        # 130 m
        straat("D1", "Dorpsstraat", [(50, -100), (50, 100)]),    # 30 m across the buffer
        straat("K1", "Kerkpad", [(80, -15), (80, 5)]),           # exactly 20 m = 20 %
        straat("M1", "Molenpad", [(20, -15), (20, 4)]),          # 19 m < 20 %
    )
    assert named(kansen(LIJN), PARAMS, *rows) == [
        ("Lindelaan", "Lindelaan, Dorpsstraat, Kerkpad", None)]
    # A higher share (35 % = 35 m) leaves only the street along the result.
    assert named(kansen(LIJN), RuleParams(straten_aandeel=0.35), *rows) == [
        ("Lindelaan", "Lindelaan", None)]
    # A shorter reach (5 m): Dorpsstraat and Kerkpad share 10 m each (= 10 %, a tie, so by
    # name), Molenpad 9 m.
    assert named(kansen(LIJN), RuleParams(straat_afstand_m=5.0, straten_aandeel=0.1),
                 *rows) == [("Lindelaan", "Lindelaan, Dorpsstraat, Kerkpad", None)]


def test_huisnummers_span_the_known_numbers_of_the_named_street() -> None:
    rows = (
        straat("L1", "Lindelaan", [(0, 5), (40, 5)], van=2, tot=48),
        straat("L2", "Lindelaan", [(40, 5), (80, 5)], van=0, tot=60),     # 0: no number
        straat("L3", "Lindelaan", [(80, 5), (100, 5)], van=None, tot=None),
        straat("L4", "Lindelaan", [(100, 5), (120, 5)], van=1, tot=0),
        # Same name out of reach, and another street within reach: their numbers don't count.
        straat("L9", "Lindelaan", [(0, 500), (100, 500)], van=500, tot=900),
        straat("E1", "Eikenweg", [(0, -5), (30, -5)], van=101, tot=199),
    )
    assert named(kansen(LIJN), PARAMS, *rows) == [("Lindelaan", "Lindelaan, Eikenweg", "1–60")]
    # One known number; no known number at all.
    assert named(kansen(LIJN), PARAMS,
                 straat("L1", "Lindelaan", [(0, 5), (100, 5)], van=7, tot=None)) == [
        ("Lindelaan", "Lindelaan", "7")]
    assert named(kansen(LIJN), PARAMS,
                 straat("L1", "Lindelaan", [(0, 5), (100, 5)], van=0, tot=None)) == [
        ("Lindelaan", "Lindelaan", None)]


def test_no_street_within_reach_leaves_nulls_and_the_explanation() -> None:
    frame = kansen(LIJN)
    rows = (straat("F1", "Verweg", [(0, 15.5), (100, 15.5)], van=1, tot=9),   # just outside
            straat("F2", None, [(0, 2), (100, 2)], van=1, tot=9),             # no name
            straat("F3", "  ", [(0, -2), (100, -2)], van=1, tot=9))           # blank name
    out = name_streets(frame, straten(*rows), PARAMS)
    assert out[list(STRAAT_COLUMNS)].isna().all().all()
    assert out["toelichting"].tolist() == frame["toelichting"].tolist()
    # The same street 1 m closer is within reach.
    assert named(kansen(LIJN), PARAMS,
                 straat("F1", "Verweg", [(0, 14.5), (100, 14.5)], van=1, tot=9)) == [
        ("Verweg", "Verweg", "1–9")]
    # An empty street layer names nothing either.
    out = name_streets(frame, straten(), PARAMS)
    assert out[list(STRAAT_COLUMNS)].isna().all().all()


def test_polygon_results_take_the_longest_street_inside_the_buffered_area() -> None:
    vlak = box(0, 0, 50, 50)
    rows = (straat("P1", "Pleinstraat", [(-100, 25), (100, 25)], van=4, tot=4),  # 80 m
            straat("R1", "Randweg", [(-100, 60), (100, 60)]),                    # about 72 m
            straat("V1", "Verweg", [(-100, 70), (100, 70)]))                     # 20 m away
    # A polygon has no length to take a share of: straten is its straatnaam alone.
    assert named(kansen(vlak), PARAMS, *rows) == [("Pleinstraat", "Pleinstraat", "4")]
    # A street outside the polygon but within reach names it too.
    assert named(kansen(vlak), PARAMS, *rows[1:]) == [("Randweg", "Randweg", None)]
    assert named(kansen(vlak), PARAMS, rows[2]) == [(None, None, None)]


def test_the_explanation_starts_with_the_street() -> None:
    frame = kansen(LIJN, LineString([(0, 200), (100, 200)]), LineString([(0, 900), (9, 900)]))
    out = name_streets(frame, straten(
        straat("L1", "Lindelaan", [(0, 5), (100, 5)], van=2, tot=48),
        straat("K1", "Kerkstraat", [(0, 200), (100, 200)])), PARAMS)
    assert out["toelichting"].tolist() == [
        "Lindelaan 2–48: Werk met werk: uitleg. (0)",
        "Kerkstraat: Werk met werk: uitleg. (1)",
        "Werk met werk: uitleg. (2)",
    ]
    # The input is not changed.
    assert frame["toelichting"].tolist()[0] == "Werk met werk: uitleg. (0)"
    assert frame["straatnaam"].isna().all()


def test_streets_beyond_reach_and_layer_order_change_nothing() -> None:
    """A partition reads other streets around its units, in another order: same results."""
    rng = np.random.default_rng(7)
    results = [LineString([(x, y), (x + 100, y + 20)]) for x, y in rng.uniform(0, 1000, (30, 2))]
    rows = []
    for i in range(400):
        x, y = rng.uniform(-100, 1100, 2)
        dx, dy = rng.uniform(-60, 60, 2)
        van = int(rng.integers(0, 40))
        rows.append(straat(f"S{i:03d}", f"Straat {i % 13}", [(x, y), (x + dx, y + dy)],
                           van=van, tot=van + int(rng.integers(0, 30))))
    frame = kansen(*results)
    whole = name_streets(frame, straten(*rows), PARAMS)
    assert whole["straatnaam"].notna().sum() > 10
    # Per result: only the streets a partition owning it would read, shuffled.
    for i, geom in enumerate(results):
        near = shapely.dwithin(np.array([r["geometry"] for r in rows]), geom, halo_m(PARAMS))
        read = [rows[j] for j in rng.permutation(np.flatnonzero(near))]
        one = name_streets(frame.iloc[[i]].reset_index(drop=True), straten(*read), PARAMS)
        assert_geodataframe_equal(one, whole.iloc[[i]].reset_index(drop=True))


def test_name_streets_checks_its_inputs() -> None:
    with pytest.raises(ValueError, match="straat"):
        name_streets(kansen(LIJN), straten().drop(columns="straatnaam"), PARAMS)
    with pytest.raises(ValueError, match="CRS"):
        name_streets(kansen(LIJN), straten(straat("S1", "A", [(0, 0), (1, 0)])).to_crs(4326),
                     PARAMS)


def town() -> dict[str, Any]:
    return {
        "buurt": layer("buurt", [buurt_row("BU00000001", box(0, 0, 300, 200)),
                                 buurt_row("BU00000002", box(300, 0, 600, 200))]),
        "warmtenet": layer("warmtenet", [
            werk("WN1", [(0, 110), (250, 110)], start=2027, eind=2028),
            werk("WN3", [(400, 100), (500, 100)], start=2030, eind=None, status="in_uitvoering"),
        ]),
        "riolering": layer("riolering", [
            pijp("R1", [(0, 115), (250, 115)], materiaal="beton", vervanging=2029),
            pijp("R2", [(0, 5), (250, 5)], stelsel="vuilwater", aanleg=1900),
        ]),
        "groen": layer("groen", [{"id": "G1", "type": "park", "geometry": box(380, 60, 520, 140)}]),
        "boom": layer("boom", [{"id": "T1", "soort": "linde", "geometry": Point(10, 108)}]),
        "leefbaarometer": layer("leefbaarometer", [cel("A", 0, 100, 3, onv=-0.2)]),
    }


def test_analyse_names_the_street_of_every_result() -> None:
    layers = town()
    streets = straten(
        straat("W1", "Lindelaan", [(-20, 112), (120, 112)], van=1, tot=35),
        straat("W2", "Lindelaan", [(120, 112), (270, 112)], van=37, tot=81),
        straat("W3", "Parkweg", [(380, 100), (520, 100)], van=2, tot=20),
        straat("W4", "Kanaalweg", [(0, 5), (250, 5)]),
        straat("W5", "Dwarsstraat", [(120, 0), (120, 200)]),
    )
    plain = analyse(**layers, dekking=overal(), params=PARAMS, peiljaar=P).kansen
    result = analyse(**layers, straat=streets, dekking=overal(), params=PARAMS,
                     peiljaar=P).kansen
    assert len(result) > 5 and set(result["regel"]) == {
        "werk_met_werk", "vergroenen", "boomconflict", "leefbaarheid", "afkoppelen"}
    # Every result lies along WN1 or pipe R1, both under the Lindelaan.
    assert result["straatnaam"].tolist() == ["Lindelaan"] * len(result)
    for _, row in result.iterrows():
        prefix = row["straatnaam"] + (f" {row['huisnummers']}" if pd.notna(row["huisnummers"])
                                      else "")
        assert row["toelichting"] == f"{prefix}: " + plain.set_index("kans_id").loc[
            row["kans_id"], "toelichting"]
    # The first section (0–100 m) runs along W1 only; the middle one along both pieces.
    r2 = result[result["regel"] == "vergroenen"].set_index("sectie_id")
    assert r2.loc["WN1#0", "huisnummers"] == "1–35"
    assert r2.loc["WN1#1", "huisnummers"] == "1–81"
    assert r2.loc["WN1#1", "straten"] == "Lindelaan, Dwarsstraat"
    # Without streets (v1) everything but the street and its prefix is as before.
    same = result.drop(columns=[*STRAAT_COLUMNS, "toelichting"])
    assert_geodataframe_equal(same, plain.drop(columns=[*STRAAT_COLUMNS, "toelichting"]))
    assert plain[list(STRAAT_COLUMNS)].isna().all().all()
