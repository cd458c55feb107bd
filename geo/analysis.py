"""One analysis run: sections, the five rules, finished results and the buurt ranking."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from geo._common import check_layer, usable
from geo.dekking import Beoordeling, Dekking, judge
from geo.green import prepare_green
from geo.params import RuleParams
from geo.ranking import rank_buurten
from geo.results import finish_kansen
from geo.riool import add_due_years
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


@dataclass(frozen=True)
class Analysis:
    """Outcome of one run, all in EPSG:28992."""

    kansen: gpd.GeoDataFrame
    buurtscores: gpd.GeoDataFrame
    secties: gpd.GeoDataFrame
    # RULES.md §8: per rule needing a context layer, the units judged and not judged, and why.
    beoordeling: dict[str, Beoordeling]


def _check_unique_ids(gdf: gpd.GeoDataFrame, name: str) -> None:
    ids = usable(gdf)["id"].astype(str)
    dupes = sorted(set(ids[ids.duplicated()]))
    if dupes:
        shown = ", ".join(dupes[:5]) + (", …" if len(dupes) > 5 else "")
        raise ValueError(f"Laag '{name}' bevat dubbele id's ({shown}); kans_id's zouden botsen.")


def analyse(*, buurt: gpd.GeoDataFrame, warmtenet: gpd.GeoDataFrame,
            riolering: gpd.GeoDataFrame, groen: gpd.GeoDataFrame, boom: gpd.GeoDataFrame,
            leefbaarometer: gpd.GeoDataFrame, dekking: Dekking | None, params: RuleParams,
            peiljaar: int) -> Analysis:
    """Run every rule of RULES.md on canonical layers in EPSG:28992; results in EPSG:28992.

    `dekking` maps each context layer (groen, boom, leefbaarometer) to the polygon where it was
    collected (RULES.md §8). It has no default on purpose: None or a missing layer means that
    nothing is covered, so rules needing that layer judge nothing and count their units as
    niet beoordeeld. geo.dekking.dekking_from_layers gives what single imports would give.
    """
    layers = {"buurt": buurt, "warmtenet": warmtenet, "riolering": riolering, "groen": groen,
              "boom": boom, "leefbaarometer": leefbaarometer}
    for name, layer in layers.items():
        # Only the columns the rules use are required; `water`, `wijkcode` etc. are optional.
        required = ("buurtcode", "buurtnaam") if name == "buurt" else LAYER_COLUMNS[name]
        check_layer(layer, name, required)
    _check_unique_ids(warmtenet, "warmtenet")
    _check_unique_ids(riolering, "riolering")

    secties = split_sections(warmtenet, params.sectie_m)
    sec_geoms = secties.geometry.to_numpy()
    covered: dict[str, gpd.GeoDataFrame] = {}
    beoordeling: dict[str, Beoordeling] = {}
    for regel, layer in (("vergroenen", groen), ("boomconflict", boom),
                         ("leefbaarheid", leefbaarometer)):
        mask, beoordeling[regel] = judge(regel, sec_geoms, layer, dekking)
        covered[regel] = secties[mask].reset_index(drop=True)
    cand = afkoppel_candidates(riolering, params, peiljaar=peiljaar)
    mask, beoordeling["afkoppelen"] = judge("afkoppelen", cand.geometry.to_numpy(), groen, dekking)
    # The green polygons and their tree are built once and shared by R2 and R4.
    green = prepare_green(groen)

    frames = [
        r1_werk_met_werk(secties, riolering, params),
        r2_vergroenen(covered["vergroenen"], green, params),
        r2b_boomconflict(covered["boomconflict"], boom, params),
        r3_leefbaarheid(covered["leefbaarheid"], leefbaarometer, params),
        r4_afkoppelen(riolering, green, params, peiljaar=peiljaar,
                      candidates=cand[mask].reset_index(drop=True)),
    ]
    kansen = finish_kansen(frames, buurt, params, peiljaar=peiljaar)
    buurtscores = rank_buurten(
        buurt, kansen, leefbaarometer, add_due_years(riolering, params), params,
        niet_beoordeeld=beoordeling)
    return Analysis(kansen=kansen, buurtscores=buurtscores, secties=secties,
                    beoordeling=beoordeling)
