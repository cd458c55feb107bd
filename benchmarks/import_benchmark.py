"""Import benchmark: N sewer pipes from a GeoPackage into PostGIS, rows per second per stage.

    .venv/bin/python benchmarks/import_benchmark.py --n 1000000
    .venv/bin/python benchmarks/import_benchmark.py --only-ogr2ogr --rounds 5

Uses the database koppelkansen_bench (created and migrated here; BENCH_DATABASE_URL overrides).
Prints a table of stages and, per file size, the peak memory of a separate end-to-end import
process, to show that memory is bounded by the batch size rather than the file size.

Then it compares `koppelkansen import riolering` with `ogr2ogr -f PostgreSQL ... --config
PG_USE_COPY YES` on the same GeoPackage (--ogr-n pipes, 250 000 by default), run alternately
(A, B, A, B, ...) as whole processes, and prints the medians and their ratio. ogr2ogr writes
into its own table (ogr_riolering) and only copies; our import also maps GWSW names, checks
every value against the schema, normalises materials and years, deduplicates ids and keeps the
provenance. When nothing of the layer stays (as here: --replace of its only source) the rows
are copied straight into a new table that is swapped in (app/layers/swap.py). GDAL comes
from Debian's gdal-bin, installed here with apt-get when ogr2ogr is missing: it is a tool of
this benchmark, not a dependency of the project.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bulk import copy_frame  # noqa: E402
from app.layers.service import import_file  # noqa: E402
from benchmarks.make_pipes import make_pipes  # noqa: E402
from data.importers.stream import iter_layer  # noqa: E402
from geo.schema import LAYER_COLUMNS  # noqa: E402
from tests.support import fresh_database  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen_bench"
OGR_TABLE = "ogr_riolering"
TARGET_RATIO = 1.5  # issue 7: at most 1.5x ogr2ogr's time


def _write(path: Path, n: int) -> None:
    import pyogrio

    if not path.exists():
        pyogrio.write_dataframe(make_pipes(n), path, layer="leidingen", driver="GPKG")


def _stages(url: str, path: Path, n: int) -> None:
    engine = create_engine(url)
    rows: list[tuple[str, float, int]] = []
    start = time.perf_counter()
    count = sum(len(chunk) for chunk in iter_layer("riolering", path, source_layer="leidingen"))
    rows.append(("lezen, koppelen, controleren (pyogrio + pandas)", time.perf_counter() - start,
                 count))
    with engine.begin() as conn:
        # As import_file fills a layer of which nothing stays: COPY into a new table without
        # keys or indexes, then the key, the GiST index and statistics, built once in bulk.
        conn.execute(text("CREATE TABLE bench_nieuw (LIKE riolering INCLUDING DEFAULTS)"))
        chunks = list(iter_layer("riolering", path, source_layer="leidingen"))
        t1 = time.perf_counter()
        for chunk in chunks:
            copy_frame(conn, "bench_nieuw", chunk, LAYER_COLUMNS["riolering"])
        rows.append(("COPY naar de nieuwe tabel", time.perf_counter() - t1, count))
        t2 = time.perf_counter()
        conn.execute(text("ALTER TABLE bench_nieuw ADD PRIMARY KEY (id)"))
        conn.execute(text("CREATE INDEX ON bench_nieuw USING gist (geom)"))
        conn.execute(text("ANALYZE bench_nieuw"))
        rows.append(("sleutel, GiST-index en ANALYZE", time.perf_counter() - t2, count))
        conn.rollback()
    del chunks
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE riolering, import_run CASCADE"))
    t3 = time.perf_counter()
    report = import_file(engine, laag="riolering", path=path, source_layer="leidingen",
                         replace=True)
    rows.append(("eind tot eind (koppelkansen import)", time.perf_counter() - t3, report.geladen))
    print(f"\n{n:,} leidingen uit {path.name} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"{'stap':<48} {'seconden':>9} {'rijen/s':>10}")
    for name, seconds, rows_done in rows:
        print(f"{name:<48} {seconds:>9.1f} {rows_done / seconds:>10,.0f}")


def _peak_memory(url: str, path: Path) -> tuple[float, float]:
    """Run one end-to-end import in a fresh process; (seconds, peak RSS in MB).

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec from the forking parent.
    """
    code = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
        "from sqlalchemy import create_engine\n"
        "from app.layers.service import import_file\n"
        "t = time.perf_counter()\n"
        f"import_file(create_engine({url!r}), laag='riolering', "
        f"path=__import__('pathlib').Path({str(path)!r}), source_layer='leidingen', replace=True)\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(time.perf_counter() - t, hwm)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, rss_kb = out.stdout.split()
    return float(seconds), int(rss_kb) / 1024


def _ensure_ogr2ogr() -> str:
    """The path of ogr2ogr, installing Debian's gdal-bin for this benchmark if it is missing."""
    found = shutil.which("ogr2ogr")
    if found:
        return found
    print("ogr2ogr ontbreekt: gdal-bin installeren met apt-get (alleen voor deze benchmark)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "gdal-bin"], check=True, env=env)
    found = shutil.which("ogr2ogr")
    if not found:
        raise SystemExit("ogr2ogr is na de installatie van gdal-bin nog niet te vinden")
    return found


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} ... faalde ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def _versus_ogr2ogr(url: str, path: Path, n: int, rounds: int) -> None:
    """Our CLI import against ogr2ogr on the same file, alternating, as whole processes."""
    ogr2ogr = _ensure_ogr2ogr()
    version = subprocess.run([ogr2ogr, "--version"], capture_output=True, text=True).stdout.strip()
    parsed = make_url(url)
    # The password goes through the environment, not the command line.
    env = {**os.environ, "PGPASSWORD": parsed.password or "",
           "DATABASE_URL": parsed.set(drivername="postgresql").render_as_string(
               hide_password=False)}
    pg = (f"PG:host={parsed.host or '127.0.0.1'} port={parsed.port or 5432} "
          f"dbname={parsed.database} user={parsed.username}")
    ours = [str(Path(sys.executable).with_name("koppelkansen")), "import", "riolering", str(path),
            "--source-layer", "leidingen", "--replace"]
    theirs = [ogr2ogr, "-f", "PostgreSQL", pg, str(path), "leidingen", "-nln", OGR_TABLE,
              "-overwrite", "-lco", "GEOMETRY_NAME=geom", "--config", "PG_USE_COPY", "YES"]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE riolering, import_run CASCADE"))
    # One untimed run of each warms the page cache and creates ogr2ogr's table.
    _timed(ours, env)
    _timed(theirs, env)
    times: dict[str, list[float]] = {"koppelkansen": [], "ogr2ogr": []}
    for i in range(rounds):
        order = [("koppelkansen", ours), ("ogr2ogr", theirs)]
        for name, command in order if i % 2 == 0 else order[::-1]:
            times[name].append(_timed(command, env))
    with engine.connect() as conn:
        counts = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in ("riolering", OGR_TABLE)}
    engine.dispose()
    ratio = statistics.median(times["koppelkansen"]) / statistics.median(times["ogr2ogr"])
    print(f"\nkoppelkansen import tegen {version}: {n:,} leidingen uit {path.name}, "
          f"{rounds} ronden afwisselend (hele processen, mediaan)")
    print(f"{'opdracht':<14} {'mediaan s':>10} {'min s':>8} {'max s':>8} {'rijen':>9}  metingen")
    for name, values in times.items():
        table = "riolering" if name == "koppelkansen" else OGR_TABLE
        print(f"{name:<14} {statistics.median(values):>10.2f} {min(values):>8.2f} "
              f"{max(values):>8.2f} {counts[table]:>9,}  "
              + " ".join(f"{v:.2f}" for v in values))
    verdict = "binnen" if ratio <= TARGET_RATIO else "BOVEN"
    print(f"verhouding koppelkansen / ogr2ogr: {ratio:.2f}x ({verdict} het doel van "
          f"{TARGET_RATIO}x)")
    print("ogr2ogr: " + " ".join(theirs[:4] + ["..."] + theirs[4:]))


def _where_the_time_goes(url: str, path: Path) -> None:
    """One import, split into start-up, reading (with mapping and checks) and the SQL it runs."""
    code = "import time; t = time.perf_counter(); import app.cli, app.layers.service; " \
           "print(time.perf_counter() - t)"
    starts = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                   cwd=ROOT, check=True).stdout) for _ in range(3)]
    start = time.perf_counter()
    sum(len(chunk) for chunk in iter_layer("riolering", path, source_layer="leidingen"))
    reading = time.perf_counter() - start
    engine = create_engine(url)
    statements: dict[str, float] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        words = statement.split()
        kind = " ".join(words[:2] if words[0] in ("INSERT", "CREATE", "ALTER") else words[:1])
        statements[kind] = statements.get(kind, 0.0) + time.perf_counter() - conn.info["t0"]

    start = time.perf_counter()
    import_file(engine, laag="riolering", path=path, source_layer="leidingen", replace=True)
    total = time.perf_counter() - start
    engine.dispose()
    print("\nwaar de tijd van één import heen gaat (s)")
    print(f"  {'opstarten: Python en modules laden (mediaan van 3)':<60} "
          f"{statistics.median(starts):>6.2f}")
    print(f"  {'import_file in het proces, totaal':<60} {total:>6.2f}")
    print(f"  {'  waarvan SQL (behalve COPY), per soort:':<60}")
    for kind, seconds in sorted(statements.items(), key=lambda item: -item[1])[:6]:
        print(f"  {'    ' + kind:<60} {seconds:>6.2f}")
    rest = total - sum(statements.values())
    print(f"  {'  rest: lezen, koppelen, controleren en COPY':<60} {rest:>6.2f}")
    print(f"  {'(lezen, koppelen, controleren alleen, zonder database)':<60} {reading:>6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--ogr-n", type=int, default=250_000,
                        help="pipes in the file for the comparison with ogr2ogr")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds against ogr2ogr")
    parser.add_argument("--only-ogr2ogr", action="store_true",
                        help="skip the stages and memory table, only compare with ogr2ogr")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/koppelkansen-bench"))
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL).replace(
        "postgresql://", "postgresql+psycopg://")
    fresh_database(url).dispose()
    args.folder.mkdir(parents=True, exist_ok=True)
    sizes = [args.ogr_n] if args.only_ogr2ogr else sorted({max(args.n // 4, 1), args.n})
    paths = {n: args.folder / f"leidingen_{n}.gpkg" for n in sorted({*sizes, args.ogr_n})}
    for n, path in paths.items():
        _write(path, n)
    if not args.only_ogr2ogr:
        _stages(url, paths[args.n], args.n)
        print(f"\n{'bestand':<24} {'seconden':>9} {'rijen/s':>10} {'piekgeheugen MB':>16}")
        for n in sizes:
            seconds, rss = _peak_memory(url, paths[n])
            print(f"{paths[n].name:<24} {seconds:>9.1f} {n / seconds:>10,.0f} {rss:>16,.0f}")
    _versus_ogr2ogr(url, paths[args.ogr_n], args.ogr_n, args.rounds)
    _where_the_time_goes(url, paths[args.ogr_n])


if __name__ == "__main__":
    main()
