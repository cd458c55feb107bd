"""Storing imported layers in PostGIS (all or nothing, no duplicates) and reading them back."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

import geopandas as gpd

from app.bulk import copy_frame, prefetch
from app.errors import BadRequest
from data.importers import ImportReport
from data.importers.archive import MAX_FILES, MAX_UNPACKED_BYTES
from data.importers.stream import BATCH_ROWS, iter_layer
from geo.params import RuleParams
from geo.schema import CRS, LAYER_COLUMNS, LAYERS

# Key columns that make a feature "already there" (RULES: same source id is not added twice).
_CONFLICT_KEYS = {"buurt": "buurtcode", "leefbaarometer": "grid_id, jaar"}


def parse_pairs(values: list[str], option: str) -> dict[str, str]:
    """Turn ['a=b', ...] into {'a': 'b'}; BadRequest in Dutch when an item has no '='."""
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise BadRequest(f"{option} verwacht CANONIEK=WAARDE, bijvoorbeeld status=gepland; "
                             f"kreeg '{value}'.")
        pairs[key.strip()] = rest.strip()
    return pairs


def check_layer(laag: str) -> str:
    """Return laag when it is a known layer, else raise BadRequest in Dutch."""
    if laag not in LAYERS:
        raise BadRequest(f"Onbekende laag '{laag}'. Kies uit: {', '.join(LAYERS)}.")
    return laag


def import_file(
    engine: Engine,
    *,
    laag: str,
    path: Path,
    source_layer: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    crs: str | None = None,
    replace: bool = False,
    bestandsnaam: str | None = None,
    progress: Callable[[str], None] | None = None,
    batch_size: int = BATCH_ROWS,
    grid: Path | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    max_files: int = MAX_FILES,
) -> ImportReport:
    """Read, check and store one file as layer laag in one transaction; refusals change nothing.

    The file is read in batches that are copied into a staging table while the next batch is
    read, so memory stays bounded by the batch size. Only when the whole file has been read and
    checked does the layer itself change: readers of the layer are not held up meanwhile.
    """
    check_layer(laag)
    stream = iter_layer(
        laag, path, batch_size=batch_size, source_layer=source_layer, mapping=mapping,
        values=values, crs=crs, progress=progress, grid=grid,
        max_unpacked_bytes=max_unpacked_bytes, max_files=max_files,
    )
    with engine.begin() as conn:
        _prepare(conn, laag)
        chunks = prefetch(stream)
        first = next(chunks, None)  # starts reading: the report (checksum) exists from here on
        report = stream.report
        assert report is not None
        if bestandsnaam:
            report.bestand = bestandsnaam
        if not replace and _known_file(conn, laag=laag, report=report):
            chunks.close()
            return report
        staged = 0
        for chunk in itertools.chain([first] if first is not None else [], chunks):
            staged += copy_frame(conn, "incoming", chunk, LAYER_COLUMNS[laag])
            if progress:
                progress(f"klaargezet voor de database: {staged} objecten")
        if progress:
            progress(f"opslaan in laag '{laag}'")
        _store_staged(conn, laag=laag, report=report, replace=replace)
    return report


def store_frame(
    conn: Connection, *, laag: str, frame: gpd.GeoDataFrame, report: ImportReport, replace: bool
) -> None:
    """Store one canonical frame within the caller's transaction; the report's counts are updated."""
    _prepare(conn, laag)
    if replace or not _known_file(conn, laag=laag, report=report):
        report.geladen = copy_frame(conn, "incoming", frame, LAYER_COLUMNS[laag])
        _store_staged(conn, laag=laag, report=report, replace=replace)


def _prepare(conn: Connection, laag: str) -> None:
    """Lock the layer against concurrent imports (readers go on) and make a staging table."""
    conn.execute(text(f"LOCK TABLE {laag} IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(text(f"CREATE TEMP TABLE incoming (LIKE {laag} INCLUDING DEFAULTS) "
                      "ON COMMIT DROP"))


def _known_file(conn: Connection, *, laag: str, report: ImportReport) -> bool:
    """True (and a note in the report) when this very file was imported into laag before."""
    earlier = conn.execute(
        text("SELECT id, created_at FROM import_run WHERE laag = :laag AND sha256 = :sha "
             "ORDER BY id LIMIT 1"),
        {"laag": laag, "sha": report.sha256},
    ).first()
    if earlier is None:
        return False
    report.geladen = 0
    report.meldingen.append(
        f"Dit bestand is al eerder als laag '{laag}' geïmporteerd (import {earlier.id}, "
        f"{earlier.created_at:%d-%m-%Y %H:%M}); er is niets toegevoegd. Gebruik --replace "
        "om de laag te vervangen."
    )
    return True


def _store_staged(conn: Connection, *, laag: str, report: ImportReport, replace: bool) -> None:
    """Move the staged rows into the layer (no duplicates) and record the provenance."""
    present = conn.execute(text(f"SELECT count(*) FROM {laag}")).scalar_one()
    if replace:
        # TRUNCATE is transactional in PostgreSQL and far faster than DELETE on a big layer.
        conn.execute(text(f"TRUNCATE {laag}"))
        report.meldingen.append(f"Laag '{laag}' vervangen: {present} bestaande objecten verwijderd.")
    if replace or present == 0:
        # Filling an empty layer: building the spatial index once at the end beats updating
        # it row by row; it is built again below, in the same transaction.
        conn.execute(text(f"DROP INDEX IF EXISTS idx_{laag}_geom"))
    import_id = conn.execute(
        text("INSERT INTO import_run (laag, bestand, sha256, preset, gelezen, geladen, "
             "overgeslagen, vervangen, rapport) VALUES (:laag, :bestand, :sha, :preset, 0, 0, 0, "
             ":vervangen, '{}') RETURNING id"),
        {"laag": laag, "bestand": report.bestand, "sha": report.sha256, "preset": report.preset,
         "vervangen": replace},
    ).scalar_one()
    names = ", ".join(LAYER_COLUMNS[laag])
    key = _CONFLICT_KEYS.get(laag, "id")
    inserted = conn.execute(
        text(f"INSERT INTO {laag} ({names}, import_id, geom) "
             f"SELECT {names}, :import_id, geom FROM incoming ON CONFLICT ({key}) DO NOTHING"),
        {"import_id": import_id},
    ).rowcount or 0
    conn.execute(text(f"CREATE INDEX IF NOT EXISTS idx_{laag}_geom ON {laag} USING gist (geom)"))
    if report.geladen - inserted:
        report.skip("al aanwezig (zelfde bron-id) of dubbel in het bestand",
                    report.geladen - inserted)
    report.geladen = inserted
    conn.execute(
        text("UPDATE import_run SET gelezen = :gelezen, geladen = :geladen, "
             "overgeslagen = :overgeslagen, rapport = :rapport WHERE id = :id")
        .bindparams(bindparam("rapport", type_=JSONB)),
        {"gelezen": report.gelezen, "geladen": inserted,
         "overgeslagen": sum(report.overgeslagen.values()), "rapport": report.to_dict(),
         "id": import_id},
    )


def read_layers(conn: Connection) -> dict[str, gpd.GeoDataFrame]:
    """All canonical layers as GeoDataFrames in EPSG:28992, for the analysis."""
    frames: dict[str, gpd.GeoDataFrame] = {}
    for laag in LAYERS:
        columns = ", ".join(LAYER_COLUMNS[laag])
        frame = gpd.read_postgis(
            text(f"SELECT {columns}, geom FROM {laag}"), conn, geom_col="geom", crs=CRS
        )
        frames[laag] = _canonical_types(laag, frame.rename_geometry("geometry"))
    return frames


_INT_COLUMNS = {"inwoners", "start_jaar", "eind_jaar", "aanlegjaar", "vervangingsjaar", "jaar",
                "klasse"}
_FLOAT_COLUMNS = {"diameter_mm", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"}


def _canonical_types(laag: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    for column in LAYER_COLUMNS[laag]:
        if column in _INT_COLUMNS:
            frame[column] = frame[column].astype("Int64")
        elif column in _FLOAT_COLUMNS:
            frame[column] = frame[column].astype("float64")
        elif column == "water":
            frame[column] = frame[column].astype("boolean")
        else:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def imported_ids(conn: Connection) -> list[int]:
    """Ids of the imports whose features are loaded now."""
    parts = " UNION ".join(f"SELECT import_id FROM {laag}" for laag in LAYERS)
    rows = conn.execute(text(f"SELECT DISTINCT import_id FROM ({parts}) s "
                             "WHERE import_id IS NOT NULL ORDER BY 1"))
    return [r[0] for r in rows]


# A pipe's due year as RULES.md §2 defines it, over the unqualified riolering columns; the life
# spans are bound per query with due_year_params.
DUE_YEAR_SQL = (
    "COALESCE(vervangingsjaar, aanlegjaar + COALESCE("
    "(CAST(:levensduur AS jsonb) ->> materiaal)::int, :levensduur_overig))"
)


def due_year_params(params: RuleParams) -> dict[str, Any]:
    """Bound values of DUE_YEAR_SQL for these rule parameters."""
    return {"levensduur": json.dumps(params.levensduur),
            "levensduur_overig": params.levensduur_overig}
