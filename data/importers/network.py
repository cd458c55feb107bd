"""Overlapping heat-network routes (one path per connected building) merged into one network.

Model output often routes every connection from the source over the street network, so a
street shared by 300 connections appears 300 times. Before sections are made the paths are cut
into their straight segments, identical segments (coordinates rounded to `ROUND_M`) kept once,
the rest noded (shapely.union_all, which also catches partial overlaps) and merged into edges
between junctions (shapely.line_merge). Paths are merged per (status, start_jaar, eind_jaar), so
a planned and an existing route are never mixed; the name is not part of that key: paths with
different names that share a street become one edge, which takes the most common name of the
paths through it.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.report import ImportReport

ROUND_M = 0.001
OVERLAP_SHARE = 0.01  # merge when the paths are > 1 % longer than their union
GROUP_COLUMNS = ("status", "start_jaar", "eind_jaar")  # merged per these; naam is not a key


def unique_segments(geoms: np.ndarray, decimals: int = 3) -> np.ndarray:
    """Straight segments (n × 2 × 2) of lines in a metric CRS, each undirected segment once."""
    coords, part = shapely.get_coordinates(shapely.get_parts(geoms), return_index=True)
    coords = np.round(coords, decimals)
    same = part[1:] == part[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    flip = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    start = np.where(flip[:, None], b, a)
    end = np.where(flip[:, None], a, b)
    segments = np.hstack([start, end])
    segments = segments[(segments[:, 0] != segments[:, 2]) | (segments[:, 1] != segments[:, 3])]
    return np.unique(segments, axis=0).reshape(-1, 2, 2)


def network_edges(geoms: np.ndarray) -> np.ndarray:
    """Edges between junctions of the union of lines (metric CRS): overlaps counted once."""
    segments = unique_segments(geoms)
    if not len(segments):
        return np.array([], dtype=object)
    noded = shapely.union_all(shapely.linestrings(segments))  # nodes partial overlaps
    merged = shapely.line_merge(noded)
    return shapely.get_parts(merged)


def _edge_id(edge: shapely.LineString, group: tuple[object, ...]) -> str:
    """Stable id: sha1 of the rounded coordinates (one fixed direction) and the group values."""
    coords = np.round(shapely.get_coordinates(edge), 2)
    if tuple(coords[-1]) < tuple(coords[0]):
        coords = coords[::-1]
    text = "|".join(str(v) for v in group) + "|" + ";".join(f"{x:.2f},{y:.2f}" for x, y in coords)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def overlap_share(geoms: np.ndarray) -> tuple[float, float]:
    """Sum of lengths and length of the union (metric CRS)."""
    total = float(shapely.length(geoms).sum())
    union = float(shapely.length(shapely.linestrings(unique_segments(geoms))).sum())
    return total, union


def _names(edges: np.ndarray, paths: gpd.GeoDataFrame) -> list[object]:
    """Per edge the most common `naam` of the paths running through its midpoint."""
    if paths["naam"].isna().all():
        return [None] * len(edges)
    mid = shapely.line_interpolate_point(edges, 0.5, normalized=True)
    edge_i, path_i = shapely.STRtree(paths.geometry.values).query(mid, "dwithin", 0.01)
    names = pd.Series(paths["naam"].to_numpy()[path_i], index=edge_i).dropna()
    mode = names.groupby(level=0).agg(lambda s: s.value_counts().index[0])
    return [mode.get(i) for i in range(len(edges))]


def merge_overlapping(gdf: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Warmtenet lines (EPSG:28992) as network edges when they overlap; otherwise unchanged.

    Overlap is measured over all lines; merging is done per (status, start_jaar, eind_jaar), and
    an edge takes the most common name of the paths through it.
    """
    if gdf.empty:
        return gdf
    total, union = overlap_share(gdf.geometry.values)
    if total - union <= OVERLAP_SHARE * total:
        report.meldingen.append(
            f"Tracés gecontroleerd op overlap: som van de lengtes {_km(total)}, lengte van de "
            f"vereniging {_km(union)} (verschil ≤ 1 %): niet samengevoegd."
        )
        return gdf
    group_cols = list(GROUP_COLUMNS)
    groups = gdf[group_cols].astype(object).where(gdf[group_cols].notna(), None)
    keys = pd.Series(list(map(tuple, groups.to_numpy())), index=gdf.index)
    pieces = []
    for key, index in keys.groupby(keys, sort=False).groups.items():
        paths = gdf.loc[index]
        edges = network_edges(paths.geometry.values)
        piece = pd.DataFrame({c: [paths[c].iloc[0]] * len(edges) for c in group_cols})
        piece["naam"] = _names(edges, paths)
        piece["id"] = [_edge_id(e, key) for e in edges]
        pieces.append(gpd.GeoDataFrame(piece, geometry=list(edges), crs=gdf.crs))
    out = gpd.GeoDataFrame(pd.concat(pieces, ignore_index=True), geometry="geometry",
                           crs=gdf.crs)
    for column in ("start_jaar", "eind_jaar"):
        out[column] = out[column].astype("Int64")
    after = float(out.length.sum())
    report.meldingen.append(
        f"Overlappende tracés samengevoegd tot één netwerk (de paden zijn samen "
        f"{_km(total)}, hun vereniging {_km(union)}): {len(gdf)} paden werden {len(out)} "
        f"netwerkdelen tussen knooppunten; lengte {_km(total)} → {_km(after)}. Gedeelde straten "
        "tellen één keer; de id van een deel is de sha1 van zijn afgeronde coördinaten."
    )
    report.normalised({"warmtenet: paden samengevoegd tot netwerkdelen": len(gdf)})
    return out


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f} km".replace(".", ",")
