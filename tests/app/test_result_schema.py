"""The result columns are declared once (geo/schema.py KANS, BUURTSCORE); everything that lists
them must agree with that declaration: the migrated database, the pandas dtypes of the analysis,
the exports (shapefile names, legenda, GeoPackage aliases), the vector tiles and the API.

Each check reads the real thing (the database after `alembic upgrade head`, a real export, a
real tile, a real API answer), not the derived Python constant, so a column added to the
declaration without a migration, or restated somewhere by hand, fails here.
"""

from __future__ import annotations

import csv
import io
import math
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

import pyogrio

from app.kansen.schemas import KansEigenschappen
from frontend.styles import METING_LABELS
from geo import ranking
from geo.schema import BUURTSCORE, BUURTSCORE_DTYPES, KANS, ResultColumn
from tests.tiles.mvt import decode

pytestmark = pytest.mark.db

TABLES = {"koppelkans": KANS, "buurtscore": BUURTSCORE}
# Bookkeeping, not results: the run, the geometry, the partition that computed a kans.
NOT_DECLARED = {"run_id", "geom", "partitie"}
# information_schema.columns.data_type of each declared dtype.
PG_TYPES = {"str": ("text", "character varying"), "Int64": ("integer",),
            "float64": ("double precision",), "bool": ("boolean",)}


def test_declarations_are_consistent() -> None:
    for columns in TABLES.values():
        names = [c.name for c in columns]
        shp = [c.shp for c in columns]
        assert len(set(names)) == len(names)
        assert len(set(shp)) == len(shp) and all(len(s) <= 10 for s in shp)
        assert all(c.label.strip() for c in columns)
    with pytest.raises(ValueError, match="shapefile"):
        ResultColumn("te_lang", "str", "elf_tekens_", "Te lang")
    with pytest.raises(ValueError, match="dtype"):
        ResultColumn("x", "int32", "x", "Onbekend type")


def test_database_columns_match_the_declaration(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        for table, columns in TABLES.items():
            rows = {r.column_name: r for r in conn.execute(text(
                "SELECT column_name, data_type, character_maximum_length, is_nullable, "
                "column_default FROM information_schema.columns WHERE table_name = :t"),
                {"t": table})}
            assert set(rows) - NOT_DECLARED == {c.name for c in columns}, table
            for column in columns:
                row = rows[column.name]
                assert row.data_type in PG_TYPES[column.dtype], (table, column.name, row.data_type)
                assert row.character_maximum_length == column.limit, (table, column.name)
                assert (row.is_nullable == "YES") == column.nullable, (table, column.name)
                if column.default is not None:
                    assert row.column_default is not None
                    assert float(row.column_default) == column.default, (table, column.name)


def test_analysis_dtypes_are_the_declared_ones() -> None:
    # geo/ranking.py still spells its dtypes out; they must be the declared ones.
    assert ranking.BUURTSCORE_DTYPES == BUURTSCORE_DTYPES == {c.name: c.dtype for c in BUURTSCORE}


def test_shapefile_fields_and_legenda_follow_the_declaration(client: TestClient,
                                                            tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=shp").content))
    archive.extractall(tmp_path)
    rows = list(csv.reader(io.StringIO(archive.read("legenda.csv").decode("utf-8-sig")),
                           delimiter=";"))
    legenda = {(layer, full): (short, label) for layer, short, full, label in rows[1:] if layer}
    for layer, columns in (("koppelkansen", KANS), ("buurtscores", BUURTSCORE)):
        for column in columns:
            assert legenda[(layer, column.name)] == (column.shp, column.label)
        for shp in tmp_path.glob(f"{layer}_*.shp"):
            fields = set(pyogrio.read_info(shp)["fields"])
            assert {c.shp for c in columns} <= fields, shp.name


def test_geopackage_aliases_follow_the_declaration(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "uit.gpkg"
    path.write_bytes(client.get("/api/v1/export?format=gpkg").content)
    with sqlite3.connect(path) as db:
        titles = {(t, c): title for t, c, title in db.execute(
            "SELECT table_name, column_name, title FROM gpkg_data_columns")}
    for layer, columns in (("koppelkansen", KANS), ("buurtscores", BUURTSCORE)):
        assert set(pyogrio.read_info(path, layer=layer)["fields"]) >= {c.name for c in columns}
        for column in columns:
            assert titles[(layer, column.name)] == column.label


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def _tile_keys(client: TestClient, demo_engine: Engine, laag: str, table: str) -> set[str]:
    """Every attribute name of `laag` in the z11 tiles that cover `table`."""
    with demo_engine.connect() as conn:
        xmin, ymin, xmax, ymax = conn.execute(text(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
            f"ST_Transform(ST_SetSRID(ST_Extent(geom), 28992), 4326) AS e FROM {table}) s")).one()
    (x0, y0), (x1, y1) = _tile_of(xmin, ymax, 11), _tile_of(xmax, ymin, 11)
    keys: set[str] = set()
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            response = client.get(f"/tiles/{laag}/11/{x}/{y}.pbf")
            if response.status_code == 200:
                for feature in decode(response.content)[laag].features:
                    keys |= set(feature.properties)
    return keys


def test_tile_attributes_are_the_flagged_columns(client: TestClient, demo_engine: Engine) -> None:
    assert _tile_keys(client, demo_engine, "koppelkansen", "koppelkans") == {
        c.name for c in KANS if c.tile}
    assert _tile_keys(client, demo_engine, "buurten", "buurtscore") == {
        c.name for c in BUURTSCORE if c.tile}


def _python_type_ok(column: ResultColumn, value: Any) -> bool:
    if value is None:
        return column.nullable
    if column.api == "regels":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    kinds: dict[str, tuple[type, ...]] = {"str": (str,), "Int64": (int,), "float64": (int, float),
                                          "bool": (bool,)}
    return isinstance(value, kinds[column.dtype]) and not (
        column.dtype != "bool" and isinstance(value, bool))


def test_api_answers_every_declared_column_with_its_type(client: TestClient) -> None:
    features = client.get("/api/v1/koppelkansen?limit=200").json()["features"]
    assert features
    for feature in features:
        props = feature["properties"]
        assert set(props) == set(KansEigenschappen.model_fields)
        KansEigenschappen.model_validate(props)
        for column in KANS:
            assert _python_type_ok(column, props[column.name]), (column.name, props[column.name])
    buurten = client.get("/api/v1/buurten").json()["buurten"]
    assert buurten
    for buurt in buurten:
        assert list(buurt) == [c.name for c in BUURTSCORE]
        for column in BUURTSCORE:
            assert _python_type_ok(column, buurt[column.name]), (column.name, buurt[column.name])
    detail = client.get(f"/api/v1/buurten/{buurten[0]['buurtcode']}").json()
    assert list(detail["score"]) == [c.name for c in BUURTSCORE]


def test_openapi_documents_every_result_column(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name, columns in (("BuurtScoreRead", BUURTSCORE), ("KansEigenschappen", KANS)):
        properties = schemas[name]["properties"]
        assert list(properties)[:len(columns)] == [c.name for c in columns]
        for column in columns:
            assert properties[column.name]["description"] == (column.api_doc or column.label)
    assert list(schemas["KansEigenschappen"]["properties"])[len(KANS):] == [
        "besluit_status", "besluit_notitie"]


def test_measured_quantities_are_declared_columns(client: TestClient) -> None:
    # The map's labels of a result's measured quantities (frontend/styles.py) and what the
    # explanation answers name result columns (plus the klasse's name, derived in the answer).
    first = client.get("/api/v1/koppelkansen?limit=1").json()["features"][0]
    kans_id = first["properties"]["kans_id"]
    metingen = client.get(f"/api/v1/koppelkansen/{kans_id}").json()["uitleg"]["metingen"]
    declared = {c.name for c in KANS} | {"laagste_klasse_naam"}
    assert set(METING_LABELS) <= declared
    assert set(metingen) <= set(METING_LABELS)
