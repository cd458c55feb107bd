"""iter_layer: a canonical layer in chunks, so memory does not grow with the file (bulk loading).

GeoPackages and Shapefiles are read `batch_size` features at a time (pyogrio skip_features /
max_features) and each chunk goes through the same mapping, normalisation and checks as
read_layer. Sources that must be seen whole (warmtenet, whose overlapping routes are merged into
one network; SUFRIB and ESDL sets; CSV; a Leefbaarometer CSV joined to its grid) are read with
read_layer and handed out in slices. The report is complete when the iteration has finished.

Chunks are judged like the whole file: the CRS is decided on the first chunk with features and
every later chunk is checked against it (a contradiction refuses the file), and a chunk of the
wrong geometry type only skips its features; the file is refused for its geometry type only
when no chunk had a usable feature.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd

from data.importers import geometry as gm
from data.importers.archive import MAX_FILES, MAX_RATIO, MAX_UNPACKED_BYTES, Limits, entry_size
from data.importers.core import (
    Options,
    Say,
    finish_frame,
    mapped_id,
    process_table,
    read_all,
    refuse_if_empty,
    start_import,
)
from data.importers.errors import ImportRefused
from data.importers.ids import IdTally, assign_ids
from data.importers.presets import bgt_layers_for
from data.importers.readers import (
    STREAMED_KINDS,
    Source,
    Table,
    count_features,
    iter_tables,
    read_table,
)
from data.importers.report import ImportReport
from data.limits import BATCH_ROWS as BATCH_ROWS
from geo.schema import CRS, LAYER_COLUMNS

CHUNKED_KINDS = ("gpkg", "shp")


@dataclass
class LayerStream:
    """Iterable of canonical GeoDataFrames (EPSG:28992); `report` is final after iterating."""

    laag: str
    path: Path
    batch_size: int
    options: Options
    source_layer: str | None = None
    grid: Path | None = None
    limits: Limits = field(default_factory=Limits)
    progress: Say | None = None
    report: ImportReport | None = None

    def __iter__(self) -> Iterator[gpd.GeoDataFrame]:
        say = self.progress or (lambda _text: None)
        report, source = start_import(self.laag, self.path, grid=self.grid, limits=self.limits)
        self.report = report
        # each pass decides CRS and judges geometry types afresh
        options = replace(self.options, decision=None, tally=gm.TypeTally())
        units = self._units(source, report)
        streamed = self._streamed(source)
        if units is None and not streamed:
            refuse_if_too_big_to_read_whole(self.laag, source)
            frame = read_all(self.laag, report, source, options,
                             source_layer=self.source_layer, grid=self.grid,
                             limits=self.limits, say=say)
            for start in range(0, len(frame), self.batch_size):
                yield frame.iloc[start:start + self.batch_size].reset_index(drop=True)
            return
        tally = IdTally(name_duplicates=mapped_id(options) is not None)
        tables = (iter_tables(source, batch_rows=self.batch_size, sheet=self.source_layer)
                  if streamed
                  else self._windows(source, units or [], say))
        for table in tables:
            if streamed:
                say(f"lezen: {report.bestand} vanaf {table.row_name} {table.first_row}")
            if table.frame.empty and table.geometry is not None and table.geometry.empty:
                continue
            frame = process_table(self.laag, table, report, options, say)
            frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)
            if "id" in LAYER_COLUMNS[self.laag] and len(frame):
                ids, n = assign_ids(frame)
                frame["id"] = ids
                tally.add(ids, n)
            chunk = finish_frame(self.laag, frame, report, with_ids=False)
            report.geladen += len(chunk)
            if len(chunk):
                yield chunk
        gm.finish_types(self.laag, options.tally, report)
        if "id" in LAYER_COLUMNS[self.laag]:
            tally.finish(report, mapped_id(options))
        refuse_if_empty(report)
        say(f"klaar: {report.geladen} van {report.gelezen} objecten")

    def _streamed(self, source: Source) -> bool:
        """Read in one streaming pass (CSV, GeoJSON), unless the file must be seen whole."""
        if source.kind not in STREAMED_KINDS or self.laag == "warmtenet":
            return False
        return not (self.laag == "leefbaarometer" and self.grid is not None)

    def _windows(self, source: Source, units: list[tuple[str | None, int]],
                 say: Say) -> Iterator[Table]:
        """GeoPackage and Shapefile layers read batch_size features at a time."""
        assert self.report is not None
        for layer, total in units:
            for skip in range(0, max(total, 1), self.batch_size):
                say(f"lezen: {self.report.bestand} {skip}–{min(skip + self.batch_size, total)} "
                    f"van {total}")
                yield read_table(source, layer, skip=skip, limit=self.batch_size)

    def _units(self, source: Source, report: ImportReport) -> list[tuple[str | None, int]] | None:
        """(layer, feature count) to read in chunks, or None when the file must be read whole."""
        if source.kind not in CHUNKED_KINDS or self.laag == "warmtenet":
            return None
        if self.laag == "leefbaarometer" and self.grid is not None:
            return None
        layers: list[str | None] = [self.source_layer]
        if self.source_layer is None and len(source.layers) > 1:
            bgt_layers = bgt_layers_for(self.laag, source.layers)
            if bgt_layers:
                layers = list(bgt_layers)
                report.meldingen.append(f"BGT-lagen gekozen: {', '.join(bgt_layers)}.")
        counts = [count_features(source, layer) for layer in layers]
        if any(n is None for n in counts):
            return None
        return [(layer, int(n or 0)) for layer, n in zip(layers, counts, strict=True)]


# A source that must be read whole (a warmtenet merged into one network, SUFRIB, ESDL, a score
# CSV joined to its grid) may be at most this big unpacked, so its memory stays bounded too.
MAX_WHOLE_BYTES = 256 * 1024**2


def source_bytes(source: Source) -> int:
    """Unpacked size of what a source reads (its members, or its one file)."""
    members = list(source.members.values()) or [source.target]
    return sum(entry_size(m.path, m.entry) for m in members
               if m.entry is not None or m.path.is_file())


def refuse_if_too_big_to_read_whole(laag: str, source: Source) -> None:
    """Refuse, before reading, a source that must be read whole and is over MAX_WHOLE_BYTES."""
    size = source_bytes(source)
    if size > MAX_WHOLE_BYTES:
        raise ImportRefused(
            f"{source.path.name} is uitgepakt {size / 1024**2:.0f} MB. Dit bestand moet voor "
            f"laag '{laag}' in zijn geheel gelezen worden, en dat kan tot "
            f"{MAX_WHOLE_BYTES // 1024**2} MB. Lever het op in delen, of als GeoPackage of "
            "CSV (die worden in stukken gelezen)."
        )


def iter_layer(
    laag: str,
    path: Path,
    *,
    batch_size: int = BATCH_ROWS,
    source_layer: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    crs: str | None = None,
    progress: Say | None = None,
    klassegrenzen: list[float] | None = None,
    grid: Path | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    max_files: int = MAX_FILES,
    max_ratio: int = MAX_RATIO,
) -> LayerStream:
    """`laag` from `path` in chunks of at most `batch_size` rows; same checks as read_layer.

    Iterate the result for EPSG:28992 GeoDataFrames with the canonical columns; afterwards its
    `report` holds the counts for the whole file. A refusal is raised while iterating.
    """
    if batch_size < 1:
        raise ValueError("batch_size moet minstens 1 zijn")
    options = Options(mapping=mapping, values=values, crs=crs, klassegrenzen=klassegrenzen)
    return LayerStream(laag=laag, path=Path(path), batch_size=batch_size, options=options,
                       source_layer=source_layer, grid=grid, progress=progress,
                       limits=Limits(max_unpacked_bytes=max_unpacked_bytes, max_files=max_files,
                                     max_ratio=max_ratio))
