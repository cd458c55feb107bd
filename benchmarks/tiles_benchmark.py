"""Vector-tile latency of our app against tipg on the same database, tables and tiles.

Builds the synthetic municipality the size of 's-Hertogenbosch (demo generator at scale 12.5,
as benchmarks.map_benchmark) in its own database (kk_tiles_bench, emptied and loaded again
unless --reuse), then serves it twice, each in its own
process with one uvicorn worker: our app (tests.support.serve) and tipg 1.6.1 (OGC Tiles over
the same tables). tipg is installed into a throwaway venv outside the repository (created here
with `python -m venv` + pip when missing); it is no dependency of the project.

Both get the same 456 tiles: 152 tiles over zooms 12–16 of the city (all of zooms 12 and 13,
an even spread of 42 at zooms 14, 15 and 16) for each of three layers, ours `koppelkansen`,
`buurten` and `warmtenet` against tipg's tables koppelkans, buurtscore and warmtenet with the
same attributes, extent (4096) and buffer (64). Not quite the same work: ours simplifies below
zoom 16 and takes features whose box reaches into the buffer, tipg takes those that touch the
tile itself (2 of the 456 tiles are empty only at tipg). A round restarts a server and requests
every tile once ("koud": the first request after a restart, so our tile cache is empty), then once
more ("warm"), one request at a time, and then all of them again with 6 requests at a time
(warm throughput as a browser loads a map). Rounds alternate ours, tipg, ours, tipg …; the
figures are medians over rounds, the ratios ours/tipg medians of the ratios per round. On a
shared machine other load slows both servers, and not equally: compare runs on a quiet one.

    .venv/bin/python -m benchmarks.tiles_benchmark [--database-url URL] [--scale 12.5] \
        [--rounds 7] [--reuse] [--tipg-venv /tmp/kk-tipg-venv]

Prints figures; it is not a test. Target (issue 10): our cold p95 at most tipg's.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from app.config import to_sqlalchemy_url
from benchmarks.map_benchmark import load
from tests.support import free_port

DEFAULT_URL = "postgresql://koppelkansen:koppelkansen@127.0.0.1:5432/kk_tiles_bench"
DEFAULT_VENV = Path("/tmp/kk-tipg-venv")
TIPG = "tipg==1.6.1"
ZOOMS = {12: 6, 13: 20, 14: 42, 15: 42, 16: 42}  # tiles per zoom, at most
# Our layer -> tipg's table and the attributes both put in the tile.
LAYERS = {
    "koppelkansen": ("koppelkans", "kans_id,regel,categorie,buurtcode,lengte_m,actie_nodig,"
                                   "start_jaar,eind_jaar,riool_due_jaar,jaar"),
    "buurten": ("buurtscore", "buurtcode,buurtnaam,score,rang"),
    "warmtenet": ("warmtenet", "id,naam,status,start_jaar,eind_jaar"),
}
PARALLEL = 6  # requests at a time in the parallel warm pass, as a browser per host
Tile = tuple[str, int, int, int]


def city_bbox(url: str) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) of the buurten."""
    engine = create_engine(to_sqlalchemy_url(url))
    with engine.connect() as conn:
        box = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
            "ST_Transform(ST_SetSRID(ST_Extent(geom), 28992), 4326)::box2d AS e FROM buurt) s"
        )).one()
    engine.dispose()
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """XYZ tile containing a WGS84 point."""
    n = 2 ** z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def pick_tiles(bbox: tuple[float, float, float, float]) -> list[Tile]:
    """The benchmark's tiles: per layer, ZOOMS[z] tiles over the city at each zoom, evenly."""
    xyz: list[tuple[int, int, int]] = []
    for z, wanted in ZOOMS.items():
        x0, y0 = tile_of(bbox[0], bbox[3], z)
        x1, y1 = tile_of(bbox[2], bbox[1], z)
        every = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
        step = len(every) / min(wanted, len(every))
        xyz += [every[int(i * step)] for i in range(min(wanted, len(every)))]
    return [(laag, z, x, y) for laag in LAYERS for z, x, y in xyz]


def ensure_tipg(venv: Path) -> Path:
    """The python of a venv with tipg, made outside the repository when missing."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import tipg, uvicorn; assert tipg.__version__ == '1.6.1'"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"tipg installeren in {venv} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", TIPG, "uvicorn"], check=True)
    return python


@dataclass
class Server:
    """A server in a process of its own, and the URL of one tile."""

    name: str
    command: list[str]
    env: dict[str, str]
    ready_path: str
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Any = None

    def start(self) -> None:
        """Start the process and wait until it answers `ready_path`.

        A command with `{port}` gets a free port; one without prints its base URL first.
        """
        self.port = free_port()
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, env={**os.environ, **self.env},
                                        stdout=subprocess.PIPE, stderr=self.log)
        if "{port}" not in self.command and self.process.stdout is not None:
            self.port = int(self.process.stdout.readline().decode().rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                err = self.log.read().decode(errors="replace")
                raise RuntimeError(f"{self.name} stopte: {err[-2000:]}")
            try:
                if httpx.get(self.base + self.ready_path, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} startte niet")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
            self.log.close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, tile: Tile) -> str:
        laag, z, x, y = tile
        if self.name == "tipg":
            table, props = LAYERS[laag]
            return (f"/collections/public.{table}/tiles/WebMercatorQuad/{z}/{x}/{y}"
                    f"?properties={props}")
        return f"/tiles/{laag}/{z}/{x}/{y}.pbf"


def ours(url: str) -> Server:
    """Our app with uvicorn (tests.support.serve) in a child process."""
    return Server("ons", [sys.executable, "-m", "benchmarks.tiles_benchmark", "--serve",
                          "--database-url", url], {}, "/health")


def tipg(url: str, python: Path) -> Server:
    """tipg on the same tables, with our tile extent and buffer."""
    env = {
        "DATABASE_URL": url,
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.koppelkans","public.buurtscore","public.warmtenet"]',
        "TIPG_TILE_RESOLUTION": "4096",
        "TIPG_TILE_BUFFER": "64",
        "TIPG_SET_MVT_LAYERNAME": "true",
        "TIPG_CATALOG_TTL": "3600",
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
    }
    return Server("tipg", [str(python), "-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1",
                           "--port", "{port}", "--log-level", "warning"], env, "/healthz")


@dataclass
class Pass:
    """Milliseconds per tile of one pass, and how many tiles had data."""

    ms: list[float]
    filled: int

    def pct(self, p: float) -> float:
        """The p-th percentile (nearest rank)."""
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


@dataclass
class Round:
    """One round of one server: cold and warm pass, warm tiles per second alone and in parallel."""

    cold: Pass
    warm: Pass
    warm_per_s: float
    parallel_per_s: float


def get_tile(client: httpx.Client, server: Server, tile: Tile) -> bool:
    """Whether the tile has data; raises on anything but 200 or 204."""
    r = client.get(server.url(tile))
    if r.status_code not in (200, 204):
        raise RuntimeError(f"{server.name} {server.url(tile)}: {r.status_code} {r.text[:200]}")
    return r.status_code == 200 and len(r.content) > 0


def run_pass(client: httpx.Client, server: Server, tiles: list[Tile]) -> tuple[Pass, float]:
    """Every tile once, one request at a time; the pass and tiles per second."""
    ms: list[float] = []
    filled = 0
    started = time.perf_counter()
    for tile in tiles:
        t0 = time.perf_counter()
        filled += get_tile(client, server, tile)
        ms.append((time.perf_counter() - t0) * 1000)
    return Pass(ms, filled), len(tiles) / (time.perf_counter() - started)


def run_parallel(client: httpx.Client, server: Server, tiles: list[Tile]) -> float:
    """Tiles per second with PARALLEL requests at a time, as a browser asks for a map view."""
    started = time.perf_counter()
    with ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(lambda tile: get_tile(client, server, tile), tiles))
    return len(tiles) / (time.perf_counter() - started)


def run_round(server: Server, tiles: list[Tile]) -> Round:
    """Restart the server; the cold pass, the warm pass, and the warm tiles in parallel."""
    server.start()
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            cold, _ = run_pass(client, server, tiles)
            warm, warm_per_s = run_pass(client, server, tiles)
            return Round(cold, warm, warm_per_s, run_parallel(client, server, tiles))
    finally:
        server.stop()


def serve_forever(url: str) -> None:
    """The child process of `ours`: prints its base URL, serves until terminated."""
    import signal

    from app.config import Settings
    from app.main import create_app
    from tests.support import serve

    base, stop = serve(create_app(Settings.model_validate({"DATABASE_URL": url})))
    print(base, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    while True:
        time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--scale", type=float, default=12.5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=7, help="rondes per server (afwisselend)")
    parser.add_argument("--reuse", action="store_true", help="laad niet opnieuw")
    parser.add_argument("--tipg-venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever(args.database_url)
        return

    print("$ " + shlex.join([".venv/bin/python", "-m", "benchmarks.tiles_benchmark",
                             *sys.argv[1:]]))
    python = ensure_tipg(args.tipg_venv)
    if not args.reuse:
        print(f"Laden (schaal {args.scale}) … ", end="", flush=True)
        print(f"{load(args.database_url, args.scale, args.seed):.0f} s")
    tiles = pick_tiles(city_bbox(args.database_url))
    print(f"Tegels: {len(tiles)} ({len(tiles) // len(LAYERS)} over zoom 12–16 voor elk van "
          f"{', '.join(LAYERS)}), {args.rounds} rondes per server, afwisselend; "
          f"ms per tegel, tegels per seconde")
    servers = [ours(args.database_url), tipg(args.database_url, python)]
    results: dict[str, list[Round]] = {s.name: [] for s in servers}
    columns = (f"{'koud p50':>10}{'p95':>8}{'warm p50':>10}{'p95':>8}{'warm/s':>8}"
               f"{f'{PARALLEL}× /s':>8}")
    print(f"{'ronde':<7}{'server':<7}{columns}{'gevuld':>10}")
    for i in range(args.rounds):
        for server in servers:
            r = run_round(server, tiles)
            results[server.name].append(r)
            print(f"{i + 1:<7}{server.name:<7}{r.cold.pct(50):>10.1f}{r.cold.pct(95):>8.1f}"
                  f"{r.warm.pct(50):>10.1f}{r.warm.pct(95):>8.1f}{r.warm_per_s:>8.0f}"
                  f"{r.parallel_per_s:>8.0f}{r.cold.filled:>6}/{len(tiles)}", flush=True)

    def med(name: str, f: Callable[[Round], float]) -> float:
        return statistics.median(f(r) for r in results[name])

    def ratio(f: Callable[[Round], float]) -> float:
        pairs = zip(results["ons"], results["tipg"], strict=True)
        return statistics.median(f(o) / f(t) for o, t in pairs)

    print(f"\nMediaan over {args.rounds} rondes:")
    print(f"{'':<7}{'server':<7}{columns}")
    for name in results:
        print(f"{'':<7}{name:<7}{med(name, lambda r: r.cold.pct(50)):>10.1f}"
              f"{med(name, lambda r: r.cold.pct(95)):>8.1f}"
              f"{med(name, lambda r: r.warm.pct(50)):>10.1f}"
              f"{med(name, lambda r: r.warm.pct(95)):>8.1f}{med(name, lambda r: r.warm_per_s):>8.0f}"
              f"{med(name, lambda r: r.parallel_per_s):>8.0f}")
    print(f"\nons/tipg, mediaan van de verhouding per ronde: "
          f"koud p95 {ratio(lambda r: r.cold.pct(95)):.2f}× (doel ≤ 1,00×), "
          f"koud p50 {ratio(lambda r: r.cold.pct(50)):.2f}×, "
          f"warme doorvoer {ratio(lambda r: r.warm_per_s):.2f}× "
          f"({PARALLEL} tegelijk {ratio(lambda r: r.parallel_per_s):.2f}×)")


if __name__ == "__main__":
    main()
