"""Sewer pipe due years (RULES.md §2)."""

from __future__ import annotations

import pandas as pd

import geopandas as gpd

from geo._common import as_int64, check_layer, opt_int
from geo.params import RuleParams
from geo.schema import LAYER_COLUMNS


def _materials(riolering: pd.DataFrame) -> list[str | None]:
    return [
        None if m is None or bool(pd.isna(m)) else str(m).strip().lower()
        for m in riolering["materiaal"]
    ]


def due_years(riolering: gpd.GeoDataFrame, params: RuleParams) -> pd.Series:
    """Due year per pipe (Int64, null if unknown), same index; expects EPSG:28992."""
    check_layer(riolering, "riolering", LAYER_COLUMNS["riolering"])
    aanleg = as_int64(riolering["aanlegjaar"].to_numpy())
    vervanging = as_int64(riolering["vervangingsjaar"].to_numpy())
    life = pd.Series([params.lifetime(m) for m in _materials(riolering)], dtype="Int64")
    due = vervanging.fillna(aanleg + life)
    due.index = riolering.index
    return due.astype("Int64")


def due_explanations(riolering: gpd.GeoDataFrame, params: RuleParams) -> pd.Series:
    """Dutch text per pipe saying where its due year comes from; expects EPSG:28992."""
    check_layer(riolering, "riolering", LAYER_COLUMNS["riolering"])
    texts: list[str] = []
    aanleg = as_int64(riolering["aanlegjaar"].to_numpy())
    vervanging = as_int64(riolering["vervangingsjaar"].to_numpy())
    for a, v, m in zip(aanleg, vervanging, _materials(riolering), strict=True):
        v_i, a_i = opt_int(v), opt_int(a)
        if v_i is not None:
            texts.append(f"vervanging gepland {v_i}")
        elif a_i is not None:
            life = params.lifetime(m)
            texts.append(f"aanleg {a_i} + levensduur {life} = {a_i + life}")
        else:
            texts.append("vervangingsjaar onbekend")
    return pd.Series(texts, index=riolering.index, dtype="str")


def add_due_years(riolering: gpd.GeoDataFrame, params: RuleParams) -> gpd.GeoDataFrame:
    """Copy of the pipes with an Int64 column `due_jaar`; EPSG:28992 in and out."""
    out = riolering.copy()
    out["due_jaar"] = due_years(riolering, params)
    return out
