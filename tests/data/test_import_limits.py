"""Every value is checked against its database column before COPY: a Dutch refusal naming row,
column and limit (exit 2 in the CLI, 422 in the API), nothing changed; the declared limits
(geo.schema.COLUMN_TYPES) are checked against the real database columns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.auth.service import create_key
from app.config import Settings
from app.layers.service import import_file
from app.main import create_app
from data.importers import ImportRefused, read_layer
from geo.schema import COLUMN_TYPES, LAYER_COLUMNS
from tests.data.conftest import feature, square, write_geojson

BIN = Path(sys.executable).parent / "koppelkansen"
X, Y = 155_000.0, 463_000.0
SQL_TYPES = {"text": "text", "character varying": "text", "integer": "int",
             "double precision": "float", "boolean": "bool"}


def _buurten(path: Path, *codes: str, inwoners: object = 100) -> Path:
    return write_geojson(path, [
        feature(square(X + i * 600, Y, 500), buurtcode=code, buurtnaam=f"Buurt {i}",
                aantal_inwoners=inwoners)
        for i, code in enumerate(codes)
    ], crs="EPSG:28992")


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.mark.db
def test_declared_column_types_match_the_database(scratch_engine: Engine) -> None:
    with scratch_engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT table_name, column_name, data_type, character_maximum_length "
            "FROM information_schema.columns WHERE table_schema = 'public'")).all()
    database = {(r.table_name, r.column_name): (SQL_TYPES.get(r.data_type, r.data_type),
                                                r.character_maximum_length) for r in rows}
    for laag, columns in COLUMN_TYPES.items():
        assert tuple(columns) == LAYER_COLUMNS[laag]
        for column, declared in columns.items():
            assert database[(laag, column)] == declared, (laag, column)


def test_too_long_buurtcode_names_row_column_and_limit(tmp_path: Path) -> None:
    path = _buurten(tmp_path / "b.geojson", "BU03440101", "BU03440102", "BU034401031")
    with pytest.raises(ImportRefused) as err:
        read_layer("buurt", path)
    message = err.value.message
    assert "object 3" in message and "'buurtcode'" in message and "→ buurtcode" in message
    assert "'BU034401031' heeft 11 tekens" in message and "hoogstens 10" in message


def test_csv_rows_are_named_by_their_line_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "buurten.csv"
    path.write_text(
        "code;wkt\n"
        f"BU03440101;POLYGON(({X} {Y},{X + 9} {Y},{X + 9} {Y + 9},{X} {Y}))\n"
        f"BU0344010299;POLYGON(({X} {Y},{X + 8} {Y},{X + 8} {Y + 8},{X} {Y}))\n",
        encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"regel 3 \(bronkolom 'code' → buurtcode\)"):
        read_layer("buurt", path, mapping={"buurtcode": "code"})


def test_number_out_of_integer_range_refused(tmp_path: Path) -> None:
    path = _buurten(tmp_path / "b.geojson", "BU03440101", inwoners=3_000_000_000)
    with pytest.raises(ImportRefused, match=r"3000000000 is te groot of te klein.*2147483647"):
        read_layer("buurt", path)


def test_set_value_too_long_names_the_option(tmp_path: Path) -> None:
    path = _buurten(tmp_path / "b.geojson", "BU03440101")
    with pytest.raises(ImportRefused, match=r"--set wijkcode=… → wijkcode\).*hoogstens 8"):
        read_layer("buurt", path, values={"wijkcode": "WK034401XX"})


@pytest.mark.db
def test_cli_refuses_with_exit_2_and_no_traceback(
    tmp_path: Path, scratch_url: str, scratch_engine: Engine,
) -> None:
    path = _buurten(tmp_path / "b.geojson", "BU03440101", "BU034401021")
    env = {**os.environ, "DATABASE_URL": scratch_url}
    result = subprocess.run([str(BIN), "import", "buurt", str(path)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "INSERT" not in result.stderr
    assert "object 2" in result.stderr and "hoogstens 10" in result.stderr
    assert _count(scratch_engine, "buurt") == 0


@pytest.mark.db
def test_api_refuses_with_422(tmp_path: Path, scratch_url: str, scratch_engine: Engine) -> None:
    path = _buurten(tmp_path / "b.geojson", "BU034401011")
    with Session(scratch_engine) as session:
        key = create_key(session, naam="limieten", rol="editor")[1]
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as api, path.open("rb") as fh:
        response = api.post("/api/v1/lagen/buurt/import", files={"file": (path.name, fh)},
                            headers={"X-API-Key": key})
    assert response.status_code == 422, response.text
    assert "hoogstens 10" in response.text and "object 1" in response.text
    assert _count(scratch_engine, "buurt") == 0


@pytest.mark.db
def test_database_data_error_becomes_a_refusal(
    tmp_path: Path, scratch_engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The net under the checks: with them switched off, PostgreSQL's own DataError (from COPY)
    still reaches the user as a Dutch refusal and the transaction is rolled back."""
    monkeypatch.setattr("data.importers.attributes.check_limits", lambda *args: None)
    monkeypatch.setattr("data.importers.attributes.buurtcodes",
                        lambda codes, *args: codes.astype(object))
    path = _buurten(tmp_path / "b.geojson", "BU03440101", "BU034401021")
    with pytest.raises(ImportRefused) as err:
        import_file(scratch_engine, laag="buurt", path=path)
    message = err.value.message
    assert "database weigerde" in message and "kolom buurtcode" in message
    assert "te lang" in message or "langer" in message
    assert "COPY" not in message and "varying" not in message
    assert _count(scratch_engine, "buurt") == 0
