"""Upload API, API keys and all-or-nothing imports against a real PostGIS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import geopandas as gpd
from shapely.geometry import LineString, Point

from app.auth.service import create_key, revoke_key
from app.config import Settings
from app.layers.service import store_frame
from app.main import create_app
from data.importers import ImportReport

pytestmark = pytest.mark.db

BAARN = "baarn_cbs_buurten/baarn_buurten.geojson"


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _key(engine: Engine, rol: str) -> str:
    with Session(engine) as session:
        return create_key(session, naam=f"test {rol}", rol=rol)[1]


@pytest.fixture
def api(scratch_url: str, scratch_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        yield client


def _upload(api: TestClient, path: Path, key: str | None, **form: str) -> object:
    headers = {"X-API-Key": key} if key else {}
    with path.open("rb") as fh:
        return api.post("/api/v1/lagen/buurt/import", files={"file": (path.name, fh)},
                        data=form, headers=headers)


def test_upload_needs_an_editor_key(api: TestClient, scratch_engine: Engine, realdata: Path) -> None:
    path = realdata / BAARN
    missing = _upload(api, path, None)
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["detail"]
    viewer = _upload(api, path, _key(scratch_engine, "viewer"))
    assert viewer.status_code == 403 and "editor" in viewer.json()["detail"]
    assert _count(scratch_engine, "buurt") == 0
    editor = _upload(api, path, _key(scratch_engine, "editor"))
    assert editor.status_code == 200, editor.text
    report = editor.json()
    assert report["geladen"] == 21 and report["preset"] == "cbs"
    assert _count(scratch_engine, "buurt") == 21
    imports = api.get("/api/v1/imports").json()["imports"]
    assert imports[0]["laag"] == "buurt" and imports[0]["geladen"] == 21
    assert imports[0]["bestand"] == "baarn_buurten.geojson"


def test_keys_are_stored_hashed_and_revocable(api: TestClient, scratch_engine: Engine,
                                              realdata: Path) -> None:
    key = _key(scratch_engine, "editor")
    with scratch_engine.connect() as conn:
        stored = conn.execute(text("SELECT key_hash, prefix FROM api_key")).one()
    assert key not in stored.key_hash and len(stored.key_hash) == 64
    with Session(scratch_engine) as session:
        revoke_key(session, key_id=1)
    assert _upload(api, realdata / BAARN, key).status_code == 401


def test_same_file_ten_times_adds_nothing(api: TestClient, scratch_engine: Engine,
                                          realdata: Path) -> None:
    key = _key(scratch_engine, "editor")
    for _ in range(10):
        assert _upload(api, realdata / BAARN, key).status_code == 200
    assert _count(scratch_engine, "buurt") == 21
    assert _count(scratch_engine, "import_run") == 1


def test_refused_upload_changes_nothing(api: TestClient, scratch_engine: Engine,
                                        realdata: Path, tmp_path: Path) -> None:
    key = _key(scratch_engine, "editor")
    assert _upload(api, realdata / BAARN, key).status_code == 200
    bad = tmp_path / "buurten.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                   '"properties": {"naam": "x"}, "geometry": {"type": "Point", '
                   '"coordinates": [5.2, 52.2]}}]}', encoding="utf-8")
    response = _upload(api, bad, key, replace="true")
    assert response.status_code == 422
    assert "niets veranderd" in response.json()["detail"]
    assert _count(scratch_engine, "buurt") == 21


def test_upload_over_the_limit_is_refused(scratch_url: str, scratch_engine: Engine,
                                          realdata: Path) -> None:
    settings = Settings(DATABASE_URL=scratch_url, upload_max_bytes=1000)
    with TestClient(create_app(settings)) as api:
        response = _upload(api, realdata / BAARN, _key(scratch_engine, "editor"))
    assert response.status_code == 413 and "groter" in response.json()["detail"]
    assert _count(scratch_engine, "buurt") == 0


def test_reading_can_require_a_viewer_key(scratch_url: str, scratch_engine: Engine) -> None:
    settings = Settings(DATABASE_URL=scratch_url, read_requires_key=True)
    with TestClient(create_app(settings)) as api:
        assert api.get("/api/v1/lagen/buurt").status_code == 401
        ok = api.get("/api/v1/lagen/buurt", headers={"X-API-Key": _key(scratch_engine, "viewer")})
        assert ok.status_code == 200
        assert ok.headers["Cache-Control"] == "private"


def test_import_failing_halfway_leaves_the_database_unchanged(scratch_engine: Engine) -> None:
    good = [LineString([(150_000 + i, 460_000), (150_000 + i, 460_050)]) for i in range(500)]
    frame = gpd.GeoDataFrame(
        {"id": [f"r{i}" for i in range(501)], "stelseltype": "gemengd", "materiaal": "beton",
         "diameter_mm": 300.0, "breedte_mm": None, "hoogte_mm": None, "aanlegjaar": 1970,
         "vervangingsjaar": None},
        geometry=[*good, Point(150_000, 460_000)], crs="EPSG:28992")
    report = ImportReport(laag="riolering", bestand="halverwege.gpkg", sha256="0" * 64)
    with pytest.raises(Exception, match="(?i)geometry"), scratch_engine.begin() as conn:
        store_frame(conn, laag="riolering", frame=frame, report=report, replace=False)
    assert _count(scratch_engine, "riolering") == 0
    assert _count(scratch_engine, "import_run") == 0


def test_zip_with_path_traversal_is_refused(api: TestClient, scratch_engine: Engine,
                                            realdata: Path, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "buurten.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(realdata / BAARN, "../../buiten/baarn_buurten.geojson")
    response = _upload(api, archive, _key(scratch_engine, "editor"))
    assert response.status_code == 422
    assert "niets veranderd" in response.json()["detail"]
    assert not (tmp_path.parent.parent / "buiten").exists()
    assert _count(scratch_engine, "buurt") == 0


def test_upload_is_refused_before_the_body_is_read(scratch_url: str, scratch_engine: Engine) -> None:
    settings = Settings(DATABASE_URL=scratch_url, upload_max_bytes=1000)
    with TestClient(create_app(settings)) as api:
        sent: list[int] = []

        def body() -> Iterator[bytes]:
            for _ in range(100):
                sent.append(1)
                yield b"x" * 100_000

        big = {"Content-Length": str(10_000_000), "Content-Type": "multipart/form-data; boundary=x"}
        response = api.post("/api/v1/lagen/buurt/import", content=b"x" * 10, headers=big)
        assert response.status_code == 413 and "groter" in response.json()["detail"]
        anonymous = api.post("/api/v1/lagen/buurt/import", content=body(),
                             headers={"Content-Type": "multipart/form-data; boundary=x"})
        assert anonymous.status_code == 401
        assert len(sent) < 100
        streamed = api.post("/api/v1/lagen/buurt/import", content=body(),
                            headers={"Content-Type": "multipart/form-data; boundary=x",
                                     "X-API-Key": _key(scratch_engine, "editor")})
        assert streamed.status_code == 413
