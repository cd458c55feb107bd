"""OGC API Tiles: the dataset tile (every map layer in one SQL statement) against the same
layers' tiles rendered one by one, uncached (app.tiles.service.render_tile both).

Reads a database that holds an analysed municipality (scripts/start's, or any other) and takes
27 tiles around the middle of its results: a 3 × 3 block at zooms 13, 14 and 15. A round renders
all of them as dataset tiles (A), then layer by layer (B); rounds repeat A, B, A, B …. Prints
the medians over rounds and the median of the per-round ratios A/B.

    .venv/bin/python -m benchmarks.dataset_tiles_benchmark [--database-url URL] [--rounds 9]

Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import create_engine, text

from app.config import to_sqlalchemy_url
from app.ogc.tilesets import DATASET
from app.tiles.service import TileKey, render_tile
from benchmarks.tiles_benchmark import tile_of

DEFAULT_URL = "postgresql://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen"
_MIDDLE = text("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Transform(ST_SetSRID(ST_Centroid("
               "ST_Extent(geom)), 28992), 4326) c FROM koppelkans) x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    engine = create_engine(to_sqlalchemy_url(args.database_url))
    layers = DATASET.layers
    with engine.connect() as conn:
        lon, lat = conn.execute(_MIDDLE).one()
        tiles = []
        for z in (13, 14, 15):
            x, y = tile_of(lon, lat, z)
            tiles += [(z, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        together, apart, ratios = [], [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            for z, x, y in tiles:
                render_tile(conn, layers=layers, key=TileKey(DATASET.cache_name, z, x, y))
            together.append(time.perf_counter() - start)
            start = time.perf_counter()
            for z, x, y in tiles:
                for layer in layers:
                    render_tile(conn, layers=(layer,), key=TileKey(layer.naam, z, x, y))
            apart.append(time.perf_counter() - start)
            ratios.append(together[-1] / apart[-1])
    print(f"{len(tiles)} tegels × {len(layers)} lagen, {args.rounds} rondes")
    print(f"datasettegel (één SQL-opdracht): mediaan {statistics.median(together) * 1000:.0f} ms")
    print(f"laag voor laag:                  mediaan {statistics.median(apart) * 1000:.0f} ms")
    print(f"verhouding datasettegel / laag voor laag: mediaan {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
