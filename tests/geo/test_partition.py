"""Partitions (geo.partition): every unit in exactly one, and the parts add up to the whole run
exactly, on random towns with gemeenten, for tiles of several sizes (issue 10)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely

from geo.analysis import analyse, analyse_local, riool_onbekend
from geo.dekking import CONTEXT_LAYERS, Beoordeling
from geo.params import RuleParams
from geo.partition import (
    REST,
    Partitie,
    envelope,
    gemeente_of,
    halo_m,
    plan_partities,
    split_busy,
    tiles_of_boxes,
)
from geo.ranking import gemeente_groups, score_buurten
from geo.results import midpoints
from geo.sections import split_sections
from tests.geo.builders import buurt_row, empty, layer, overal, pijp, werk
from tests.geo.test_reference import municipality, random_dekking

PEILJAAR = 2026
SEEDS = range(6)


def _plan(layers: dict[str, Any], tegel_m: float | None, per_gemeente: bool) -> list[Partitie]:
    units = np.concatenate([layers["warmtenet"].geometry.to_numpy(),
                            layers["riolering"].geometry.to_numpy()])
    bounds = shapely.bounds(units)
    extent = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
    gemeenten = None
    if per_gemeente:
        buurt = layers["buurt"]
        groep = gemeente_groups(buurt)
        gemeenten = {}
        for code in sorted(set(groep) - {REST}):
            b = shapely.bounds(buurt.geometry.to_numpy()[(groep == code).to_numpy()])
            gemeenten[code] = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    centres = (bounds[:, :2] + bounds[:, 2:]) / 2
    tiles = split_busy(tiles_of_boxes(bounds, tegel_m), tegel_m, centres, max_eenheden=60,
                       min_m=40.0)
    return plan_partities(tiles, tegel_m, extent, gemeenten)


def _around(layers: dict[str, Any], p: Partitie, params: RuleParams) -> dict[str, Any] | None:
    """What a partition reads (as app.analyse.partities does in SQL): whole heat lines with a
    section in its tile, every other feature within geo.partition.halo_m of its units."""
    secties = split_sections(layers["warmtenet"], params.sectie_m)
    here = p.owns(midpoints(secties.geometry.to_numpy()), layers["buurt"])
    pipes = layers["riolering"].geometry.to_numpy()
    area = envelope(np.concatenate([secties.geometry.to_numpy()[here],
                                    pipes[p.owns(midpoints(pipes), layers["buurt"])]]),
                    halo_m(params))
    if area is None:
        return None
    out = {laag: frame[frame.intersects(shapely.box(*area))].reset_index(drop=True)
           for laag, frame in layers.items() if laag not in ("warmtenet", "buurt")}
    heat = layers["warmtenet"]
    out["warmtenet"] = heat[heat["id"].isin(secties.loc[here, "warmtenet_id"])].reset_index(
        drop=True)
    # Buurten under every unit read (ownership is decided again for all of them).
    under = envelope(np.concatenate([out["riolering"].geometry.to_numpy(),
                                     out["warmtenet"].geometry.to_numpy(),
                                     [shapely.box(*area)]]), 0.0)
    buurt = layers["buurt"]
    out["buurt"] = buurt[buurt.intersects(shapely.box(*under))].reset_index(drop=True)
    return out


def _sorted(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(frame).sort_values(by, kind="stable").reset_index(drop=True)
    if "geometry" in out:
        out["geometry"] = shapely.to_wkb(out["geometry"].to_numpy())
    return out


def _partitioned(layers: dict[str, Any], dekking: dict[str, Any], params: RuleParams,
                 tegel_m: float | None, per_gemeente: bool) -> dict[str, Any]:
    """The run in parts: the rules per partition, then the ranking per gemeente."""
    leeg = {laag: len(layers[laag]) == 0 for laag in CONTEXT_LAYERS}
    delen = []
    for p in _plan(layers, tegel_m, per_gemeente):
        around = _around(layers, p, params)
        if around is not None:
            delen.append(analyse_local(**around, dekking=dekking, params=params,
                                       peiljaar=PEILJAAR, partitie=p, laag_leeg=leeg))
    kansen = pd.concat([d.kansen for d in delen], ignore_index=True)
    kansen = gpd.GeoDataFrame(kansen.sort_values(["regel", "kans_id"]).reset_index(drop=True),
                              crs=layers["buurt"].crs)
    due = pd.concat([d.riool_due for d in delen], ignore_index=True)
    beoordeling = {}
    for regel in delen[0].beoordeling if delen else ():
        records = [d.beoordeling[regel] for d in delen]
        ids = np.concatenate([r.niet_beoordeeld_ids for r in records]).astype(str)
        geoms = np.concatenate([r.niet_beoordeeld_geoms for r in records])
        order = np.argsort(ids, kind="stable")
        reden = next((r.reden for r in records if r.reden), None)
        beoordeling[regel] = Beoordeling(regel, sum(r.beoordeeld for r in records),
                                         sum(r.niet_beoordeeld for r in records), reden,
                                         geoms[order], ids[order].astype(object))
    buurt = layers["buurt"]
    groep = gemeente_groups(buurt)
    scores = [score_buurten(buurt[(groep == g).to_numpy()].reset_index(drop=True), kansen,
                            layers["leefbaarometer"], riool_onbekend(due), params, beoordeling)
              for g in sorted(set(groep))]
    return {"kansen": kansen, "due": due, "beoordeling": beoordeling,
            "scores": pd.concat(scores, ignore_index=True),
            "secties": sum(len(d.secties) for d in delen)}


# Per gemeente only, tiles only, both; the smallest tiles (most borders) cost most, so fewer.
CASES = [(seed, None, True) for seed in SEEDS] + [(seed, 137.0, False) for seed in SEEDS] + [
    (0, 100.0, True), (3, 61.0, True)]


@pytest.mark.parametrize(("seed", "tegel_m", "per_gemeente"), CASES)
def test_partitions_add_up_to_the_whole_run(seed: int, tegel_m: float | None,
                                            per_gemeente: bool) -> None:
    layers = municipality(seed)
    dekking = random_dekking(seed)
    params = RuleParams()
    whole = analyse(**layers, dekking=dekking, params=params, peiljaar=PEILJAAR)
    parts = _partitioned(layers, dekking, params, tegel_m, per_gemeente)

    assert parts["secties"] == len(whole.secties)
    pd.testing.assert_frame_equal(_sorted(parts["kansen"], ["regel", "kans_id"]),
                                  _sorted(whole.kansen, ["regel", "kans_id"]), check_exact=True)
    pd.testing.assert_frame_equal(
        _sorted(parts["scores"], ["buurtcode"]), _sorted(whole.buurtscores, ["buurtcode"]),
        check_exact=True)
    for regel, b in whole.beoordeling.items():
        got = parts["beoordeling"][regel]
        assert (got.beoordeeld, got.niet_beoordeeld) == (b.beoordeeld, b.niet_beoordeeld)
    # Every pipe's due year exactly once.
    assert parts["due"]["riolering_id"].is_unique
    assert set(parts["due"]["riolering_id"]) == set(layers["riolering"]["id"])


def test_every_unit_belongs_to_exactly_one_partition() -> None:
    layers = municipality(3)
    secties = split_sections(layers["warmtenet"], RuleParams().sectie_m)
    units = midpoints(np.concatenate([secties.geometry.to_numpy(),
                                      layers["riolering"].geometry.to_numpy()]))
    # Midpoints exactly on tile borders too (at every level of a split tile).
    border = shapely.points([[100.0, 200.0], [0.0, 0.0], [300.0, 50.0], [225.0, 125.0]])
    for tegel_m, per_gemeente in ((100.0, True), (100.0, False), (None, True), (400.0, True)):
        plan = _plan(layers, tegel_m, per_gemeente)
        owners = sum(p.owns(np.concatenate([units, border]), layers["buurt"]).astype(int)
                     for p in plan)
        assert (owners[:len(units)] == 1).all()
        assert (owners[len(units):] <= 1).all()


def test_busy_tiles_are_split_into_exact_quarters() -> None:
    rng = np.random.default_rng(5)
    centres = np.vstack([rng.uniform(0, 100, (50, 2)), rng.uniform(0, 1000, (20, 2))])
    tiles = split_busy({(0, 0)}, 1000.0, centres, max_eenheden=10, min_m=60.0)
    sizes = {1000.0 / 2**level for _, _, level in tiles}
    assert min(sizes) >= 60.0 and len(tiles) > 4
    leaves = [Partitie(ix, iy, 1000.0, None, (0, 0, 0, 0), level) for ix, iy, level in tiles]
    points = shapely.points(np.vstack([centres, [[500.0, 500.0], [250.0, 125.0]]]))
    counts = sum(p.in_tile(points).astype(int) for p in leaves)
    assert (counts == 1).all()
    # No leaf holds more than the maximum unless it could not be split further.
    for p in leaves:
        n = int(p.in_tile(shapely.points(centres)).sum())
        assert n <= 10 or 1000.0 / 2**p.level / 2 < 60.0


def test_a_midpoint_outside_every_buurt_belongs_to_the_rest_of_its_tile() -> None:
    layers = municipality(1)
    outside = shapely.points([[-500.0, -500.0]])
    assert gemeente_of(outside, layers["buurt"]).tolist() == [REST]
    rest = Partitie(-5, -5, 100.0, REST, (-500.0, -500.0, -400.0, -400.0))
    assert rest.owns(outside, layers["buurt"]).tolist() == [True]
    other = Partitie(-5, -5, 100.0, "GM0001", (-500.0, -500.0, -400.0, -400.0))
    assert other.owns(outside, layers["buurt"]).tolist() == [False]


def test_the_halo_reaches_every_rule_distance() -> None:
    params = RuleParams(afstand_m=40.0, groen_buffer_m=12.0, boom_afstand_m=3.0)
    assert halo_m(params) == 41.0
    assert halo_m(RuleParams()) == RuleParams().groen_buffer_m + 1.0


def test_a_tile_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positief"):
        plan_partities([(0, 0, 0)], 0.0, (0.0, 0.0, 1.0, 1.0), None)


def test_a_pipe_read_as_context_is_owned_only_by_its_own_gemeente() -> None:
    # A heat section in no buurt (the rest of tile 0,0) and a long pipe reaching into its
    # context area from a buurt of GM0001 far away: only GM0001's partition owns the pipe.
    layers = {
        "buurt": layer("buurt", [buurt_row("BU00010001", shapely.box(0, 0, 500, 1000))]),
        "warmtenet": layer("warmtenet", [werk("W1", [(600, 500), (650, 500)])]),
        "riolering": layer("riolering", [pijp("R1", [(580, 505), (100, 505)], aanleg=1960)]),
        "groen": empty("groen"), "boom": empty("boom"), "leefbaarometer": empty("leefbaarometer"),
    }
    params = RuleParams()
    owners = []
    for p in _plan(layers, 1000.0, True):
        around = _around(layers, p, params)
        if around is None:
            continue
        lokaal = analyse_local(**around, dekking=overal(), params=params, peiljaar=PEILJAAR,
                               partitie=p)
        owners += [p.key] * int((lokaal.riool_due["riolering_id"] == "R1").sum())
    assert owners == ["GM0001+@0,0"]


def test_the_name_of_a_partition_says_whether_it_takes_the_rest() -> None:
    box = (0.0, 0.0, 100.0, 100.0)
    plan = plan_partities([(0, 0, 0)], 100.0, box, {"GM0002": box, "GM0001": box})
    assert [p.key for p in plan] == ["GM0001+@0,0", "GM0002@0,0"]
    # GM0001 leaves the tile: GM0002 now takes the rest, under another name.
    assert [p.key for p in plan_partities([(0, 0, 0)], 100.0, box, {"GM0002": box})] == [
        "GM0002+@0,0"]
    assert [p.key for p in plan_partities([(3, 4, 2)], 100.0, box, None)] == ["3,4/2"]
