"""Shared checks and small helpers for the geo package (private)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from pyproj import CRS as PyprojCRS

from geo.schema import CRS, KANS_DTYPES, LAYER_COLUMNS  # dtypes derived from the declaration schema.KANS

# Buffers are polygons, so lengths and shares measured against them carry float noise of about
# 1e-12; comparisons against a threshold allow this much so that "exactly at the threshold"
# behaves as the rule says rather than as the last bit of a float says.
EPS = 1e-9

# Segments per quarter circle of round buffers, as shapely's Geometry.buffer (the array function
# shapely.buffer defaults to 8); 16 keeps a 25 m corridor within 0.2% of the true area.
QUAD_SEGS = 16

# CRS parsed once: GeoDataFrames made with it skip parsing "EPSG:28992" each time (about half
# the cost of making a small frame, which a partition does hundreds of times).
RD = PyprojCRS.from_user_input(CRS)


def check_layer(gdf: object, name: str, columns: Iterable[str] = ()) -> gpd.GeoDataFrame:
    """Check that `gdf` is a GeoDataFrame in EPSG:28992 with the given columns; return it."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"Laag '{name}' moet een GeoDataFrame zijn, niet {type(gdf).__name__}.")
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise ValueError(f"Laag '{name}' mist kolom(men): {', '.join(missing)}.")
    if gdf.crs is None:
        # An empty layer without CRS carries nothing to measure; accept it.
        if len(gdf) == 0:
            return gdf
        raise ValueError(f"Laag '{name}' heeft geen CRS; verwacht {CRS}.")
    if not PyprojCRS.from_user_input(gdf.crs).equals(RD):
        raise ValueError(f"Laag '{name}' heeft CRS {gdf.crs.to_string()}; verwacht {CRS}.")
    return gdf


def usable(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Copy of the rows with a non-null, non-empty geometry, index reset, in EPSG:28992."""
    geoms = gdf.geometry.values
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out = gdf.loc[np.asarray(keep)].copy()
    out = out.reset_index(drop=True)
    if out.crs is None:
        out = out.set_crs(RD)
    return out


def valid_polygons(geoms: np.ndarray) -> np.ndarray:
    """Make polygon geometries valid (self-intersections are common in source data)."""
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


def line_parts(geoms: np.ndarray) -> np.ndarray:
    """Only the linear parts of each geometry (an intersection may add stray points), in order.

    Parts are not merged: merging may reorder them, and the point halfway along a result
    (RULES.md §4) walks the parts in the order the intersection gives them. One part stays
    as it is; several become one MultiLineString; none (or a null) an empty MultiLineString.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), shapely.MultiLineString(), dtype=object)
    if len(geoms) == 0:
        return out
    parts, owner = shapely.get_parts(geoms, return_index=True)
    types = shapely.get_type_id(parts)
    keep = np.isin(types, (1, 2, 5)) & (shapely.length(parts) > 0)
    parts, owner, types = parts[keep], owner[keep], types[keep]
    rings = types == 2
    if rings.any():
        xy, at = shapely.get_coordinates(parts[rings], return_index=True)
        parts = parts.copy()
        parts[rings] = shapely.linestrings(xy, indices=at)
    counts = np.bincount(owner, minlength=len(geoms))
    single = counts[owner] == 1
    out[owner[single]] = parts[single]
    multi = np.flatnonzero(counts > 1)
    if len(multi):
        many = counts[owner] > 1
        flat, at = shapely.get_parts(parts[many], return_index=True)
        out[multi] = shapely.multilinestrings(
            flat, indices=np.searchsorted(multi, owner[many][at]))
    return out


def union_groups(geoms: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Per owner 0..n-1 the union of its geometries (owner sorted ascending), in their order.

    Owners with the same number of geometries share a grid, one row per owner and its
    geometries in the columns: the same GEOS union as union_all of each owner's list, without
    a Python loop per owner and without padding. An owner without geometries gets an empty
    GeometryCollection, as union_all([]) gives.
    """
    out = np.full(n, shapely.union_all([]), dtype=object)
    if len(owner) == 0:
        return out
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner, side="left")
    counts = np.bincount(owner, minlength=n)
    per_item = counts[owner]
    for count in np.unique(per_item):
        sel = per_item == count
        rows = owner[sel]
        owners = np.unique(rows)
        grid = np.empty((len(owners), int(count)), dtype=object)
        grid[np.searchsorted(owners, rows), rank[sel]] = geoms[sel]
        out[owners] = shapely.union_all(grid, axis=1)
    return out


def empty_frame(columns: Sequence[str], dtypes: dict[str, str]) -> gpd.GeoDataFrame:
    """A zero-row GeoDataFrame in EPSG:28992 with the given columns and dtypes."""
    data = {c: pd.Series([], dtype=dtypes.get(c, "object")) for c in columns}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=RD))


def empty_layer(name: str) -> gpd.GeoDataFrame:
    """A canonical input layer (schema.LAYER_COLUMNS) without features, in EPSG:28992."""
    return empty_frame(LAYER_COLUMNS[name], {})


def as_int64(values: object) -> pd.Series:
    """Values as a nullable Int64 series (floats with NaN from sources included)."""
    s = pd.Series(values)
    if s.dtype == "Int64":
        return s
    return pd.to_numeric(s, errors="coerce").round().astype("Int64")


def fmt_num(value: float, decimals: int = 1) -> str:
    """Dutch number: comma decimal, dot thousands; whole numbers of a parameter without decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_param(value: float) -> str:
    """A parameter value as the user typed it: 10 not 10,0, but 2,5 stays 2,5."""
    if float(value).is_integer():
        return fmt_num(value, 0)
    return fmt_num(value, 2).rstrip("0").rstrip(",")


def fmt_num_col(values: object, decimals: int = 1) -> np.ndarray:
    """fmt_num for a whole column at once (same text, element for element), numpy strings."""
    arr = np.asarray(values, dtype=float)
    if len(arr) == 0:
        return np.zeros(0, dtype="U1")
    text = np.char.mod(f"%.{decimals}f", arr)
    whole, _, frac = np.strings.partition(text, ".")
    negative = np.strings.startswith(whole, "-")
    digits = np.strings.lstrip(whole, "-")
    groups = -(-int(np.strings.str_len(digits).max()) // 3)
    width = 3 * groups
    chars = np.ascontiguousarray(np.strings.rjust(digits, width).astype(f"U{width}"))
    # Dots between groups of three digits, counted from the right; the padding is stripped.
    spaced = np.full((len(arr), width + groups - 1), ".", dtype="U1")
    spaced[:, [j + j // 3 for j in range(width)]] = chars.view("U1").reshape(len(arr), width)
    grouped = np.strings.lstrip(
        np.ascontiguousarray(spaced).view(f"U{width + groups - 1}").ravel(), " .")
    out = np.where(frac == "", grouped, np.strings.add(np.strings.add(grouped, ","), frac))
    return np.where(negative, np.strings.add("-", out), out)


def fmt_pct_col(shares: object, decimals: int = 1) -> np.ndarray:
    """fmt_pct for a whole column."""
    return np.strings.add(fmt_num_col(np.asarray(shares, dtype=float) * 100, decimals), "%")


def texts(values: object) -> np.ndarray:
    """A column as a numpy string array; null becomes ''."""
    arr = pd.Series(np.asarray(values, dtype=object)).fillna("").to_numpy(dtype=object)
    return arr.astype(str) if len(arr) else np.zeros(0, dtype="U1")


def cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of numpy string arrays and plain strings."""
    out: np.ndarray = np.asarray(np.strings.add(parts[0], parts[1]))
    for part in parts[2:]:
        out = np.asarray(np.strings.add(out, part))
    return out


def fmt_years_col(start: pd.Series, eind: pd.Series) -> np.ndarray:
    """fmt_years for whole columns (nullable years)."""
    s = as_int64(start.to_numpy()).reset_index(drop=True)
    e = as_int64(eind.to_numpy()).reset_index(drop=True)
    s_txt, e_txt = texts(s.astype(object)), texts(e.astype(object))
    single = (e.isna() | (e == s).fillna(False)).to_numpy(dtype=bool)
    out = np.where(single, s_txt, cat(s_txt, "–", e_txt))
    return np.where(s.isna().to_numpy(dtype=bool), "jaar onbekend", out)


def opt_int(value: object) -> int | None:
    """A year or class from a nullable column as int, or None."""
    if value is None or bool(pd.isna(value)):
        return None
    return int(cast(float, value))


# Columns a rule fills; results.finish_kansen adds the rest of schema.KANS_COLUMNS.
RULE_COLUMNS: tuple[str, ...] = (
    "regel", "regelcode", "toelichting", "warmtenet_id", "sectie_id", "riool_id", "boom_ids",
    "start_jaar", "eind_jaar", "riool_due_jaar", "jaarverschil", "afstand_m",
    "gedeelde_lengte_m", "materiaal", "stelseltype", "groen_aandeel", "aantal_bomen",
    "laagste_klasse", "zwakste_dimensie", "koppeling", "oppervlak_m2",
    "eenheid_a", "partij_a", "soort_a", "start_a", "eind_a",
    "eenheid_b", "partij_b", "soort_b", "start_b", "eind_b", "gap_jaar",
)
# Filled after the rules, from the straat layer (geo.straat, RULES.md §7).
STRAAT_COLUMNS: tuple[str, ...] = ("straatnaam", "straten", "huisnummers")


def rule_columns(columns: dict[str, object], geometry: np.ndarray) -> gpd.GeoDataFrame:
    """Columns of one rule (arrays of equal length, some RULE_COLUMNS) as a typed frame."""
    if len(geometry) == 0:
        return empty_frame(RULE_COLUMNS, KANS_DTYPES)
    data = {}
    for col in RULE_COLUMNS:
        value = columns.get(col)
        if value is None:
            data[col] = pd.Series([None] * len(geometry), dtype=KANS_DTYPES[col])
        elif isinstance(value, str):
            data[col] = pd.Series([value] * len(geometry), dtype=KANS_DTYPES[col])
        else:
            series = (value.reset_index(drop=True) if isinstance(value, pd.Series)
                      else pd.Series(np.asarray(value)))
            data[col] = series.astype(KANS_DTYPES[col])
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(np.asarray(geometry, dtype=object),
                                                         crs=RD))
