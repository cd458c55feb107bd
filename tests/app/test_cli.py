"""The koppelkansen command line against a real PostGIS (scratch database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import pyogrio

pytestmark = pytest.mark.db

BIN = Path(sys.executable).parent / "koppelkansen"
BAARN = "baarn_cbs_buurten/baarn_buurten.geojson"
ALMERE = "almere_riolering_sufrib/almere_rioolstrengen.geojson"


def run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=300)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_help_is_dutch(scratch_url: str) -> None:
    result = run("--help", url=scratch_url)
    assert result.returncode == 0
    for command in ("import", "analyse", "export", "serve", "demo", "db"):
        assert command in result.stdout
    assert "Importeer" in result.stdout


# What `import app.cli` and `koppelkansen --help` must not load: together they took 4-6 s.
HEAVY_MODULES = ("pandas", "geopandas", "shapely", "pyogrio", "numpy", "sqlalchemy", "psycopg",
                 "fastapi", "pydantic_settings", "alembic")


@pytest.mark.parametrize("argv", [[], ["--help"], ["import", "--help"]])
def test_start_up_does_not_load_the_geo_stack(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"if {argv!r}:\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code\n"
        "print('MODULES', *sorted(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    loaded = {name.split(".")[0] for name in result.stdout.split("MODULES")[-1].split()}
    assert "typer" in loaded
    assert not loaded & set(HEAVY_MODULES), sorted(loaded & set(HEAVY_MODULES))


def test_an_import_does_not_load_the_web_stack(scratch_url: str, tmp_path: Path) -> None:
    # fastapi/starlette cost 0.3-0.6 s of the 2 s a small import may take.
    path = tmp_path / "twee.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": f"w{i}", "status": "gepland"},
         "geometry": {"type": "LineString",
                      "coordinates": [[155_000 + 100 * i, 463_000], [155_080 + 100 * i, 463_000]]}}
        for i in range(2)]}))
    argv = ["import", "warmtenet", str(path), "--crs", "EPSG:28992", "--set", "start_jaar=2028"]
    code = (
        "import sys\n"
        "from app.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('MODULES', *sorted(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parents[2],
                            env={**os.environ, "DATABASE_URL": scratch_url})
    assert result.returncode == 0, result.stderr
    assert "2 " in result.stdout.split("MODULES")[0]
    loaded = {name.split(".")[0] for name in result.stdout.split("MODULES")[-1].split()}
    assert {"pandas", "sqlalchemy"} <= loaded
    assert not loaded & {"fastapi", "starlette", "uvicorn"}, sorted(loaded)


def test_import_twice_adds_nothing_the_second_time(
    scratch_url: str, scratch_engine: Engine, realdata: Path
) -> None:
    first = run("import", "buurt", str(realdata / BAARN), url=scratch_url)
    assert first.returncode == 0, first.stderr
    assert "21" in first.stdout
    assert count(scratch_engine, "buurt") == 21
    second = run("import", "buurt", str(realdata / BAARN), url=scratch_url)
    assert second.returncode == 0, second.stderr
    assert "al eerder" in second.stdout
    assert count(scratch_engine, "buurt") == 21
    replaced = run("import", "buurt", str(realdata / BAARN), "--replace", url=scratch_url)
    assert replaced.returncode == 0, replaced.stderr
    assert count(scratch_engine, "buurt") == 21
    with scratch_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM import_run")).scalar_one() == 2


def test_refused_import_changes_nothing(
    scratch_url: str, scratch_engine: Engine, realdata: Path, tmp_path: Path
) -> None:
    assert run("import", "riolering", str(realdata / ALMERE), url=scratch_url).returncode == 0
    before = count(scratch_engine, "riolering")
    bad = tmp_path / "kapot.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [ {"type": ', encoding="utf-8")
    result = run("import", "riolering", str(bad), "--replace", url=scratch_url)
    assert result.returncode != 0
    assert "Fout" in result.stderr and "Traceback" not in result.stderr
    assert count(scratch_engine, "riolering") == before == 968


def test_wrong_layer_and_missing_file_are_explained(scratch_url: str, tmp_path: Path) -> None:
    result = run("import", "wegen", str(tmp_path / "x.gpkg"), url=scratch_url)
    assert result.returncode == 2 and "Onbekende laag" in result.stderr
    result = run("import", "buurt", str(tmp_path / "bestaat_niet.gpkg"), url=scratch_url)
    assert result.returncode == 2 and "bestaat niet" in result.stderr


def test_unreachable_database_gives_message_not_traceback(realdata: Path) -> None:
    url = "postgresql://niemand:geheim@127.0.0.1:1/geen"
    result = run("import", "buurt", str(realdata / BAARN), url=url)
    assert result.returncode == 3
    assert "niet bereikbaar" in result.stderr and "Traceback" not in result.stderr


def test_analyse_with_rules_file_and_export(
    scratch_url: str, scratch_engine: Engine, tmp_path: Path
) -> None:
    from tests.support import load_demo

    load_demo(scratch_engine, tmp_path / "demo")
    rules = tmp_path / "regels.toml"
    rules.write_text("afstand_m = 0.5\nmin_lengte_m = 500\n", encoding="utf-8")
    result = run("analyse", "--peiljaar", "2026", "--rules", str(rules), url=scratch_url)
    assert result.returncode == 0, result.stderr
    with scratch_engine.connect() as conn:
        params = conn.execute(
            text("SELECT parameters FROM analyse_run ORDER BY id DESC LIMIT 1")).scalar_one()
        # Line results need 500 m shared; two overlapping polygon works (R5) need no length.
        n_r1 = conn.execute(text("SELECT count(*) FROM koppelkans WHERE regel = "
                                 "'werk_met_werk' AND lengte_m IS NOT NULL")).scalar_one()
    assert params["afstand_m"] == 0.5 and params["min_lengte_m"] == 500
    assert n_r1 == 0
    target = tmp_path / "uit.gpkg"
    result = run("export", str(target), url=scratch_url)
    assert result.returncode == 0, result.stderr
    # Line results in `koppelkansen`, area results (R5 of two area works) in `koppelkansen_vlak`.
    written = sum(pyogrio.read_info(target, layer=layer)["features"]
                  for layer, _ in pyogrio.list_layers(target) if layer.startswith("koppelkansen"))
    assert written == count(scratch_engine, "koppelkans")


def test_bad_rules_file_is_explained(scratch_url: str, tmp_path: Path) -> None:
    rules = tmp_path / "regels.toml"
    rules.write_text("afstand = 12\n", encoding="utf-8")
    result = run("analyse", "--rules", str(rules), url=scratch_url)
    assert result.returncode == 2
    assert "Onbekende parameter" in result.stderr and "afstand_m" in result.stderr


def test_import_killed_halfway_leaves_the_database_unchanged(
    scratch_url: str, scratch_engine: Engine, tmp_path: Path
) -> None:
    from benchmarks.make_pipes import make_pipes

    path = tmp_path / "leidingen.gpkg"
    pyogrio.write_dataframe(make_pipes(20_000), path, layer="leidingen", driver="GPKG")
    env = {**os.environ, "DATABASE_URL": scratch_url, "KOPPELKANSEN_IMPORT_BATCH_ROWS": "500"}
    process = subprocess.Popen([str(BIN), "import", "riolering", str(path)], env=env,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "klaargezet voor de database: 1000 " in line:
            process.kill()
            break
    process.wait(timeout=60)
    assert process.returncode == -9, "import was klaar voordat hij afgebroken kon worden"
    assert count(scratch_engine, "riolering") == 0
    assert count(scratch_engine, "import_run") == 0


def test_demo_does_not_overwrite_own_data_unless_asked(
    scratch_url: str, scratch_engine: Engine, realdata: Path
) -> None:
    assert run("import", "buurt", str(realdata / BAARN), url=scratch_url).returncode == 0
    refused = run("demo", url=scratch_url)
    assert refused.returncode == 2
    assert "eigen gegevens" in refused.stderr and "buurt" in refused.stderr
    assert count(scratch_engine, "buurt") == 21
    assert run("demo", "--vervang", url=scratch_url).returncode == 0
    demo_buurten = count(scratch_engine, "buurt")
    assert demo_buurten >= 10 and demo_buurten != 21
    again = run("demo", url=scratch_url)
    assert again.returncode == 0, again.stderr
    assert count(scratch_engine, "koppelkans") > 0
