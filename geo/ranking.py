"""Ranking of buurten by their koppelkansen (RULES.md §5)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo._common import RD, check_layer, union_groups, usable, valid_polygons
from geo.dekking import Beoordeling, buurt_texts
from geo.params import RuleParams
from geo.results import assign_buurt, midpoints
from geo.rules import latest_cells, low_mask
from geo.schema import (
    BUURTSCORE_COLUMNS,
    BUURTSCORE_DTYPES,
    NIET_BEOORDEELD_COLUMNS,
    V1_REGELCODE,
)

# The metric of each rule (by regelcode: R1 and R5 share the regel werk_met_werk). m_r5
# counts only R5's line results, and only in the score when a werk layer is loaded (§9).
METRIC_REGELCODE: dict[str, str] = {
    "m_r1": "R1",
    "m_r2": "R2",
    "m_r3": "R3",
    "m_r4": "R4",
    "m_r5": "R5",
}


def gemeente_groups(buurt: pd.DataFrame) -> pd.Series:
    """Per buurt the group it is ranked in (RULES.md §10): its gemeentecode, stripped.

    Buurten without one (column absent, null or blank) form one group, keyed "" so that it
    sorts before every gemeente.
    """
    if "gemeentecode" not in buurt.columns:
        return pd.Series("", index=buurt.index, dtype=object)
    codes = buurt["gemeentecode"].astype("string").str.strip().fillna("")
    return codes.astype(object)


def _stripped(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column stripped, with blank and missing values (also a missing column) as None."""
    if column not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    values = frame[column].astype("string").str.strip()
    return pd.Series([v if isinstance(v, str) and v else None for v in values],
                     index=frame.index, dtype=object)


def _clipped_union(buurt_geoms: np.ndarray, geoms: np.ndarray, measure: str) -> np.ndarray:
    """Per buurt, length or area of the union of `geoms` clipped to it (overlaps count once)."""
    out = np.zeros(len(buurt_geoms), dtype=float)
    present = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    if len(buurt_geoms) == 0 or len(present) == 0:
        return out
    geoms = geoms[present]
    bi, gi = shapely.STRtree(geoms).query(buurt_geoms, predicate="intersects")
    if len(bi) == 0:
        return out
    # By buurt, then in the order of `geoms` (not the tree's): the same float result whichever
    # other geometries a partition holds.
    order = np.lexsort((gi, bi))
    bi, gi = bi[order], gi[order]
    clipped = shapely.intersection(buurt_geoms[bi], geoms[gi])
    fn = shapely.length if measure == "length" else shapely.area
    # A single piece is measured as it is; several are united first.
    counts = np.bincount(bi, minlength=len(buurt_geoms))
    single = counts[bi] == 1
    out[bi[single]] = fn(clipped[single])
    multi = np.flatnonzero(counts > 1)
    if len(multi):
        many = counts[bi] > 1
        out[multi] = fn(union_groups(clipped[many], np.searchsorted(multi, bi[many]),
                                     len(multi)))
    return out


def rank_buurten(buurt: gpd.GeoDataFrame, kansen: gpd.GeoDataFrame,
                 leefbaarometer: gpd.GeoDataFrame, riool_due: gpd.GeoDataFrame,
                 params: RuleParams,
                 niet_beoordeeld: Mapping[str, Beoordeling] | None = None, *,
                 werk_geladen: bool = False) -> gpd.GeoDataFrame:
    """Score and rank every buurt; `riool_due` = pipes with column `due_jaar`; EPSG:28992.

    `niet_beoordeeld` holds per rule what it did not judge (RULES.md §8); per buurt the length
    of those units clipped to the buurt (overlaps once) goes in NIET_BEOORDEELD_COLUMNS, and
    the same in Dutch words in `niet_beoordeeld` (null when all was judged). It does not change
    the score.
    """
    check_layer(buurt, "buurt", ("buurtcode", "buurtnaam"))
    check_layer(riool_due, "riool_due", ("due_jaar",))
    pipes = usable(riool_due)
    unknown = pipes[pipes["due_jaar"].isna().to_numpy(dtype=bool)]
    onbekend = assign_buurt(midpoints(unknown.geometry.to_numpy()), buurt)
    return score_buurten(buurt, kansen, leefbaarometer, onbekend, params, niet_beoordeeld,
                         werk_geladen=werk_geladen)


def score_buurten(buurt: gpd.GeoDataFrame, kansen: gpd.GeoDataFrame,
                  leefbaarometer: gpd.GeoDataFrame, riool_onbekend: pd.Series,
                  params: RuleParams,
                  niet_beoordeeld: Mapping[str, Beoordeling] | None = None, *,
                  werk_geladen: bool = False) -> gpd.GeoDataFrame:
    """rank_buurten, given per pipe without a due year the buurtcode of its midpoint.

    `werk_geladen`: whether the run has a werk layer (RULES.md §9); only then does m_r5 weigh
    in the score (it is measured either way).

    Only what lies in `buurt` counts, so this runs per gemeente (RULES.md §10) on the buurten
    of that gemeente with the kansen, cells and unjudged units around them, each in the order
    of the whole run (kansen by regel and kans_id, cells by id, units by id).
    """
    check_layer(buurt, "buurt", ("buurtcode", "buurtnaam"))
    check_layer(kansen, "kansen", ("regel", "buurtcode"))
    if buurt["buurtcode"].duplicated().any():
        raise ValueError("Laag 'buurt' bevat dubbele buurtcodes.")
    frame = buurt.reset_index(drop=True)
    geoms = frame.geometry.to_numpy()
    has_geom = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    # A buurt without geometry still appears, with zero metrics.
    valid_geoms = valid_polygons(geoms[has_geom])
    codes = frame["buurtcode"].astype(str)

    metrics = pd.DataFrame({"buurtcode": codes})
    kans_geoms = kansen.geometry.to_numpy()
    # Results of version 1's rules may come without regelcode (werk_met_werk is then R1).
    regelcode = (kansen["regelcode"] if "regelcode" in kansen.columns
                 else kansen["regel"].map(V1_REGELCODE))
    # Only results that are lines: an area (R5 between two polygon works) has no length.
    linear = np.isin(shapely.get_type_id(kans_geoms), (1, 2, 5))
    for metric, code in METRIC_REGELCODE.items():
        values = np.zeros(len(frame))
        values[has_geom] = _clipped_union(
            valid_geoms, kans_geoms[(regelcode == code).to_numpy(dtype=bool) & linear],
            "length")
        metrics[metric] = values

    per_buurt = kansen["buurtcode"].value_counts()
    knelpunt = kansen.loc[kansen["regel"] == "boomconflict", "buurtcode"].value_counts()
    metrics["n_knelpunt"] = codes.map(knelpunt).fillna(0).astype("Int64")
    metrics["n_kansen"] = codes.map(per_buurt).fillna(0).astype("Int64")

    jaar, cells = latest_cells(leefbaarometer)
    laag = np.zeros(len(frame))
    if jaar is not None and len(cells):
        low_area = _clipped_union(valid_geoms, cells.geometry.to_numpy()[low_mask(cells, params)],
                                  "area")
        buurt_area = shapely.area(valid_geoms)
        laag[has_geom] = np.divide(low_area, buurt_area, out=np.zeros_like(low_area),
                                   where=buurt_area > 0)
    metrics["laag_aandeel"] = laag

    onbekend = riool_onbekend.value_counts()
    metrics["riool_onbekend"] = codes.map(onbekend).fillna(0).astype("Int64")

    lines = np.full(len(frame), None, dtype=object)
    for regel, column in NIET_BEOORDEELD_COLUMNS.items():
        values = np.zeros(len(frame))
        record = (niet_beoordeeld or {}).get(regel)
        if record is not None and len(record.niet_beoordeeld_geoms):
            values[has_geom] = _clipped_union(
                valid_geoms, np.asarray(record.niet_beoordeeld_geoms, dtype=object), "length")
            texts = buurt_texts(regel, values, record.reden)
            has_text, had_line = pd.notna(texts), pd.notna(lines)
            both = has_text & had_line
            lines = np.where(had_line, lines, texts)
            lines[both] = lines[both] + "; " + texts[both]
        metrics[column] = values
    metrics["niet_beoordeeld"] = list(lines)

    # RULES.md §10: maxima and rang within each gemeente.
    groep = gemeente_groups(frame)
    weights = {m: float(params.gewichten.get(m, 0.0)) for m in METRIC_REGELCODE
               if m != "m_r5" or werk_geladen}
    total_w = sum(weights.values())
    score = np.zeros(len(frame))
    for metric, w in weights.items():
        values = metrics[metric].to_numpy(dtype=float)
        top = metrics[metric].groupby(groep).transform("max").to_numpy(dtype=float)
        score += np.divide(w * values, top, out=np.zeros(len(frame)), where=top > 0)
    metrics["score"] = 100 * score / total_w if total_w > 0 else 0.0
    # Round before ranking so that equal metrics reached by different float paths tie.
    ranked = metrics.assign(_g=groep, _s=metrics["score"].round(9)).sort_values(
        ["_g", "_s", "buurtcode"], ascending=[True, False, True], kind="stable")
    metrics.loc[ranked.index, "rang"] = ranked.groupby("_g", sort=False).cumcount() + 1
    metrics["buurtnaam"] = frame["buurtnaam"]
    metrics["gemeentecode"] = groep.where(groep != "", None)
    metrics["gemeentenaam"] = _stripped(frame, "gemeentenaam")

    out = metrics[list(BUURTSCORE_COLUMNS)].astype(BUURTSCORE_DTYPES)
    result = gpd.GeoDataFrame(out.assign(_g=groep), geometry=frame.geometry.to_numpy(), crs=RD)
    result = result.sort_values(["_g", "rang"], kind="stable").drop(columns="_g")
    return result.reset_index(drop=True)
