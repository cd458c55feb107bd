"""One analysis run: sections, the five rules, finished results and the buurt ranking.

A run has two phases (geo.partition): a local one over a partition (its own units plus the
context around them), and the ranking per gemeente (RULES.md §10). `analyse` runs both over
everything in memory; app.analyse runs them per partition and per gemeente.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd

from geo._common import check_layer, empty_layer, usable
from geo.dekking import RULE_DEKKING, Beoordeling, Dekking, judge
from geo.green import prepare_green
from geo.params import RuleParams
from geo.partition import Partitie
from geo.ranking import score_buurten
from geo.results import assign_buurt, finish_kansen, midpoints
from geo.riool import due_years
from geo.rules import (
    afkoppel_candidates,
    r1_werk_met_werk,
    r2_vergroenen,
    r2b_boomconflict,
    r3_leefbaarheid,
    r4_afkoppelen,
)
from geo.schema import LAYER_COLUMNS
from geo.sections import split_sections
from geo.straat import name_streets
from geo.werk import r5_werk_met_werk, werk_units


@dataclass(frozen=True)
class Analysis:
    """Outcome of one run, all in EPSG:28992."""

    kansen: gpd.GeoDataFrame
    buurtscores: gpd.GeoDataFrame
    secties: gpd.GeoDataFrame
    # RULES.md §8: per rule needing a context layer, the units judged and not judged, and why.
    beoordeling: dict[str, Beoordeling]


@dataclass(frozen=True)
class Lokaal:
    """Outcome of the local phase over one partition (or everything), in EPSG:28992."""

    kansen: gpd.GeoDataFrame
    secties: gpd.GeoDataFrame          # the sections the partition owns
    beoordeling: dict[str, Beoordeling]
    # Per pipe owned: riolering_id, due_jaar (Int64) and, where the due year is unknown, the
    # buurtcode of its midpoint (for riool_onbekend of the ranking).
    riool_due: pd.DataFrame


def _check_unique_ids(gdf: gpd.GeoDataFrame, name: str) -> None:
    ids = usable(gdf)["id"].astype(str)
    dupes = sorted(set(ids[ids.duplicated()]))
    if dupes:
        shown = ", ".join(dupes[:5]) + (", …" if len(dupes) > 5 else "")
        raise ValueError(f"Laag '{name}' bevat dubbele id's ({shown}); kans_id's zouden botsen.")


def analyse(*, buurt: gpd.GeoDataFrame, warmtenet: gpd.GeoDataFrame,
            riolering: gpd.GeoDataFrame, groen: gpd.GeoDataFrame, boom: gpd.GeoDataFrame,
            leefbaarometer: gpd.GeoDataFrame, dekking: Dekking | None, params: RuleParams,
            peiljaar: int, straat: gpd.GeoDataFrame | None = None,
            werk: gpd.GeoDataFrame | None = None) -> Analysis:
    """Run every rule of RULES.md on canonical layers in EPSG:28992; results in EPSG:28992.

    `dekking` maps each context layer (groen, boom, leefbaarometer) to the polygon where it was
    collected (RULES.md §8). It has no default on purpose: None or a missing layer means that
    nothing is covered, so rules needing that layer judge nothing and count their units as
    niet beoordeeld. geo.dekking.dekking_from_layers gives what single imports would give.
    `straat` (RULES.md §7) and `werk` (§9) are optional: None is an empty layer.
    """
    lokaal = analyse_local(buurt=buurt, warmtenet=warmtenet, riolering=riolering, groen=groen,
                           boom=boom, leefbaarometer=leefbaarometer, dekking=dekking,
                           params=params, peiljaar=peiljaar, straat=straat, werk=werk)
    buurtscores = score_buurten(buurt, lokaal.kansen, leefbaarometer,
                                riool_onbekend(lokaal.riool_due), params,
                                niet_beoordeeld=lokaal.beoordeling,
                                werk_geladen=werk is not None and len(werk) > 0)
    return Analysis(kansen=lokaal.kansen, buurtscores=buurtscores, secties=lokaal.secties,
                    beoordeling=lokaal.beoordeling)


def riool_onbekend(riool_due: pd.DataFrame) -> pd.Series:
    """The buurtcodes of the pipes without a due year (one per pipe, null outside buurten)."""
    return riool_due.loc[riool_due["due_jaar"].isna().to_numpy(dtype=bool), "buurtcode"]


def analyse_local(*, buurt: gpd.GeoDataFrame, warmtenet: gpd.GeoDataFrame,
                  riolering: gpd.GeoDataFrame, groen: gpd.GeoDataFrame, boom: gpd.GeoDataFrame,
                  leefbaarometer: gpd.GeoDataFrame, dekking: Dekking | None, params: RuleParams,
                  peiljaar: int, partitie: Partitie | None = None,
                  laag_leeg: Mapping[str, bool] | None = None,
                  straat: gpd.GeoDataFrame | None = None,
                  werk: gpd.GeoDataFrame | None = None) -> Lokaal:
    """The rules over the units `partitie` owns (None: all), with the layers around them.

    The layers must hold every feature within geo.partition.halo_m of those units, whole heat
    and werk lines, and only the Leefbaarometer year the whole run uses. `laag_leeg` says per
    context layer whether it is empty in the whole run (default: whether the given layer is).
    """
    straat = empty_layer("straat") if straat is None else straat
    werk = empty_layer("werk") if werk is None else werk
    layers = {"buurt": buurt, "warmtenet": warmtenet, "riolering": riolering, "groen": groen,
              "boom": boom, "leefbaarometer": leefbaarometer, "straat": straat, "werk": werk}
    for name, layer in layers.items():
        # Only the columns the rules use are required; `water`, `wijkcode` etc. are optional.
        required = ("buurtcode", "buurtnaam") if name == "buurt" else LAYER_COLUMNS[name]
        check_layer(layer, name, required)
    _check_unique_ids(warmtenet, "warmtenet")
    _check_unique_ids(riolering, "riolering")
    _check_unique_ids(werk, "werk")

    secties = split_sections(warmtenet, params.sectie_m)
    # RULES.md §9: units of every party, from whole lines; a partition pairs the ones it owns.
    eenheden = werk_units(secties, riolering, werk, params)
    eenheden_eigen = (None if partitie is None else
                      partitie.owns(midpoints(eenheden.geometry.to_numpy()), buurt))
    eigen = riolering
    if partitie is not None:
        secties = secties[partitie.owns(midpoints(secties.geometry.to_numpy()), buurt)]
        secties = secties.reset_index(drop=True)
        eigen = usable(riolering)
        eigen = eigen[partitie.owns(midpoints(eigen.geometry.to_numpy()), buurt)]
        eigen = eigen.reset_index(drop=True)
    leeg = dict(laag_leeg or {})
    sec_geoms, sec_ids = secties.geometry.to_numpy(), secties["sectie_id"].to_numpy()
    covered: dict[str, gpd.GeoDataFrame] = {}
    beoordeling: dict[str, Beoordeling] = {}
    for regel, layer in (("vergroenen", groen), ("boomconflict", boom),
                         ("leefbaarheid", leefbaarometer)):
        mask, beoordeling[regel] = judge(regel, sec_geoms, sec_ids, layer, dekking,
                                         laag_leeg=leeg.get(RULE_DEKKING[regel].laag))
        covered[regel] = secties[mask].reset_index(drop=True)
    cand = afkoppel_candidates(eigen, params, peiljaar=peiljaar)
    mask, beoordeling["afkoppelen"] = judge(
        "afkoppelen", cand.geometry.to_numpy(), cand["id"].to_numpy(), groen, dekking,
        laag_leeg=leeg.get("groen"))
    # The green polygons and their tree are built once and shared by R2 and R4.
    green = prepare_green(groen)

    frames = [
        r1_werk_met_werk(secties, riolering, params),
        r2_vergroenen(covered["vergroenen"], green, params),
        r2b_boomconflict(covered["boomconflict"], boom, params),
        r3_leefbaarheid(covered["leefbaarheid"], leefbaarometer, params),
        r4_afkoppelen(eigen, green, params, peiljaar=peiljaar,
                      candidates=cand[mask].reset_index(drop=True)),
        r5_werk_met_werk(eenheden, params, eigen=eenheden_eigen),  # R5 and R5b, RULES.md §9
    ]
    kansen = finish_kansen(frames, buurt, params, peiljaar=peiljaar)
    kansen = name_streets(kansen, straat, params)  # RULES.md §7
    return Lokaal(kansen=kansen, secties=secties, beoordeling=beoordeling,
                  riool_due=_riool_due(eigen, buurt, params))


def _riool_due(pipes: gpd.GeoDataFrame, buurt: gpd.GeoDataFrame,
               params: RuleParams) -> pd.DataFrame:
    due = due_years(pipes, params).reset_index(drop=True)
    unknown = np.flatnonzero(due.isna().to_numpy(dtype=bool))
    codes = pd.Series(None, index=range(len(pipes)), dtype="str")
    if len(unknown):
        codes.iloc[unknown] = assign_buurt(
            midpoints(pipes.geometry.to_numpy()[unknown]), buurt).to_numpy()
    return pd.DataFrame({"riolering_id": pipes["id"].astype(str).to_numpy(),
                         "due_jaar": due.to_numpy(), "buurtcode": codes.to_numpy()})
