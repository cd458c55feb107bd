"""Import benchmark: N sewer pipes from a GeoPackage into PostGIS, rows per second per stage.

    .venv/bin/python benchmarks/import_benchmark.py --n 1000000

Uses the database koppelkansen_bench (created and migrated here; BENCH_DATABASE_URL overrides).
Prints a table of stages and, per file size, the peak memory of a separate end-to-end import
process, to show that memory is bounded by the batch size rather than the file size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bulk import copy_frame  # noqa: E402
from app.layers.service import import_file  # noqa: E402
from benchmarks.make_pipes import make_pipes  # noqa: E402
from data.importers.stream import iter_layer  # noqa: E402
from geo.schema import LAYER_COLUMNS  # noqa: E402
from tests.support import fresh_database  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen_bench"


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
        conn.execute(text("CREATE TEMP TABLE incoming (LIKE riolering INCLUDING DEFAULTS) "
                          "ON COMMIT DROP"))
        chunks = list(iter_layer("riolering", path, source_layer="leidingen"))
        t1 = time.perf_counter()
        for chunk in chunks:
            copy_frame(conn, "incoming", chunk, LAYER_COLUMNS["riolering"])
        rows.append(("COPY naar staging", time.perf_counter() - t1, count))
        t2 = time.perf_counter()
        names = ", ".join(LAYER_COLUMNS["riolering"])
        # As import_file fills an empty layer: spatial index dropped, rebuilt after the insert.
        conn.execute(text("DROP INDEX idx_riolering_geom"))
        conn.execute(text(f"INSERT INTO riolering ({names}, geom) SELECT {names}, geom "
                          "FROM incoming ON CONFLICT (id) DO NOTHING"))
        conn.execute(text("CREATE INDEX idx_riolering_geom ON riolering USING gist (geom)"))
        rows.append(("invoegen in laag (sleutel, GiST-index opnieuw)", time.perf_counter() - t2,
                     count))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/koppelkansen-bench"))
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL).replace(
        "postgresql://", "postgresql+psycopg://")
    fresh_database(url).dispose()
    args.folder.mkdir(parents=True, exist_ok=True)
    sizes = sorted({max(args.n // 4, 1), args.n})
    paths = {n: args.folder / f"leidingen_{n}.gpkg" for n in sizes}
    for n, path in paths.items():
        _write(path, n)
    _stages(url, paths[args.n], args.n)
    print(f"\n{'bestand':<24} {'seconden':>9} {'rijen/s':>10} {'piekgeheugen MB':>16}")
    for n, path in paths.items():
        seconds, rss = _peak_memory(url, path)
        print(f"{path.name:<24} {seconds:>9.1f} {n / seconds:>10,.0f} {rss:>16,.0f}")


if __name__ == "__main__":
    main()
