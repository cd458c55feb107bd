"""Tiny canonical layers with explicit coordinates, for the geo tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

import geopandas as gpd
from shapely import LineString, Polygon, box

from geo.schema import CRS, LAYER_COLUMNS

INT_COLUMNS = {"start_jaar", "eind_jaar", "aanlegjaar", "vervangingsjaar", "diameter_mm",
               "jaar", "klasse", "inwoners", "huisnummer_van", "huisnummer_tot"}
FLOAT_COLUMNS = {"lbm", "afw", "fys", "onv", "soc", "vrz", "won"}


def layer(name: str, rows: list[dict[str, Any]], crs: str | int = CRS) -> gpd.GeoDataFrame:
    """A canonical layer: every column of LAYER_COLUMNS, missing values null, right dtypes."""
    columns = LAYER_COLUMNS[name]
    data: dict[str, pd.Series] = {}
    for col in columns:
        values = [row.get(col) for row in rows]
        if col in INT_COLUMNS:
            data[col] = pd.Series(values, dtype="Int64")
        elif col in FLOAT_COLUMNS:
            data[col] = pd.Series(values, dtype="float64")
        elif col == "water":
            data[col] = pd.Series([bool(v) for v in values], dtype="bool")
        else:
            data[col] = pd.Series(values, dtype="str")
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([r["geometry"] for r in rows], crs=crs))


def empty(name: str) -> gpd.GeoDataFrame:
    """A canonical layer with zero rows."""
    return layer(name, [])


def werk(id_: str, coords: list[tuple[float, float]], start: int | None = 2027,
         eind: int | None = 2028, status: str = "gepland",
         naam: str | None = None) -> dict[str, Any]:
    """A warmtenet row."""
    return {"id": id_, "naam": naam or f"Tracé {id_}", "status": status, "start_jaar": start,
            "eind_jaar": eind, "geometry": LineString(coords)}


def pijp(id_: str, coords: list[tuple[float, float]], *, stelsel: str = "gemengd",
         materiaal: str | None = "beton", aanleg: int | None = None,
         vervanging: int | None = None) -> dict[str, Any]:
    """A riolering row."""
    return {"id": id_, "stelseltype": stelsel, "materiaal": materiaal, "diameter_mm": 300,
            "aanlegjaar": aanleg, "vervangingsjaar": vervanging, "geometry": LineString(coords)}


def buurt_row(code: str, geom: Polygon) -> dict[str, Any]:
    """A buurt row."""
    return {"buurtcode": code, "buurtnaam": f"Buurt {code[-2:]}", "gemeentecode": "GM0001",
            "gemeentenaam": "Proefstad", "geometry": geom}


def cel(grid_id: str, x0: float, y0: float, klasse: int, jaar: int = 2022,
        **dims: float) -> dict[str, Any]:
    """A 100 m leefbaarometer cell with its lower-left corner at (x0, y0)."""
    values = {d: dims.get(d, 0.0) for d in ("fys", "onv", "soc", "vrz", "won")}
    return {"grid_id": grid_id, "jaar": jaar, "lbm": 4.0, "afw": 0.0, **values,
            "klasse": klasse, "geometry": box(x0, y0, x0 + 100, y0 + 100)}


def overal() -> dict[str, Any]:
    """A dekking (RULES.md §8) that covers every test coordinate for each context layer."""
    everywhere = box(-1e6, -1e6, 1e6, 1e6)
    return {"groen": everywhere, "boom": everywhere, "leefbaarometer": everywhere}
