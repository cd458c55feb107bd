"""Reading a dekking (coverage) polygon file for an import (RULES.md §8), in EPSG:28992."""

from __future__ import annotations

from pathlib import Path

import shapely

from data.importers.archive import Limits
from data.importers.crs import decide_crs, to_rd
from data.importers.errors import ImportRefused
from data.importers.readers import open_source, read_table
from geo.dekking import polygonal


def read_dekking_file(path: Path, *, crs: str | None = None,
                      source_layer: str | None = None,
                      limits: Limits | None = None) -> shapely.Geometry:
    """The union of the polygons in `path` (any format the importers read), in EPSG:28992.

    `crs` names the file's coordinate system when it declares none and the coordinates are
    not clearly RD New or WGS84. Refused (ImportRefused, Dutch) when there is no area in it.
    """
    path = Path(path)
    if not path.exists():
        raise ImportRefused(f"Dekkingsbestand {path.name} bestaat niet. Controleer het pad.")
    table = read_table(open_source(path, limits), source_layer)
    if table.geometry is None or table.geometry.isna().all():
        raise ImportRefused(
            f"Dekkingsbestand {path.name} heeft geen geometrie. Geef een bestand met vlakken "
            "(GeoPackage, Shapefile, GeoJSON, GML) dat het gebied van de laag omsluit.")
    decision = decide_crs(table.geometry, table.crs, crs)
    geoms = to_rd(table.geometry, decision.source).to_numpy()
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    area = polygonal(shapely.union_all(shapely.make_valid(geoms))) if len(geoms) else None
    if area is None:
        raise ImportRefused(
            f"Dekkingsbestand {path.name} bevat geen vlakken (alleen punten of lijnen, of "
            "niets). De dekking moet een polygoon zijn: het gebied waar de laag is ingewonnen.")
    return area
