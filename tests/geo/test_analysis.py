"""The whole run (geo.analysis.analyse) on a tiny town."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from geopandas.testing import assert_geodataframe_equal
from shapely import Point, box

from geo.analysis import Analysis, analyse
from geo.params import RuleParams
from geo.schema import BUURTSCORE_COLUMNS, KANS_COLUMNS
from tests.geo.builders import buurt_row, cel, empty, layer, overal, pijp, werk

P = 2026


def town() -> dict[str, Any]:
    return {
        "buurt": layer("buurt", [buurt_row("BU00000001", box(0, 0, 300, 200)),
                                 buurt_row("BU00000002", box(300, 0, 600, 200))]),
        "warmtenet": layer("warmtenet", [
            werk("WN1", [(0, 110), (250, 110)], start=2027, eind=2028),
            werk("WN2", [(0, 150), (250, 150)], status="bestaand"),
            werk("WN3", [(400, 100), (500, 100)], start=2030, eind=None,
                 status="in_uitvoering"),
        ]),
        "riolering": layer("riolering", [
            pijp("R1", [(0, 115), (250, 115)], materiaal="beton", vervanging=2029),
            pijp("R2", [(0, 5), (250, 5)], stelsel="vuilwater", aanleg=1900),
            pijp("R3", [(400, 50), (420, 50)], materiaal=None),
        ]),
        "groen": layer("groen", [{"id": "G1", "type": "park", "geometry": box(380, 60, 520, 140)}]),
        "boom": layer("boom", [{"id": "T1", "soort": "linde", "geometry": Point(10, 108)}]),
        "leefbaarometer": layer("leefbaarometer", [cel("A", 0, 100, 3, onv=-0.2)]),
    }


def run(params: RuleParams | None = None, **layers: Any) -> Analysis:
    return analyse(**{**town(), **layers}, dekking=overal(), params=params or RuleParams(),
                   peiljaar=P)


def test_tiny_town_finds_each_rule() -> None:
    kansen = run().kansen
    got = list(zip(kansen["regel"], kansen["bron_ids"], strict=True))
    assert sorted(got) == sorted([
        ("afkoppelen", "R1"),
        ("boomconflict", "WN1#0"),
        ("leefbaarheid", "WN1#0"),
        ("vergroenen", "WN1#0"), ("vergroenen", "WN1#1"), ("vergroenen", "WN1#2"),
        ("werk_met_werk", "R1,WN1#0"), ("werk_met_werk", "R1,WN1#1"),
        ("werk_met_werk", "R1,WN1#2"),
    ])
    # Ordered by regel, then kans_id.
    assert kansen[["regel", "kans_id"]].equals(
        kansen[["regel", "kans_id"]].sort_values(["regel", "kans_id"]).reset_index(drop=True))
    assert list(kansen.columns) == [*KANS_COLUMNS, "geometry"]
    assert kansen["kans_id"].is_unique
    assert kansen.crs == "EPSG:28992"
    for col in ("start_jaar", "eind_jaar", "riool_due_jaar", "jaarverschil", "aantal_bomen",
                "laagste_klasse"):
        assert kansen[col].dtype == "Int64"
    r3 = kansen[kansen["regel"] == "leefbaarheid"].iloc[0]
    assert (r3["laagste_klasse"], r3["zwakste_dimensie"], r3["buurtcode"]) == (3, "onv",
                                                                              "BU00000001")
    r4 = kansen[kansen["regel"] == "afkoppelen"].iloc[0]
    assert (r4["riool_due_jaar"], r4["lengte_m"], bool(r4["actie_nodig"])) == (2029, 250.0, False)


def test_secties_and_buurtscores() -> None:
    result = run()
    assert result.secties["sectie_id"].tolist() == ["WN1#0", "WN1#1", "WN1#2", "WN3#0"]
    scores = result.buurtscores
    assert list(scores.columns) == [*BUURTSCORE_COLUMNS, "geometry"]
    assert scores["buurtcode"].tolist() == ["BU00000001", "BU00000002"]
    assert scores["riool_onbekend"].tolist() == [0, 1]
    assert scores["n_kansen"].tolist() == [9, 0]
    assert scores["score"].tolist() == pytest.approx([100.0, 0.0])


def test_same_result_on_rerun_and_for_shuffled_input_rows() -> None:
    first = run().kansen
    again = run().kansen
    assert_geodataframe_equal(first, again)
    shuffled = {name: gdf.iloc[::-1].set_axis(range(10, 10 + len(gdf)))
                for name, gdf in town().items()}
    assert_geodataframe_equal(first, run(**shuffled).kansen)


def test_inputs_are_not_mutated() -> None:
    layers = town()
    before = {k: v.copy() for k, v in layers.items()}
    analyse(**layers, dekking=overal(), params=RuleParams(), peiljaar=P)
    for name, gdf in layers.items():
        assert_geodataframe_equal(gdf, before[name])


def test_all_layers_empty() -> None:
    result = analyse(**{k: empty(k) for k in town()}, dekking=overal(), params=RuleParams(),
                     peiljaar=P)
    assert len(result.kansen) == 0 and len(result.buurtscores) == 0 and len(result.secties) == 0
    assert list(result.kansen.columns) == [*KANS_COLUMNS, "geometry"]


def test_only_buurten_present() -> None:
    empties = {k: empty(k) for k in town() if k != "buurt"}
    scores = run(**empties).buurtscores
    assert scores["score"].tolist() == [0.0, 0.0]
    assert scores["rang"].tolist() == [1, 2]


def test_parameter_changes_outcome() -> None:
    kansen = run(RuleParams(sectie_m=300)).kansen
    assert kansen.loc[kansen["regel"] == "werk_met_werk", "bron_ids"].tolist() == ["R1,WN1#0"]
    assert run(RuleParams(horizon_jaar=2)).kansen["regel"].eq("afkoppelen").sum() == 0


def test_crs_mismatch_raises() -> None:
    with pytest.raises(ValueError, match="boom"):
        run(boom=town()["boom"].to_crs(4326))


def test_duplicate_source_ids_raise() -> None:
    pipes = town()["riolering"]
    doubled = pd.concat([pipes, pipes.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="dubbele id"):
        run(riolering=doubled)


def test_empty_layer_without_crs_is_accepted() -> None:
    no_crs = empty("boom").set_crs(None, allow_override=True)
    assert no_crs.crs is None
    kansen = run(boom=no_crs).kansen
    assert kansen["regel"].eq("boomconflict").sum() == 0
    assert kansen["regel"].eq("werk_met_werk").sum() == 3
