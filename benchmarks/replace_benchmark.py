"""Replacing a big layer without freezing readers: three ways, timed on 250 000 pipes.

1. truncate  what imports did before: TRUNCATE, DROP INDEX, INSERT, CREATE INDEX. Fast, but the
             layer is ACCESS EXCLUSIVE locked for all of it: every reader waits.
2. swap      fill a new table, build its keys and indexes, then swap it in (DROP + RENAME +
             renaming constraints and indexes to the model's names). Readers wait only for the
             swap. Imports do this when nothing of the layer stays (app/layers/swap.py).
3. mvcc      DELETE and INSERT into the live table, indexes kept. Readers never wait; the
             spatial index is updated row by row. Imports do this when other sources stay.

For each: the whole replace (in one transaction) and the time readers are blocked, measured by a
reader that runs a small SELECT on the layer every 20 ms while the replace runs. The last line
also times a complete `import_file(..., replace=True)` of the GeoPackage.

    .venv/bin/python benchmarks/replace_benchmark.py --n 250000
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.config import to_sqlalchemy_url
from app.layers.service import import_file
from benchmarks.make_pipes import make_pipes
from tests.support import fresh_database

COLUMNS = ("id, stelseltype, materiaal, diameter_mm, breedte_mm, hoogte_mm, aanlegjaar, "
           "vervangingsjaar, import_id, geom")


def _truncate(conn: Connection) -> None:
    conn.execute(text("TRUNCATE riolering"))
    conn.execute(text("DROP INDEX idx_riolering_geom"))
    conn.execute(text(f"INSERT INTO riolering ({COLUMNS}) SELECT {COLUMNS} FROM staged "
                      "ON CONFLICT (id) DO NOTHING"))
    conn.execute(text("CREATE INDEX idx_riolering_geom ON riolering USING gist (geom)"))


def _mvcc(conn: Connection) -> None:
    conn.execute(text("LOCK TABLE riolering IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(text("DELETE FROM riolering"))
    conn.execute(text(f"INSERT INTO riolering ({COLUMNS}) SELECT {COLUMNS} FROM staged "
                      "ON CONFLICT (id) DO NOTHING"))


def _swap(conn: Connection) -> float:
    conn.execute(text("LOCK TABLE riolering IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(text("CREATE TABLE riolering_new (LIKE riolering INCLUDING DEFAULTS)"))
    conn.execute(text("ALTER TABLE riolering_new ADD CONSTRAINT riolering_new_pk PRIMARY KEY (id)"))
    conn.execute(text(f"INSERT INTO riolering_new ({COLUMNS}) SELECT {COLUMNS} FROM staged "
                      "ON CONFLICT (id) DO NOTHING"))
    conn.execute(text("CREATE INDEX riolering_new_geom ON riolering_new USING gist (geom)"))
    conn.execute(text("CREATE INDEX riolering_new_imp ON riolering_new (import_id)"))
    conn.execute(text("ALTER TABLE riolering_new ADD CONSTRAINT riolering_new_fk FOREIGN KEY "
                      "(import_id) REFERENCES import_run (id) ON DELETE SET NULL"))
    swap_start = time.perf_counter()
    conn.execute(text("LOCK TABLE riolering IN ACCESS EXCLUSIVE MODE"))
    conn.execute(text("DROP TABLE riolering"))
    conn.execute(text("ALTER TABLE riolering_new RENAME TO riolering"))
    for old, new in (("riolering_new_pk", "pk_riolering"),
                     ("riolering_new_fk", "fk_riolering_import_id_import_run")):
        conn.execute(text(f"ALTER TABLE riolering RENAME CONSTRAINT {old} TO {new}"))
    conn.execute(text("ALTER INDEX riolering_new_geom RENAME TO idx_riolering_geom"))
    conn.execute(text("ALTER INDEX riolering_new_imp RENAME TO ix_riolering_import_id"))
    return time.perf_counter() - swap_start


def _timed_with_reader(engine: Engine, work: Callable[[Connection], object]) -> tuple[float, float,
                                                                                     float]:
    """(seconds for work, longest read, median read) with a reader polling meanwhile."""
    reads: list[float] = []
    done = threading.Event()

    def reader() -> None:
        with engine.connect() as conn:
            while not done.is_set():
                start = time.perf_counter()
                conn.execute(text("SELECT count(*) FROM (SELECT id FROM riolering WHERE geom && "
                                  "ST_MakeEnvelope(140000, 460000, 140500, 460500, 28992)) s"))
                conn.rollback()
                reads.append(time.perf_counter() - start)
                time.sleep(0.02)

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.3)
    start = time.perf_counter()
    with engine.begin() as conn:
        work(conn)
    total = time.perf_counter() - start
    time.sleep(0.3)
    done.set()
    thread.join()
    return total, max(reads), statistics.median(reads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=250_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/koppelkansen-bench"))
    args = parser.parse_args()
    base = make_url(to_sqlalchemy_url(os.environ.get(
        "DATABASE_URL", "postgresql://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen")))
    url = base.set(database="koppelkansen_bench_replace").render_as_string(hide_password=False)
    fresh_database(url).dispose()
    engine = create_engine(url)
    args.folder.mkdir(parents=True, exist_ok=True)
    path = args.folder / f"pipes_{args.n}.gpkg"
    if not path.exists():
        import pyogrio

        pyogrio.write_dataframe(make_pipes(args.n), path, layer="leidingen", driver="GPKG")
    import_file(engine, laag="riolering", path=path, source_layer="leidingen")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE staged AS SELECT * FROM riolering"))
    print(f"{args.n} leidingen; per manier: totaal, langste lees-query, mediaan lees-query")
    ways = (("truncate", _truncate), ("swap", _swap), ("mvcc", _mvcc))
    for name, work in ways + ways[::-1]:  # each twice, in alternating order
        swap_s: list[float] = []

        def run(conn: Connection, work: Callable[[Connection], object] = work,
                swap_s: list[float] = swap_s) -> None:
            result = work(conn)
            if isinstance(result, float):
                swap_s.append(result)

        total, longest, median = _timed_with_reader(engine, run)
        extra = f", waarvan wissel {swap_s[0]:.2f} s" if swap_s else ""
        print(f"  {name:<9} {total:6.2f} s{extra}; lezen max {longest:.2f} s, "
              f"mediaan {median * 1000:.0f} ms")
    start = time.perf_counter()
    import_file(engine, laag="riolering", path=path, source_layer="leidingen", replace=True)
    print(f"  import_file(replace=True) van {path.name}: {time.perf_counter() - start:.1f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
