"""R5 werk_met_werk and R5b dubbel_open (RULES.md §9): units, thresholds, ids, explanations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely
from shapely import LineString, box

from geo.analysis import analyse, analyse_local
from geo.params import RuleParams
from geo.partition import Partitie, envelope, halo_m
from geo.results import finish_kansen, make_kans_id, midpoints
from geo.sections import split_sections
from geo.werk import KIND_SECTIE, r5_werk_met_werk, split_eenheid, werk_units
from tests.geo.builders import buurt_row, empty, layer, overal, pijp, werk

P = 2026
# Two buurten: x < 0 and x ≥ 0 (the higher code on the left).
BUURT = layer("buurt", [buurt_row("BU00000002", box(-1000, -1000, 0, 1000)),
                        buurt_row("BU00000001", box(0, -1000, 1000, 1000))])
# One heat section WN1#0 along y = 0 from x = 0 to 100, works 2027–2028.
WN1 = werk("WN1", [(0, 0), (100, 0)], start=2027, eind=2028)


def wrk(id_: str, geom: Any, *, partij: str | None = "Liander",
        soort: str | None = "elektriciteit", start: int | None = 2029, eind: int | None = None,
        status: str = "gepland", naam: str | None = None) -> dict[str, Any]:
    """A werk row."""
    return {"id": id_, "naam": naam, "partij": partij, "soort": soort, "status": status,
            "start_jaar": start, "eind_jaar": eind, "geometry": geom}


def line(*coords: tuple[float, float]) -> LineString:
    return LineString(coords)


def run(*, heat: list[dict[str, Any]] | None = None, pipes: list[dict[str, Any]] | None = None,
        works: list[dict[str, Any]] | None = None,
        params: RuleParams | None = None) -> gpd.GeoDataFrame:
    """R5 and R5b over the given features, finished as koppelkansen."""
    params = params or RuleParams()
    secties = split_sections(layer("warmtenet", heat or []), params.sectie_m)
    units = werk_units(secties, layer("riolering", pipes or []), layer("werk", works or []),
                       params)
    return finish_kansen([r5_werk_met_werk(units, params)], BUURT, params, peiljaar=P)


def ids(column: pd.Series) -> list[str]:
    """The unit ids of eenheid_a or eenheid_b without their layer ('werk:E1#0' → 'E1#0')."""
    return [split_eenheid(e)[1] for e in column]


def pairs(kansen: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return sorted(zip(kansen["regelcode"], ids(kansen["eenheid_a"]), ids(kansen["eenheid_b"]),
                      strict=True))


@pytest.mark.parametrize(("offset", "found"), [(10.0, True), (10.01, False)])
def test_distance_edge(offset: float, found: bool) -> None:
    got = run(heat=[WN1], works=[wrk("E1", line((0, offset), (100, offset)))])
    assert pairs(got) == ([("R5", "WN1#0", "E1#0")] if found else [])
    if found:
        assert got["afstand_m"].iloc[0] == pytest.approx(10.0)
        assert got["gedeelde_lengte_m"].iloc[0] == pytest.approx(100.0)


@pytest.mark.parametrize(("end_x", "found", "length"), [(0.0, True, 10.0), (-0.01, False, 9.99)])
def test_min_length_edge(end_x: float, found: bool, length: float) -> None:
    # A collinear werk line ending at end_x: its round buffer cap reaches end_x + 10 on y = 0.
    got = run(heat=[WN1], works=[wrk("E1", line((-50, 0), (end_x, 0)))])
    assert len(got) == int(found)
    if found:
        assert got["gedeelde_lengte_m"].iloc[0] == pytest.approx(length)
        assert got.geometry.iloc[0].equals(LineString([(0, 0), (10, 0)]))


@pytest.mark.parametrize(("x0", "found"), [(10.0, True), (10.01, False)])
def test_polygon_overlap_edge(x0: float, found: bool) -> None:
    # Overlap of box(0, 0, 20, 20) and box(x0, 10, …): (20 − x0) × 10 m², 100 at x0 = 10.
    got = run(works=[wrk("V1", box(0, 0, 20, 20), soort="weg", partij="Gemeente"),
                     wrk("V2", box(x0, 10, 40, 40))])
    assert pairs(got) == ([("R5", "V1", "V2")] if found else [])
    if found:
        assert got["oppervlak_m2"].iloc[0] == pytest.approx(100.0)


def test_polygon_min_area_is_a_parameter() -> None:
    # Overlap 4.5 × 20 = 90 m².
    works = [wrk("V1", box(0, 0, 20, 20), soort="weg"), wrk("V2", box(15.5, 0, 40, 40))]
    assert len(run(works=works)) == 0
    assert len(run(works=works, params=RuleParams(min_oppervlak_m2=90.0))) == 1


@pytest.mark.parametrize(("start", "eind", "code", "gap"), [
    (2033, None, "R5", 5),          # gap = marge
    (2034, None, "R5b", 6),         # marge + 1
    (2038, 2040, "R5b", 10),        # graafrust
    (2039, None, None, 11),         # graafrust + 1
    (2021, 2021, "R5b", 6),         # before the heat works
    (2020, 2030, "R5", 0),          # windows overlap
])
def test_time_gap_thresholds(start: int, eind: int | None, code: str | None, gap: int) -> None:
    got = run(heat=[WN1], works=[wrk("E1", line((0, 5), (100, 5)), start=start, eind=eind)])
    assert pairs(got) == ([(code, "WN1#0", "E1#0")] if code else [])
    if code:
        assert got["gap_jaar"].tolist() == [gap]
        assert got["regel"].tolist() == ["werk_met_werk" if code == "R5" else "dubbel_open"]
        assert got["categorie"].tolist() == ["kans" if code == "R5" else "knelpunt"]


def test_graafrust_and_marge_are_parameters() -> None:
    works = [wrk("E1", line((0, 5), (100, 5)), start=2034)]  # gap 6
    assert pairs(run(heat=[WN1], works=works, params=RuleParams(marge_jaar=6))) == [
        ("R5", "WN1#0", "E1#0")]
    assert pairs(run(heat=[WN1], works=works, params=RuleParams(graafrust_jaar=5))) == []


@pytest.mark.parametrize(("a", "b", "found"), [
    (("Liander", "elektriciteit"), ("Liander", "elektriciteit"), False),
    (("Liander", "elektriciteit"), ("Liander", "gas"), True),
    (("Liander", "elektriciteit"), ("Enexis", "elektriciteit"), True),
    ((None, "weg"), (None, "weg"), False),
    ((None, "weg"), ("Gemeente", "weg"), True),
    (("Gemeente", None), ("Gemeente", None), False),
    (("Gemeente", None), ("Gemeente", "weg"), True),
])
def test_units_differ_by_partij_or_soort(a: tuple[str | None, str | None],
                                         b: tuple[str | None, str | None], found: bool) -> None:
    got = run(works=[wrk("A", line((0, 0), (100, 0)), partij=a[0], soort=a[1]),
                     wrk("B", line((0, 5), (100, 5)), partij=b[0], soort=b[1])])
    assert pairs(got) == ([("R5", "A#0", "B#0")] if found else [])


def test_werk_with_partij_null_like_heat_or_pipe_does_not_differ() -> None:
    # (null, warmtenet) is what a heat section is; (null, riolering) what a pipe is.
    heat_like = wrk("W", line((0, 3), (100, 3)), partij=None, soort="warmtenet")
    pipe_like = wrk("R", line((0, 3), (100, 3)), partij=None, soort="riolering")
    pipe = pijp("R1", [(0, 0), (100, 0)], vervanging=2030)
    assert len(run(heat=[WN1], works=[heat_like])) == 0
    assert len(run(pipes=[pipe], works=[pipe_like])) == 0
    assert pairs(run(heat=[WN1], works=[pipe_like])) == [("R5", "WN1#0", "R#0")]
    assert pairs(run(pipes=[pipe], works=[heat_like])) == [("R5", "W#0", "R1")]


def test_units_of_one_werk_feature_are_never_paired() -> None:
    # Two parts 5 m apart (sections M#0, M#1 and M#2, M#3 of one work) and a polygon part.
    geom = shapely.GeometryCollection([
        LineString([(0, 0), (200, 0)]), LineString([(0, 5), (200, 5)]), box(0, -10, 200, 10)])
    units = werk_units(split_sections(empty("warmtenet"), 100.0), empty("riolering"),
                       layer("werk", [wrk("M", geom)]), RuleParams())
    assert units["eenheid"].tolist() == ["M#0", "M#1", "M#2", "M#3", "M"]
    assert len(r5_werk_met_werk(units, RuleParams())) == 0


def test_heat_section_and_pipe_are_r1s_but_r5b_when_the_gap_fits() -> None:
    # Due 2030 (gap 2): R1's, not R5. Due 2036 (gap 8): R5b.
    got = run(heat=[WN1], pipes=[pijp("R1", [(0, 4), (100, 4)], vervanging=2030),
                                 pijp("R2", [(0, -4), (100, -4)], materiaal="pvc",
                                      stelsel="vuilwater", vervanging=2036)])
    assert pairs(got) == [("R5b", "WN1#0", "R2")]
    row = got.iloc[0]
    assert (row["sectie_id"], row["warmtenet_id"], row["riool_id"]) == ("WN1#0", "WN1", "R2")
    assert (row["start_jaar"], row["eind_jaar"], row["riool_due_jaar"]) == (2027, 2028, 2036)
    assert (row["materiaal"], row["stelseltype"]) == ("pvc", "vuilwater")
    assert (row["soort_a"], row["soort_b"]) == ("warmtenet", "riolering")
    assert pd.isna(row["partij_a"]) and pd.isna(row["partij_b"])
    assert (row["start_a"], row["eind_a"], row["start_b"], row["eind_b"]) == (2027, 2028,
                                                                              2036, 2036)
    assert row["afstand_m"] == pytest.approx(4.0)
    assert row["gedeelde_lengte_m"] == pytest.approx(100.0)
    assert row.geometry.equals(LineString([(0, 0), (100, 0)]))


def test_pipe_and_werk() -> None:
    got = run(pipes=[pijp("R1", [(0, 4), (100, 4)], materiaal="beton", aanleg=1969)],
              works=[wrk("E1", line((0, 0), (100, 0)), start=2030)])
    # The werk section is `a` (a line of a higher kind than a pipe).
    assert pairs(got) == [("R5", "E1#0", "R1")]
    assert got["riool_due_jaar"].tolist() == [2029] and got["gap_jaar"].tolist() == [1]
    assert got["sectie_id"].isna().all()


@pytest.mark.parametrize("status", ["idee", "afgerond"])
def test_status_idee_or_afgerond_takes_no_part(status: str) -> None:
    works = [wrk("E1", line((0, 5), (100, 5)), status=status)]
    assert len(run(heat=[WN1], works=works)) == 0
    params = RuleParams(werk_status=("gepland", status))
    assert pairs(run(heat=[WN1], works=works, params=params)) == [("R5", "WN1#0", "E1#0")]


def test_in_uitvoering_takes_part_and_no_start_year_takes_none() -> None:
    got = run(heat=[WN1, werk("WN2", [(0, 20), (100, 20)], start=None, eind=None)],
              works=[wrk("E1", line((0, 5), (100, 5)), status="in_uitvoering"),
                     wrk("E2", line((0, 15), (100, 15)), partij="Enexis", start=None)])
    assert pairs(got) == [("R5", "WN1#0", "E1#0")]


def test_polygon_and_polygon() -> None:
    got = run(works=[wrk("V1", box(-10, 0, 30, 20), partij="Gemeente", soort="weg",
                         start=2030, eind=2031),
                     wrk("V2", box(0, 0, 60, 10), partij=None, soort="groen", naam="Plein",
                         start=2031)])
    assert pairs(got) == [("R5", "V1", "V2")]
    row = got.iloc[0]
    assert pd.isna(row["lengte_m"]) and pd.isna(row["afstand_m"])
    assert pd.isna(row["gedeelde_lengte_m"])
    assert row["oppervlak_m2"] == pytest.approx(300.0)
    assert row.geometry.equals(box(0, 0, 30, 10)) or row.geometry.normalize().equals(
        box(0, 0, 30, 10).normalize())
    # point_on_surface of the overlap lies at x > 0.
    assert row["buurtcode"] == "BU00000001"
    assert row["toelichting"] == (
        "Werk met werk: Gemeente vernieuwt de weg in 2030–2031 (werk V1) en het groen wordt "
        "opnieuw ingericht in 2031 (werk V2 'Plein'): de straat hoeft maar één keer open. "
        "Ze overlappen 300 m², 0 jaar ertussen; drempels: overlap minimaal 100 m², "
        "marge ± 5 jaar.")


def test_line_and_polygon() -> None:
    # A werk line through a square: the line within 10 m of the square.
    got = run(works=[wrk("E1", line((-50, 5), (50, 5))),
                     wrk("V1", box(0, 0, 20, 20), partij="Gemeente", soort="weg", start=2030)])
    assert pairs(got) == [("R5", "E1#0", "V1")]
    row = got.iloc[0]
    assert row.geometry.equals(LineString([(-10, 5), (30, 5)]))
    assert row["lengte_m"] == pytest.approx(40.0) and pd.isna(row["oppervlak_m2"])
    assert row["gedeelde_lengte_m"] == pytest.approx(40.0) and row["afstand_m"] == 0.0


def test_the_same_id_in_two_layers_gives_two_results() -> None:
    """Sources number their features 1, 2, … in every layer: a heat line and a work both 'A'
    along one pipe are R1 (section A#0 × pipe) and R5 (work section A#0 × pipe), not one
    kans_id; a work polygon with a pipe's id likewise."""
    heat = werk("A", [(0, 0), (100, 0)], start=2027, eind=2028)
    pipe = pijp("1", [(0, 2), (100, 2)], materiaal="beton", aanleg=1968)
    works = [wrk("A", line((0, 4), (100, 4)), partij="Vitens", soort="water", start=2029),
             wrk("1", box(-5, -5, 105, 8), partij="Woonstichting", soort="woningen",
                 start=2028)]
    got = analyse(buurt=BUURT, warmtenet=layer("warmtenet", [heat]),
                  riolering=layer("riolering", [pipe]), groen=empty("groen"),
                  boom=empty("boom"), leefbaarometer=empty("leefbaarometer"), dekking=None,
                  params=RuleParams(), peiljaar=P, werk=layer("werk", works)).kansen
    codes = got["regelcode"].tolist()
    assert codes.count("R1") == 1 and codes.count("R5") >= 3
    assert got["kans_id"].is_unique
    r5 = got[got["regelcode"] == "R5"]
    assert {"werk:A#0", "riolering:1", "werk:1"} <= set(r5["eenheid_a"]) | set(r5["eenheid_b"])


def test_kans_id_from_regel_and_both_unit_ids_and_stable() -> None:
    works = [wrk("E1", line((0, 3), (100, 3))),
             wrk("V1", box(0, -10, 50, 10), partij="Gemeente", soort="weg", start=2036)]
    got = run(heat=[WN1], works=works)
    assert pairs(got) == [("R5", "WN1#0", "E1#0"), ("R5b", "E1#0", "V1"),
                          ("R5b", "WN1#0", "V1")]
    by = {(r.eenheid_a, r.eenheid_b): r for r in got.itertuples()}
    # Each unit is named by its layer too: ids are unique within a layer only.
    r5 = by["warmtenet:WN1#0", "werk:E1#0"]
    assert r5.kans_id == make_kans_id("werk_met_werk", ["werk:E1#0", "warmtenet:WN1#0"])
    assert r5.bron_ids == "warmtenet:WN1#0,werk:E1#0"
    assert by["warmtenet:WN1#0", "werk:V1"].kans_id == make_kans_id(
        "dubbel_open", ["werk:V1", "warmtenet:WN1#0"])
    again = run(heat=[WN1], works=list(reversed(works)))
    pd.testing.assert_frame_equal(pd.DataFrame(again).drop(columns="geometry"),
                                  pd.DataFrame(got).drop(columns="geometry"))
    assert list(shapely.to_wkb(again.geometry.to_numpy())) == list(
        shapely.to_wkb(got.geometry.to_numpy()))


@pytest.mark.parametrize(("werk_start", "heat_start", "actie", "jaar"), [
    (2028, 2030, True, 2028), (2029, 2030, False, 2029), (2031, 2028, True, 2028),
])
def test_actie_nodig_and_jaar_on_the_earliest_start(werk_start: int, heat_start: int,
                                                    actie: bool, jaar: int) -> None:
    heat = werk("WN1", [(0, 0), (100, 0)], start=heat_start, eind=heat_start)
    got = run(heat=[heat], works=[wrk("E1", line((0, 3), (100, 3)), start=werk_start)])
    assert got["actie_nodig"].tolist() == [actie]
    assert got["jaar"].tolist() == [jaar]


def test_explanations_name_both_parties_years_quantities_and_thresholds() -> None:
    got = run(heat=[WN1],
              pipes=[pijp("R123", [(-20, -4), (150, -4)], materiaal="beton", aanleg=1976)],
              works=[wrk("E1", line((0, 3.2), (100, 3.2)), naam="Kabel Noord")])
    texts = dict(zip(zip(ids(got["eenheid_a"]), ids(got["eenheid_b"]), strict=True),
                     got["toelichting"], strict=True))
    assert texts["WN1#0", "E1#0"] == (
        "Werk met werk: het warmtenet wordt aangelegd in 2027–2028 (sectie WN1#0 van "
        "'Tracé WN1') en Liander verzwaart het elektriciteitsnet in 2029 (werk E1#0 "
        "'Kabel Noord'): de straat hoeft maar één keer open. Ze liggen 3,2 m uit elkaar over "
        "100,0 m, 1 jaar ertussen; drempels: afstand ≤ 10 m, marge ± 5 jaar, minimaal 10 m.")
    assert texts["WN1#0", "R123"] == (
        "Dubbel open: het warmtenet wordt aangelegd in 2027–2028 (sectie WN1#0 van "
        "'Tracé WN1') en het riool R123 (beton, gemengd, aanleg 1976 + levensduur 60 = 2036) "
        "is aan vervanging toe: de straat gaat binnen 8 jaar twee keer open (2028 en 2036); "
        "schuif een van beide op. Ze liggen 4,0 m uit elkaar over 100,0 m; drempels: "
        "afstand ≤ 10 m, minimaal 10 m, marge 5 jaar < verschil ≤ graafrust 10 jaar.")
    # E1#0 × R123: Liander's work 2029, the pipe 2036, the later start second.
    e1 = texts["E1#0", "R123"]
    assert "Liander verzwaart het elektriciteitsnet in 2029" in e1
    assert "binnen 7 jaar twee keer open (2029 en 2036)" in e1


@pytest.mark.parametrize(("soort", "partij", "clause"), [
    ("gas", "Stedin", "Stedin haalt de gasleiding weg in 2029"),
    ("water", None, "de waterleiding wordt vervangen in 2029"),
    ("telecom", "KPN", "KPN legt glasvezel of kabels in 2029"),
    ("woningen", "Portaal", "Portaal renoveert woningen in 2029"),
    ("iets", "X", "X voert werk uit in 2029"),
])
def test_a_verb_per_soort(soort: str, partij: str | None, clause: str) -> None:
    got = run(heat=[WN1], works=[wrk("E1", line((0, 3), (100, 3)), soort=soort, partij=partij)])
    assert clause in got["toelichting"].iloc[0]


def _town(with_werk: bool) -> dict[str, Any]:
    works = [wrk("E1", line((200, 3), (300, 3))),
             wrk("G1", line((200, -3), (300, -3)), partij="Stedin", soort="gas", start=2030)]
    return {"buurt": BUURT, "warmtenet": layer("warmtenet", [WN1]),
            "riolering": layer("riolering", [pijp("R1", [(0, 4), (100, 4)], vervanging=2029)]),
            "groen": empty("groen"), "boom": empty("boom"),
            "leefbaarometer": empty("leefbaarometer"),
            "werk": layer("werk", works) if with_werk else None}


def test_ranking_counts_m_r5_only_with_a_werk_layer() -> None:
    params = RuleParams()
    met = analyse(**_town(True), dekking=overal(), params=params, peiljaar=P)
    zonder = analyse(**_town(False), dekking=overal(), params=params, peiljaar=P)
    leeg = analyse(**{**_town(False), "werk": empty("werk")}, dekking=overal(), params=params,
                   peiljaar=P)
    assert sorted(met.kansen["regelcode"]) == ["R1", "R5"]
    assert sorted(zonder.kansen["regelcode"]) == ["R1"]
    pd.testing.assert_frame_equal(pd.DataFrame(leeg.buurtscores),
                                  pd.DataFrame(zonder.buurtscores))
    scores = met.buurtscores.set_index("buurtcode")
    assert scores.loc["BU00000001", "m_r5"] == pytest.approx(100.0)
    assert scores.loc["BU00000001", "m_r1"] == pytest.approx(100.0)
    # One buurt holds everything: score = 100 · (0.4 + 0.2) / (0.4 + 0.2 + 0.25 + 0.15 + 0.2).
    assert scores.loc["BU00000001", "score"] == pytest.approx(100 * 0.6 / 1.2)
    assert zonder.buurtscores.set_index("buurtcode").loc["BU00000001", "score"] == (
        pytest.approx(100 * 0.4 / 1.0))


def test_partitions_pair_by_the_owner_of_a() -> None:
    """A pair is made by the partition owning its unit `a`, with `b` from the context it
    reads (halo_m around its units); the parts add up to the whole run, bit for bit."""
    layers = {
        "buurt": BUURT, "warmtenet": layer("warmtenet", [WN1]),
        "riolering": layer("riolering", [pijp("R1", [(95, 4), (195, 4)], vervanging=2036)]),
        "groen": empty("groen"), "boom": empty("boom"), "leefbaarometer": empty("leefbaarometer"),
        "werk": layer("werk", [
            wrk("E1", line((40, 3), (240, 3))),                    # E1#0 in tile 0, E1#1 in 1
            wrk("V1", box(150, -20, 260, 20), partij="Gemeente", soort="weg", start=2031),
            wrk("V2", box(-30, -20, 60, 20), partij="Gemeente", soort="groen", start=2030),
            wrk("V3", box(240, -20, 330, 20), partij="Waternet", soort="water", start=2031),
        ]),
    }
    params = RuleParams()
    whole = analyse(**layers, dekking=overal(), params=params, peiljaar=P).kansen
    assert {"R5", "R5b"} <= set(whole["regelcode"])
    assert whole["oppervlak_m2"].notna().sum() == 1  # V1 × V3, made by the tile of V1
    parts = []
    for ix in (-1, 0, 1, 2):
        for iy in (-1, 0):
            tile = Partitie(ix, iy, 100.0, None, (ix * 100.0, iy * 100.0, ix * 100.0 + 100,
                                                  iy * 100.0 + 100))
            around = _context(layers, tile, params)
            if around is None:
                continue
            part = analyse_local(**around, dekking=overal(), params=params, peiljaar=P,
                                 partitie=tile).kansen
            assert tile.in_tile(_a_midpoints(part, layers, params)).all()
            parts.append(part)
    got = pd.concat(parts, ignore_index=True).sort_values(["regel", "kans_id"])
    got = pd.DataFrame(got.reset_index(drop=True))
    want = pd.DataFrame(whole)
    got["geometry"] = shapely.to_wkb(got["geometry"].to_numpy())
    want["geometry"] = shapely.to_wkb(want["geometry"].to_numpy())
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def _context(layers: dict[str, Any], tile: Partitie,
             params: RuleParams) -> dict[str, Any] | None:
    """Only what a partition reads: whole heat lines with a section it owns, and every other
    feature (werk whole) within halo_m of the units it owns."""
    units = werk_units(split_sections(layers["warmtenet"], params.sectie_m),
                       layers["riolering"], layers["werk"], params)
    owned = tile.owns(midpoints(units.geometry.to_numpy()), layers["buurt"])
    area = envelope(units.geometry.to_numpy()[owned], halo_m(params))
    if area is None:
        return None
    out = {name: frame[frame.intersects(box(*area))].reset_index(drop=True)
           for name, frame in layers.items() if name not in ("buurt", "warmtenet")}
    heat = units.loc[owned & (units["kind"] == KIND_SECTIE).to_numpy(), "warmtenet_id"]
    out["warmtenet"] = layers["warmtenet"][layers["warmtenet"]["id"].isin(heat)]
    return {**out, "buurt": layers["buurt"]}


def _a_midpoints(kansen: gpd.GeoDataFrame, layers: dict[str, Any],
                 params: RuleParams) -> np.ndarray:
    """Midpoint of unit `a` of each R5/R5b row."""
    units = werk_units(split_sections(layers["warmtenet"], params.sectie_m),
                       layers["riolering"], layers["werk"], params)
    geom = dict(zip(units["eenheid"], units.geometry, strict=True))
    rows = kansen[kansen["regelcode"].isin(["R5", "R5b"])]
    return midpoints(np.asarray([geom[e] for e in ids(rows["eenheid_a"])], dtype=object))
