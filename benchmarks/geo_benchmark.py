"""Analysis benchmark: geo.analysis.analyse on the demo town at several scales, time per stage.

    .venv/bin/python benchmarks/geo_benchmark.py --scales 1 4 --rounds 3
    .venv/bin/python benchmarks/geo_benchmark.py --scales 1 4 --rounds 5 --old /tmp/kk_geo_old

The layers are built once per scale in memory: data.demo.generate_demo writes the demo files,
data.importers.read_layer reads them as the importers do (not timed), and each context layer gets
the dekking a single import would give (geo.dekking.dekking_from_layers). Each measurement runs
in a fresh process that times every stage of analyse (sections, dekking, each rule, finishing,
ranking) by wrapping the functions geo.analysis calls.

With --old DIR (a copy of an older geo package, e.g. `git archive HEAD geo | tar -x -C DIR`),
the old and the current tree run alternately (old, new, old, new, ...) as whole processes with
DIR or this repository first on PYTHONPATH, and the medians of both and their ratio are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEILJAAR = 2026
STAGES = ("split_sections", "judge", "r1_werk_met_werk", "r2_vergroenen", "r2b_boomconflict",
          "r3_leefbaarheid", "afkoppel_candidates", "r4_afkoppelen", "finish_kansen",
          "add_due_years", "rank_buurten")


def build_layers(scale: float, cache: Path) -> Path:
    """Pickle {layers, dekking, counts} for the demo town at `scale`; return the pickle path."""
    sys.path.insert(0, str(ROOT))
    from data.demo import generate_demo
    from data.importers.core import read_layer
    from geo.dekking import dekking_from_layers

    path = cache / f"geo_bench_{scale:g}.pkl"
    if path.exists():
        return path
    with tempfile.TemporaryDirectory() as tmp:
        files = generate_demo(Path(tmp), seed=42, scale=scale, peiljaar=PEILJAAR)
        layers = {laag: read_layer(laag, p, source_layer=files.source_layers.get(laag))[0]
                  for laag, p in files.paths.items()}
    dekking = dekking_from_layers(layers)
    counts = {laag: len(f) for laag, f in layers.items()}
    with path.open("wb") as fh:
        pickle.dump({"layers": layers, "dekking": dekking, "counts": counts}, fh)
    return path


def measure(pickle_path: Path) -> dict[str, float]:
    """One analyse run in this process: seconds per stage and in total."""
    import geo.analysis as analysis
    from geo.params import RuleParams

    with pickle_path.open("rb") as fh:
        data = pickle.load(fh)
    times: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[name] += time.perf_counter() - t0
        return wrapper

    for name in STAGES:
        setattr(analysis, name, timed(name, getattr(analysis, name)))
    t0 = time.perf_counter()
    result = analysis.analyse(**data["layers"], dekking=data["dekking"], params=RuleParams(),
                              peiljaar=PEILJAAR)
    times["totaal"] = time.perf_counter() - t0
    times["kansen"] = float(len(result.kansen))
    return times


def run_child(tree: Path, pickle_path: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}"}
    out = subprocess.run([sys.executable, __file__, "--child", str(pickle_path)], env=env,
                         check=True, capture_output=True, text=True, cwd=tempfile.gettempdir())
    times: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 4.0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--old", type=Path, help="folder holding an older geo package to compare")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return

    trees = {"nieuw": ROOT} if args.old is None else {"oud": args.old, "nieuw": ROOT}
    for scale in args.scales:
        path = build_layers(scale, args.cache)
        with path.open("rb") as fh:
            counts = pickle.load(fh)["counts"]
        print(f"\nschaal {scale:g}: {sum(counts.values())} invoerrijen "
              + ", ".join(f"{k} {v}" for k, v in counts.items()))
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():  # alternately
                runs[name].append(run_child(tree, path))
        kansen = {name: {r["kansen"] for r in rs} for name, rs in runs.items()}
        print(f"  kansen per boom: {kansen}  (mediaan van {args.rounds} runs, seconden)")
        print(f"  {'stap':22s}" + "".join(f"{n:>10s}" for n in trees)
              + ("     oud/nieuw" if len(trees) == 2 else ""))
        for stage in (*STAGES, "totaal"):
            med = {n: statistics.median(r[stage] for r in rs) for n, rs in runs.items()}
            line = f"  {stage:22s}" + "".join(f"{med[n]:10.3f}" for n in trees)
            if len(trees) == 2 and med["nieuw"] > 0:
                line += f"{med['oud'] / med['nieuw']:12.2f}×"
            print(line)


if __name__ == "__main__":
    main()
