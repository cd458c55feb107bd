"""Storing imported layers in PostGIS (all or nothing, no duplicates) and reading them back."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

import geopandas as gpd
import shapely

from app.bulk import copy_frame, prefetch
from app.errors import BadRequest
from app.layers.dataerror import DATA_ERRORS
from app.layers.dataerror import refusal as data_refusal
from app.layers.dekking import dekking_melding, given_dekking, record_dekking
from app.layers.swap import NewTable, fill_and_swap
from data.importers import ImportRefused, ImportReport
from data.importers.archive import MAX_FILES, MAX_RATIO, MAX_UNPACKED_BYTES
from data.importers.stream import BATCH_ROWS, iter_layer
from geo.dekking import DekkingAccumulator, import_dekking
from geo.partition import Box
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
    replace_laag: bool = False,
    bron: str | None = None,
    bestandsnaam: str | None = None,
    progress: Callable[[str], None] | None = None,
    batch_size: int = BATCH_ROWS,
    grid: Path | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    max_files: int = MAX_FILES,
    max_ratio: int = MAX_RATIO,
    dekking: Path | None = None,
    dekking_buurten: list[str] | None = None,
) -> ImportReport:
    """Read, check and store one file as layer laag in one transaction; refusals change nothing.

    `dekking` (a polygon file) or `dekking_buurten` (codes of loaded buurten) say where the
    layer was collected (RULES.md §8); without them the convex hull of the features is taken,
    built batch by batch (leefbaarometer: the union of its cells).

    `bron` names where the features come from (default: the file name). `replace` first removes
    the features of the same bron in laag (other sources stay); `replace_laag` empties laag.
    Either one also loads a file whose checksum was imported before.

    The file is read in batches that are copied into the database while the next batch is
    read, so memory stays bounded by the batch size. When nothing of the layer stays (a first
    load, --replace-laag, --replace of its only source) the batches go straight into a new table
    that is swapped in at the end (app/layers/swap.py); otherwise into a staging table, and only
    when the whole file has been read and checked does the layer itself change, with
    MVCC-friendly statements only (DELETE and INSERT, indexes kept). Either way readers of the
    layer never wait for an import, and concurrent imports of one layer wait for each other.
    """
    check_layer(laag)
    try:
        report = _import_file(
            engine, laag=laag, path=path, source_layer=source_layer, mapping=mapping,
            values=values, crs=crs, replace=replace, replace_laag=replace_laag, bron=bron,
            bestandsnaam=bestandsnaam, progress=progress, batch_size=batch_size, grid=grid,
            max_unpacked_bytes=max_unpacked_bytes, max_files=max_files, max_ratio=max_ratio,
            dekking=dekking, dekking_buurten=dekking_buurten)
    except ImportRefused as exc:
        exc.message = public_message(exc.message)
        exc.args = (exc.message,)
        raise
    except DATA_ERRORS as exc:  # a value the checks before COPY missed: refused, rolled back
        raise data_refusal(laag, exc) from None
    report.meldingen = [public_message(m) for m in report.meldingen]
    return report


# At most this much of a refusal reaches the user; no server paths, no long runs of content.
MAX_MESSAGE_CHARS = 2000
_SERVER_PATH = re.compile(r"(?:/vsi[a-z]+)?/(?:tmp|var|home|root|work|usr|opt|srv|mnt|run|private"
                          r"|proc|etc)(?:/[^\s'\"(),;:]*)+")
_LONG_RUN = re.compile(r"\S{121,}")


def public_message(message: str) -> str:
    """A refusal as a user may see it: server folders cut to the file name, any run of more than
    120 characters without a space (file content) shortened, the whole capped in length."""
    message = _SERVER_PATH.sub(lambda m: PurePosixPath(m.group(0)).name or "…", message)
    message = _LONG_RUN.sub(lambda m: m.group(0)[:60] + "…", message)
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[:MAX_MESSAGE_CHARS] + " … (melding ingekort)"
    return message


def _import_file(
    engine: Engine,
    *,
    laag: str,
    path: Path,
    source_layer: str | None,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
    crs: str | None,
    replace: bool,
    replace_laag: bool,
    bron: str | None,
    bestandsnaam: str | None,
    progress: Callable[[str], None] | None,
    batch_size: int,
    grid: Path | None,
    max_unpacked_bytes: int,
    max_files: int,
    max_ratio: int,
    dekking: Path | None,
    dekking_buurten: list[str] | None,
) -> ImportReport:
    stream = iter_layer(
        laag, path, batch_size=batch_size, source_layer=source_layer, mapping=mapping,
        values=values, crs=crs, progress=progress, grid=grid,
        max_unpacked_bytes=max_unpacked_bytes, max_files=max_files, max_ratio=max_ratio,
    )
    with engine.begin() as conn:
        _prepare(conn, laag)
        given = given_dekking(conn, dekking=dekking, dekking_buurten=dekking_buurten or [])
        hull = DekkingAccumulator(laag)
        chunks = prefetch(stream)
        first = next(chunks, None)  # starts reading: the report (checksum) exists from here on
        report = stream.report
        assert report is not None
        if bestandsnaam:
            report.bestand = bestandsnaam
        report.bron = bron or report.bestand
        if not (replace or replace_laag) and _known_file(conn, laag=laag, report=report):
            chunks.close()
            return report
        # Nothing of the layer stays: COPY straight into a new table that is swapped in at the
        # end (app/layers/swap.py), rather than into the staging table and then INSERT.
        whole = replace_laag or _keeps_nothing(conn, laag=laag, bron=report.bron if replace
                                               else None, replace=replace)
        new, import_id = None, 0
        if whole:
            new = NewTable.create(conn, laag)
            import_id = _start_run(conn, laag=laag, report=report,
                                   vervangen=replace or replace_laag)
        target = new.name if new else "incoming"
        constants: dict[str, int | str] | None = {"import_id": import_id} if new else None
        staged = 0
        for chunk in itertools.chain([first] if first is not None else [], chunks):
            staged += copy_frame(conn, target, chunk, LAYER_COLUMNS[laag], constants=constants)
            hull.add(chunk.geometry.to_numpy())
            if progress:
                progress(f"klaargezet voor de database: {staged} objecten")
        if progress:
            progress(f"opslaan in laag '{laag}'")
        area = given if given is not None else hull.result()
        report.meldingen.append(dekking_melding(area, given=dekking or dekking_buurten))
        if new is not None:
            _store_copied(conn, laag=laag, report=report, new=new, import_id=import_id,
                          replace=replace, replace_laag=replace_laag)
        else:
            import_id = _store_staged(conn, laag=laag, report=report, replace=replace,
                                      replace_laag=replace_laag, whole=False)
        record_dekking(conn, import_id=import_id, dekking=area)
    return report


def store_frame(
    conn: Connection, *, laag: str, frame: gpd.GeoDataFrame, report: ImportReport, replace: bool,
    replace_laag: bool = False,
) -> None:
    """Store one canonical frame within the caller's transaction; the report's counts are updated."""
    _prepare(conn, laag)
    report.bron = report.bron or report.bestand
    if replace or replace_laag or not _known_file(conn, laag=laag, report=report):
        report.geladen = copy_frame(conn, "incoming", frame, LAYER_COLUMNS[laag])
        import_id = _store_staged(conn, laag=laag, report=report, replace=replace,
                                  replace_laag=replace_laag)
        record_dekking(conn, import_id=import_id,
                       dekking=import_dekking(laag, frame.geometry.to_numpy()))


def _prepare(conn: Connection, laag: str) -> None:
    """Lock the layer against concurrent imports and make a staging table.

    SHARE ROW EXCLUSIVE conflicts with itself and with writers, never with SELECT: a second
    import of the layer waits, readers go on. An import may take long, so the short timeouts the
    API gives its reads do not apply to it.
    """
    conn.execute(text("SET LOCAL statement_timeout = 0"))
    conn.execute(text("SET LOCAL lock_timeout = 0"))
    conn.execute(text(f"LOCK TABLE {laag} IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(text(f"CREATE TEMP TABLE incoming (LIKE {laag} INCLUDING DEFAULTS) "
                      "ON COMMIT DROP"))


def _known_file(conn: Connection, *, laag: str, report: ImportReport) -> bool:
    """True (and a note in the report) when this very file is loaded in laag now.

    A run whose features have all been replaced since does not count: loading it again is fine.
    """
    earlier = conn.execute(
        text(f"SELECT r.id, r.created_at FROM import_run r WHERE r.laag = :laag "
             f"AND r.sha256 = :sha AND EXISTS (SELECT 1 FROM {laag} l WHERE l.import_id = r.id) "
             "ORDER BY r.id LIMIT 1"),
        {"laag": laag, "sha": report.sha256},
    ).first()
    if earlier is None:
        return False
    report.geladen = 0
    report.meldingen.append(
        f"Dit bestand is al eerder als laag '{laag}' geïmporteerd (import {earlier.id}, "
        f"{earlier.created_at:%d-%m-%Y %H:%M}); er is niets toegevoegd. Gebruik --replace "
        "om wat uit deze bron kwam opnieuw te laden (bijvoorbeeld met een betere --map)."
    )
    return True


def _store_staged(
    conn: Connection, *, laag: str, report: ImportReport, replace: bool, replace_laag: bool = False,
    whole: bool | None = None,
) -> int:
    """Move the staged rows into the layer (no duplicates) and record the provenance; the id
    of the import run.

    Readers of the layer see the old contents until the commit and never wait longer than a
    swap (see app/layers/swap.py). When nothing of the layer stays (--replace-laag, --replace
    of its only source, an empty layer), a new table is filled and swapped in: its spatial index
    is built once, in bulk. Otherwise only DELETE and INSERT touch the live table (no TRUNCATE,
    no dropped index). benchmarks/replace_benchmark.py measures both ways.
    """
    if whole is None:
        bron = report.bron if replace else None
        whole = replace_laag or _keeps_nothing(conn, laag=laag, bron=bron, replace=replace)
    removed = None
    if replace_laag or replace:
        removed = _remove_features(conn, laag=laag, report=report, whole_layer=replace_laag,
                                   delete=not whole)
    import_id = _start_run(conn, laag=laag, report=report, vervangen=replace or replace_laag)
    names = ", ".join(LAYER_COLUMNS[laag])
    key = _CONFLICT_KEYS.get(laag, "id")
    insert_sql = (f"INSERT INTO {{target}} ({names}, import_id, geom) "
                  f"SELECT {names}, :import_id, geom FROM incoming ON CONFLICT ({key}) DO NOTHING")
    if whole:
        inserted = fill_and_swap(conn, laag=laag, insert_sql=insert_sql,
                                 params={"import_id": import_id})
    else:
        inserted = conn.execute(text(insert_sql.format(target=laag)),
                                {"import_id": import_id}).rowcount or 0
    _finish_run(conn, report=report, import_id=import_id, inserted=inserted, removed=removed)
    return import_id


def _store_copied(
    conn: Connection, *, laag: str, report: ImportReport, new: NewTable, import_id: int,
    replace: bool, replace_laag: bool,
) -> None:
    """Swap in the new table that the rows were copied into (nothing of the layer stays).

    Like _store_staged: a duplicate key keeps its first row and is reported as skipped."""
    gone = None
    if replace_laag or replace:
        gone = _remove_features(conn, laag=laag, report=report, whole_layer=replace_laag,
                                delete=False)
    removed = new.dedupe_and_add_keys(conn, _CONFLICT_KEYS.get(laag, "id"))
    new.finish(conn)
    _finish_run(conn, report=report, import_id=import_id, inserted=report.geladen - removed,
                removed=gone)


def _start_run(conn: Connection, *, laag: str, report: ImportReport, vervangen: bool) -> int:
    """The import_run row the stored features point to; its counts follow in _finish_run."""
    return int(conn.execute(
        text("INSERT INTO import_run (laag, bestand, bron, sha256, preset, gelezen, geladen, "
             "overgeslagen, vervangen, rapport) VALUES (:laag, :bestand, :bron, :sha, :preset, "
             "0, 0, 0, :vervangen, '{}') RETURNING id"),
        {"laag": laag, "bestand": report.bestand, "bron": report.bron, "sha": report.sha256,
         "preset": report.preset, "vervangen": vervangen},
    ).scalar_one())


def _finish_run(conn: Connection, *, report: ImportReport, import_id: int, inserted: int,
                removed: Box | None = None) -> None:
    """Report what was stored (duplicates skipped) and record it with the import_run row,
    with the box around what the import removed."""
    if report.geladen - inserted:
        report.skip("al aanwezig (zelfde bron-id) of dubbel in het bestand",
                    report.geladen - inserted)
    report.geladen = inserted
    conn.execute(
        text("UPDATE import_run SET preset = :preset, gelezen = :gelezen, geladen = :geladen, "
             "overgeslagen = :overgeslagen, rapport = :rapport, verwijderd_gebied = CASE WHEN "
             "CAST(:x0 AS float8) IS NULL THEN NULL "
             "ELSE ST_MakeEnvelope(:x0, :y0, :x1, :y1, 28992) END WHERE id = :id")
        .bindparams(bindparam("rapport", type_=JSONB)),
        {"preset": report.preset, "gelezen": report.gelezen, "geladen": inserted,
         "overgeslagen": sum(report.overgeslagen.values()), "rapport": report.to_dict(),
         "id": import_id, **dict(zip(("x0", "y0", "x1", "y1"), removed or (None,) * 4,
                                     strict=True))},
    )


def _keeps_nothing(conn: Connection, *, laag: str, bron: str | None, replace: bool) -> bool:
    """Whether storing leaves nothing of the layer: it is empty, or (replace) holds only bron."""
    if not replace:
        return not conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {laag})")).scalar_one()
    # Probes the import_id index once per import run rather than reading every feature.
    return not conn.execute(text(
        f"SELECT EXISTS (SELECT 1 FROM {laag} WHERE import_id IS NULL) OR EXISTS ("
        "SELECT 1 FROM import_run r WHERE COALESCE(r.bron, r.bestand) IS DISTINCT FROM :bron "
        f"AND EXISTS (SELECT 1 FROM {laag} l WHERE l.import_id = r.id))"),
        {"bron": bron}).scalar_one()


def _remove_features(
    conn: Connection, *, laag: str, report: ImportReport, whole_layer: bool, delete: bool = True,
) -> Box | None:
    """Delete the layer's features of report.bron (or all of them); say how many, per source.
    Returns the box around them (None when none), for `analyse --gewijzigd`.

    delete False only counts them: the layer is about to be swapped for a new table."""
    where = "" if whole_layer else (
        " WHERE import_id IN (SELECT id FROM import_run WHERE laag = :laag "
        "AND COALESCE(bron, bestand) = :bron)")
    gone = (f"DELETE FROM {laag}{where} RETURNING import_id, geom" if delete
            else f"SELECT import_id, geom FROM {laag}{where}")
    rows = conn.execute(
        # counted per run first, then joined: half the time of joining every feature
        text(f"WITH gone AS ({gone}), per_run AS (SELECT import_id, count(*) AS n, "
             "ST_Extent(geom) AS box FROM gone GROUP BY import_id) "
             "SELECT COALESCE(r.bron, r.bestand, '(onbekende bron)') AS bron, sum(n) AS n, "
             "min(ST_XMin(box)) AS x0, min(ST_YMin(box)) AS y0, max(ST_XMax(box)) AS x1, "
             "max(ST_YMax(box)) AS y1 "
             "FROM per_run LEFT JOIN import_run r ON r.id = per_run.import_id "
             "GROUP BY 1 ORDER BY 1"),
        {"laag": laag, "bron": report.bron},
    ).all()
    report.verwijderd = {str(r.bron): int(r.n) for r in rows}
    boxes = [(r.x0, r.y0, r.x1, r.y1) for r in rows if r.x0 is not None]
    total = sum(report.verwijderd.values())
    per_bron = ", ".join(f"{n} uit '{bron}'" for bron, n in report.verwijderd.items())
    if whole_layer:
        report.meldingen.append(
            f"Laag '{laag}' eerst helemaal geleegd (--replace-laag): {total} objecten verwijderd"
            + (f" ({per_bron})." if total else "; de laag was al leeg."))
    elif total:
        report.meldingen.append(
            f"Bron '{report.bron}' vervangen: {total} objecten van deze bron verwijderd uit laag "
            f"'{laag}'; objecten uit andere bronnen blijven staan.")
    else:
        report.meldingen.append(
            f"Bron '{report.bron}' had nog geen objecten in laag '{laag}'; er is niets verwijderd "
            "(andere bronnen blijven staan). Wilt u de hele laag vervangen, gebruik dan "
            "--replace-laag.")
    if not boxes:
        return None
    x0, y0, x1, y1 = zip(*boxes, strict=True)
    return (min(x0), min(y0), max(x1), max(y1))


def read_layers(conn: Connection) -> dict[str, gpd.GeoDataFrame]:
    """All canonical layers as GeoDataFrames in EPSG:28992, for the analysis."""
    return {laag: read_layer(conn, laag) for laag in LAYERS}


# The key each layer is read in: the analysis adds up and unites features in this order, so
# the whole layer and any part of it (a partition) give the same floats.
# Text keys in byte order ("C"), as Python sorts them.
_ORDER = {"buurt": 't.buurtcode COLLATE "C"', "leefbaarometer": "t.id"}


def read_layer(conn: Connection, laag: str, where: str = "",
               params: dict[str, Any] | None = None) -> gpd.GeoDataFrame:
    """One canonical layer (the rows matching the SQL condition `where`, alias `t`) as a
    GeoDataFrame in EPSG:28992, ordered by its key."""
    columns = ", ".join(f"t.{c}" for c in LAYER_COLUMNS[laag])
    order = _ORDER.get(laag, 't.id COLLATE "C"')
    condition = f"WHERE {where} " if where else ""
    rows = pd.read_sql(
        text(f"SELECT {columns}, ST_AsBinary(t.geom) AS wkb FROM {laag} t {condition}"
             f"ORDER BY {order}"), conn, params=params)
    # All geometries parsed in one call (read_postgis parses them one by one).
    geoms = shapely.from_wkb(rows.pop("wkb").to_numpy())
    return _canonical_types(laag, gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS))


_INT_COLUMNS = {"inwoners", "start_jaar", "eind_jaar", "aanlegjaar", "vervangingsjaar", "jaar",
                "klasse", "huisnummer_van", "huisnummer_tot"}
_FLOAT_COLUMNS = {"diameter_mm", "breedte_mm", "hoogte_mm", "lbm", "afw", "fys", "onv", "soc",
                  "vrz", "won"}


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
