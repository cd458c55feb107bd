"""Per-source replacement: --replace replaces one bron in a layer, --replace-laag empties it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.auth.service import create_key
from app.config import Settings
from app.layers.service import import_file
from app.main import create_app

pytestmark = pytest.mark.db

BIN = Path(sys.executable).parent / "koppelkansen"


def _trees(path: Path, prefix: str, n: int, soort_field: str = "soort") -> Path:
    """A GeoJSON (EPSG:28992) of n trees with ids prefix-0.. and a species column."""
    features = [{"type": "Feature",
                 "properties": {"id": f"{prefix}-{i}", soort_field: "Eik"},
                 "geometry": {"type": "Point", "coordinates": [155000 + i, 463000 + len(prefix)]}}
                for i in range(n)]
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features}), encoding="utf-8")
    return path


def _by_bron(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.bron, count(*) FROM boom b JOIN import_run r ON r.id = b.import_id "
            "GROUP BY 1"))
        return {str(bron): int(n) for bron, n in rows}


def _soorten(engine: Engine) -> set[str | None]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT DISTINCT soort FROM boom"))}


def test_replace_keeps_other_sources_and_replace_laag_empties(
    scratch_engine: Engine, tmp_path: Path
) -> None:
    oost = _trees(tmp_path / "oost.geojson", "oost", 30, soort_field="kenmerk_x")
    west = _trees(tmp_path / "west.geojson", "west", 20)
    import_file(scratch_engine, laag="boom", path=oost)
    import_file(scratch_engine, laag="boom", path=west)
    assert _by_bron(scratch_engine) == {"oost.geojson": 30, "west.geojson": 20}
    assert _soorten(scratch_engine) == {None, "Eik"}  # oost's species column was not mapped

    # the same file again is refused by its checksum, without --replace
    again = import_file(scratch_engine, laag="boom", path=oost, mapping={"soort": "kenmerk_x"})
    assert again.geladen == 0 and "al eerder" in " ".join(again.meldingen)

    # re-import of one file with a better --map: only that source is replaced
    better = import_file(scratch_engine, laag="boom", path=oost, mapping={"soort": "kenmerk_x"},
                         replace=True)
    assert better.geladen == 30 and better.verwijderd == {"oost.geojson": 30}
    assert _by_bron(scratch_engine) == {"oost.geojson": 30, "west.geojson": 20}
    assert _soorten(scratch_engine) == {"Eik"}
    text_report = better.to_text()
    assert "verwijderd vóór het laden: 30" in text_report
    assert "uit bron 'oost.geojson': 30" in text_report
    assert "andere bronnen blijven staan" in text_report

    # a named source: --bron groups files, --replace replaces that name only
    noord = _trees(tmp_path / "noord.geojson", "noord", 5)
    import_file(scratch_engine, laag="boom", path=noord, bron="inventarisatie 2026")
    assert _by_bron(scratch_engine)["inventarisatie 2026"] == 5

    # --replace-laag empties the whole layer, and says from which sources
    emptied = import_file(scratch_engine, laag="boom", path=west, replace_laag=True)
    assert emptied.verwijderd == {"inventarisatie 2026": 5, "oost.geojson": 30,
                                  "west.geojson": 20}
    assert _by_bron(scratch_engine) == {"west.geojson": 20}
    melding = next(m for m in emptied.meldingen if "--replace-laag" in m)
    assert "55 objecten verwijderd" in melding and "30 uit 'oost.geojson'" in melding

    # once replaced away, a file may be loaded again without --replace
    back = import_file(scratch_engine, laag="boom", path=oost)
    assert back.geladen == 30
    with scratch_engine.connect() as conn:
        runs = conn.execute(text("SELECT bron, vervangen FROM import_run ORDER BY id")).all()
    assert [r.bron for r in runs] == ["oost.geojson", "west.geojson", "oost.geojson",
                                      "inventarisatie 2026", "west.geojson", "oost.geojson"]
    assert [r.vervangen for r in runs] == [False, False, True, False, True, False]


@pytest.fixture
def api(scratch_url: str, scratch_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        yield client


def test_api_form_fields_bron_replace_and_replace_laag(
    api: TestClient, scratch_engine: Engine, tmp_path: Path
) -> None:
    with Session(scratch_engine) as session:
        key = create_key(session, naam="test", rol="editor")[1]

    def upload(path: Path, **form: str) -> dict[str, object]:
        with path.open("rb") as fh:
            response = api.post("/api/v1/lagen/boom/import", files={"file": (path.name, fh)},
                                data=form, headers={"X-API-Key": key})
        assert response.status_code == 200, response.text
        return dict(response.json())

    a = _trees(tmp_path / "a.geojson", "a", 4)
    b = _trees(tmp_path / "b.geojson", "b", 6)
    assert upload(a, bron="bomen A")["bron"] == "bomen A"
    upload(b)
    assert _by_bron(scratch_engine) == {"bomen A": 4, "b.geojson": 6}
    replaced = upload(a, bron="bomen A", replace="true")
    assert replaced["verwijderd"] == {"bomen A": 4}
    assert _by_bron(scratch_engine) == {"bomen A": 4, "b.geojson": 6}
    emptied = upload(b, replace_laag="true")
    assert emptied["verwijderd"] == {"bomen A": 4, "b.geojson": 6}
    assert _by_bron(scratch_engine) == {"b.geojson": 6}
    imports = api.get("/api/v1/imports").json()["imports"]
    assert imports[0]["bron"] == "b.geojson"


def test_cli_options_bron_and_replace_laag(scratch_url: str, scratch_engine: Engine,
                                           tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": scratch_url}
    a = _trees(tmp_path / "a.geojson", "a", 3)
    first = subprocess.run([str(BIN), "import", "boom", str(a), "--bron", "gemeente"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "bron 'gemeente'" in first.stdout
    emptied = subprocess.run([str(BIN), "import", "boom", str(a), "--replace-laag"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert emptied.returncode == 0, emptied.stderr
    assert "uit bron 'gemeente': 3" in emptied.stdout
    assert "helemaal geleegd" in emptied.stdout
    assert _by_bron(scratch_engine) == {"a.geojson": 3}


def _oid(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT CAST(CAST(:t AS regclass) AS oid)"),
                                {"t": table}).scalar_one())


def test_whole_layer_is_swapped_in_with_the_model_names(
    scratch_url: str, scratch_engine: Engine, tmp_path: Path
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from geoalchemy2 import alembic_helpers

    from app.db import Base

    oost = _trees(tmp_path / "oost.geojson", "oost", 30)
    west = _trees(tmp_path / "west.geojson", "west", 20)
    import_file(scratch_engine, laag="boom", path=oost)  # empty layer: a new table
    first = _oid(scratch_engine, "boom")
    import_file(scratch_engine, laag="boom", path=west)  # another source: added in place
    assert _oid(scratch_engine, "boom") == first
    import_file(scratch_engine, laag="boom", path=west, replace=True)  # oost stays: in place
    assert _oid(scratch_engine, "boom") == first
    import_file(scratch_engine, laag="boom", path=oost, replace_laag=True)  # swapped
    assert _oid(scratch_engine, "boom") != first
    assert _by_bron(scratch_engine) == {"oost.geojson": 30}

    # leefbaarometer has a sequence for its id and a unique (grid_id, jaar) key
    scores = tmp_path / "lbm.csv"
    scores.write_text("grid_id,jaar,lbm,afw,fys,onv,soc,vrz,won\n"
                      "E1213N4879,2022,4.10,-0.12,0.01,-0.05,0.02,0.03,-0.04\n"
                      "E1214N4879,2022,4.25,0.03,0.02,0.00,0.01,0.00,0.00\n", encoding="utf-8")
    for _ in range(2):
        assert import_file(scratch_engine, laag="leefbaarometer", path=scores,
                           replace=True).geladen == 2
    with scratch_engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM leefbaarometer ORDER BY id")).scalars().all()
        assert len(ids) == 2 and ids[0] > 2  # the sequence went on across both swaps
        context = MigrationContext.configure(
            conn, opts={"include_object": alembic_helpers.include_object, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        gist = set(conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")).scalars())
    assert {"idx_boom_geom", "idx_leefbaarometer_geom"} <= gist
