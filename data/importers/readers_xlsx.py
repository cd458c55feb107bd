"""XLSX tables with a WKT column (works lists of municipalities and network operators).

Read with openpyxl in read-only mode: the sheet is streamed row by row (memory stays bounded by
the batch size), each row keeps its spreadsheet number (header = row 1, as a user sees it), and
dates come as dates. GDAL's XLSX driver was not used: it loads a whole sheet into memory and
guesses whether row 1 is a header, so neither the memory bound nor the row numbers would hold.

An XLSX file is a zip: its directory is checked like any zip (entries, unpacked size, packing
ratio) before it is opened; its shared-strings part, which openpyxl holds whole, may be at most
MAX_SHARED_STRINGS_BYTES unpacked.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

import geopandas as gpd
import shapely

from data.importers.archive import Limits, check_zip_directory
from data.importers.errors import ImportRefused, unreadable
from data.importers.readers_csv import MAX_COLUMNS, WKT_COLUMNS
from data.importers.validate import RowNumbers, shown

MAX_SHARED_STRINGS_BYTES = 256 * 1024**2
ROW_NAME = "rij"


def check_xlsx(path: Path, limits: Limits | None) -> None:
    """Refuse, before opening, an XLSX that is no zip, or whose zip would unpack too far."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ImportRefused(
            f"{path.name} is geen geldig XLSX-bestand (Excel 2007 of nieuwer). Sla het in Excel "
            "op als .xlsx, of exporteer het als CSV met een WKT-kolom."
        ) from None
    check_zip_directory(path, infos, limits or Limits())
    shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if shared > MAX_SHARED_STRINGS_BYTES:
        raise ImportRefused(
            f"{path.name} heeft {shared / 1024**2:.0f} MB aan tekst in de cellen; dat kan tot "
            f"{MAX_SHARED_STRINGS_BYTES // 1024**2} MB. Lever het op in delen of als CSV."
        )


def _open(path: Path) -> Any:
    import openpyxl

    try:
        with warnings.catch_warnings():  # openpyxl warns about styles and extensions it skips
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise unreadable(path.name, exc) from exc


def sheet_names(path: Path) -> list[str]:
    """The sheets of an XLSX file, in order."""
    workbook = _open(path)
    try:
        return [str(name) for name in workbook.sheetnames]
    finally:
        workbook.close()


def _header(values: tuple[Any, ...]) -> list[str]:
    return ["" if v is None else str(v).strip() for v in values]


def _unique(names: list[str]) -> list[str]:
    """Column names made unique as pandas does for a CSV: a repeated 'status' becomes 'status.1'."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}.{n}")
    return out


def _wkt_column(header: list[str]) -> int | None:
    lower = {name.lower(): i for i, name in reversed(list(enumerate(header))) if name}
    return next((lower[name] for name in WKT_COLUMNS if name in lower), None)


def choose_sheet(path: Path, sheets: list[str], sheet: str | None) -> str:
    """The sheet asked for; else the only one; else the first whose header has a WKT column."""
    if sheet is not None:
        if sheet not in sheets:
            raise ImportRefused(f"Werkblad '{sheet}' bestaat niet in {path.name}. Werkbladen: "
                                f"{', '.join(sheets)}.")
        return sheet
    if len(sheets) == 1:
        return sheets[0]
    workbook = _open(path)
    try:
        for name in sheets:
            first = next(workbook[name].iter_rows(min_row=1, max_row=1, values_only=True), ())
            if _wkt_column(_header(tuple(first))) is not None:
                return name
    finally:
        workbook.close()
    raise ImportRefused(
        f"{path.name} heeft meerdere werkbladen ({', '.join(sheets)}) en geen ervan heeft een "
        "WKT-kolom in rij 1. Kies het werkblad met --source-layer (source_layer)."
    )


def iter_xlsx(path: Path, sheet: str | None, batch_rows: int) -> Iterator[tuple[
        pd.DataFrame, gpd.GeoSeries | None, int]]:
    """Batches of one sheet: (frame, geometry or None, spreadsheet row of index 0); a frame's
    index is its rows' spreadsheet numbers minus that first one.

    Row 1 is the header. Entirely empty rows are passed over. A row with data but an empty or
    unreadable WKT cell refuses the file, naming its row number.
    """
    workbook = _open(path)
    try:
        name = choose_sheet(path, [str(s) for s in workbook.sheetnames], sheet)
        ws = workbook[name]
        ws.reset_dimensions()  # never trust the stored size: read every row that is there
        rows = ws.iter_rows(min_row=1, values_only=True)
        header = _header(tuple(next(rows, ())))
        while header and not header[-1]:
            header.pop()
        if not any(header):
            raise ImportRefused(f"Werkblad '{name}' van {path.name} heeft geen kopregel in rij 1 "
                                "(de namen van de kolommen).")
        if len(header) > MAX_COLUMNS:
            raise ImportRefused(f"Werkblad '{name}' heeft {len(header)} kolommen in rij 1; het "
                                f"maximum is {MAX_COLUMNS}.")
        keep = [i for i, h in enumerate(header) if h]
        columns = _unique([header[i] for i in keep])
        wkt = _wkt_column(columns)
        rows = ws.iter_rows(min_row=2, max_col=len(header), values_only=True)
        batch: list[tuple[Any, ...]] = []
        numbers: list[int] = []
        for number, values in enumerate(rows, start=2):
            picked = tuple(values[i] if i < len(values) else None for i in keep)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in picked):
                continue
            batch.append(picked)
            numbers.append(number)
            if len(batch) >= batch_rows:
                yield _table(batch, numbers, columns, wkt, name)
                batch, numbers = [], []
        if batch:
            yield _table(batch, numbers, columns, wkt, name)
    except ImportRefused:
        raise
    except Exception as exc:
        raise unreadable(path.name, exc) from exc
    finally:
        workbook.close()


def _table(
    batch: list[tuple[Any, ...]], numbers: list[int], columns: list[str], wkt: int | None,
    sheet: str,
) -> tuple[pd.DataFrame, gpd.GeoSeries | None, int]:
    first = numbers[0]
    frame = pd.DataFrame(batch, index=[n - first for n in numbers], dtype=object)
    frame.columns = columns
    if wkt is None:
        return frame, None, first
    column = columns[wkt]
    text = frame.pop(column)
    rows = RowNumbers(first=first, name=ROW_NAME, layer=None)
    empty = text.map(lambda v: v is None or not str(v).strip()).to_numpy(dtype=bool)
    if empty.any():
        raise ImportRefused(
            f"Werkblad '{sheet}': {rows.describe(text.index[empty], int(empty.sum()))} "
            f"{'heeft' if empty.sum() == 1 else 'hebben'} geen geometrie (kolom '{column}' is "
            "leeg). Er is niets geladen. Vul de WKT in of haal de rij weg."
        )
    geoms = shapely.from_wkt(text.astype(str).to_numpy(), on_invalid="ignore")
    bad = pd.isna(geoms)
    if bad.any():
        first = text[bad].iloc[0]
        raise ImportRefused(
            f"Werkblad '{sheet}': de WKT in kolom '{column}' is onleesbaar in "
            f"{rows.describe(text.index[bad], int(bad.sum()))}, bijvoorbeeld {shown(first)}. "
            "Er is niets geladen. Verwacht zoiets als LINESTRING (155000 463000, 155100 463000)."
        )
    return frame, gpd.GeoSeries(geoms, index=frame.index), first
