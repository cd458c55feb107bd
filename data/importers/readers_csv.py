"""CSV tables: WKT or x/y columns as geometry, or Leefbaarometer grid codes without geometry."""

from __future__ import annotations

import re
from io import StringIO

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.errors import ImportRefused

WKT_COLUMNS = ("wkt", "wkt_geom", "geometry", "geom", "the_geom", "geometrie", "shape")
XY_COLUMNS = (
    ("x", "y"), ("rd_x", "rd_y"), ("x_rd", "y_rd"), ("xcoord", "ycoord"), ("x_coord", "y_coord"),
    ("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"), ("lengtegraad", "breedtegraad"),
)
GRID_CODE = re.compile(r"^E(\d{4})N(\d{4})$")


def decode_text(raw: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), else Windows-1252; the second item says which."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), [
            "Tekst was geen UTF-8 en is gelezen als Windows-1252."]


def parse_csv(raw: bytes, name: str) -> tuple[pd.DataFrame, gpd.GeoSeries | None, list[str]]:
    """Frame (all text), geometry from WKT or x/y columns (None when absent), messages."""
    text, meldingen = decode_text(raw)
    first = text.split("\n", 1)[0]
    sep = max((";", ",", "\t", "|"), key=first.count)
    try:
        frame = pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_values=["", "NA", "NULL", "null"])
    except Exception as exc:
        raise ImportRefused(f"CSV {name} is niet leesbaar: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if not c.startswith("Unnamed:")]]
    return frame, _csv_geometry(frame), meldingen


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.str.replace(",", ".", regex=False).str.strip(), errors="coerce")


def _csv_geometry(frame: pd.DataFrame) -> gpd.GeoSeries | None:
    lower = {c.lower(): c for c in frame.columns}
    for name in WKT_COLUMNS:
        if name in lower:
            col = lower[name]
            try:
                geoms = shapely.from_wkt(frame[col].fillna("").replace("", None), on_invalid="warn")
            except Exception as exc:
                raise ImportRefused(f"Kolom '{col}' bevat geen leesbare WKT: {exc}") from exc
            frame.drop(columns=col, inplace=True)
            return gpd.GeoSeries(geoms, index=frame.index)
    for xname, yname in XY_COLUMNS:
        if xname in lower and yname in lower:
            x, y = _number(frame[lower[xname]]), _number(frame[lower[yname]])
            ok = (x.notna() & y.notna()).to_numpy()
            geoms = np.full(len(frame), None, dtype=object)
            geoms[ok] = shapely.points(x.to_numpy()[ok], y.to_numpy()[ok])
            return gpd.GeoSeries(geoms, index=frame.index)
    return None


def normalise_grid_codes(codes: pd.Series) -> pd.Series:
    """Grid codes stripped and upper-cased (missing stays missing)."""
    return codes.astype("string").str.strip().str.upper()


def grid_cells(codes: pd.Series) -> tuple[gpd.GeoSeries, int]:
    """100 m cells (EPSG:28992) from codes like E1213N4879; returns cells and unreadable count."""
    parts = normalise_grid_codes(codes).fillna("").str.extract(GRID_CODE.pattern)
    ok = parts[0].notna().to_numpy()
    x = parts[0].to_numpy()[ok].astype("int64") * 100
    y = parts[1].to_numpy()[ok].astype("int64") * 100
    cells = np.full(len(codes), None, dtype=object)
    cells[ok] = shapely.box(x, y, x + 100, y + 100)
    return gpd.GeoSeries(cells, index=codes.index, crs="EPSG:28992"), int((~ok).sum())


def grid_codes(cells: gpd.GeoSeries) -> np.ndarray:
    """Codes like E1213N4879 from the lower-left corners (hectometres) of cells in EPSG:28992."""
    b = cells.bounds
    x = np.round(b["minx"].to_numpy() / 100).astype("int64")
    y = np.round(b["miny"].to_numpy() / 100).astype("int64")
    return np.array([f"E{e:04d}N{n:04d}" for e, n in zip(x, y, strict=True)], dtype=object)
