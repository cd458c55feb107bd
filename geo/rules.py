"""The five rules of RULES.md §3; each returns rows of _common.RULE_COLUMNS in EPSG:28992."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import geopandas as gpd
import shapely

from geo._common import (
    EPS,
    QUAD_SEGS,
    as_int64,
    check_layer,
    line_parts,
    rule_columns,
    union_groups,
    usable,
    valid_polygons,
)
from geo.green import Green, corridor_green
from geo.params import RuleParams
from geo.riool import due_explanations, due_years
from geo.schema import DIMENSIONS, LAYER_COLUMNS
from geo.sections import SECTIE_COLUMNS
from geo.toelichting import (
    KOPPELING,
    r1_text,
    r2_text,
    r2b_text,
    r3_text,
    r4_text,
    riool_text,
    sectie_text,
)

AFKOPPEL_STELSELS = ("gemengd", "onbekend")


def _sections(secties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    check_layer(secties, "secties", SECTIE_COLUMNS)
    return usable(secties)


def _pipes(riolering: gpd.GeoDataFrame, params: RuleParams) -> gpd.GeoDataFrame:
    """Usable pipes with a known due year, with a `_due` column."""
    check_layer(riolering, "riolering", LAYER_COLUMNS["riolering"])
    pipes = usable(riolering)
    pipes["_due"] = due_years(pipes, params)
    return pipes[pipes["_due"].notna()].reset_index(drop=True)


def _labels(sec: gpd.GeoDataFrame) -> np.ndarray:
    """Per section its label for the explanations (toelichting.sectie_text)."""
    return sectie_text(sec["naam"], sec["warmtenet_id"], sec["sectie_id"], sec["start_jaar"],
                       sec["eind_jaar"])


def _take(frame: pd.DataFrame, column: str, idx: np.ndarray) -> pd.Series:
    """frame[column] at positions idx, index 0..len(idx)-1, dtype kept."""
    return frame[column].iloc[idx].reset_index(drop=True)


def _sectie_columns(sec: gpd.GeoDataFrame, idx: np.ndarray) -> dict[str, object]:
    return {c: _take(sec, c, idx) for c in ("warmtenet_id", "sectie_id", "start_jaar",
                                            "eind_jaar")}


def _riool_texts(pipes: gpd.GeoDataFrame, params: RuleParams) -> np.ndarray:
    """Per pipe of a result its label; the due-year explanation only for these pipes."""
    return riool_text(pipes["id"].astype(str), pipes["materiaal"], pipes["stelseltype"],
                      due_explanations(pipes, params))


def r1_werk_met_werk(secties: gpd.GeoDataFrame, riolering: gpd.GeoDataFrame,
                     params: RuleParams) -> gpd.GeoDataFrame:
    """R1: sections near pipes due in the works window; EPSG:28992 in and out."""
    sec = _sections(secties)
    pipes = _pipes(riolering, params)
    if len(sec) == 0 or len(pipes) == 0:
        return rule_columns({}, np.zeros(0, dtype=object))
    s_geoms, p_geoms = sec.geometry.to_numpy(), pipes.geometry.to_numpy()
    si, pi = shapely.STRtree(p_geoms).query(s_geoms, predicate="dwithin",
                                            distance=params.afstand_m + EPS)
    start = sec["start_jaar"].to_numpy(dtype="float64", na_value=np.nan)[si]
    eind = sec["eind_jaar"].to_numpy(dtype="float64", na_value=np.nan)[si]
    due = pipes["_due"].to_numpy(dtype="float64", na_value=np.nan)[pi]
    # A section without start year has no window and so cannot meet R1 (NaN compares False).
    keep = (start - params.marge_jaar <= due) & (due <= eind + params.marge_jaar)
    si, pi, start, due = si[keep], pi[keep], start[keep], due[keep]
    dist = shapely.distance(s_geoms[si], p_geoms[pi])
    shared = line_parts(shapely.intersection(
        s_geoms[si], shapely.buffer(p_geoms[pi], params.afstand_m, quad_segs=QUAD_SEGS)))
    lengte = shapely.length(shared)
    keep = (dist <= params.afstand_m + EPS) & (lengte >= params.min_lengte_m - EPS)
    si, pi, dist, shared, lengte = si[keep], pi[keep], dist[keep], shared[keep], lengte[keep]
    due_i = due[keep].astype(np.int64)
    verschil = due_i - start[keep].astype(np.int64)
    toelichting = r1_text(_labels(sec)[si],
                          _riool_texts(pipes.iloc[pi], params),
                          dist, lengte, verschil, params)
    return rule_columns({
        "regel": "werk_met_werk", "regelcode": "R1", **_sectie_columns(sec, si),
        "riool_id": _take(pipes, "id", pi),
        "riool_due_jaar": due_i, "jaarverschil": verschil, "afstand_m": dist,
        "gedeelde_lengte_m": lengte, "materiaal": _take(pipes, "materiaal", pi),
        "stelseltype": _take(pipes, "stelseltype", pi), "toelichting": toelichting,
    }, shared)


def r2_vergroenen(secties: gpd.GeoDataFrame, groen: gpd.GeoDataFrame | Green,
                  params: RuleParams) -> gpd.GeoDataFrame:
    """R2: sections whose corridor has too little green; EPSG:28992 in and out.

    `groen` is the green layer or, to share it with R4, green.prepare_green of it.
    """
    sec = _sections(secties)
    if len(sec) == 0:
        return rule_columns({}, np.zeros(0, dtype=object))
    strook, groen_m2 = corridor_green(sec.geometry.to_numpy(), groen, params.groen_buffer_m,
                                      QUAD_SEGS)
    idx = np.flatnonzero(groen_m2 / strook < params.groen_drempel - EPS)
    return rule_columns({
        "regel": "vergroenen", "regelcode": "R2", **_sectie_columns(sec, idx),
        "groen_aandeel": groen_m2[idx] / strook[idx],
        "toelichting": r2_text(_labels(sec)[idx], groen_m2[idx],
                               strook[idx], params),
    }, sec.geometry.to_numpy()[idx])


def _joined(owner: np.ndarray, texts: np.ndarray, sep: str) -> np.ndarray:
    """Per run of equal `owner` values (sorted), its texts joined by `sep`."""
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else owner
    offsets = pa.array(np.r_[starts, len(owner)].astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, pa.array(texts, type=pa.string()))
    joined = pc.binary_join(lists, sep).to_numpy(zero_copy_only=False)
    return joined.astype(str) if len(joined) else np.zeros(0, dtype="U1")


def r2b_boomconflict(secties: gpd.GeoDataFrame, boom: gpd.GeoDataFrame,
                     params: RuleParams) -> gpd.GeoDataFrame:
    """R2b: sections with trees within boom_afstand_m; EPSG:28992 in and out."""
    sec = _sections(secties)
    check_layer(boom, "boom", LAYER_COLUMNS["boom"])
    trees = usable(boom)
    if len(sec) == 0 or len(trees) == 0:
        return rule_columns({}, np.zeros(0, dtype=object))
    s_geoms, t_geoms = sec.geometry.to_numpy(), trees.geometry.to_numpy()
    si, ti = shapely.STRtree(t_geoms).query(s_geoms, predicate="dwithin",
                                            distance=params.boom_afstand_m + EPS)
    dist = shapely.distance(s_geoms[si], t_geoms[ti])
    near = dist <= params.boom_afstand_m + EPS
    pairs = pd.DataFrame({"s": si[near], "id": trees["id"].astype(str).to_numpy()[ti[near]],
                          "d": dist[near]})
    dichtstbij = pairs.groupby("s", sort=True)["d"].min()
    ids = pairs.drop_duplicates(["s", "id"]).sort_values(["s", "id"], kind="stable")
    owner = ids["s"].to_numpy()
    idx = dichtstbij.index.to_numpy()
    aantal = np.bincount(owner, minlength=len(sec))[idx]
    first = (ids.groupby("s").cumcount() < 10).to_numpy()
    tree_ids = ids["id"].to_numpy(dtype=object)
    return rule_columns({
        "regel": "boomconflict", "regelcode": "R2b", **_sectie_columns(sec, idx),
        "boom_ids": _joined(owner, tree_ids, ","), "aantal_bomen": aantal,
        "toelichting": r2b_text(_labels(sec)[idx], aantal,
                                _joined(owner[first], tree_ids[first], ", "),
                                dichtstbij.to_numpy(), params),
    }, s_geoms[idx])


def latest_cells(leefbaarometer: gpd.GeoDataFrame) -> tuple[int | None, gpd.GeoDataFrame]:
    """The latest `jaar` present and its cells (valid polygons); expects EPSG:28992."""
    check_layer(leefbaarometer, "leefbaarometer", LAYER_COLUMNS["leefbaarometer"])
    cells = usable(leefbaarometer)
    jaren = as_int64(cells["jaar"].to_numpy())
    if jaren.notna().sum() == 0:
        return None, cells.iloc[0:0]
    jaar = int(jaren.max())
    cells = cells[(jaren == jaar).fillna(False).to_numpy()].reset_index(drop=True)
    cells["klasse"] = as_int64(cells["klasse"].to_numpy())
    cells.geometry = valid_polygons(cells.geometry.to_numpy())
    return jaar, cells


def low_mask(cells: gpd.GeoDataFrame, params: RuleParams) -> np.ndarray:
    """True for cells with klasse ≤ klasse_max (a null class is not low)."""
    mask: np.ndarray = (cells["klasse"] <= params.klasse_max).fillna(False).to_numpy(dtype=bool)
    return mask


def _weakest(si: np.ndarray, ci: np.ndarray, weights: np.ndarray, cells: pd.DataFrame,
             n: int) -> tuple[pd.Series, np.ndarray]:
    """Per section (0..n-1) the dimension with the lowest length-weighted mean over the pairs
    (si, ci) with weight > 0 (ties: order of DIMENSIONS), and that mean; null/NaN if none."""
    means = np.full((n, len(DIMENSIONS)), np.inf)
    for k, dim in enumerate(DIMENSIONS):
        values = pd.to_numeric(cells[dim], errors="coerce").to_numpy(dtype=float)[ci]
        ok = ~np.isnan(values) & (weights > 0)
        total = np.bincount(si[ok], weights=weights[ok] * values[ok], minlength=n)
        wsum = np.bincount(si[ok], weights=weights[ok], minlength=n)
        has = np.bincount(si[ok], minlength=n) > 0
        means[has, k] = total[has] / wsum[has]
    best = np.argmin(means, axis=1)
    found = np.isfinite(means[np.arange(n), best])
    names = np.asarray(DIMENSIONS, dtype=object)[best]
    dim = pd.Series(np.where(found, names, None), dtype="str")
    return dim, np.where(found, means[np.arange(n), best], np.nan)


def r3_leefbaarheid(secties: gpd.GeoDataFrame, leefbaarometer: gpd.GeoDataFrame,
                    params: RuleParams) -> gpd.GeoDataFrame:
    """R3: sections mostly through low-scoring leefbaarometer cells; EPSG:28992 in and out."""
    sec = _sections(secties)
    jaar, cells = latest_cells(leefbaarometer)
    if len(sec) == 0 or jaar is None or len(cells) == 0:
        return rule_columns({}, np.zeros(0, dtype=object))
    low = low_mask(cells, params)
    s_geoms, c_geoms = sec.geometry.to_numpy(), cells.geometry.to_numpy()
    si, ci = shapely.STRtree(c_geoms).query(s_geoms, predicate="intersects")
    # By section, then in layer order (not the tree's), so that sums and unions come out the
    # same in a partition as in the whole run.
    order = np.lexsort((ci, si))
    si, ci = si[order], ci[order]
    pieces = shapely.length(shapely.intersection(s_geoms[si], c_geoms[ci]))
    n = len(sec)
    # Per section the union of the low cells it touches, in layer order.
    is_low = low[ci]
    ls, lc = si[is_low], ci[is_low]
    laag_m = np.zeros(n)
    if len(ls):
        with_low = np.unique(ls)
        unions = union_groups(c_geoms[lc], np.searchsorted(with_low, ls), len(with_low))
        laag_m[with_low] = shapely.length(shapely.intersection(s_geoms[with_low], unions))
    length = shapely.length(s_geoms)
    touched = np.bincount(si, minlength=n) > 0
    idx = np.flatnonzero(touched & (laag_m >= params.laag_aandeel_min * length - EPS))
    klasse = cells["klasse"].to_numpy(dtype="float64", na_value=np.nan)[ci]
    laagste_all = pd.Series(klasse).groupby(si).min().reindex(range(n))
    laagste = laagste_all.iloc[idx].reset_index(drop=True).astype("Int64")
    dim_all, waarde_all = _weakest(ls, lc, pieces[is_low], cells, n)
    dim = dim_all.iloc[idx].reset_index(drop=True)
    return rule_columns({
        "regel": "leefbaarheid", "regelcode": "R3", **_sectie_columns(sec, idx),
        "laagste_klasse": laagste,
        "zwakste_dimensie": dim, "koppeling": dim.map(KOPPELING),
        "toelichting": r3_text(_labels(sec)[idx], laag_m[idx],
                               length[idx], jaar, laagste, dim, waarde_all[idx], params),
    }, s_geoms[idx])


def afkoppel_candidates(riolering: gpd.GeoDataFrame, params: RuleParams, *,
                        peiljaar: int) -> gpd.GeoDataFrame:
    """Pipes R4 tests for green: gemengd/onbekend, due within the horizon (with `_due`)."""
    pipes = _pipes(riolering, params)
    if len(pipes) == 0:
        return pipes
    # A null stelseltype is treated as 'onbekend'.
    stelsel = pipes["stelseltype"].astype("str").str.strip().str.lower().fillna("onbekend")
    due = pipes["_due"]
    keep = (stelsel.isin(AFKOPPEL_STELSELS) & (due >= peiljaar)
            & (due <= peiljaar + params.horizon_jaar)).fillna(False).to_numpy(dtype=bool)
    return pipes[keep].reset_index(drop=True)


def r4_afkoppelen(riolering: gpd.GeoDataFrame, groen: gpd.GeoDataFrame | Green,
                  params: RuleParams, *, peiljaar: int,
                  candidates: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """R4: combined/unknown sewers due within the horizon in grey streets; EPSG:28992 in/out.

    `groen` is the green layer or green.prepare_green of it. `candidates`, when given, are
    the pipes to test, as afkoppel_candidates gives them (a run computes them once); then
    `riolering` is not read again.
    """
    cand = (afkoppel_candidates(riolering, params, peiljaar=peiljaar) if candidates is None
            else candidates)
    if len(cand) == 0:
        return rule_columns({}, np.zeros(0, dtype=object))
    strook, groen_m2 = corridor_green(cand.geometry.to_numpy(), groen, params.groen_buffer_m,
                                      QUAD_SEGS)
    idx = np.flatnonzero(groen_m2 / strook < params.groen_drempel - EPS)
    pipes = cand.iloc[idx].reset_index(drop=True)
    stelsel = pipes["stelseltype"].astype("str")
    pipes["stelseltype"] = stelsel.where(stelsel.fillna("") != "", "onbekend")
    return rule_columns({
        "regel": "afkoppelen", "regelcode": "R4", "riool_id": pipes["id"],
        "riool_due_jaar": pipes["_due"],
        "materiaal": pipes["materiaal"], "stelseltype": pipes["stelseltype"],
        "groen_aandeel": groen_m2[idx] / strook[idx],
        "toelichting": r4_text(_riool_texts(pipes, params), peiljaar, groen_m2[idx], strook[idx],
                               params),
    }, pipes.geometry.to_numpy())
