"""Bulk writing of GeoDataFrames into PostGIS with COPY (no row-by-row inserts)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable, Sequence
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg import sql
from sqlalchemy import Connection

import geopandas as gpd
import shapely

T = TypeVar("T")


def copy_frame(
    conn: Connection,
    table: str,
    frame: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    srid: int = 28992,
) -> int:
    """COPY the given columns plus `geom` (EWKB) of frame into table; returns rows written.

    The rows go over as one CSV buffer written by Arrow, so a chunk costs no Python loop per row.
    Missing values become NULL.
    """
    if frame.empty:
        return 0
    raw = conn.connection.driver_connection
    assert raw is not None
    geoms = shapely.set_srid(frame.geometry.to_numpy(), srid)
    body = pd.DataFrame(frame[list(columns)])
    body["geom"] = shapely.to_wkb(geoms, hex=True, include_srid=True)
    buffer = pa.BufferOutputStream()
    pa_csv.write_csv(pa.Table.from_pandas(body, preserve_index=False), buffer,
                     pa_csv.WriteOptions(include_header=False))
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, [*columns, "geom"]))
    )
    with raw.cursor() as cur, cur.copy(statement) as copy:
        copy.write(memoryview(buffer.getvalue()))
    return len(frame)


def prefetch(items: Iterable[T], depth: int = 2) -> Generator[T, None, None]:
    """Produce items in a background thread while the caller consumes the previous ones.

    Reading the next batch (GDAL releases the GIL) then overlaps with PostgreSQL taking in the
    current one. An error in the producer is raised in the consumer; when the consumer stops
    early the producer is told to stop too, and nothing is left waiting.
    """
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(done)
        except BaseException as exc:  # handed to the consumer, which raises it
            offer(exc)

    worker = threading.Thread(target=produce, name="prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is done:
                break
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while True:  # free a producer blocked on a full queue
            try:
                slots.get_nowait()
            except queue.Empty:
                break
        worker.join(timeout=5)
