"""Storing imported layers in PostGIS (all or nothing, no duplicates) and reading them back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

import geopandas as gpd

from app.bulk import copy_frame
from app.errors import BadRequest
from data.importers import ImportReport, read_layer
from geo.params import RuleParams
from geo.schema import CRS, LAYER_COLUMNS, LAYERS

# Key columns that make a feature "already there" (RULES: same source id is not added twice).
_CONFLICT_KEYS = {"buurt": "buurtcode", "leefbaarometer": "grid_id, jaar"}

LAYER_LABELS = {
    "buurt": "buurten",
    "warmtenet": "warmtenet-tracés",
    "riolering": "rioolleidingen",
    "groen": "groenvlakken",
    "boom": "bomen",
    "leefbaarometer": "Leefbaarometer-cellen",
}


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
) -> ImportReport:
    """Read, check and store one file as layer laag; refused files change nothing."""
    check_layer(laag)
    frame, report = read_layer(
        laag, path, source_layer=source_layer, mapping=mapping, values=values, crs=crs,
        progress=progress,
    )
    if bestandsnaam:
        report.bestand = bestandsnaam
    if progress:
        progress(f"opslaan in de database ({len(frame)} objecten)")
    with engine.begin() as conn:
        store_frame(conn, laag=laag, frame=frame, report=report, replace=replace)
    return report


def store_frame(
    conn: Connection, *, laag: str, frame: gpd.GeoDataFrame, report: ImportReport, replace: bool
) -> None:
    """Store a canonical frame in one transaction; the report's counts are updated."""
    conn.execute(text(f"LOCK TABLE {laag} IN SHARE ROW EXCLUSIVE MODE"))
    if not replace:
        earlier = conn.execute(
            text("SELECT id, created_at FROM import_run WHERE laag = :laag AND sha256 = :sha "
                 "ORDER BY id LIMIT 1"),
            {"laag": laag, "sha": report.sha256},
        ).first()
        if earlier is not None:
            report.geladen = 0
            report.meldingen.append(
                f"Dit bestand is al eerder als laag '{laag}' geïmporteerd (import {earlier.id}, "
                f"{earlier.created_at:%d-%m-%Y %H:%M}); er is niets toegevoegd. Gebruik --replace "
                "om de laag te vervangen."
            )
            return
    removed = 0
    if replace:
        removed = conn.execute(text(f"DELETE FROM {laag}")).rowcount or 0
        report.meldingen.append(f"Laag '{laag}' vervangen: {removed} bestaande objecten verwijderd.")
    import_id = conn.execute(
        text("INSERT INTO import_run (laag, bestand, sha256, preset, gelezen, geladen, "
             "overgeslagen, vervangen, rapport) VALUES (:laag, :bestand, :sha, :preset, :gelezen, "
             "0, 0, :vervangen, '{}') RETURNING id"),
        {"laag": laag, "bestand": report.bestand, "sha": report.sha256, "preset": report.preset,
         "gelezen": report.gelezen, "vervangen": replace},
    ).scalar_one()
    columns = list(LAYER_COLUMNS[laag])
    conn.execute(text(f"CREATE TEMP TABLE incoming (LIKE {laag} INCLUDING DEFAULTS) ON COMMIT DROP"))
    staged = frame.assign(import_id=import_id)
    copy_frame(conn, "incoming", staged, [*columns, "import_id"])
    key = _CONFLICT_KEYS.get(laag, "id")
    names = ", ".join([*columns, "import_id", "geom"])
    inserted = conn.execute(
        text(f"INSERT INTO {laag} ({names}) SELECT {names} FROM incoming "
             f"ON CONFLICT ({key}) DO NOTHING")
    ).rowcount or 0
    duplicates = len(frame) - inserted
    if duplicates:
        reason = "al aanwezig (zelfde bron-id) of dubbel in het bestand"
        report.overgeslagen[reason] = report.overgeslagen.get(reason, 0) + duplicates
    report.geladen = inserted
    conn.execute(
        text("UPDATE import_run SET geladen = :geladen, overgeslagen = :overgeslagen, "
             "rapport = :rapport WHERE id = :id").bindparams(bindparam("rapport", type_=JSONB)),
        {"geladen": inserted, "overgeslagen": sum(report.overgeslagen.values()),
         "rapport": report.to_dict(), "id": import_id},
    )


def read_layers(engine: Engine) -> dict[str, gpd.GeoDataFrame]:
    """All canonical layers as GeoDataFrames in EPSG:28992, for the analysis."""
    frames: dict[str, gpd.GeoDataFrame] = {}
    with engine.connect() as conn:
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


def due_year_sql(params: RuleParams) -> tuple[str, dict[str, Any]]:
    """SQL expression (and its bound values) for a pipe's due year, as RULES.md §2 defines it."""
    expression = (
        "COALESCE(vervangingsjaar, aanlegjaar + COALESCE("
        "(CAST(:levensduur AS jsonb) ->> materiaal)::int, :levensduur_overig))"
    )
    return expression, {
        "levensduur": json.dumps(params.levensduur),
        "levensduur_overig": params.levensduur_overig,
    }
