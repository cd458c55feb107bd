"""The analysis per partition on PostGIS and Dask (issue 10): whatever the partitions and the
number of workers, the stored results equal the whole run in memory exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, text

import geopandas as gpd
import shapely

from app.analyse.service import run_analysis
from app.analyse.werkers import SchedulerUnavailable
from app.layers.dekking import layer_dekking
from app.layers.service import import_file, read_layers
from data.demo import DemoFiles, generate_demo
from geo.analysis import analyse
from geo.params import RuleParams
from geo.schema import BUURTSCORE_COLUMNS, KANS_COLUMNS

PEILJAAR = 2026


@pytest.fixture(scope="module")
def drie(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate_demo(tmp_path_factory.mktemp("drie"), seed=11, scale=0.5, peiljaar=PEILJAAR,
                         gemeenten=3)


def _load(engine: Engine, files: DemoFiles) -> None:
    for laag, path in files.paths.items():
        import_file(engine, laag=laag, path=path, source_layer=files.source_layers.get(laag),
                    replace=True, dekking=files.dekking if laag in files.dekking_lagen else None)


def _stored(engine: Engine) -> dict[str, pd.DataFrame]:
    with engine.connect() as conn:
        kansen = gpd.read_postgis(
            text(f"SELECT {', '.join(KANS_COLUMNS)}, geom FROM koppelkans"), conn, geom_col="geom")
        scores = gpd.read_postgis(
            text(f"SELECT {', '.join(BUURTSCORE_COLUMNS)}, geom FROM buurtscore"), conn,
            geom_col="geom")
        due = pd.read_sql(text("SELECT riolering_id, due_jaar FROM riool_due"), conn)
        run = conn.execute(text("SELECT aantallen, beoordeling, lbm_jaar FROM analyse_run "
                                "ORDER BY id DESC LIMIT 1")).mappings().one()
    return {"kansen": _plain(kansen, ["kans_id"]), "scores": _plain(scores, ["buurtcode"]),
            "due": due.sort_values("riolering_id").reset_index(drop=True),
            "run": {**run, "aantallen": {k: v for k, v in run["aantallen"].items()
                                         if k not in ("partities", "partities_berekend")}}}


def _plain(frame: gpd.GeoDataFrame, key: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(frame.rename_geometry("geometry") if "geom" in frame else frame)
    out["geometry"] = shapely.to_wkb(out["geometry"].to_numpy())
    out = out.sort_values(key, kind="stable").reset_index(drop=True)
    return out.astype({c: "object" for c in out.columns if str(out[c].dtype) in ("str", "string")})


@pytest.fixture(scope="module")
def loaded(drie: DemoFiles, scratch_url: str) -> dict[str, Any]:
    """The three gemeenten loaded once, with the whole run in memory as the reference."""
    from sqlalchemy import create_engine

    from tests.conftest import DATA_TABLES

    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    _load(engine, drie)
    with engine.connect() as conn:
        layers = read_layers(conn)
        dekking = layer_dekking(conn)
    whole = analyse(**layers, dekking=dekking, params=RuleParams(), peiljaar=PEILJAAR)
    # One partition holding everything: the due years and run counts the others must give.
    run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, tegel_m=None, per_gemeente=False)
    yield {"engine": engine, "whole": whole, "one": _stored(engine)}
    engine.dispose()


@pytest.mark.parametrize(("werkers", "tegel_m", "per_gemeente"), [
    (0, None, False),     # one partition: everything
    (0, None, True),      # per gemeente
    (0, 600.0, False),    # small tiles only
    (1, 700.0, True),     # Dask, one worker
    (2, 900.0, True),     # Dask, two workers, tiles within gemeenten
])
def test_partitioned_runs_equal_the_whole_run(loaded: dict[str, Any], werkers: int,
                                              tegel_m: float | None, per_gemeente: bool) -> None:
    engine, whole = loaded["engine"], loaded["whole"]
    summary = run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, werkers=werkers,
                           tegel_m=tegel_m, per_gemeente=per_gemeente)
    got = _stored(engine)
    want_kansen = _plain(whole.kansen, ["kans_id"])
    pd.testing.assert_frame_equal(got["kansen"], want_kansen, check_exact=True,
                                  check_dtype=False)
    pd.testing.assert_frame_equal(got["scores"], _plain(whole.buurtscores, ["buurtcode"]),
                                  check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(got["due"], loaded["one"]["due"])
    assert got["run"] == loaded["one"]["run"]
    assert summary.aantallen["partities"] >= (1 if tegel_m is None else 4)
    with engine.connect() as conn:
        voortgang = conn.execute(text(
            "SELECT status, klaar, totaal, run_id FROM analyse_voortgang "
            "ORDER BY id DESC LIMIT 1")).one()
        staging = conn.execute(text(
            "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'analyse_stage_%'")).scalar_one()
    assert voortgang.status == "klaar" and voortgang.klaar == voortgang.totaal
    assert voortgang.run_id == summary.run_id
    assert staging == 0
    _api_says(engine, status="klaar", run_id=summary.run_id)


def _api_says(engine: Engine, **expected: Any) -> None:
    """GET /api/v1/analyse/voortgang reports the latest run as `expected`."""
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    url = engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(DATABASE_URL=url))) as client:
        got = client.get("/api/v1/analyse/voortgang").json()
    assert {k: got[k] for k in expected} == expected, got


def test_heat_lines_crossing_gemeenten_are_computed_in_several_partitions(
        loaded: dict[str, Any]) -> None:
    engine = loaded["engine"]
    run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, tegel_m=None)
    with engine.connect() as conn:
        spread = conn.execute(text(
            "SELECT warmtenet_id, count(DISTINCT partitie) AS n FROM koppelkans "
            "WHERE warmtenet_id IS NOT NULL GROUP BY warmtenet_id HAVING "
            "count(DISTINCT rtrim(split_part(partitie, '@', 1), '+')) > 1")).all()
    assert spread, "no heat line has results owned by two gemeenten"


def test_an_unreachable_scheduler_is_refused_and_changes_nothing(loaded: dict[str, Any]) -> None:
    engine = loaded["engine"]
    run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, tegel_m=None)
    before = _stored(engine)
    with pytest.raises(SchedulerUnavailable, match="niet bereikbaar"):
        run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR,
                     scheduler="tcp://127.0.0.1:9")
    after = _stored(engine)
    pd.testing.assert_frame_equal(before["kansen"], after["kansen"])
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status, melding FROM analyse_voortgang "
                                   "ORDER BY id DESC LIMIT 1")).one()
        staging = conn.execute(text(
            "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'analyse_stage_%'")).scalar_one()
    assert status.status == "mislukt" and "Dask-scheduler" in status.melding
    assert staging == 0
    _api_says(engine, status="mislukt", run_id=None)


def test_the_cli_runs_on_two_workers_with_a_progress_record(loaded: dict[str, Any],
                                                            tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    engine = loaded["engine"]
    result = CliRunner().invoke(
        app, ["analyse", "--peiljaar", str(PEILJAAR), "--werkers", "2", "--tegel-km", "2"],
        env={"DATABASE_URL": engine.url.render_as_string(hide_password=False)})
    assert result.exit_code == 0, result.output
    assert "regels per partitie" in result.output
    assert "koppelkansen" in result.output
    got = _stored(engine)
    pd.testing.assert_frame_equal(got["kansen"], _plain(loaded["whole"].kansen, ["kans_id"]),
                                  check_exact=True, check_dtype=False)


def _trees_near_a_heat_line(engine: Engine, path: Path, n: int, offset_m: float) -> Path:
    """A GeoJSON (RD) with n trees a few metres from the middle of the first planned line."""
    with engine.connect() as conn:
        wkb = conn.execute(text(
            "SELECT ST_AsBinary(ST_LineInterpolatePoint(ST_GeometryN(geom, 1), 0.5)) "
            "FROM warmtenet WHERE status = 'gepland' ORDER BY id LIMIT 1")).scalar_one()
    x, y = shapely.get_coordinates(shapely.from_wkb(bytes(wkb)))[0]
    trees = gpd.GeoDataFrame({"lokaalID": [f"extra-{i}" for i in range(n)]},
                             geometry=shapely.points([[x + offset_m + i, y + 2.0]
                                                      for i in range(n)]), crs="EPSG:28992")
    trees.to_file(path, driver="GeoJSON")
    return path


def _results_with_extra_trees(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM koppelkans WHERE boom_ids LIKE "
                                     "'%extra-%'")).scalar_one())


def _equals_whole_run(engine: Engine) -> None:
    with engine.connect() as conn:
        layers = read_layers(conn)
        dekking = layer_dekking(conn)
    whole = analyse(**layers, dekking=dekking, params=RuleParams(), peiljaar=PEILJAAR)
    got = _stored(engine)
    pd.testing.assert_frame_equal(got["kansen"], _plain(whole.kansen, ["kans_id"]),
                                  check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(got["scores"], _plain(whole.buurtscores, ["buurtcode"]),
                                  check_exact=True, check_dtype=False)


def test_gewijzigd_recomputes_only_what_imports_touched(drie: DemoFiles, scratch_engine: Engine,
                                                        tmp_path: Path) -> None:
    engine = scratch_engine
    _load(engine, drie)
    first = run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, tegel_m=1000.0)
    total = first.aantallen["partities"]

    # Nothing imported since: nothing recomputed, all kept.
    same = run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, tegel_m=1000.0,
                        gewijzigd=True)
    assert same.aantallen["partities_berekend"] == 0
    _equals_whole_run(engine)

    # New trees from another source next to a heat line: a few partitions, a new knelpunt.
    import_file(engine, laag="boom", path=_trees_near_a_heat_line(engine, tmp_path / "a.geojson",
                                                                  3, 0.0), bron="extra")
    added = run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, tegel_m=1000.0,
                         gewijzigd=True)
    assert 0 < added.aantallen["partities_berekend"] < total
    _equals_whole_run(engine)
    assert _results_with_extra_trees(engine) > 0

    # The source replaced by trees far from every line: the removed ones count as touched.
    import_file(engine, laag="boom", path=_trees_near_a_heat_line(engine, tmp_path / "b.geojson",
                                                                  1, 400.0), bron="extra",
                replace=True)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM import_run "
                                 "WHERE verwijderd_gebied IS NOT NULL")).scalar_one() == 1
    moved = run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR, tegel_m=1000.0,
                         gewijzigd=True)
    assert 0 < moved.aantallen["partities_berekend"] < total
    _equals_whole_run(engine)
    assert _results_with_extra_trees(engine) == 0

    # Other parameters: the whole run again, whatever was imported.
    other = run_analysis(engine, params=RuleParams(boom_afstand_m=6.0), peiljaar=PEILJAAR,
                         tegel_m=1000.0, gewijzigd=True)
    assert other.aantallen["partities_berekend"] == other.aantallen["partities"]
