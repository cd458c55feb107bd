"""Sewer pipe due years (RULES.md §2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd

from geo._common import as_int64, check_layer
from geo.params import RuleParams
from geo.schema import LAYER_COLUMNS


def _lifetimes(riolering: pd.DataFrame, params: RuleParams) -> pd.Series:
    """Lifetime per pipe (Int64, positional index) from its material, stripped and lower case;
    as params.lifetime: an unknown or missing material gets levensduur_overig."""
    materiaal = riolering["materiaal"].reset_index(drop=True)
    missing = materiaal.isna().to_numpy(dtype=bool)
    names = materiaal.astype(object).where(~missing, "").map(str).str.strip().str.lower()
    life = names.map(params.levensduur).where(~missing).fillna(params.levensduur_overig)
    return life.astype("int64").astype("Int64")


def _years(riolering: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    aanleg = as_int64(riolering["aanlegjaar"].to_numpy()).reset_index(drop=True)
    vervanging = as_int64(riolering["vervangingsjaar"].to_numpy()).reset_index(drop=True)
    return aanleg, vervanging


def due_years(riolering: gpd.GeoDataFrame, params: RuleParams) -> pd.Series:
    """Due year per pipe (Int64, null if unknown), same index; expects EPSG:28992."""
    check_layer(riolering, "riolering", LAYER_COLUMNS["riolering"])
    aanleg, vervanging = _years(riolering)
    due = vervanging.fillna(aanleg + _lifetimes(riolering, params))
    due.index = riolering.index
    return due.astype("Int64")


def due_explanations(riolering: gpd.GeoDataFrame, params: RuleParams) -> pd.Series:
    """Dutch text per pipe saying where its due year comes from; expects EPSG:28992."""
    check_layer(riolering, "riolering", LAYER_COLUMNS["riolering"])
    aanleg, vervanging = _years(riolering)
    life = _lifetimes(riolering, params)
    has_v = vervanging.notna().to_numpy(dtype=bool)
    has_a = aanleg.notna().to_numpy(dtype=bool)

    def text(values: pd.Series) -> pd.Series:
        return values.astype("string").fillna("")

    planned = "vervanging gepland " + text(vervanging)
    built = ("aanleg " + text(aanleg) + " + levensduur " + text(life) + " = "
             + text(aanleg + life))
    texts = np.where(has_v, planned.to_numpy(dtype=object),
                     np.where(has_a, built.to_numpy(dtype=object), "vervangingsjaar onbekend"))
    return pd.Series(texts, index=riolering.index, dtype="str")


def add_due_years(riolering: gpd.GeoDataFrame, params: RuleParams) -> gpd.GeoDataFrame:
    """Copy of the pipes with an Int64 column `due_jaar`; EPSG:28992 in and out."""
    out = riolering.copy()
    out["due_jaar"] = due_years(riolering, params)
    return out
