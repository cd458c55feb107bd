"""read_layer: one source file to one canonical GeoDataFrame (EPSG:28992) plus a report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import geopandas as gpd
import shapely

from data.importers import geometry as gm
from data.importers.attributes import (
    bgt_filter,
    build_attributes,
    check_required,
    resolve_mapping,
)
from data.importers.crs import decide_crs, to_rd
from data.importers.errors import ImportRefused
from data.importers.presets import (
    bgt_layers_for,
    detect_preset,
    is_bgt,
    match_columns,
    refuse_lbm2,
)
from data.importers.readers import Table, grid_cells, open_source, read_table
from data.importers.report import ImportReport
from geo.schema import CRS, LAYER_COLUMNS, LAYERS


def file_sha256(path: Path) -> str:
    """Checksum of the file (for a Shapefile: .shp, .shx, .dbf, .prj, .cpg together)."""
    digest = hashlib.sha256()
    parts = [path]
    if path.suffix.lower() == ".shp":
        parts += [p for s in (".shx", ".dbf", ".prj", ".cpg")
                  for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() == s]
    for part in parts:
        with open(part, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def read_layer(
    laag: str,
    path: Path,
    *,
    source_layer: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    crs: str | None = None,
    progress: Callable[[str], None] | None = None,
    klassegrenzen: list[float] | None = None,
) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read `path` as canonical layer `laag` (EPSG:28992); raise ImportRefused when it cannot."""
    if laag not in LAYERS:
        raise ImportRefused(f"Onbekende laag '{laag}'. Kies uit: {', '.join(LAYERS)}.")
    say = progress or (lambda _text: None)
    path = Path(path)
    if not path.exists():
        raise ImportRefused(f"Bestand {path} bestaat niet. Controleer het pad.")
    report = ImportReport(laag=laag, bestand=path.name, sha256=file_sha256(path))
    say(f"lezen: {path.name}")
    source = open_source(path)
    layers: list[str | None] = [source_layer]
    if source_layer is None and len(source.layers) > 1:
        bgt_layers = bgt_layers_for(laag, source.layers)  # BGT picks its own layers
        if bgt_layers:
            layers = list(bgt_layers)
            report.meldingen.append(f"BGT-lagen gekozen: {', '.join(bgt_layers)}.")
    frames = []
    for layer in layers:
        table = read_table(source, layer)
        frames.append(_one_table(laag, table, report, mapping, values, crs, klassegrenzen, say))
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out = _finish(laag, gpd.GeoDataFrame(out, geometry="geometry", crs=CRS), report)
    report.geladen = len(out)
    if report.geladen == 0:
        raise ImportRefused(
            f"Na de controles blijft geen enkel object over van {report.gelezen} gelezen. "
            f"Overgeslagen: {report.overgeslagen or 'niets'}. Controleer laag, CRS en bestand."
        )
    say(f"klaar: {report.geladen} van {report.gelezen} objecten")
    return out, report


def _one_table(
    laag: str, table: Table, report: ImportReport, mapping: dict[str, str] | None,
    values: dict[str, str] | None, crs: str | None, klassegrenzen: list[float] | None,
    say: Callable[[str], None],
) -> gpd.GeoDataFrame:
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    report.gelezen += len(frame)
    report.meldingen += [m for m in table.meldingen if m not in report.meldingen]
    say("koppelen van namen")
    if laag == "leefbaarometer":
        refuse_lbm2(columns)
    bgt = is_bgt(columns)
    preset = detect_preset(laag, columns, bgt)
    if report.preset == "generic" or report.preset == preset:
        report.preset = preset
    found = resolve_mapping(laag, columns, match_columns(laag, columns), mapping, values)
    check_required(laag, columns, found, values, table.geometry is not None)
    for canon, source_col in found.items():
        report.mapping.setdefault(canon, source_col)
    for canon, value in (values or {}).items():
        report.mapping[canon] = f"={value}"
    geometry, declared = table.geometry, table.crs
    if geometry is None:
        if laag == "leefbaarometer" and "grid_id" in found:
            geometry, bad = grid_cells(frame[found["grid_id"]])
            declared = CRS
            report.meldingen.append("Rastercellen van 100 m gemaakt uit de grid-codes "
                                    "(linksonder in hectometers, EPSG:28992).")
            if bad == len(frame):
                raise ImportRefused(
                    f"Kolom '{found['grid_id']}' bevat geen grid-codes als E1213N4879, dus de "
                    "cellen kunnen er niet uit gemaakt worden. Koppel de scores eerst aan het "
                    "grid-GeoPackage van de Leefbaarometer (op grid_id) en importeer dat."
                )
            if bad:
                report.skip("grid-code onleesbaar (verwacht zoiets als E1213N4879)", bad)
                geometry = geometry.where(geometry.notna(), None)
        else:
            raise ImportRefused(
                f"{report.bestand} bevat geen geometrie. Lever een bestand met geometrie aan, of "
                "een CSV met een WKT-kolom (wkt/geometry) of x/y- of lon/lat-kolommen."
            )
    if bgt:
        keep = bgt_filter(laag, frame, report)
        frame, geometry = frame.loc[keep], geometry.loc[keep]
    attrs = build_attributes(laag, frame, found, values, report, klassegrenzen)
    gdf = gpd.GeoDataFrame(attrs, geometry=geometry.loc[attrs.index].values, crs=None)
    gdf.index = attrs.index
    say("geometrie controleren")
    gdf = gm.drop_empty(gdf, report)
    gdf = gm.check_types(laag, gdf, report)
    decision = decide_crs(gdf.geometry, declared, crs)
    report.crs_bron = report.crs_bron or decision.declared
    report.crs_afgeleid = report.crs_afgeleid or decision.inferred
    if decision.melding and decision.melding not in report.meldingen:
        report.meldingen.append(decision.melding)
    say(f"projecteren naar {CRS}")
    gdf = gdf.set_geometry(to_rd(gdf.geometry, decision.source)).set_crs(CRS, allow_override=True)
    gdf = gm.repair(laag, gdf, report)
    gdf = gm.drop_outside(gdf, report)
    gdf = gm.to_layer_type(laag, gdf, report)
    return gdf


def _finish(laag: str, gdf: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Ids, Leefbaarometer checks, exact column order."""
    if "id" in LAYER_COLUMNS[laag]:
        gdf["id"] = _ids(gdf, report)
    if laag == "leefbaarometer":
        _check_cells(gdf, report)
    columns = [*LAYER_COLUMNS[laag], "geometry"]
    out = gpd.GeoDataFrame(gdf[columns].reset_index(drop=True), geometry="geometry", crs=CRS)
    return out


def _ids(gdf: gpd.GeoDataFrame, report: ImportReport) -> pd.Series:
    ids = gdf["id"].astype(object).where(gdf["id"].notna(), None)
    if "_deel" in gdf:
        deel = gdf["_deel"]
        has_part = deel.notna() & ids.notna()
        ids[has_part] = [f"{i}#{d}" for i, d in zip(ids[has_part], deel[has_part], strict=True)]
    missing = ids.isna()
    if missing.any():
        wkb = shapely.to_wkb(gdf.geometry[missing].values, hex=False)
        ids[missing] = [hashlib.sha1(w).hexdigest()[:16] for w in wkb]
        report.meldingen.append(
            f"{int(missing.sum())} objecten zonder id: id gemaakt uit de geometrie "
            "(sha1 van de WKB, 16 tekens)."
        )
    dup = ids.duplicated(keep=False)
    if dup.any():
        report.meldingen.append(
            f"{int(dup.sum())} objecten delen een id met een ander object "
            f"({ids[dup].nunique()} verschillende ids)."
        )
    return ids.astype("str")


def _check_cells(gdf: gpd.GeoDataFrame, report: ImportReport) -> None:
    if gdf["grid_id"].isna().any():
        missing = gdf["grid_id"].isna()
        b = gdf.geometry[missing].bounds
        gdf.loc[missing, "grid_id"] = [
            f"E{int(round(x / 100)):04d}N{int(round(y / 100)):04d}"
            for x, y in zip(b["minx"], b["miny"], strict=True)
        ]
        report.meldingen.append(f"{int(missing.sum())} grid_id's afgeleid uit de hoekpunten van "
                                "de cellen.")
    b = gdf.geometry.bounds
    odd = ((b["maxx"] - b["minx"] - 100).abs() > 0.5) | ((b["maxy"] - b["miny"] - 100).abs() > 0.5)
    if odd.any():
        report.meldingen.append(f"{int(odd.sum())} cellen zijn geen 100 × 100 m.")
