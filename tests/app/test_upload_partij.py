"""A party delivers its own planned works with a key of its organisation (RULES.md §9)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import geopandas as gpd
from shapely.geometry import LineString

from app.auth.service import create_key, list_keys
from app.config import Settings
from app.main import create_app

pytestmark = pytest.mark.db


@pytest.fixture
def api(scratch_url: str, scratch_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        yield client


def _key(engine: Engine, organisatie: str | None) -> str:
    with Session(engine) as session:
        return create_key(session, naam="planner", rol="editor", organisatie=organisatie)[1]


def _plan(tmp_path: Path, name: str, partij: str | None, ids: list[str], x0: float) -> Path:
    """A GeoJSON plan of line works in RD (declared), one per id, 200 m apart."""
    frame = gpd.GeoDataFrame(
        {"id": ids, "naam": [f"Werk {i}" for i in ids], "soort": "elektriciteit",
         "status": "gepland", "start_jaar": 2029, **({"partij": partij} if partij else {})},
        geometry=[LineString([(x0, 450_000 + 200 * k), (x0 + 150, 450_000 + 200 * k)])
                  for k in range(len(ids))], crs="EPSG:28992")
    path = tmp_path / name
    frame.to_file(path, driver="GeoJSON")
    return path


def _post(api: TestClient, path: Path, key: str, laag: str = "werk", **form: str) -> object:
    with path.open("rb") as fh:
        return api.post(f"/api/v1/lagen/{laag}/import", files={"file": (path.name, fh)},
                        data=form, headers={"X-API-Key": key})


def _werken(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT id, partij FROM werk ORDER BY id"))]


def test_a_party_key_delivers_only_its_own_works(api: TestClient, scratch_engine: Engine,
                                                 tmp_path: Path) -> None:
    liander, vitens = _key(scratch_engine, "Liander"), _key(scratch_engine, "Vitens")
    # The file says nothing of a partij: the key's organisation fills it.
    first = _post(api, _plan(tmp_path, "net.geojson", None, ["L1", "L2"], 150_000), liander,
                  replace="true")
    assert first.status_code == 200, first.text
    assert _werken(scratch_engine) == [("L1", "Liander"), ("L2", "Liander")]
    other = _post(api, _plan(tmp_path, "water.geojson", None, ["V1"], 151_000), vitens,
                  replace="true")
    assert other.status_code == 200, other.text
    # Liander renews its plan: its own old works go, Vitens' stay.
    again = _post(api, _plan(tmp_path, "net2.geojson", None, ["L3"], 152_000), liander,
                  replace="true")
    assert again.status_code == 200, again.text
    assert _werken(scratch_engine) == [("L3", "Liander"), ("V1", "Vitens")]


def test_a_party_key_is_refused_elsewhere_in_dutch(api: TestClient, scratch_engine: Engine,
                                                   tmp_path: Path) -> None:
    liander = _key(scratch_engine, "Liander")
    path = _plan(tmp_path, "plan.geojson", "Vitens", ["X1"], 150_000)
    # A file naming another party is not relabelled: refused, naming both.
    as_other = _post(api, path, liander)
    assert as_other.status_code == 422
    assert "Liander" in as_other.json()["detail"] and "Vitens" in as_other.json()["detail"]
    wrong_layer = _post(api, path, liander, laag="warmtenet")
    assert wrong_layer.status_code == 403 and "laag werk" in wrong_layer.json()["detail"]
    empty_all = _post(api, _plan(tmp_path, "p.geojson", None, ["X2"], 150_000), liander,
                      replace_laag="true")
    assert empty_all.status_code == 403 and "andere partijen" in empty_all.json()["detail"]
    set_other = _post(api, _plan(tmp_path, "q.geojson", None, ["X3"], 150_000), liander,
                      set="partij=Vitens")
    assert set_other.status_code == 403
    assert _werken(scratch_engine) == []


def test_a_key_without_organisation_imports_any_partij(api: TestClient, scratch_engine: Engine,
                                                       tmp_path: Path) -> None:
    beheer = _key(scratch_engine, None)
    response = _post(api, _plan(tmp_path, "plan.geojson", "Vitens", ["W1"], 150_000), beheer)
    assert response.status_code == 200, response.text
    assert _werken(scratch_engine) == [("W1", "Vitens")]
    with Session(scratch_engine) as session:
        keys = {k["organisatie"] for k in list_keys(session)}
    assert keys == {None}
