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

import numpy as np
import pandas as pd

import geopandas as gpd

from data.importers import geometry as gm
from data.importers.archive import MAX_FILES, MAX_UNPACKED_BYTES, Limits
from data.importers.core import (
    Options,
    Say,
    assign_ids,
    finish_frame,
    note_ids,
    process_table,
    read_all,
    refuse_if_empty,
    start_import,
)
from data.importers.presets import bgt_layers_for
from data.importers.readers import Source, count_features, read_table
from data.importers.report import ImportReport
from geo.schema import CRS, LAYER_COLUMNS

CHUNKED_KINDS = ("gpkg", "shp")
BATCH_ROWS = 100_000  # features per chunk: bounds the memory of an import


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
        if units is None:
            frame = read_all(self.laag, report, source, options,
                             source_layer=self.source_layer, grid=self.grid,
                             limits=self.limits, say=say)
            for start in range(0, len(frame), self.batch_size):
                yield frame.iloc[start:start + self.batch_size].reset_index(drop=True)
            return
        hashes: list[np.ndarray] = []
        generated = 0
        for layer, total in units:
            for skip in range(0, max(total, 1), self.batch_size):
                say(f"lezen: {report.bestand} {skip}–{min(skip + self.batch_size, total)} "
                    f"van {total}")
                table = read_table(source, layer, skip=skip, limit=self.batch_size)
                if table.frame.empty and table.geometry is not None and table.geometry.empty:
                    continue
                frame = process_table(self.laag, table, report, options, say)
                frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)
                if "id" in LAYER_COLUMNS[self.laag]:
                    ids, n = assign_ids(frame)
                    frame["id"] = ids
                    generated += n
                    hashes.append(pd.util.hash_pandas_object(ids, index=False).to_numpy())
                chunk = finish_frame(self.laag, frame, report, with_ids=False)
                report.geladen += len(chunk)
                if len(chunk):
                    yield chunk
        gm.finish_types(self.laag, options.tally, report)
        all_hashes = np.concatenate(hashes) if hashes else np.array([], dtype="uint64")
        _, counts = np.unique(all_hashes, return_counts=True)
        note_ids(report, generated, int((counts - 1).sum()), int((counts > 1).sum()))
        refuse_if_empty(report)
        say(f"klaar: {report.geladen} van {report.gelezen} objecten")

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
                       limits=Limits(max_unpacked_bytes=max_unpacked_bytes, max_files=max_files))
