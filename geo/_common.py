"""Shared checks and small helpers for the geo package (private)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from pyproj import CRS as PyprojCRS

from geo.schema import CRS

# Buffers are polygons, so lengths and shares measured against them carry float noise of about
# 1e-12; comparisons against a threshold allow this much so that "exactly at the threshold"
# behaves as the rule says rather than as the last bit of a float says.
EPS = 1e-9

# Segments per quarter circle of round buffers, as shapely's Geometry.buffer (the array function
# shapely.buffer defaults to 8); 16 keeps a 25 m corridor within 0.2% of the true area.
QUAD_SEGS = 16

_TARGET_CRS = PyprojCRS.from_user_input(CRS)


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
    if not PyprojCRS.from_user_input(gdf.crs).equals(_TARGET_CRS):
        raise ValueError(f"Laag '{name}' heeft CRS {gdf.crs.to_string()}; verwacht {CRS}.")
    return gdf


def usable(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Copy of the rows with a non-null, non-empty geometry, index reset, in EPSG:28992."""
    geoms = gdf.geometry.values
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out = gdf.loc[np.asarray(keep)].copy()
    out = out.reset_index(drop=True)
    if out.crs is None:
        out = out.set_crs(CRS)
    return out


def valid_polygons(geoms: np.ndarray) -> np.ndarray:
    """Make polygon geometries valid (self-intersections are common in source data)."""
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


def line_parts(geom: shapely.Geometry | None) -> shapely.Geometry:
    """Only the linear parts of a geometry (an intersection may add stray points), in order.

    Parts are not merged: merging may reorder them, and the point halfway along a result
    (RULES.md §4) walks the parts in the order the intersection gives them.
    """
    if geom is None or geom.is_empty:
        return shapely.MultiLineString()
    parts = [
        p for p in shapely.get_parts(geom)
        if p.geom_type in ("LineString", "LinearRing", "MultiLineString") and p.length > 0
    ]
    if not parts:
        return shapely.MultiLineString()
    lines = [shapely.LineString(p.coords) if p.geom_type == "LinearRing" else p for p in parts]
    if len(lines) == 1:
        return lines[0]
    flat = [q for line in lines for q in shapely.get_parts(line)]
    return shapely.MultiLineString(flat)


def empty_frame(columns: Sequence[str], dtypes: dict[str, str]) -> gpd.GeoDataFrame:
    """A zero-row GeoDataFrame in EPSG:28992 with the given columns and dtypes."""
    data = {c: pd.Series([], dtype=dtypes.get(c, "object")) for c in columns}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=CRS))


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


def fmt_pct(share: float, decimals: int = 1) -> str:
    """A share 0..1 as a Dutch percentage."""
    return f"{fmt_num(share * 100, decimals)}%"


def opt_int(value: object) -> int | None:
    """A year or class from a nullable column as int, or None."""
    if value is None or bool(pd.isna(value)):
        return None
    return int(cast(float, value))


def fmt_years(start: object, eind: object) -> str:
    """A year window as '2027–2028', a single year as '2027', unknown as 'jaar onbekend'."""
    s, e = opt_int(start), opt_int(eind)
    if s is None:
        return "jaar onbekend"
    if e is None or e == s:
        return str(s)
    return f"{s}–{e}"


# dtypes of the result columns of schema.KANS_COLUMNS (str columns hold NaN when missing).
KANS_DTYPES: dict[str, str] = {
    "kans_id": "str", "regel": "str", "categorie": "str", "buurtcode": "str",
    "lengte_m": "float64", "actie_nodig": "bool", "toelichting": "str", "bron_ids": "str",
    "warmtenet_id": "str", "sectie_id": "str", "riool_id": "str", "boom_ids": "str",
    "start_jaar": "Int64", "eind_jaar": "Int64", "riool_due_jaar": "Int64",
    "jaarverschil": "Int64", "afstand_m": "float64", "gedeelde_lengte_m": "float64",
    "materiaal": "str", "stelseltype": "str", "groen_aandeel": "float64",
    "aantal_bomen": "Int64", "laagste_klasse": "Int64", "zwakste_dimensie": "str",
    "koppeling": "str",
}

# Columns a rule fills; results.finish_kansen adds the rest of schema.KANS_COLUMNS.
RULE_COLUMNS: tuple[str, ...] = (
    "regel", "toelichting", "warmtenet_id", "sectie_id", "riool_id", "boom_ids",
    "start_jaar", "eind_jaar", "riool_due_jaar", "jaarverschil", "afstand_m",
    "gedeelde_lengte_m", "materiaal", "stelseltype", "groen_aandeel", "aantal_bomen",
    "laagste_klasse", "zwakste_dimensie", "koppeling",
)


def rule_frame(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    """Rows of one rule (dicts with `geometry` and some RULE_COLUMNS) as a typed frame."""
    if not rows:
        return empty_frame(RULE_COLUMNS, KANS_DTYPES)
    df = pd.DataFrame(rows)
    for col in RULE_COLUMNS:
        if col not in df.columns:
            df[col] = None
    dtypes = {c: KANS_DTYPES[c] for c in RULE_COLUMNS}
    out = df[list(RULE_COLUMNS)].astype(dtypes)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(df["geometry"].tolist(), crs=CRS))


def text_or_none(value: object) -> str | None:
    """A nullable text cell as str or None."""
    if value is None or bool(pd.isna(value)):
        return None
    return str(value)
