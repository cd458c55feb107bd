"""Leefbaarometer 3.0 grid scores for the demo town: 100 m cells keyed by grid_id."""

from __future__ import annotations

import numpy as np
import pandas as pd

import shapely

from data.demo_town import BEDRIJF, NAOORLOGS, NIEUW, OUD, WATER, Town

JAAR = 2022
OUD_JAAR = 2020
LANDELIJK = 4.18  # lbm = LANDELIJK + afw
# Upper bounds of the classes 1..8 on `afw` (class 9 above the last one); the demo's own
# boundaries, stated in LEESMIJ.txt.
KLASSE_GRENZEN = (-0.40, -0.30, -0.20, -0.10, -0.02, 0.06, 0.14, 0.24)
DIMENSIES = ("fys", "onv", "soc", "vrz", "won")
DIM_SCHAAL = 0.4  # dimension classes use the same boundaries times this factor
WEAK_SPILL_M = 80.0  # weak scores reach this far beyond a weak buurt (cells straddling it)
_KIND_MEAN = {OUD: 0.10, NAOORLOGS: 0.02, NIEUW: 0.12, BEDRIJF: 0.0, WATER: 0.05}


def klasse(afw: np.ndarray, schaal: float = 1.0) -> np.ndarray:
    """Class 1-9 of a score with the demo boundaries."""
    return np.searchsorted(np.array(KLASSE_GRENZEN) * schaal, afw, side="right") + 1


def _afw_in_class(rng: np.random.Generator, k: np.ndarray) -> np.ndarray:
    """A score drawn inside class k (a margin keeps rounding from changing the class)."""
    edges = np.concatenate([[-0.55], KLASSE_GRENZEN, [0.40]])
    lo, hi = edges[k - 1] + 0.002, edges[k] - 0.002
    return np.asarray(rng.uniform(lo, hi))


def _scores(rng: np.random.Generator, xy: np.ndarray, kind: np.ndarray, low: np.ndarray,
            dominant: np.ndarray) -> pd.DataFrame:
    """Scores for cells: classes 2-4 where `low`, otherwise mostly 5-8."""
    n = len(xy)
    phase = rng.uniform(0, 2 * np.pi, 4)
    wave = 0.04 * (np.sin(xy[:, 0] / 700 + phase[0]) + np.sin(xy[:, 1] / 900 + phase[1])
                   + np.sin((xy[:, 0] + xy[:, 1]) / 1300 + phase[2]))
    field = np.array([_KIND_MEAN[k] for k in kind]) + wave + rng.normal(0, 0.03, n)
    k = np.clip(klasse(field), 5, 9)
    k[(k == 9) & (rng.random(n) < 0.6)] = 8
    k[rng.random(n) < 0.01] = 4
    k[low] = rng.choice([2, 3, 4], int(low.sum()), p=[0.2, 0.4, 0.4])
    afw = _afw_in_class(rng, k)

    alpha = np.full((n, 5), 2.0)
    has_dom = dominant >= 0
    alpha[np.flatnonzero(has_dom), dominant[has_dom]] = 9.0
    share = rng.gamma(alpha)
    share /= share.sum(axis=1, keepdims=True)
    # In good cells the dominant weakness should not dominate: a positive afw spread evenly.
    noise = rng.normal(0, 0.015, (n, 5))
    noise -= noise.mean(axis=1, keepdims=True)
    dims = afw[:, None] * share + noise
    out = pd.DataFrame({"lbm": LANDELIJK + afw, "afw": afw})
    for i, d in enumerate(DIMENSIES):
        out[d] = dims[:, i]
    out = out.round(4)
    out["kscore"] = k
    for d in DIMENSIES:
        out["k" + d] = klasse(out[d].to_numpy(), DIM_SCHAAL)
    return out


def leefbaarometer_frame(rng: np.random.Generator, town: Town) -> pd.DataFrame:
    """The grid CSV: every populated cell for JAAR, the western half also for OUD_JAAR."""
    x0, y0, x1, y1 = town.outline.bounds
    ex = np.arange(np.floor(x0 / 100), np.ceil(x1 / 100)).astype(int)
    ny_ = np.arange(np.floor(y0 / 100), np.ceil(y1 / 100)).astype(int)
    ge, gn = np.meshgrid(ex, ny_, indexing="ij")
    ge, gn = ge.ravel(), gn.ravel()
    cx, cy = ge * 100 + 50.0, gn * 100 + 50.0
    inside = shapely.contains_xy(town.outline, cx, cy)
    pts = shapely.points(cx, cy)
    buurt = np.full(len(cx), -1)
    for b, poly in enumerate(town.buurt_geom):
        buurt[(buurt < 0) & shapely.contains_xy(poly, cx, cy)] = b
    buurt[inside & (buurt < 0)] = 0
    keep = inside & (town.buurt_kind[buurt.clip(0)] != WATER)
    ge, gn, cx, cy, buurt, pts = ge[keep], gn[keep], cx[keep], cy[keep], buurt[keep], pts[keep]
    kind = town.buurt_kind[buurt]
    xy = np.stack([cx, cy], 1)

    weak = np.flatnonzero(town.buurt_weak)
    low = np.zeros(len(cx), bool)
    dominant = np.full(len(cx), -1)
    dims = rng.permutation(len(DIMENSIES))
    for i, wb in enumerate(weak):
        zone = shapely.dwithin(town.buurt_geom[wb], pts, WEAK_SPILL_M)
        low |= zone
        dominant[zone] = dims[i % len(dims)]
    now = _scores(rng, xy, kind, low, dominant)
    now.insert(0, "jaar", JAAR)
    now.insert(0, "grid_id", [f"E{e:04d}N{n:04d}" for e, n in zip(ge, gn, strict=True)])

    # 2020: the western half only, and one more buurt was weak then (it has improved since).
    west = cx < np.median(cx)
    low_old = low.copy()
    others = [b for b in range(len(town.buurt_geom)) if not town.buurt_weak[b]
              and town.buurt_kind[b] in (NAOORLOGS, OUD)]
    if others:
        extra = int(rng.choice(others))
        low_old |= buurt == extra
    old = _scores(rng, xy[west], kind[west], low_old[west], dominant[west])
    old.insert(0, "jaar", OUD_JAAR)
    old.insert(0, "grid_id", now["grid_id"].to_numpy()[west])
    table = pd.concat([now, old], ignore_index=True)
    return table.sort_values(["grid_id", "jaar"], kind="stable").reset_index(drop=True)
