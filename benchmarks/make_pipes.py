"""Write a GeoPackage of N synthetic sewer pipes with GWSW names (for the import benchmark)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import pyogrio
import shapely

MATERIALS = np.array(["Beton", "PVC-U", "Gres", "gewapend beton", "BET", "pvc", "Metselwerk"])
STELSELS = np.array(["GemengdStelsel", "VuilwaterStelsel", "HemelwaterStelsel", ""])


def make_pipes(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """n pipes of 30-80 m on a grid around Utrecht (EPSG:28992), GWSW attribute names."""
    rng = np.random.default_rng(seed)
    x0 = 130_000 + rng.uniform(0, 30_000, n)
    y0 = 450_000 + rng.uniform(0, 30_000, n)
    length = rng.uniform(30, 80, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    coords = np.stack([np.stack([x0, y0], 1),
                       np.stack([x0 + length * np.cos(angle), y0 + length * np.sin(angle)], 1)], 1)
    years = rng.integers(1930, 2016, n).astype(str)
    begindatum = np.char.add(years, "-01-01")
    begindatum[rng.random(n) < 0.05] = ""
    return gpd.GeoDataFrame(
        {
            "GUID": pd.Series(np.arange(n)).map("{:010d}".format).radd("leiding-"),
            "Begindatum": begindatum,
            "MateriaalLeiding": MATERIALS[rng.integers(0, len(MATERIALS), n)],
            "BreedteLeiding": rng.choice([250, 300, 400, 500, 800], n),
            "VormLeiding": "Rond",
            "LengteLeiding": length.round(2),
            "Stelsel": STELSELS[rng.integers(0, len(STELSELS), n)],
        },
        geometry=shapely.linestrings(coords),
        crs="EPSG:28992",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    frame = make_pipes(args.n)
    args.path.unlink(missing_ok=True)
    pyogrio.write_dataframe(frame, args.path, layer="leidingen", driver="GPKG")
    print(f"{len(frame)} leidingen geschreven naar {args.path}")


if __name__ == "__main__":
    main()
