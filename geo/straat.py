"""Street names of every result (RULES.md §7): straatnaam, straten, huisnummers.

Choices kept here (one place):
- A street segment counts for a result when it lies within straat_afstand_m of the result's
  geometry and shares a length > 0 with buffer(result, straat_afstand_m); segments without a
  name (null or blank) never count. The same measure serves line and polygon results.
- Shared lengths are summed per name in a fixed order (by segment id, then length), from 0.0
  one after the other, so a partition that reads other streets beyond reach gets the very same
  sums as the whole run.
- Lengths that agree to the micrometre are a tie: then the name that sorts first (Python string
  order) wins, for straatnaam and for the order of straten alike, so straatnaam leads straten.
- straten of a polygon result (no length to take 20 % of) is its straatnaam alone.
- huisnummers: the lowest and highest known huisnummer_van/huisnummer_tot (0 or null is none)
  of the counted segments of straatnaam.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import geopandas as gpd
import shapely

from geo._common import (
    EPS,
    KANS_DTYPES,
    QUAD_SEGS,
    STRAAT_COLUMNS,
    as_int64,
    cat,
    check_layer,
    texts,
    usable,
)
from geo.params import RuleParams

# Decimals (metres) to which shared lengths are compared: below a micrometre two lengths are
# equal, whatever the last bits of the buffer arithmetic say.
TIE_DECIMALS = 6

STRAAT_NEEDED = ("id", "straatnaam", "huisnummer_van", "huisnummer_tot")


def _named_streets(straat: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The usable linear street segments that have a name (not null, not blank)."""
    streets = usable(straat)
    names = texts(streets["straatnaam"])
    linear = shapely.get_dimensions(streets.geometry.to_numpy()) == 1
    keep = (np.strings.strip(names) != "") & linear
    return streets[keep].reset_index(drop=True)


def _pairs(geoms: np.ndarray, streets: gpd.GeoDataFrame,
           afstand_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(result, segment, shared length) of every segment within reach sharing length > 0,
    sorted by result, name, segment id and length (never by the tree's order)."""
    s_geoms = streets.geometry.to_numpy()
    present = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    none = np.zeros(0, dtype=np.intp)
    if len(present) == 0 or len(s_geoms) == 0:
        return none, none, np.zeros(0)
    pi, si = shapely.STRtree(s_geoms).query(geoms[present], predicate="dwithin",
                                            distance=afstand_m + EPS)
    if len(pi) == 0:
        return none, none, np.zeros(0)
    # One buffer per result that has a street near it.
    near, at = np.unique(pi, return_inverse=True)
    buffers = shapely.buffer(geoms[present[near]], afstand_m, quad_segs=QUAD_SEGS)
    shared = shapely.length(shapely.intersection(s_geoms[si], buffers[at]))
    ri = present[pi]
    keep = shared > 0
    ri, si, shared = ri[keep], si[keep], shared[keep]
    _, name_rank = np.unique(texts(streets["straatnaam"]), return_inverse=True)
    _, id_rank = np.unique(texts(streets["id"]), return_inverse=True)
    order = np.lexsort((shared, id_rank[si], name_rank[si], ri))
    return ri[order], si[order], shared[order]


def _run_starts(*keys: np.ndarray) -> np.ndarray:
    """Positions where a run of equal key tuples begins (keys sorted together)."""
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def _sum_runs(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per run (starting at `starts`) the sum of its values from 0.0, strictly in order."""
    total = np.zeros(len(starts))
    if len(starts) == 0:
        return total
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(values)]))
    rank = np.arange(len(values)) - starts[run]
    # One pass per position within a run: each run gains at most one value per pass.
    for k in range(int(rank.max()) + 1):
        sel = rank == k
        total[run[sel]] += values[sel]
    return total


def _joined(owner: np.ndarray, names: np.ndarray, n: int) -> np.ndarray:
    """Per owner 0..n-1 its names (owner sorted) joined by ', '; None without any."""
    out = np.full(n, None, dtype=object)
    if len(owner) == 0:
        return out
    starts = _run_starts(owner)
    offsets = pa.array(np.r_[starts, len(owner)].astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, pa.array(names.astype(str), type=pa.string()))
    out[owner[starts]] = pc.binary_join(lists, ", ").to_numpy(zero_copy_only=False)
    return out


def _huisnummers(ri: np.ndarray, si: np.ndarray, streets: gpd.GeoDataFrame,
                 n: int) -> np.ndarray:
    """Per result 0..n-1 'min–max' (or one number) over the known house numbers of the
    segments (ri, si); None where none is known."""
    out = np.full(n, None, dtype=object)
    van = as_int64(streets["huisnummer_van"].to_numpy()).to_numpy(dtype="float64",
                                                                  na_value=np.nan)
    tot = as_int64(streets["huisnummer_tot"].to_numpy()).to_numpy(dtype="float64",
                                                                  na_value=np.nan)
    owner = np.r_[ri, ri]
    values = np.r_[van[si], tot[si]]
    known = values > 0   # NaN compares False; 0 means no number (DATA.md)
    if not known.any():
        return out
    nummers = pd.DataFrame({"r": owner[known], "v": values[known].astype(np.int64)})
    bounds = nummers.groupby("r", sort=True)["v"].agg(["min", "max"])
    lo = bounds["min"].to_numpy().astype(str)
    hi = bounds["max"].to_numpy().astype(str)
    out[bounds.index.to_numpy()] = np.where(lo == hi, lo, cat(lo, "–", hi))
    return out


def name_streets(kansen: gpd.GeoDataFrame, straat: gpd.GeoDataFrame,
                 params: RuleParams) -> gpd.GeoDataFrame:
    """Street name, streets and house numbers of every result (RULES.md §7), the street put in
    front of its toelichting; kansen and straat in EPSG:28992, a new frame in EPSG:28992.

    `kansen` as geo.results.finish_kansen returns them (street columns null); a result with no
    named street within straat_afstand_m keeps null street columns and its toelichting.
    """
    check_layer(kansen, "koppelkansen", ("toelichting", *STRAAT_COLUMNS))
    check_layer(straat, "straat", STRAAT_NEEDED)
    out = kansen.copy()
    n = len(out)
    geoms = out.geometry.to_numpy()
    streets = _named_streets(straat)
    ri, si, shared = _pairs(geoms, streets, params.straat_afstand_m)

    names = texts(streets["straatnaam"])
    starts = _run_starts(ri, names[si])
    g_owner, g_name = ri[starts], names[si[starts]]
    g_length = _sum_runs(shared, starts)
    # Per result its names, longest first (to the micrometre), ties by name.
    order = np.lexsort((g_name, -np.round(g_length, TIE_DECIMALS), g_owner))
    g_owner, g_name, g_length = g_owner[order], g_name[order], g_length[order]
    first = _run_starts(g_owner)

    straatnaam = np.full(n, None, dtype=object)
    straatnaam[g_owner[first]] = g_name[first]
    area = shapely.get_dimensions(geoms) == 2
    length = shapely.length(geoms)
    reaches = g_length >= params.straten_aandeel * length[g_owner] - EPS
    chosen = np.zeros(len(g_owner), dtype=bool)
    chosen[first] = True
    listed = np.where(area[g_owner], chosen, reaches)
    straten = _joined(g_owner[listed], g_name[listed], n)

    # The segments of straatnaam that count give the house numbers.
    own = names[si] == straatnaam[ri]
    huisnummers = _huisnummers(ri[own], si[own], streets, n)

    named = straatnaam != None  # noqa: E711 (element-wise on an object array)
    label = np.where(huisnummers != None, cat(texts(straatnaam), " ", texts(huisnummers)),  # noqa: E711
                     texts(straatnaam))
    toelichting = texts(out["toelichting"])
    out["toelichting"] = pd.Series(np.where(named, cat(label, ": ", toelichting), toelichting),
                                   index=out.index, dtype=object).astype(KANS_DTYPES["toelichting"])
    for col, values in (("straatnaam", straatnaam), ("straten", straten),
                        ("huisnummers", huisnummers)):
        out[col] = pd.Series(values, index=out.index, dtype=object).astype(KANS_DTYPES[col])
    return out
