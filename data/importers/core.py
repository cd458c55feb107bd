"""read_layer: one source file to one canonical GeoDataFrame (EPSG:28992) plus a report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import geopandas as gpd

from data.importers import geometry as gm
from data.importers.archive import ALLOWED_SUFFIXES, MAX_FILES, MAX_UNPACKED_BYTES, Limits
from data.importers.attributes import (
    bgt_filter,
    build_attributes,
    check_required,
    resolve_mapping,
)
from data.importers.crs import CrsDecision, check_later_part, decide_crs, to_rd
from data.importers.errors import ImportRefused
from data.importers.ids import IdTally, assign_ids
from data.importers.network import merge_overlapping
from data.importers.presets import (
    bgt_layers_for,
    detect_preset,
    is_bgt,
    match_columns,
    refuse_lbm2,
)
from data.importers.readers import WITHOUT_ARCS, Source, Table, open_source, read_table
from data.importers.readers_csv import grid_cells, grid_codes
from data.importers.readers_lbm import attach_grid, grid_pair
from data.importers.report import ImportReport
from data.importers.straat_werk import refuse_other_partij, refuse_without_geometry
from data.importers.validate import RowNumbers
from geo.schema import CRS, LAYER_COLUMNS, LAYERS

Say = Callable[[str], None]


@dataclass
class Options:
    """What the user said about a file: mapping, whole-file values, CRS, class boundaries."""

    mapping: dict[str, str] | None = None
    values: dict[str, str] | None = None
    crs: str | None = None
    klassegrenzen: list[float] | None = None
    decision: CrsDecision | None = None  # set by the first table (or chunk), reused after
    tally: gm.TypeTally = field(default_factory=gm.TypeTally)  # geometry types, whole import


def file_sha256(path: Path) -> str:
    """Checksum of the file (a Shapefile with its .shx/.dbf/.prj/.cpg; a folder's usable files)."""
    digest = hashlib.sha256()
    parts = [path]
    if path.is_dir():
        parts = sorted(p for p in path.iterdir()
                       if p.is_file() and p.suffix.lower() in ALLOWED_SUFFIXES)
    elif path.suffix.lower() == ".shp":
        parts += [p for s in (".shx", ".dbf", ".prj", ".cpg")
                  for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() == s]
    for part in parts:
        if path.is_dir():
            digest.update(part.name.encode())
        with open(part, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def start_import(
    laag: str, path: Path, *, grid: Path | None, limits: Limits,
) -> tuple[ImportReport, Source]:
    """Check the layer name and the file, open it and start the report."""
    if laag not in LAYERS:
        raise ImportRefused(f"Onbekende laag '{laag}'. Kies uit: {', '.join(LAYERS)}.")
    path = Path(path)
    if not path.exists():
        raise ImportRefused(f"Bestand {path} bestaat niet. Controleer het pad.")
    sha = file_sha256(path)
    if grid is not None:
        if laag != "leefbaarometer":
            raise ImportRefused("Een grid-bestand (grid=…) hoort alleen bij laag leefbaarometer.")
        if not Path(grid).exists():
            raise ImportRefused(f"Grid-bestand {grid} bestaat niet. Controleer het pad.")
        sha = hashlib.sha256((sha + file_sha256(Path(grid))).encode()).hexdigest()
    report = ImportReport(laag=laag, bestand=path.name, sha256=sha)
    source = open_source(path, limits)
    report.meldingen += source.meldingen
    return report, source


def load_tables(
    laag: str, source: Source, source_layer: str | None, grid: Path | None, limits: Limits,
    report: ImportReport,
) -> list[Table]:
    """The table(s) of `source` that feed `laag`: BGT picks its layers, scores get their grid."""
    if laag == "leefbaarometer" and source_layer is None:
        pair = grid_pair(source)
        if grid is not None or pair is not None:
            if grid is not None:
                scores = read_table(source, source_layer)
                grid_name = Path(grid).name
                grid_table = read_table(open_source(Path(grid), limits), None)
            else:
                assert pair is not None
                scores = read_table(source, pair[0])
                grid_table, grid_name = read_table(source, pair[1]), pair[1]
            refuse_lbm2([str(c) for c in scores.frame.columns])
            return [attach_grid(scores, grid_table, grid_name)]
    layers: list[str | None] = [source_layer]
    if source_layer is None and len(source.layers) > 1 and source.kind != "sufrib":
        bgt_layers = bgt_layers_for(laag, source.layers)  # BGT picks its own layers
        if bgt_layers:
            layers = list(bgt_layers)
            report.meldingen.append(f"BGT-lagen gekozen: {', '.join(bgt_layers)}.")
    return [read_table(source, layer) for layer in layers]


def read_layer(
    laag: str,
    path: Path,
    *,
    source_layer: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    crs: str | None = None,
    progress: Say | None = None,
    klassegrenzen: list[float] | None = None,
    grid: Path | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    max_files: int = MAX_FILES,
) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read `path` as canonical layer `laag` (EPSG:28992); raise ImportRefused when it cannot.

    `path` may be a file, a .zip, or (for SUFRIB) a folder of .rib files. `grid` names the
    Leefbaarometer 3.0 grid file that a score CSV is joined to on grid_id (a .zip holding one
    CSV and one GeoPackage is joined the same way). Zips are checked against `max_files` and
    `max_unpacked_bytes` before anything is read.
    """
    say = progress or (lambda _text: None)
    limits = Limits(max_unpacked_bytes=max_unpacked_bytes, max_files=max_files)
    report, source = start_import(laag, path, grid=grid, limits=limits)
    options = Options(mapping=mapping, values=values, crs=crs, klassegrenzen=klassegrenzen)
    out = read_all(laag, report, source, options, source_layer=source_layer, grid=grid,
                   limits=limits, say=say)
    return out, report


def read_all(
    laag: str, report: ImportReport, source: Source, options: Options, *,
    source_layer: str | None, grid: Path | None, limits: Limits, say: Say,
) -> gpd.GeoDataFrame:
    """The whole of an opened source as one canonical frame (read_layer after start_import)."""
    say(f"lezen: {report.bestand}")
    tables = load_tables(laag, source, source_layer, grid, limits, report)
    frames = [process_table(laag, table, report, options, say) for table in tables]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    gm.finish_types(laag, options.tally, report)
    say("ids en laatste controles")
    out = finish_frame(laag, gpd.GeoDataFrame(out, geometry="geometry", crs=CRS), report,
                       mapped_id=mapped_id(options))
    report.geladen = len(out)
    refuse_if_empty(report)
    say(f"klaar: {report.geladen} van {report.gelezen} objecten")
    return out


def mapped_id(options: Options) -> str | None:
    """The id column the user chose with --map id=COLUMN (None: ids recognised or generated)."""
    return (options.mapping or {}).get("id")


def refuse_if_empty(report: ImportReport) -> None:
    """Nothing left after the checks is a refusal, not an empty layer."""
    if report.geladen == 0:
        raise ImportRefused(
            f"Na de controles blijft geen enkel object over van {report.gelezen} gelezen. "
            f"Overgeslagen: {report.overgeslagen or 'niets'}. Controleer laag, CRS en bestand."
        )


def process_table(
    laag: str, table: Table, report: ImportReport, options: Options, say: Say,
) -> gpd.GeoDataFrame:
    """Map, normalise, check and reproject one table; counts go into `report`."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    report.gelezen += len(frame) + sum(table.overgeslagen.values())
    for reason, n in table.overgeslagen.items():
        report.skip(reason, n)
    options.tally.kromme.update(table.kromme)
    report.normalised({f"kromme geometrie ({t}) omgezet naar rechte lijnstukken": n
                       for t, n in table.kromme.items() if not t.endswith(WITHOUT_ARCS)})
    report.meldingen += [m for m in table.meldingen if m not in report.meldingen]
    say("koppelen van namen")
    if laag == "leefbaarometer":
        refuse_lbm2(columns)
    bgt = is_bgt(columns)
    preset = detect_preset(laag, columns, bgt)
    if report.preset == "generic" or report.preset == preset:
        report.preset = preset
    mapping, values = options.mapping, options.values
    matched = match_columns(laag, columns)
    found = resolve_mapping(laag, columns, matched, mapping, values)
    check_required(laag, columns, found, values, table.geometry is not None)
    rows = RowNumbers(table.first_row, table.row_name, table.layer)
    if laag == "werk" and values and "partij" in values and "partij" in matched:
        refuse_other_partij(frame, matched["partij"], values["partij"], rows)
    for canon, source_col in found.items():
        report.mapping.setdefault(canon, source_col)
    for canon, value in (values or {}).items():
        report.mapping[canon] = f"={value}"
    geometry, declared = _geometry(laag, table, found, report)
    if bgt:
        keep = bgt_filter(laag, frame, report)
        frame, geometry = frame.loc[keep], geometry.loc[keep]
    attrs = build_attributes(laag, frame, found, values, report, options.klassegrenzen,
                             rows=rows)
    gdf = gpd.GeoDataFrame(attrs, geometry=geometry.loc[attrs.index].values, crs=None)
    gdf.index = attrs.index
    say("geometrie controleren")
    if laag == "werk":  # a work must say where it is (DATA.md, werk)
        refuse_without_geometry(gdf, rows)
    gdf = gm.drop_empty(gdf, report)
    gdf = gm.check_types(laag, gdf, report, options.tally)
    decision = _decide_crs(gdf, declared, options, report)
    say(f"projecteren naar {CRS}")
    if decision is not None:  # None: no usable feature yet, so nothing to project
        gdf = gdf.set_geometry(to_rd(gdf.geometry, decision.source))
    gdf = gdf.set_crs(CRS, allow_override=True)
    say("herstellen en controleren in EPSG:28992")
    gdf = gm.repair(laag, gdf, report)
    gdf = gm.drop_outside(gdf, report)
    if laag == "warmtenet":
        say("overlappende tracés samenvoegen")
        gdf = merge_overlapping(gdf, report)
    return gm.to_layer_type(laag, gdf, report)


def _decide_crs(
    gdf: gpd.GeoDataFrame, declared: str | None, options: Options, report: ImportReport,
) -> CrsDecision | None:
    """The CRS decided on the first table or chunk with features; later ones are checked
    against it (a contradiction is refused), so chunked and whole reads decide alike."""
    if options.decision is not None:
        check_later_part(options.decision, gdf.geometry)
        return options.decision
    if gdf.empty:
        return None
    decision = options.decision = decide_crs(gdf.geometry, declared, options.crs)
    report.crs_bron = report.crs_bron or decision.declared
    report.crs_afgeleid = report.crs_afgeleid or decision.inferred
    if decision.melding and decision.melding not in report.meldingen:
        report.meldingen.append(decision.melding)
    return decision


def _geometry(
    laag: str, table: Table, found: dict[str, str], report: ImportReport,
) -> tuple[gpd.GeoSeries, str | None]:
    if table.geometry is not None:
        return table.geometry, table.crs
    frame = table.frame
    if laag == "leefbaarometer" and "grid_id" in found:
        geometry, bad = grid_cells(frame[found["grid_id"]])
        report.meldingen.append("Rastercellen van 100 m gemaakt uit de grid-codes "
                                "(linksonder in hectometers, EPSG:28992).")
        if bad == len(frame):
            raise ImportRefused(
                f"Kolom '{found['grid_id']}' bevat geen grid-codes als E1213N4879, dus de "
                "cellen kunnen er niet uit gemaakt worden. Koppel de scores eerst aan het "
                "grid-GeoPackage van de Leefbaarometer (op grid_id): geef het mee met "
                "grid=<grid.gpkg>, of lever een zip met de CSV en het GeoPackage."
            )
        if bad:
            report.meldingen.append(f"{bad} grid-codes onleesbaar (verwacht zoiets als "
                                    "E1213N4879): overgeslagen als lege geometrie.")
        return geometry, CRS
    raise ImportRefused(
        f"{report.bestand} bevat geen geometrie. Lever een bestand met geometrie aan, of "
        "een CSV met een WKT-kolom (wkt/geometry) of x/y- of lon/lat-kolommen."
    )


def finish_frame(
    laag: str, gdf: gpd.GeoDataFrame, report: ImportReport, *, with_ids: bool = True,
    mapped_id: str | None = None,
) -> gpd.GeoDataFrame:
    """Exact geometry type of the layer's column, ids (unless the caller made them),
    Leefbaarometer checks, exact column order. `mapped_id` names the id column the user chose
    (--map id=…): duplicates in it refuse the file."""
    gdf = gm.enforce_layer_type(laag, gdf, report)
    if with_ids and "id" in LAYER_COLUMNS[laag]:
        ids, generated = assign_ids(gdf)
        gdf["id"] = ids
        tally = IdTally(name_duplicates=mapped_id is not None)
        tally.add(ids, generated)
        tally.finish(report, mapped_id)
    if laag == "leefbaarometer":
        _check_cells(gdf, report)
    columns = [*LAYER_COLUMNS[laag], "geometry"]
    return gpd.GeoDataFrame(gdf[columns].reset_index(drop=True), geometry="geometry", crs=CRS)


def _check_cells(gdf: gpd.GeoDataFrame, report: ImportReport) -> None:
    if gdf["grid_id"].isna().any():
        missing = gdf["grid_id"].isna()
        gdf.loc[missing, "grid_id"] = grid_codes(gdf.geometry[missing])
        report.meldingen.append(f"{int(missing.sum())} grid_id's afgeleid uit de hoekpunten van "
                                "de cellen.")
    b = gdf.geometry.bounds
    odd = ((b["maxx"] - b["minx"] - 100).abs() > 0.5) | ((b["maxy"] - b["miny"] - 100).abs() > 0.5)
    if odd.any():
        report.meldingen.append(f"{int(odd.sum())} cellen zijn geen 100 × 100 m.")

