"""RULES.md §8 end to end: dekking per import, no result from missing data, said in words.

Real importers, real PostGIS (scratch database), the real CLI and API.
"""

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

import pyogrio
import shapely

from app.analyse.service import run_analysis
from app.auth.service import create_key
from app.config import Settings
from app.layers.dekking import layer_dekking
from app.layers.service import import_file
from app.main import create_app
from data.demo import DemoFiles, generate_demo
from geo.params import RuleParams

pytestmark = pytest.mark.db

BIN = Path(sys.executable).parent / "koppelkansen"
P = 2026
WEST = ["BU09990101", "BU09990102"]  # two buurten of the demo town


def cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate_demo(tmp_path_factory.mktemp("demo_dekking"), peiljaar=P)


def load(engine: Engine, demo: DemoFiles, *lagen: str, **options: object) -> None:
    for laag in lagen:
        import_file(engine, laag=laag, path=demo.paths[laag],
                    source_layer=demo.source_layers.get(laag), **options)  # type: ignore[arg-type]


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


@pytest.fixture
def api(scratch_url: str, scratch_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        yield client


def test_town_without_groen_gives_no_green_results_and_says_why(
        scratch_url: str, scratch_engine: Engine, api: TestClient, demo: DemoFiles) -> None:
    load(scratch_engine, demo, "buurt", "warmtenet", "riolering", "boom", "leefbaarometer")
    result = cli("analyse", "--peiljaar", str(P), url=scratch_url)
    assert result.returncode == 0, result.stderr
    n_secties = scalar(scratch_engine, "SELECT (aantallen->>'secties')::int FROM analyse_run")
    assert n_secties == 177
    assert ("Vergroenen: 177 secties niet beoordeeld: geen groenlaag geladen."
            in result.stdout), result.stdout
    assert "Afkoppelen: 243 leidingen niet beoordeeld: geen groenlaag geladen." in result.stdout
    assert "--dekking" in result.stdout  # how to fix it
    per_regel = dict(scalar(scratch_engine, "SELECT aantallen->'per_regel' FROM analyse_run"))
    assert "vergroenen" not in per_regel and "afkoppelen" not in per_regel
    assert per_regel["werk_met_werk"] > 0 and per_regel["boomconflict"] > 0
    beoordeling = scalar(scratch_engine, "SELECT beoordeling FROM analyse_run")
    assert beoordeling["vergroenen"]["per_reden"] == {"laag leeg": 177, "buiten dekking": 0}
    assert beoordeling["afkoppelen"]["beoordeeld"] == 0

    ranking = api.get("/api/v1/buurten").json()
    assert ("Vergroenen: 177 secties niet beoordeeld: geen groenlaag geladen"
            in ranking["analyse"]["niet_beoordeeld"])
    assert ranking["analyse"]["beoordeling"]["vergroenen"]["reden"] == "laag leeg"
    rows = {b["buurtcode"]: b for b in ranking["buurten"]}
    total = sum(b["nb_r2_m"] for b in rows.values())
    sections_m = scalar(scratch_engine, "SELECT sum(ST_Length(geom)) FROM warmtenet "
                        "WHERE status IN ('gepland', 'in_uitvoering')")
    assert 0 < total <= float(sections_m) + 1e-6  # type: ignore[arg-type]
    code, row = next((c, b) for c, b in rows.items() if b["nb_r2_m"] > 0)
    assert any(t.startswith("Vergroenen: ") and t.endswith("m niet beoordeeld (geen groenlaag "
                                                          "geladen)")
               for t in row["niet_beoordeeld"]), row["niet_beoordeeld"]
    detail = api.get(f"/api/v1/buurten/{code}").json()
    assert detail["score"]["niet_beoordeeld"] == row["niet_beoordeeld"]
    assert detail["aantal_per_regel"]["vergroenen"] == 0


def test_dekking_buurten_limits_what_is_judged(scratch_url: str, scratch_engine: Engine,
                                                demo: DemoFiles) -> None:
    load(scratch_engine, demo, "buurt", "warmtenet", "riolering", "boom", "leefbaarometer")
    refused = cli("import", "groen", str(demo.paths["groen"]), "--source-layer",
                  "begroeidterreindeel", "--dekking-buurten", "BU09990101,BU99999999",
                  url=scratch_url)
    assert refused.returncode == 2
    assert "Onbekende buurtcode(s) bij de dekking: BU99999999" in refused.stderr
    assert scalar(scratch_engine, "SELECT count(*) FROM groen") == 0

    done = cli("import", "groen", str(demo.paths["groen"]), "--source-layer",
               "begroeidterreindeel", "--dekking-buurten", ",".join(WEST), url=scratch_url)
    assert done.returncode == 0, done.stderr
    assert "Dekking: opgegeven gebied" in done.stdout
    same = scalar(scratch_engine,
                  "SELECT ST_Equals(i.dekking, (SELECT ST_Multi(ST_Union(geom)) FROM buurt "
                  "WHERE buurtcode = ANY(:codes))) FROM import_run i WHERE laag = 'groen'",
                  codes=WEST)
    assert same is True
    summary = run_analysis(scratch_engine, params=RuleParams(), peiljaar=P)
    r2 = summary.beoordeling["vergroenen"]
    assert r2["reden"] == "buiten dekking" and 0 < r2["beoordeeld"] < 177
    assert r2["tekst"] == (f"Vergroenen: {r2['niet_beoordeeld']} secties niet beoordeeld: "
                           "buiten de dekking van de groenlaag")
    # every vergroenen result lies in the two buurten (within 0.5 m)
    outside = scalar(scratch_engine,
                     "SELECT count(*) FROM koppelkans k WHERE regel = 'vergroenen' AND NOT "
                     "ST_CoveredBy(k.geom, (SELECT ST_Buffer(ST_Union(geom), 0.5) FROM buurt "
                     "WHERE buurtcode = ANY(:codes)))", codes=WEST)
    assert outside == 0
    assert scalar(scratch_engine, "SELECT count(*) FROM koppelkans WHERE regel = 'vergroenen'")


def test_default_dekking_is_the_hull_built_batch_by_batch(scratch_engine: Engine,
                                                          demo: DemoFiles) -> None:
    load(scratch_engine, demo, "boom", batch_size=97)  # many batches
    load(scratch_engine, demo, "leefbaarometer")
    with scratch_engine.connect() as conn:
        hull_ok = conn.execute(text(
            "SELECT ST_Area(ST_SymDifference(i.dekking, (SELECT ST_ConvexHull(ST_Collect(geom)) "
            "FROM boom))) < 1e-3 FROM import_run i WHERE laag = 'boom'")).scalar_one()
        cells_ok = conn.execute(text(
            "SELECT ST_Area(ST_SymDifference(i.dekking, (SELECT ST_Union(geom) FROM "
            "leefbaarometer))) < 1e-3 FROM import_run i WHERE laag = 'leefbaarometer'")
        ).scalar_one()
        rapport = conn.execute(text("SELECT rapport FROM import_run WHERE laag = 'boom'")
                               ).scalar_one()
    assert hull_ok and cells_ok
    assert any(m.startswith("Dekking: het gebied rond de objecten") for m in rapport["meldingen"])


def test_dekking_file_in_wgs84_is_reprojected(scratch_engine: Engine, demo: DemoFiles,
                                              tmp_path: Path) -> None:
    area = shapely.box(154000, 462000, 155000, 463000)
    import geopandas as gpd

    wgs = tmp_path / "gebied.geojson"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"naam": ["proef"]}, geometry=[area],
                                             crs="EPSG:28992").to_crs(4326), wgs, driver="GeoJSON")
    load(scratch_engine, demo, "groen", dekking=wgs)
    stored = scalar(scratch_engine, "SELECT ST_AsText(dekking) FROM import_run")
    got = shapely.from_wkt(str(stored))
    assert got.symmetric_difference(area).area < 0.001 * area.area
    with scratch_engine.connect() as conn:
        layers = layer_dekking(conn)
    assert layers["boom"] is None and layers["leefbaarometer"] is None
    assert layers["groen"] is not None
    assert layers["groen"].symmetric_difference(got).area < 1e-6


def test_layer_dekking_is_the_union_of_loaded_imports(scratch_engine: Engine, demo: DemoFiles,
                                                      tmp_path: Path) -> None:
    import geopandas as gpd

    def buurten(*codes: str) -> shapely.Geometry:
        wkb = scalar(scratch_engine, "SELECT ST_AsBinary(ST_Union(geom)) FROM buurt "
                     "WHERE buurtcode = ANY(:c)", c=list(codes))
        return shapely.from_wkb(bytes(wkb))  # type: ignore[arg-type]

    def trees(name: str, x: float) -> Path:
        path = tmp_path / name
        frame = gpd.GeoDataFrame(
            {"id": [f"{name}-{i}" for i in range(3)], "soort": ["eik"] * 3},
            geometry=[shapely.Point(x, 463000), shapely.Point(x + 5, 463005),
                      shapely.Point(x, 463010)], crs="EPSG:28992")
        pyogrio.write_dataframe(frame, path, driver="GeoJSON")
        return path

    load(scratch_engine, demo, "buurt")
    import_file(scratch_engine, laag="boom", path=trees("a.geojson", 154000),
                dekking_buurten=[WEST[0]])
    import_file(scratch_engine, laag="boom", path=trees("b.geojson", 155000),
                dekking_buurten=[WEST[1]])
    with scratch_engine.connect() as conn:
        union = layer_dekking(conn)["boom"]
    assert union is not None and union.symmetric_difference(buurten(*WEST)).area < 1e-3
    # Emptying the layer for a third file: the first two imports no longer count.
    import_file(scratch_engine, laag="boom", path=trees("c.geojson", 156000),
                dekking_buurten=[WEST[1]], replace_laag=True)
    with scratch_engine.connect() as conn:
        only = layer_dekking(conn)["boom"]
    assert only is not None and only.symmetric_difference(buurten(WEST[1])).area < 1e-3
    # An import without stored dekking (made before it existed) counts with its hull
    with scratch_engine.begin() as conn:
        conn.execute(text("UPDATE import_run SET dekking = NULL WHERE laag = 'boom'"))
        hull = shapely.from_wkb(bytes(conn.execute(text(
            "SELECT ST_AsBinary(ST_ConvexHull(ST_Collect(geom))) FROM boom")).scalar_one()))
    with scratch_engine.connect() as conn:
        legacy = layer_dekking(conn)["boom"]
    assert hull.area == pytest.approx(25)
    assert legacy is not None and legacy.symmetric_difference(hull).area < 1e-3


def test_upload_takes_dekking_buurten_and_a_dekking_file(api: TestClient, scratch_engine: Engine,
                                                         demo: DemoFiles, tmp_path: Path) -> None:
    load(scratch_engine, demo, "buurt")
    with Session(scratch_engine) as session:
        key = create_key(session, naam="test", rol="editor")[1]
    with demo.paths["boom"].open("rb") as fh:
        bad = api.post("/api/v1/lagen/boom/import", headers={"X-API-Key": key},
                       files={"file": ("bomen.gpkg", fh)},
                       data={"source_layer": "vegetatieobject", "dekking_buurten": "BU00000000"})
    assert bad.status_code in (400, 422), bad.text
    assert "BU00000000" in json.dumps(bad.json(), ensure_ascii=False)
    with demo.paths["boom"].open("rb") as fh:
        ok = api.post("/api/v1/lagen/boom/import", headers={"X-API-Key": key},
                      files={"file": ("bomen.gpkg", fh)},
                      data={"source_layer": "vegetatieobject", "dekking_buurten": ",".join(WEST)})
    assert ok.status_code == 200, ok.text
    assert scalar(scratch_engine, "SELECT ST_Equals(dekking, (SELECT ST_Multi(ST_Union(geom)) "
                  "FROM buurt WHERE buurtcode = ANY(:c))) FROM import_run WHERE laag = 'boom'",
                  c=WEST) is True
    assert demo.dekking is not None
    with demo.paths["groen"].open("rb") as fh, demo.dekking.open("rb") as dk:
        ok = api.post("/api/v1/lagen/groen/import", headers={"X-API-Key": key},
                      files={"file": ("groen.gpkg", fh), "dekking": ("grens.gpkg", dk)},
                      data={"source_layer": "begroeidterreindeel"})
    assert ok.status_code == 200, ok.text
    town = scalar(scratch_engine, "SELECT ST_Area(dekking) FROM import_run WHERE laag = 'groen'")
    buurten = scalar(scratch_engine, "SELECT ST_Area(ST_Union(geom)) FROM buurt")
    assert float(town) > float(buurten)  # type: ignore[arg-type]  # the town plus its margin


def test_exports_carry_what_was_not_judged(demo_engine: Engine, tmp_path: Path) -> None:
    """The demo's Leefbaarometer covers only its cells: some buurten have metres not judged."""
    import sqlite3
    import zipfile

    from app.exports.service import write_export

    gpkg = tmp_path / "uit.gpkg"
    write_export(demo_engine, gpkg, "gpkg", [])
    scores = pyogrio.read_dataframe(gpkg, layer="buurtscores")
    missing = scores[scores["nb_r3_m"] > 0]
    assert len(missing) > 0
    assert missing["niet_beoordeeld"].str.contains(
        "m niet beoordeeld (buiten de dekking van de Leefbaarometerlaag)", regex=False).all()
    assert scores.loc[scores["nb_r3_m"] == 0, "niet_beoordeeld"].isna().all()
    with sqlite3.connect(gpkg) as db:
        aliases = dict(db.execute("SELECT column_name, title FROM gpkg_data_columns "
                                  "WHERE table_name = 'buurtscores'").fetchall())
    assert aliases["nb_r3_m"].startswith("Meters warmtenet niet beoordeeld voor leefbaarheid")
    assert "niet beoordeeld" in aliases["niet_beoordeeld"]

    shp = tmp_path / "uit_shp.zip"
    write_export(demo_engine, shp, "shp", [])
    with zipfile.ZipFile(shp) as archive:
        legenda = archive.read("legenda.csv").decode("utf-8-sig")
    assert "buurtscores;niet_beoor;niet_beoordeeld;" in legenda
