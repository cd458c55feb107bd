"""The five rules of RULES.md §3; each returns rows of _common.RULE_COLUMNS in EPSG:28992."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo._common import (
    EPS,
    QUAD_SEGS,
    as_int64,
    check_layer,
    line_parts,
    opt_int,
    rule_frame,
    text_or_none,
    usable,
    valid_polygons,
)
from geo.green import corridor_green
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
    """Usable pipes with a known due year, with `_due` and `_due_text` columns."""
    check_layer(riolering, "riolering", LAYER_COLUMNS["riolering"])
    pipes = usable(riolering)
    pipes["_due"] = due_years(pipes, params)
    pipes["_due_text"] = due_explanations(pipes, params)
    return pipes[pipes["_due"].notna()].reset_index(drop=True)


def _sectie_label(sec: pd.Series) -> str:
    return sectie_text(text_or_none(sec["naam"]), str(sec["warmtenet_id"]),
                       str(sec["sectie_id"]), sec["start_jaar"], sec["eind_jaar"])


def _sectie_attrs(sec: pd.Series) -> dict[str, object]:
    return {
        "warmtenet_id": sec["warmtenet_id"], "sectie_id": sec["sectie_id"],
        "start_jaar": sec["start_jaar"], "eind_jaar": sec["eind_jaar"],
    }


def r1_werk_met_werk(secties: gpd.GeoDataFrame, riolering: gpd.GeoDataFrame,
                     params: RuleParams) -> gpd.GeoDataFrame:
    """R1: sections near pipes due in the works window; EPSG:28992 in and out."""
    sec = _sections(secties)
    pipes = _pipes(riolering, params)
    rows: list[dict[str, object]] = []
    if len(sec) == 0 or len(pipes) == 0:
        return rule_frame(rows)
    s_geoms, p_geoms = sec.geometry.to_numpy(), pipes.geometry.to_numpy()
    si, pi = shapely.STRtree(p_geoms).query(s_geoms, predicate="dwithin",
                                            distance=params.afstand_m + EPS)
    start = sec["start_jaar"].to_numpy(dtype="float64", na_value=np.nan)[si]
    eind = sec["eind_jaar"].to_numpy(dtype="float64", na_value=np.nan)[si]
    due = pipes["_due"].to_numpy(dtype="float64", na_value=np.nan)[pi]
    # A section without start year has no window and so cannot meet R1 (NaN compares False).
    keep = (start - params.marge_jaar <= due) & (due <= eind + params.marge_jaar)
    si, pi = si[keep], pi[keep]
    dist = shapely.distance(s_geoms[si], p_geoms[pi])
    shared = shapely.intersection(s_geoms[si], shapely.buffer(p_geoms[pi], params.afstand_m,
                                                             quad_segs=QUAD_SEGS))
    for s_i, p_i, d, geom in zip(si, pi, dist, shared, strict=True):
        line = line_parts(geom)
        if d > params.afstand_m + EPS or line.length < params.min_lengte_m - EPS:
            continue
        s, p = sec.iloc[s_i], pipes.iloc[p_i]
        due_i = int(p["_due"])
        verschil = due_i - int(s["start_jaar"])
        materiaal, stelsel = text_or_none(p["materiaal"]), text_or_none(p["stelseltype"])
        rows.append({
            "regel": "werk_met_werk", **_sectie_attrs(s), "riool_id": p["id"],
            "riool_due_jaar": due_i, "jaarverschil": verschil, "afstand_m": float(d),
            "gedeelde_lengte_m": line.length, "materiaal": materiaal, "stelseltype": stelsel,
            "toelichting": r1_text(
                _sectie_label(s), riool_text(str(p["id"]), materiaal, stelsel, p["_due_text"]),
                float(d), line.length, verschil, params),
            "geometry": line,
        })
    return rule_frame(rows)


def r2_vergroenen(secties: gpd.GeoDataFrame, groen: gpd.GeoDataFrame,
                  params: RuleParams) -> gpd.GeoDataFrame:
    """R2: sections whose corridor has too little green; EPSG:28992 in and out."""
    sec = _sections(secties)
    rows: list[dict[str, object]] = []
    if len(sec) == 0:
        return rule_frame(rows)
    strook, groen_m2 = corridor_green(sec.geometry.to_numpy(), groen, params.groen_buffer_m,
                                      QUAD_SEGS)
    for i in np.flatnonzero(groen_m2 / strook < params.groen_drempel - EPS):
        s = sec.iloc[i]
        rows.append({
            "regel": "vergroenen", **_sectie_attrs(s),
            "groen_aandeel": groen_m2[i] / strook[i],
            "toelichting": r2_text(_sectie_label(s), groen_m2[i], strook[i], params),
            "geometry": s.geometry,
        })
    return rule_frame(rows)


def r2b_boomconflict(secties: gpd.GeoDataFrame, boom: gpd.GeoDataFrame,
                     params: RuleParams) -> gpd.GeoDataFrame:
    """R2b: sections with trees within boom_afstand_m; EPSG:28992 in and out."""
    sec = _sections(secties)
    check_layer(boom, "boom", LAYER_COLUMNS["boom"])
    trees = usable(boom)
    rows: list[dict[str, object]] = []
    if len(sec) == 0 or len(trees) == 0:
        return rule_frame(rows)
    s_geoms, t_geoms = sec.geometry.to_numpy(), trees.geometry.to_numpy()
    si, ti = shapely.STRtree(t_geoms).query(s_geoms, predicate="dwithin",
                                            distance=params.boom_afstand_m + EPS)
    dist = shapely.distance(s_geoms[si], t_geoms[ti])
    near = dist <= params.boom_afstand_m + EPS
    pairs = pd.DataFrame({"s": si[near], "id": trees["id"].astype(str).to_numpy()[ti[near]],
                          "d": dist[near]})
    for s_i, group in pairs.groupby("s", sort=True):
        s = sec.iloc[int(s_i)]
        ids = sorted(set(group["id"]))
        rows.append({
            "regel": "boomconflict", **_sectie_attrs(s),
            "boom_ids": ",".join(ids), "aantal_bomen": len(ids),
            "toelichting": r2b_text(_sectie_label(s), ids, float(group["d"].min()), params),
            "geometry": s.geometry,
        })
    return rule_frame(rows)


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


def _weakest(weights: np.ndarray, cells: pd.DataFrame) -> tuple[str | None, float | None]:
    """The dimension with the lowest length-weighted mean (ties: order of DIMENSIONS)."""
    best: tuple[str | None, float | None] = (None, None)
    for dim in DIMENSIONS:
        values = pd.to_numeric(cells[dim], errors="coerce").to_numpy(dtype=float)
        ok = ~np.isnan(values) & (weights > 0)
        if not ok.any():
            continue
        mean = float(np.sum(weights[ok] * values[ok]) / np.sum(weights[ok]))
        if best[1] is None or mean < best[1]:
            best = (dim, mean)
    return best


def r3_leefbaarheid(secties: gpd.GeoDataFrame, leefbaarometer: gpd.GeoDataFrame,
                    params: RuleParams) -> gpd.GeoDataFrame:
    """R3: sections mostly through low-scoring leefbaarometer cells; EPSG:28992 in and out."""
    sec = _sections(secties)
    jaar, cells = latest_cells(leefbaarometer)
    rows: list[dict[str, object]] = []
    if len(sec) == 0 or jaar is None or len(cells) == 0:
        return rule_frame(rows)
    low = low_mask(cells, params)
    s_geoms, c_geoms = sec.geometry.to_numpy(), cells.geometry.to_numpy()
    si, ci = shapely.STRtree(c_geoms).query(s_geoms, predicate="intersects")
    pieces = shapely.length(shapely.intersection(s_geoms[si], c_geoms[ci]))
    klasse = cells["klasse"].to_numpy(dtype="float64", na_value=np.nan)
    for s_i in np.unique(si):
        at = si == s_i
        touched, lengths = ci[at], pieces[at]
        is_low = low[touched]
        s = sec.iloc[s_i]
        length = s.geometry.length
        if is_low.any():
            low_union = shapely.union_all(c_geoms[touched[is_low]])
            laag_m = shapely.intersection(s.geometry, low_union).length
        else:
            laag_m = 0.0
        if laag_m < params.laag_aandeel_min * length - EPS:
            continue
        klassen = klasse[touched][~np.isnan(klasse[touched])]
        laagste = int(klassen.min()) if len(klassen) else None
        dim, waarde = _weakest(lengths[is_low], cells.iloc[touched[is_low]])
        rows.append({
            "regel": "leefbaarheid", **_sectie_attrs(s), "laagste_klasse": laagste,
            "zwakste_dimensie": dim, "koppeling": KOPPELING[dim] if dim else None,
            "toelichting": r3_text(_sectie_label(s), laag_m, length, jaar, laagste, dim,
                                   waarde, params),
            "geometry": s.geometry,
        })
    return rule_frame(rows)


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


def r4_afkoppelen(riolering: gpd.GeoDataFrame, groen: gpd.GeoDataFrame, params: RuleParams,
                  *, peiljaar: int) -> gpd.GeoDataFrame:
    """R4: combined/unknown sewers due within the horizon in grey streets; EPSG:28992 in/out."""
    rows: list[dict[str, object]] = []
    cand = afkoppel_candidates(riolering, params, peiljaar=peiljaar)
    if len(cand) == 0:
        return rule_frame(rows)
    strook, groen_m2 = corridor_green(cand.geometry.to_numpy(), groen, params.groen_buffer_m,
                                      QUAD_SEGS)
    for i in np.flatnonzero(groen_m2 / strook < params.groen_drempel - EPS):
        p = cand.iloc[i]
        materiaal = text_or_none(p["materiaal"])
        stelsel_i = text_or_none(p["stelseltype"]) or "onbekend"
        rows.append({
            "regel": "afkoppelen", "riool_id": p["id"], "riool_due_jaar": opt_int(p["_due"]),
            "materiaal": materiaal, "stelseltype": stelsel_i,
            "groen_aandeel": groen_m2[i] / strook[i],
            "toelichting": r4_text(riool_text(str(p["id"]), materiaal, stelsel_i, p["_due_text"]),
                                   peiljaar, groen_m2[i], strook[i], params),
            "geometry": p.geometry,
        })
    return rule_frame(rows)
