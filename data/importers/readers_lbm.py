"""Leefbaarometer 3.0: a score CSV (grid_id, jaar, lbm, …) joined on grid_id to the grid file."""

from __future__ import annotations

import pandas as pd

import geopandas as gpd

from data.importers.errors import ImportRefused
from data.importers.presets import match_columns
from data.importers.readers import Source, Table
from data.importers.readers_csv import grid_codes, normalise_grid_codes
from geo.schema import CRS

NOT_IN_GRID = "grid_id niet in het grid-bestand"


def grid_pair(source: Source) -> tuple[str, str] | None:
    """(score CSV, grid GeoPackage) members of a zip that holds exactly one of each."""
    if source.kind != "zip":
        return None
    csvs = [k for k, v in source.members.items() if v.name.lower().endswith(".csv")]
    grids = [k for k, v in source.members.items()
             if v.name.lower().endswith((".gpkg", ".geojson", ".shp"))]
    return (csvs[0], grids[0]) if len(csvs) == 1 and len(grids) == 1 else None


def attach_grid(scores: Table, grid: Table, grid_name: str) -> Table:
    """Score rows with the geometry of their grid cell; rows whose cell is absent are counted."""
    found = match_columns("leefbaarometer", [str(c) for c in scores.frame.columns])
    if "grid_id" not in found:
        raise ImportRefused(
            "Het scorebestand heeft geen kolom grid_id, dus het kan niet aan het grid gekoppeld "
            f"worden. Kolommen: {', '.join(map(str, scores.frame.columns))}."
        )
    if grid.geometry is None:
        raise ImportRefused(f"Grid-bestand {grid_name} bevat geen geometrie.")
    cells = gpd.GeoSeries(grid.geometry.values, crs=grid.crs or CRS)
    if cells.crs is not None and cells.crs.to_epsg() != 28992:
        cells = cells.to_crs(CRS)
    grid_found = match_columns("leefbaarometer", [str(c) for c in grid.frame.columns])
    if "grid_id" in grid_found:
        codes = normalise_grid_codes(grid.frame[grid_found["grid_id"]]).to_numpy()
        how = f"kolom {grid_found['grid_id']}"
    else:  # the code is the lower-left corner in hectometres
        codes = grid_codes(cells)
        how = "hoekpunten van de cellen"
    lookup = pd.Series(cells.values, index=pd.Index(codes)).loc[lambda s: ~s.index.duplicated()]
    keys = normalise_grid_codes(scores.frame[found["grid_id"]])
    matched = keys.map(lookup)
    ok = matched.notna().to_numpy()
    frame = scores.frame.loc[ok]
    geometry = gpd.GeoSeries(matched[ok].to_numpy(), index=frame.index, crs=CRS)
    meldingen = [*scores.meldingen,
                 f"Scores op grid_id gekoppeld aan {grid_name} ({how}): {int(ok.sum())} van "
                 f"{len(ok)} rijen hebben een cel."]
    skipped = dict(scores.overgeslagen)
    if (~ok).any():
        skipped[NOT_IN_GRID] = int((~ok).sum())
    return Table(frame=frame, geometry=geometry, crs=CRS, layer=scores.layer,
                 meldingen=meldingen, overgeslagen=skipped)
