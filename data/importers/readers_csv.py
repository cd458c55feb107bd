"""CSV tables: WKT or x/y columns as geometry, or Leefbaarometer grid codes without geometry.

A CSV is read as a stream in batches (iter_csv), never whole: memory stays bounded whatever its
size, also inside a zip. A line longer than MAX_LINE_BYTES or a header with more than
MAX_COLUMNS columns is refused before it is held in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
from collections.abc import Iterator
from typing import IO

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.errors import ImportRefused, unreadable

WKT_COLUMNS = ("wkt", "wkt_geom", "geometry", "geom", "the_geom", "geometrie", "shape")
XY_COLUMNS = (
    ("x", "y"), ("rd_x", "rd_y"), ("x_rd", "y_rd"), ("xcoord", "ycoord"), ("x_coord", "y_coord"),
    ("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"), ("lengtegraad", "breedtegraad"),
)
GRID_CODE = re.compile(r"^E(\d{4})N(\d{4})$")
MAX_LINE_BYTES = 32 * 1024**2  # one line (a feature): a WKT polygon of about a million points
MAX_COLUMNS = 1000
CHUNK_BYTES = 64 * 1024**2  # text per batch; fewer rows per batch when lines are long
_NA_VALUES = ["", "NA", "NULL", "null"]
_SEPARATORS = (";", ",", "\t", "|")
_FALLBACK = "koppelkansen-cp1252"
_fallback_used = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 are read as Windows-1252 (and noted), one sequence at a time."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _fallback_used.value = True
    return bytes(exc.object[exc.start:exc.end]).decode("cp1252", errors="replace"), exc.end


codecs.register_error(_FALLBACK, _cp1252_fallback)


class _LineGuard(io.RawIOBase):
    """A binary stream that refuses a line longer than MAX_LINE_BYTES as it passes by."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw, self.name = raw, name
        self.run = 0  # bytes since the last newline
        self.lines = 0
        self.bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        n = len(data)
        first = data.find(b"\n")
        if first < 0:
            self.run += n
        else:
            if self.run + first > MAX_LINE_BYTES:
                self._refuse()
            self.lines += data.count(b"\n")
            self.run = n - data.rfind(b"\n") - 1
        if self.run > MAX_LINE_BYTES:
            self._refuse()
        buffer[:n] = data
        self.bytes += n
        return n

    def _refuse(self) -> None:
        raise ImportRefused(
            f"CSV {self.name}: regel {self.lines + 1} is langer dan "
            f"{MAX_LINE_BYTES // 1024**2} MB (of het bestand heeft geen regeleinden). Een regel "
            "is één object; controleer of het wel een CSV-bestand is met één object per regel."
        )


class _Prefixed(io.TextIOBase):
    """The header line read ahead, then the rest of the text stream."""

    def __init__(self, head: str, rest: IO[str]) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        if self.head:
            if size is None or size < 0 or size >= len(self.head):
                out, self.head = self.head, ""
            else:
                out, self.head = self.head[:size], self.head[size:]
            return out
        return self.rest.read(-1 if size is None else size)


def iter_csv(
    raw: IO[bytes], name: str, batch_rows: int,
) -> Iterator[tuple[pd.DataFrame, gpd.GeoSeries | None, list[str], int]]:
    """Batches of a CSV stream: (frame of text, geometry or None, messages, first line number).

    The separator is the most frequent of ; , tab | in the header. Text is UTF-8 (with or
    without BOM); bytes that are not are read as Windows-1252, with a message.
    """
    _fallback_used.value = False
    guard = _LineGuard(raw, name)
    text = io.TextIOWrapper(io.BufferedReader(guard, 1 << 16), encoding="utf-8-sig",
                            errors=_FALLBACK, newline="")
    head = text.readline()
    sep = max(_SEPARATORS, key=head.count)
    columns = next(csv.reader([head], delimiter=sep), [])
    if len(columns) > MAX_COLUMNS:
        raise ImportRefused(f"CSV {name} heeft {len(columns)} kolommen in de kopregel; het "
                            f"maximum is {MAX_COLUMNS}. Controleer het scheidingsteken en de "
                            "kopregel.")
    try:
        reader = pd.read_csv(_Prefixed(head, text), sep=sep, dtype=str, keep_default_na=False,
                             na_values=_NA_VALUES, iterator=True)
    except pd.errors.EmptyDataError:
        raise ImportRefused(f"CSV {name} is leeg: er staat geen kopregel in.") from None
    except ImportRefused:
        raise
    except Exception as exc:
        raise unreadable(f"CSV {name}", exc) from exc
    line = 2  # line 1 is the header
    noted = False
    while True:
        per_line = guard.bytes / max(guard.lines, 1)
        rows = int(max(100, min(batch_rows, CHUNK_BYTES // max(per_line, 1))))
        try:
            frame = reader.get_chunk(rows)
        except StopIteration:
            return
        except ImportRefused:
            raise
        except Exception as exc:
            raise unreadable(f"CSV {name}", exc) from exc
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.loc[:, [c for c in frame.columns if not c.startswith("Unnamed:")]]
        meldingen = []
        if getattr(_fallback_used, "value", False) and not noted:
            meldingen.append("Tekst was geen UTF-8 en is gelezen als Windows-1252.")
            noted = True
        frame.index = pd.RangeIndex(len(frame))
        yield frame, _csv_geometry(frame), meldingen, line
        line += len(frame)


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.str.replace(",", ".", regex=False).str.strip(), errors="coerce")


def _csv_geometry(frame: pd.DataFrame) -> gpd.GeoSeries | None:
    lower = {c.lower(): c for c in frame.columns}
    for name in WKT_COLUMNS:
        if name in lower:
            col = lower[name]
            texts = frame[col].to_numpy(dtype=object, na_value=None)
            blank = np.array([t is None or not str(t).strip() for t in texts], dtype=bool)
            texts[blank] = None  # an empty cell is a row without geometry, not bad WKT
            try:
                geoms = shapely.from_wkt(texts, on_invalid="warn")
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
