"""Start-up of the command line: `koppelkansen --help` and a two-feature import, in seconds.

    .venv/bin/python benchmarks/cli_startup.py --rounds 15
    git archive HEAD app data geo frontend | tar -x -C /tmp/kk_voor      # an older tree
    .venv/bin/python benchmarks/cli_startup.py --rounds 15 --baseline /tmp/kk_voor

Every run is a fresh process (`python -c "from app.cli import main; main()" ...`, what the
`koppelkansen` script does), with this tree or the baseline tree as working directory so that
its packages are imported. With --baseline the two trees run alternately (A, B, A, B, ...) and
the medians are printed. Targets (issue 7): --help < 0.5 s, the import < 2 s.

The import writes a new two-feature warmtenet GeoJSON per run (new ids, so nothing is skipped
as already loaded) into the database koppelkansen_bench (BENCH_DATABASE_URL overrides),
created and migrated here.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import fresh_database  # noqa: E402

DEFAULT_URL = "postgresql://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen_bench"
TARGETS_S = {"--help": 0.5, "import (2 objecten)": 2.0}
MAIN = "import sys; from app.cli import main; sys.exit(main())"


def _two_features(folder: Path, run: int) -> Path:
    """A GeoJSON with two heat-network lines (EPSG:28992), ids unique to this run."""
    features = [
        {"type": "Feature",
         "properties": {"id": f"bench-{run}-{i}", "status": "gepland", "start_jaar": 2028},
         "geometry": {"type": "LineString",
                      "coordinates": [[155_000 + 100 * i, 463_000], [155_080 + 100 * i, 463_000]]}}
        for i in range(2)
    ]
    path = folder / f"twee_{run}.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }))
    return path


def _run(tree: Path, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process): CPU time says more on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MAIN, *args], cwd=tree, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: koppelkansen {' '.join(args)} faalde:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="an older tree (app, data, geo, frontend)")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    fresh_database(url.replace("postgresql://", "postgresql+psycopg://")).dispose()
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("PYTHONPATH", None)
    trees = {"nu": ROOT}
    if args.baseline:
        trees = {"basis": args.baseline.resolve(), "nu": ROOT}
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="kk-cli-bench-") as tmp:
        run = 0
        for i in range(args.rounds + 1):  # round 0 warms the page cache and is not counted
            order = list(trees.items())
            for name, tree in order if i % 2 == 0 else order[::-1]:
                run += 1
                path = _two_features(Path(tmp), run)
                for label, argv in (("--help", ["--help"]),
                                    ("import (2 objecten)", ["import", "warmtenet", str(path)])):
                    measured = _run(tree, argv, env)
                    if i:
                        times.setdefault((label, name), []).append(measured)
    print(f"koppelkansen start-up, {args.rounds} ronden, hele processen (s; load "
          f"{os.getloadavg()[0]:.1f} op {os.cpu_count()} kernen)")
    print(f"{'opdracht':<22} {'boom':<6} {'mediaan':>8} {'min':>7} {'max':>7} {'cpu med':>8}  doel")
    for (label, name), values in sorted(times.items()):
        wall = [w for w, _ in values]
        cpu = statistics.median(c for _, c in values)
        print(f"{label:<22} {name:<6} {statistics.median(wall):>8.2f} {min(wall):>7.2f} "
              f"{max(wall):>7.2f} {cpu:>8.2f}  < {TARGETS_S[label]} s")


if __name__ == "__main__":
    main()
