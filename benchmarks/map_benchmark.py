"""How fast the map is for a whole city: page size, first render, all layers, tile latency.

Builds a synthetic municipality the size of 's-Hertogenbosch (about 150 buurten, 20 000 sewer
pipes, 2 000 heat-network sections, 15 000 green polygons, 20 000 trees, 10 000 grid cells)
with the demo generator at scale 12.5, loads it through the real importers and analysis into a
separate database, serves the app, and measures in headless Chromium (Debian's) and over HTTP.

    .venv/bin/python -m benchmarks.map_benchmark [--database-url URL] [--scale 12.5] [--reuse]

Prints figures; it is not a test. Targets: first render < 2 s, all layers < 4 s, tile p95 <
100 ms warm.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, text

from app.config import Settings, to_sqlalchemy_url
from app.main import create_app
from app.tiles.layers import TILE_LAYERS
from tests.support import fresh_database, load_demo
from tests.support import serve as serve_app

# Its own database: the import benchmark uses koppelkansen_bench, and this one empties its own.
DEFAULT_URL = "postgresql://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen_kaart_bench"
LAYERS = tuple(TILE_LAYERS)
DEFAULT_ON = ("buurten", "warmtenet", "koppelkansen")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def load(url: str, scale: float, seed: int) -> float:
    """A fresh database with the synthetic city, imported and analysed; seconds taken."""
    started = time.perf_counter()
    engine = fresh_database(to_sqlalchemy_url(url))
    with tempfile.TemporaryDirectory() as folder:
        load_demo(engine, Path(folder), seed=seed, scale=scale)
    engine.dispose()
    return time.perf_counter() - started


def counts(url: str) -> dict[str, Any]:
    """Rows per table and the number of heat-network sections of the latest analysis."""
    engine = create_engine(to_sqlalchemy_url(url))
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in ("buurt", "riolering", "warmtenet", "groen", "boom", "leefbaarometer",
                      "koppelkans"):
            out[table] = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        out["secties"] = conn.execute(text(
            "SELECT aantallen->>'secties' FROM analyse_run ORDER BY id DESC LIMIT 1")).scalar()
        box = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
            "ST_Transform(ST_SetSRID(ST_Extent(geom), 28992), 4326)::box2d AS e FROM buurt) s"
        )).one()
    engine.dispose()
    out["bbox"] = tuple(float(v) for v in box)
    return out


def serve(url: str) -> tuple[str, Any, Callable[[], None]]:
    """The app on a free port in a thread; returns base URL, the app and a function to stop it."""
    app = create_app(Settings(DATABASE_URL=url))
    base, stop = serve_app(app)
    return base, app, stop


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """XYZ tile containing a WGS84 point."""
    n = 2 ** z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def sample_tiles(bbox: tuple[float, ...], per_zoom: int = 16) -> list[tuple[int, int, int]]:
    """Tiles over the city at zooms 12–16, at most `per_zoom` per zoom, spread evenly."""
    tiles: list[tuple[int, int, int]] = []
    for z in range(12, 17):
        x0, y0 = tile_of(bbox[0], bbox[3], z)
        x1, y1 = tile_of(bbox[2], bbox[1], z)
        every = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
        step = max(1, len(every) // per_zoom)
        tiles += every[::step][:per_zoom]
    return tiles


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def tile_latency(base: str, app: Any, tiles: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """p50/p95 per layer, cold (empty tile cache) and warm (second request), and tile sizes."""
    rows = []
    with httpx.Client(base_url=base, timeout=60) as client:
        version = client.get("/tiles").json()["versie"]
        for laag in LAYERS:
            app.state.tile_cache.clear() if hasattr(app.state, "tile_cache") else None
            result: dict[str, Any] = {"laag": laag}
            for run in ("koud", "warm"):
                times, sizes = [], []
                for z, x, y in tiles:
                    t0 = time.perf_counter()
                    r = client.get(f"/tiles/{laag}/{z}/{x}/{y}.pbf?v={version}")
                    times.append((time.perf_counter() - t0) * 1000)
                    sizes.append(len(r.content))
                result[run] = (pct(times, 50), pct(times, 95), max(times))
                result["kb_gem"] = statistics.mean(sizes) / 1024
                result["kb_max"] = max(sizes) / 1024
            rows.append(result)
    return rows


WAIT = ("(kinds) => window.KK && kinds.every((k) => kkLayers[k] && kkLayers[k].status === "
        "'loaded' && KK.stats(k).features > 0) && (window.__alles = window.__alles || "
        "performance.now())")
FIRST = ("() => window.KK && Object.keys(kkLayers).some((k) => KK.stats(k).features > 0) && "
         "(window.__eerste = window.__eerste || performance.now())")


def browser_timings(base: str, hash_: str, kinds: tuple[str, ...], runs: int = 3) -> dict[str, Any]:
    """Median ms to the first drawn feature and until `kinds` are all drawn (fresh cache)."""
    firsts, alls = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                       else r.abort())
            page.goto(f"{base}/kaart?achtergrond=geen{hash_}")
            page.wait_for_function(FIRST, polling="raf", timeout=60_000)
            page.wait_for_function(WAIT, arg=list(kinds), polling="raf", timeout=60_000)
            firsts.append(page.evaluate("() => window.__eerste"))
            alls.append(page.evaluate("() => window.__alles"))
            context.close()
        browser.close()
    return {"eerste": statistics.median(firsts), "alles": statistics.median(alls)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--scale", type=float, default=12.5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true", help="laad niet opnieuw")
    args = parser.parse_args()

    if not args.reuse:
        print(f"Laden (schaal {args.scale}) … ", end="", flush=True)
        print(f"{load(args.database_url, args.scale, args.seed):.0f} s")
    n = counts(args.database_url)
    print("Gegevens: " + ", ".join(f"{k} {v}" for k, v in n.items() if k != "bbox"))
    base, app, stop = serve(args.database_url)
    try:
        html = httpx.get(f"{base}/kaart").content
        print(f"\nHTML van /kaart: {len(html) / 1024:.1f} KB")
        lon, lat = (n["bbox"][0] + n["bbox"][2]) / 2, (n["bbox"][1] + n["bbox"][3]) / 2
        scenarios = [
            ("hele stad, standaardlagen", "", DEFAULT_ON),
            ("hele stad, alle lagen", f"#kaart=13/{lat:.5f}/{lon:.5f}&lagen=" + ",".join(
                k for k in LAYERS if k != "boom"), tuple(k for k in LAYERS if k != "boom")),
            ("wijk (z16), alle lagen", f"#kaart=16/{lat:.5f}/{lon:.5f}&lagen=" + ",".join(LAYERS),
             LAYERS),
        ]
        print(f"\n{'Browser (1366×768, mediaan van 3)':<36}{'eerste beeld':>14}{'alle lagen':>12}")
        for name, hash_, kinds in scenarios:
            t = browser_timings(base, hash_, kinds)
            print(f"{name:<36}{t['eerste']:>11.0f} ms{t['alles']:>9.0f} ms")
        tiles = sample_tiles(n["bbox"])
        print(f"\nTegels: {len(tiles)} per laag over zoom 12–16 (HTTP, één client)")
        print(f"{'laag':<16}{'koud p50':>10}{'p95':>8}{'max':>8}{'warm p50':>10}{'p95':>8}"
              f"{'gem KB':>8}{'max KB':>8}")
        for r in tile_latency(base, app, tiles):
            k, w = r["koud"], r["warm"]
            print(f"{r['laag']:<16}{k[0]:>10.1f}{k[1]:>8.1f}{k[2]:>8.1f}{w[0]:>10.1f}{w[1]:>8.1f}"
                  f"{r['kb_gem']:>8.1f}{r['kb_max']:>8.1f}")
    finally:
        stop()


if __name__ == "__main__":
    main()
