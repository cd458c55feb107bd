"""Scale benchmark (issue 10): import and analysis from one town to the whole country.

    .venv/bin/python -m benchmarks.scale_benchmark --schalen 1,12.5,50,150 --herhaal 3
    .venv/bin/python -m benchmarks.scale_benchmark --schalen 12.5 --herhaal 5 --database-url URL
    .venv/bin/python -m benchmarks.scale_benchmark --schalen 1 --nationaal   # by hand: hours, GBs

Prints figures; it is not a test. Per scale it generates the demo (`data/demo.py`), imports
every layer with `koppelkansen import` into its own database (koppelkansen_scale_bench, emptied
and migrated here; --database-url or BENCH_DATABASE_URL overrides) and runs `koppelkansen
analyse` as whole processes: with 1 and with 2 worker processes (`--werkers 1,2`, the
default), alternately (A, B, A, B, ...) for --herhaal rounds, medians printed. Per run the peak
memory (VmHWM) of the analyse process and of each process it starts (the Dask workers) is
polled (column kindproc: how many processes it started, normally its workers; more than
--werkers means one was restarted or started something itself). Until the CLI has
`--werkers` (read from `koppelkansen analyse --help`), only the plain single-process analysis
runs.

Scales are in towns: scale 1 is the one-town demo (about 5 700 input rows), 12.5 is the size of
's-Hertogenbosch (about 72 000 rows). Up to --gemeente-schaal (12.5) a scale is one town of that
size; beyond, it is ceil(S / 12.5) towns side by side, each its own gemeente (`demo
--gemeenten`), so the engine can partition per gemeente. `NxS` gives N towns of scale S
explicitly. --nationaal adds 342x7.2 (342 gemeenten, about 14 million rows; the demo's mix of
layers, not the real one: more pipes and cells, fewer trees and heat sections than the country's
2M pipes, 10M trees, 1M heat sections, 400k cells).

Also, per scale, R1 (RULES.md §2/§3) is written by hand as one PostGIS query; it prints its
pair count next to the app's werk_met_werk count and the ratio whole analysis / R1 query
(goal: at most 2x at 's-Hertogenbosch size). Last, `koppelkansen --help` start-up (median of 10)
with benchmarks/cli_startup.py's runner.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, INTEGER, TEXT

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.cli_startup import _run as run_cli  # noqa: E402
from data.demo import generate_demo  # noqa: E402
from geo.params import RuleParams  # noqa: E402
from tests.support import DEMO_PEILJAAR, fresh_database  # noqa: E402

DEFAULT_URL = "postgresql://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen_scale_bench"
KOPPELKANSEN = str(Path(sys.executable).with_name("koppelkansen"))
LAYERS = ("buurt", "warmtenet", "riolering", "groen", "boom", "leefbaarometer")
GEMEENTE_SCHAAL = 12.5  # one town of 's-Hertogenbosch size
NATIONAAL = "342x7.2"
R1_GOAL = 2.0  # issue 10: whole analysis at most 2x the hand-written R1 query ...
SHERTOGENBOSCH_ROWS = 72_000  # ... for a town of this many input rows
POLL_S = 0.05


@dataclass(frozen=True)
class Schaal:
    """A benchmark size: `gemeenten` towns of demo scale `scale` each."""

    label: str
    gemeenten: int
    scale: float

    @property
    def towns(self) -> float:
        return self.gemeenten * self.scale


def parse_schaal(value: str, gemeente_schaal: float) -> Schaal:
    """'12.5' (in one-town demos) or '342x7.2' (gemeenten x scale) as a Schaal."""
    if "x" in value:
        count, scale = value.split("x", 1)
        return Schaal(value, int(count), float(scale))
    towns = float(value)
    n = max(1, math.ceil(towns / gemeente_schaal - 1e-9))
    return Schaal(value, n, towns / n)


class AnalyseFailed(RuntimeError):
    """A `koppelkansen analyse` run that ended with an error; the message is its last lines."""


@dataclass
class Run:
    """One whole `koppelkansen analyse` process."""

    wall_s: float
    inner_s: float | None  # what the CLI says ("klaar in X s")
    main_mb: float
    workers_mb: list[float] = field(default_factory=list)
    phases: list[tuple[str, int]] = field(default_factory=list)  # (step, seconds)


def phases_of(output: str, started: float, ended: float) -> list[tuple[str, int]]:
    """Whole seconds per step from the CLI's '[HH:MM:SS] step' lines (local time), between
    the epoch seconds the process started and ended; before the first step: 'opstarten'."""
    def of_day(epoch: float) -> int:
        t = time.localtime(epoch)
        return t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec

    found = re.findall(r"^\[(\d\d):(\d\d):(\d\d)\] (.+)$", output, re.MULTILINE)
    steps = [("opstarten", of_day(started))]
    # The counts in brackets after a step vary per run: left out.
    steps += [(re.sub(r" \(.*$", "", step).strip(), int(h) * 3600 + int(m) * 60 + int(sec))
              for h, m, sec, step in found]
    ends = [t for _, t in steps[1:]] + [of_day(ended)]
    return [(step, (end - t) % 86400) for (step, t), end in zip(steps, ends, strict=True)]


def analyse_flags() -> set[str]:
    """The options `koppelkansen analyse` has now (the engine of issue 10 adds some)."""
    done = subprocess.run([KOPPELKANSEN, "analyse", "--help"], capture_output=True, text=True,
                          check=True, env={**os.environ, "COLUMNS": "200"})
    return set(re.findall(r"--[a-z][a-z-]*", done.stdout))


def _hwm_mb(proc: psutil.Process) -> float | None:
    """Peak resident memory of a live process in MB (VmHWM: no peak is missed between polls)."""
    try:
        with open(f"/proc/{proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) / 1024
        return proc.memory_info().rss / 2**20
    except (OSError, psutil.Error):
        return None


def _cmdline(proc: psutil.Process) -> str | None:
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return None


def measure(command: list[str], env: dict[str, str]) -> Run:
    """Run `command`, polling the peak memory of it and of every process it starts."""
    # Output to a file, not a pipe: a pipe nobody reads while polling would stall a chatty run.
    log = tempfile.TemporaryFile(mode="w+")
    started, epoch = time.perf_counter(), time.time()
    popen = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    root = psutil.Process(popen.pid)
    peaks: dict[int, float] = {}
    # The last command line seen per process: just after fork it is still its parent's.
    cmdlines: dict[int, str] = {}
    polls: dict[int, int] = {}
    while popen.poll() is None:
        try:
            children = root.children(recursive=True)
        except psutil.Error:
            children = []
        for proc in [root, *children]:
            cmdlines[proc.pid] = _cmdline(proc) or cmdlines.get(proc.pid, "")
            polls[proc.pid] = polls.get(proc.pid, 0) + 1
            mb = _hwm_mb(proc)
            if mb is not None:
                peaks[proc.pid] = max(peaks.get(proc.pid, 0.0), mb)
        time.sleep(POLL_S)
    wall = time.perf_counter() - started
    log.seek(0)
    out = log.read()
    log.close()
    if popen.returncode != 0:
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        last = [line for line in lines if re.match(r"\w*(Error|DETAIL|Fout)\b", line)] or lines[-4:]
        raise AnalyseFailed(f"{' '.join(command[1:])} faalde ({popen.returncode}):\n  "
                            + "\n  ".join(last))
    found = re.search(r"klaar in ([\d.]+) s", out)
    # multiprocessing's resource tracker is no worker, nor is a process seen only once (a fork
    # on its way to exec something, still showing its parent's memory).
    workers = [mb for pid, mb in peaks.items()
               if pid != root.pid and polls[pid] > 1
               and "resource_tracker" not in cmdlines.get(pid, "")]
    return Run(wall, float(found.group(1)) if found else None, peaks.get(root.pid, 0.0),
               sorted(workers, reverse=True), phases_of(out, epoch, epoch + wall))


def import_layers(folder: Path, schaal: Schaal, env: dict[str, str]
                  ) -> tuple[float, dict[str, float]]:
    """Generate the demo files and import each with the CLI; (generate s, import s per layer)."""
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        # Appending a town with a MultiPolygon buurt to the GeoPackage: written all the same.
        warnings.filterwarnings("ignore", "A geometry of type MULTIPOLYGON", RuntimeWarning)
        files = generate_demo(folder, seed=42, scale=schaal.scale, peiljaar=DEMO_PEILJAAR,
                              gemeenten=schaal.gemeenten)
    generate_s = time.perf_counter() - t0
    seconds: dict[str, float] = {}
    for laag, path in files.paths.items():
        command = [KOPPELKANSEN, "import", laag, str(path), "--replace-laag"]
        if laag in files.source_layers:
            command += ["--source-layer", files.source_layers[laag]]
        if path.suffix == ".geojson":
            # RFC 7946: WGS84. Said outright, because a row of towns across the whole country
            # reaches past the longitudes the importer takes for WGS84 without being told.
            command += ["--crs", "EPSG:4326"]
        if files.dekking is not None and laag in files.dekking_lagen:
            command += ["--dekking", str(files.dekking)]
        t1 = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds[laag] = time.perf_counter() - t1
        if done.returncode != 0:
            raise SystemExit(f"import {laag} faalde:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return generate_s, seconds


def input_counts(engine: Engine) -> dict[str, int]:
    """Rows per input layer."""
    with engine.connect() as conn:
        return {laag: conn.execute(text(f"SELECT count(*) FROM {laag}")).scalar_one()
                for laag in LAYERS}


def section_count(engine: Engine) -> int:
    """Heat-network sections of the latest analysis."""
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT (aantallen->>'secties')::int FROM analyse_run ORDER BY id DESC LIMIT 1"))
            .scalar() or 0)


# RULES.md R1 written by hand: sections (§2) of the planned heat works, pipes with their due year
# (§2), pairs within afstand_m whose due year lies in the window ± marge and that share at least
# min_lengte_m. The lifetimes are bound from RuleParams rather than restated. The sections are
# built once (MATERIALIZED), so each pipe's cheap year test runs before its intersection.
R1_SQL = text("""
WITH deel AS (
    SELECT w.start_jaar, coalesce(w.eind_jaar, w.start_jaar) AS eind_jaar, d.geom,
           greatest(1, ceil(ST_Length(d.geom) / :sectie_m - 1e-9))::int AS n
    FROM warmtenet w, ST_Dump(w.geom) AS d
    WHERE w.status IN ('gepland', 'in_uitvoering') AND w.start_jaar IS NOT NULL
      AND ST_Length(d.geom) > 0
), sectie AS MATERIALIZED (
    SELECT start_jaar, eind_jaar,
           ST_LineSubstring(geom, i::float8 / n, (i + 1)::float8 / n) AS geom
    FROM deel, generate_series(0, n - 1) AS i
), riool AS (
    SELECT geom, coalesce(vervangingsjaar, aanlegjaar + coalesce(
               (:jaren)[array_position(:materialen, lower(btrim(materiaal)))], :overig)) AS due
    FROM riolering
    WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)
)
SELECT count(*)
FROM sectie s JOIN riool r
  ON ST_DWithin(s.geom, r.geom, :afstand_m)
 AND r.due BETWEEN s.start_jaar - :marge_jaar AND s.eind_jaar + :marge_jaar
WHERE ST_Length(ST_Intersection(s.geom, ST_Buffer(r.geom, :afstand_m, 'quad_segs=16')))
      >= :min_lengte_m - 1e-9
""").bindparams(bindparam("materialen", type_=ARRAY(TEXT)), bindparam("jaren", type_=ARRAY(INTEGER)))


def r1_query(engine: Engine, params: RuleParams) -> tuple[int, float]:
    """The hand-written R1 pair count and its seconds."""
    values = {"sectie_m": params.sectie_m, "afstand_m": params.afstand_m,
              "marge_jaar": params.marge_jaar, "min_lengte_m": params.min_lengte_m,
              "materialen": list(params.levensduur), "jaren": list(params.levensduur.values()),
              "overig": params.levensduur_overig}
    with engine.connect() as conn:
        started = time.perf_counter()
        # The section rows are estimated far too high, which would make PostgreSQL compile the
        # query (JIT) for longer than it runs; someone writing this by hand would switch that off.
        conn.execute(text("SET LOCAL jit = off"))
        pairs = conn.execute(R1_SQL, values).scalar_one()
        return int(pairs), time.perf_counter() - started


def app_r1(engine: Engine) -> tuple[int, int]:
    """The app's werk_met_werk results (R1: no werk layer here): rows and distinct pairs."""
    with engine.connect() as conn:
        rows, pairs = conn.execute(text(
            "SELECT count(*), count(DISTINCT (sectie_id, riool_id)) FROM koppelkans "
            "WHERE regel = 'werk_met_werk' AND riool_id IS NOT NULL")).one()
    return int(rows), int(pairs)


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_scale(schaal: Schaal, url: str, folder: Path, variants: dict[str, list[str]],
                rounds: int) -> dict[str, Any]:
    """Load one scale into a fresh database and time its analysis per variant; print it."""
    env = {**os.environ, "DATABASE_URL": url}
    engine = fresh_database(url.replace("postgresql://", "postgresql+psycopg://"))
    with tempfile.TemporaryDirectory(dir=folder, prefix="demo-") as tmp:
        generate_s, per_layer = import_layers(Path(tmp), schaal, env)
    import_s = sum(per_layer.values())
    counts = input_counts(engine)
    rows = sum(counts.values())
    print(f"\n== schaal {schaal.label}: {schaal.gemeenten} gemeente(n) van schaal "
          f"{schaal.scale:g} ({schaal.towns:g} x de demo) ==")
    print("invoer: " + ", ".join(f"{laag} {n:,}" for laag, n in counts.items())
          + f"; samen {rows:,} rijen")
    print(f"genereren {generate_s:.1f} s; importeren (koppelkansen import, 6 lagen) "
          f"{import_s:.1f} s = {rows / import_s:,.0f} rijen/s (" + ", ".join(
              f"{laag} {sec:.1f} s" for laag, sec in per_layer.items()) + ")", flush=True)
    runs: dict[str, list[Run]] = {name: [] for name in variants}
    try:
        for i in range(rounds):
            order = list(variants.items())
            for name, command in order if i % 2 == 0 else order[::-1]:
                runs[name].append(measure(command, env))
    except AnalyseFailed:
        engine.dispose()
        raise
    secties = section_count(engine)
    r1_rows, r1_pairs = app_r1(engine)
    params = RuleParams()
    r1 = [r1_query(engine, params) for _ in range(max(rounds, 1))]
    engine.dispose()
    r1_s = _med([s for _, s in r1])

    print(f"{'analyse':<12} {'mediaan s':>9} {'binnen s':>9} {'rijen/s':>9} {'hoofd MB':>9} "
          f"{'kindproc':>8} {'werker MB (max)':>15}  metingen s")
    medians: dict[str, float] = {}
    inners: dict[str, float] = {}
    for name, measured in runs.items():
        medians[name] = wall = _med([r.wall_s for r in measured])
        inners[name] = inner = _med([r.inner_s for r in measured if r.inner_s is not None])
        peaks = [max(r.workers_mb) for r in measured if r.workers_mb]
        worker = f"{_med(peaks):>15,.0f}" if peaks else f"{'-':>15}"
        print(f"{name:<12} {wall:>9.2f} {inner:>9.2f} {rows / wall:>9,.0f} "
              f"{_med([r.main_mb for r in measured]):>9,.0f} "
              f"{max(len(r.workers_mb) for r in measured):>8} {worker}  "
              + " ".join(f"{r.wall_s:.2f}" for r in measured))
    for name, measured in runs.items():
        median_run = sorted(measured, key=lambda r: r.wall_s)[(len(measured) - 1) // 2]
        if median_run.phases:
            print(f"  {name}, stappen van de mediane meting (s): "
                  + ", ".join(f"{step} {sec}" for step, sec in median_run.phases))
    first = next(iter(medians))
    for name, wall in list(medians.items())[1:]:
        print(f"versnelling {name} t.o.v. {first}: {medians[first] / wall:.2f}x")
    same = "gelijk" if r1_pairs == r1[0][0] and r1_rows == r1_pairs else "VERSCHILLEND"
    print(f"R1 met de hand in PostGIS ({secties:,} warmtenetsecties): {r1[0][0]:,} paren in "
          f"{r1_s:.2f} s (mediaan van {len(r1)}); "
          f"de app: {r1_rows:,} werk_met_werk-resultaten, {r1_pairs:,} verschillende paren "
          f"({same})")
    # The goal is set for a town the size of 's-Hertogenbosch; elsewhere the ratio is shown only.
    judged = abs(rows / SHERTOGENBOSCH_ROWS - 1) < 0.25
    for name in medians:
        ratio, ratio_inner = medians[name] / r1_s, inners[name] / r1_s
        goal = (f" ({'binnen' if ratio <= R1_GOAL else 'BOVEN'} het doel van {R1_GOAL:g}x)"
                if judged else "")
        print(f"hele analyse / R1-query ({name}): {ratio:.1f}x{goal}; zonder opstarten "
              f"(analyse binnen het proces / R1-query): {ratio_inner:.1f}x")
    return {"schaal": schaal, "rows": rows, "import_s": import_s, "medians": medians,
            "r1_s": r1_s}


def cli_help_seconds(url: str, rounds: int = 10) -> float:
    """Median wall time of `koppelkansen --help` (one untimed run first)."""
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("PYTHONPATH", None)
    times = [run_cli(ROOT, ["--help"], env)[0] for _ in range(rounds + 1)]
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schalen", default="1,12.5,50,150",
                        help="sizes in one-town demos, comma-separated; NxS = N towns of scale S")
    parser.add_argument("--nationaal", action="store_true",
                        help=f"also {NATIONAAL}: about 14 million rows (by hand, not in CI)")
    parser.add_argument("--herhaal", type=int, default=3, help="alternating rounds per scale")
    parser.add_argument("--gemeente-schaal", type=float, default=GEMEENTE_SCHAAL,
                        help="largest town; bigger scales become several gemeenten")
    parser.add_argument("--werkers", default="1,2",
                        help="worker counts to compare, alternately (once analyse has --werkers);"
                             " 0 = in the analyse process itself")
    parser.add_argument("--tegel-km", type=float, help="passed to analyse when it has --tegel-km")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()),
                        help="where the demo files are written (and removed)")
    args = parser.parse_args()
    url = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    schalen = [parse_schaal(v.strip(), args.gemeente_schaal) for v in args.schalen.split(",")
               if v.strip()]
    if args.nationaal:
        schalen.append(parse_schaal(NATIONAAL, args.gemeente_schaal))

    flags = analyse_flags()
    base = [KOPPELKANSEN, "analyse", "--peiljaar", str(DEMO_PEILJAAR)]
    if args.tegel_km is not None and "--tegel-km" in flags:
        base += ["--tegel-km", f"{args.tegel_km:g}"]
    if "--werkers" in flags:
        variants = {("in proces" if n == "0" else f"{n} werker{'s' if n != '1' else ''}"):
                    [*base, "--werkers", n] for n in args.werkers.split(",")}
    else:
        variants = {"1 proces": base}
    print(f"koppelkansen analyse: {'met' if '--werkers' in flags else 'nog zonder'} --werkers; "
          f"{os.cpu_count()} kernen, load {os.getloadavg()[0]:.1f}; {args.herhaal} ronden per "
          "schaal, afwisselend, hele processen (mediaan)")
    if "--werkers" not in flags:
        print("  (2 werkers en de versnelling volgen zodra `analyse --werkers` er is)")
    results = []
    for schaal in schalen:
        try:
            results.append(bench_scale(schaal, url, args.folder, variants, args.herhaal))
        except AnalyseFailed as exc:
            print(f"analyse faalde op schaal {schaal.label}: {exc}")

    print(f"\n{'schaal':<10} {'rijen':>11} {'import s':>9} "
          + " ".join(f"{name + ' s':>12}" for name in variants) + f" {'R1-query s':>11}")
    for r in results:
        print(f"{r['schaal'].label:<10} {r['rows']:>11,} {r['import_s']:>9.1f} "
              + " ".join(f"{s:>12.2f}" for s in r["medians"].values()) + f" {r['r1_s']:>11.2f}")
    print(f"\nkoppelkansen --help: {cli_help_seconds(url):.2f} s (mediaan van 10)")


if __name__ == "__main__":
    main()
