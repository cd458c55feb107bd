"""Demo data: a fictional Dutch municipality, written in the real source formats.

`generate_demo` builds the town "Lindewaarde" from a seed and writes one file per layer as the
real sources publish them (CBS buurten GeoPackage, supplier GeoJSON in WGS84, GWSW sewer
export, BGT green and trees, Leefbaarometer 3.0 grid CSV, NWB wegvakken, a plan export of
other parties' works), so the demo goes through the same importers as real data. The same seed
gives the same attribute values and geometries; the street and works layers (RULES.md §7, §9)
draw from random generators of their own, so the other layers are the same with or without them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import pyogrio
import shapely

from data.demo_groen import boom_frame, groen_frame
from data.demo_lbm import leefbaarometer_frame
from data.demo_leesmij import GLASVEZEL_FILE, routes_summary, werk_summary, write_leesmij
from data.demo_riool import riolering_frame
from data.demo_routes import plan_routes, warmtenet_frame
from data.demo_straat import link_frame, name_streets, straat_frame
from data.demo_town import (
    BEDRIJF,
    GEMEENTECODE,
    GEMEENTENAAM,
    NAOORLOGS,
    NIEUW,
    OUD,
    TOWN_CENTRE,
    WATER,
    Town,
    build_town,
    town_origin,
    town_size,
)
from data.demo_werk import (
    GLASVEZEL_MAP,
    GLASVEZEL_SET,
    glasvezel_frame,
    werk_frame,
)

FILES = {
    "buurt": ("buurten.gpkg", "buurten"),
    "warmtenet": ("warmtenet.geojson", None),
    "riolering": ("riolering.gpkg", "leidingen"),
    "groen": ("bgt_groen.gpkg", "begroeidterreindeel"),
    "boom": ("bgt_bomen.gpkg", "vegetatieobject"),
    "leefbaarometer": ("leefbaarometer_grid.csv", None),
    "straat": ("nwb_wegvakken.gpkg", "wegvakken"),
    "werk": ("geplande_werken.gpkg", "geplande_werken"),
}
DEKKING_FILE = "gemeentegrens.gpkg"
DEKKING_MARGE_M = 100.0
CBS_GEHEIM = -99999999
# `--gemeenten N`: towns side by side, this far apart (metres), inside the RD bounds the
# importers accept with at least this margin; one heat line of town k reaches this far into
# town k+1 when they share a row.
GEMEENTE_GAP_M = 1000.0
# The part of the RD box whose every point is also within the importers' WGS84 range
# (data/importers/crs.py WGS84_RANGE): the demo writes GeoJSON in WGS84 without a CRS, so a
# town further east or south would be refused (tests/data/test_demo_gemeenten.py checks it).
RD_GRENZEN = (13_000.0, 306_000.0, 278_000.0, 619_000.0)
RD_MARGE_M = 1000.0
GRENS_OVER_M = 400.0
_NAAM_BEGIN = ("Linde", "Eiken", "Beuken", "Wilgen", "Elzen", "Berken", "Essen", "Hazel",
               "Vlier", "Holle", "Rode", "Witte", "Hoge", "Lage", "Nieuw", "Oud")
_NAAM_EIND = ("waarde", "dam", "dijk", "veen", "horst", "broek", "hoven", "rode", "wolde",
              "zijl", "recht", "woude", "sloot", "kerk", "haven", "beek")
_DENSITY = {OUD: 7000, NAOORLOGS: 6000, NIEUW: 4500, BEDRIJF: 150, WATER: 20}  # per km²


@dataclass(frozen=True)
class ExtraFile:
    """A second file for a layer, imported next to the first (not replacing it), with the
    field mapping and fixed values a user would give (`--map`, `--set`)."""

    laag: str
    path: Path
    mapping: dict[str, str]
    values: dict[str, str]
    count: int


@dataclass(frozen=True)
class DemoFiles:
    """Where the demo files are: laag -> path, and laag -> layer name inside a GeoPackage."""

    paths: dict[str, Path]
    source_layers: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    # RULES.md §8: the BGT (groen, bomen) covers the whole gemeente, so those imports get the
    # gemeentegrens plus DEKKING_MARGE_M as dekking; the Leefbaarometer keeps its own cells
    # (no cell, no score).
    dekking: Path | None = None
    dekking_lagen: tuple[str, ...] = ()
    # Files that add to a layer after `paths` are imported (the glasvezel list for werk).
    extra: tuple[ExtraFile, ...] = ()


def generate_demo(out_dir: Path, *, seed: int = 42, scale: float = 1.0,
                  peiljaar: int = 2026, gemeenten: int = 1) -> DemoFiles:
    """Write the demo municipality to `out_dir` (created if needed); return the file locations.

    `scale` 1.0 gives about 12 buurten; counts grow roughly linearly with it. Geometry is written
    in EPSG:28992, except the heat network (GeoJSON, WGS84 as RFC 7946 demands).

    `gemeenten` N > 1 lays N towns side by side (rows west to east, wrapping north then south),
    each its own gemeente from its own seed; the first is exactly the single-town demo. Each
    town is written (appended) to the files before the next is made, so memory stays bounded
    by one town; only the small heat network is collected, because GeoJSON cannot be appended.
    """
    if scale <= 0:
        raise ValueError("scale moet groter dan 0 zijn.")
    centres = gemeente_centres(gemeenten, scale)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {laag: out_dir / name for laag, (name, _layer) in FILES.items()}
    layers = {laag: layer for laag, (_name, layer) in FILES.items() if layer is not None}
    dekking = out_dir / DEKKING_FILE
    glasvezel = out_dir / GLASVEZEL_FILE
    n_glasvezel = 0
    for path in [*paths.values(), dekking, glasvezel]:
        path.unlink(missing_ok=True)
    counts = dict.fromkeys(FILES, 0)
    warmte: list[gpd.GeoDataFrame] = []
    first: tuple[Town, list[str], list[str]] | None = None
    gemeente_regels: list[str] = []
    for t, centre in enumerate(centres):
        code, naam = gemeente_code(t), gemeente_naam(t)
        town_seed = seed if t == 0 else [seed, t]
        rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(town_seed).spawn(7)]
        town = build_town(rngs[0], scale, centre=centre, gemeentecode=code)
        routes = plan_routes(rngs[1], town, scale, peiljaar)
        frames: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {
            "buurt": buurt_frame(rngs[2], town, code, naam),
            "warmtenet": warmtenet_frame(town, routes),
            "riolering": riolering_frame(rngs[3], town, routes, peiljaar),
            "groen": groen_frame(rngs[4], town),
            "boom": boom_frame(rngs[5], town),
            "leefbaarometer": leefbaarometer_frame(rngs[6], town),
        }
        # Streets and works (RULES.md §7, §9) from generators of their own: the layers above
        # stay exactly what they were before these two existed.
        rngs_v2 = [np.random.default_rng(s)
                   for s in np.random.SeedSequence([seed, t, 7_001]).spawn(2)]
        streets = name_streets(rngs_v2[0], town)
        frames["straat"] = straat_frame(rngs_v2[0], town, streets, gemeentecode=code,
                                        gemeentenaam=naam)
        frames["werk"] = werk_frame(rngs_v2[1], town, streets, routes, scale=scale,
                                    peiljaar=peiljaar, gemeentenaam=naam)
        lijst = glasvezel_frame(rngs_v2[1], town, streets, scale=scale, peiljaar=peiljaar)
        if t > 0:
            lijst["Projectcode"] = [f"{code[2:]}-{c}" for c in lijst["Projectcode"]]
        lijst.to_csv(glasvezel, sep=";", index=False, lineterminator="\n",
                     mode="a" if t > 0 else "w", header=t == 0)
        n_glasvezel += len(lijst)
        if t > 0:
            _own_ids(frames, code)
        if t + 1 < len(centres) and centres[t + 1][1] == centre[1]:
            frames["warmtenet"], link = _across_border(frames["warmtenet"], town,
                                                       centres[t + 1], scale)
            weg = link_frame(link, first_id=int(code[2:]) * 1_000_000 + 999_000,
                             gemeentecode=code, gemeentenaam=naam,
                             naam=f"{gemeente_naam(t + 1)}seweg")
            frames["straat"] = pd.concat([frames["straat"], weg], ignore_index=True)
        if t == 0:
            first = (town, routes_summary(frames["warmtenet"]), werk_summary(frames["werk"]))
        for laag, frame in frames.items():
            counts[laag] += len(frame)
            if laag == "warmtenet":
                warmte.append(frame)
            elif isinstance(frame, gpd.GeoDataFrame):
                pyogrio.write_dataframe(frame, paths[laag], layer=layers[laag], driver="GPKG",
                                        append=t > 0)
            else:
                frame.to_csv(paths[laag], index=False, float_format="%.4f", lineterminator="\n",
                             mode="a" if t > 0 else "w", header=t == 0)
        # The BGT is exported for the gemeente plus a margin, so the ring road just outside the
        # outer buurten is covered too.
        grens = shapely.union_all(np.asarray(list(town.buurt_geom), dtype=object)).buffer(
            DEKKING_MARGE_M)
        pyogrio.write_dataframe(gpd.GeoDataFrame({"naam": [naam]}, geometry=[grens],
                                                 crs="EPSG:28992"), dekking, driver="GPKG",
                                append=t > 0)
        x, y = (f"{c:,.0f}".replace(",", " ") for c in centre)
        gemeente_regels.append(f"  {code}  {naam:<20} rond x {x}, y {y}")
        del town, routes, frames
    pyogrio.write_dataframe(pd.concat(warmte, ignore_index=True) if len(warmte) > 1 else warmte[0],
                            paths["warmtenet"], driver="GeoJSON", layer_options={"RFC7946": "YES"})
    assert first is not None
    write_leesmij(out_dir / "LEESMIJ.txt", first[0], first[1], first[2], counts,
                  seed=seed, scale=scale, peiljaar=peiljaar,
                  gemeenten=gemeente_regels if gemeenten > 1 else [])
    return DemoFiles(paths=paths, source_layers=layers, counts=counts, dekking=dekking,
                     dekking_lagen=("groen", "boom"),
                     extra=(ExtraFile("werk", glasvezel, GLASVEZEL_MAP, GLASVEZEL_SET,
                                      n_glasvezel),))


def gemeente_code(t: int) -> str:
    """Gemeentecode of town `t`: the single-town demo's GM0999 first, then GM0001, GM0002, ..."""
    if t == 0:
        return GEMEENTECODE
    number = t if t < int(GEMEENTECODE[2:]) else t + 1
    return f"GM{number:04d}"


def gemeente_naam(t: int) -> str:
    """Unique name of town `t`: Lindewaarde first, then made-up Dutch names."""
    if t == 0:
        return GEMEENTENAAM
    names = [b + e for b in _NAAM_BEGIN for e in _NAAM_EIND if b + e != GEMEENTENAAM]
    base = names[(t - 1) % len(names)]
    ronde = (t - 1) // len(names)
    return base if ronde == 0 else f"{base} {ronde + 1}"


def gemeente_centres(gemeenten: int, scale: float) -> list[tuple[float, float]]:
    """Town centres in RD: a grid of rows inside RD_GRENZEN, the first at TOWN_CENTRE, each next
    town east of the previous one, wrapping to the next row north (then south of the first)."""
    if gemeenten < 1:
        raise ValueError("gemeenten moet minstens 1 zijn.")
    if gemeenten > 9998:
        raise ValueError("Er zijn hoogstens 9998 demogemeenten (gemeentecodes GM0001-GM9999).")
    width, height = town_size(scale)
    pitch_x, pitch_y = width + GEMEENTE_GAP_M, height + GEMEENTE_GAP_M
    xmin, ymin, xmax, ymax = RD_GRENZEN

    def steps(centre: float, half: float, pitch: float, lo: float, hi: float) -> list[int]:
        down = math.floor((centre - half - RD_MARGE_M - lo) / pitch)
        up = math.floor((hi - RD_MARGE_M - half - centre) / pitch)
        return list(range(-down, up + 1))

    cols = steps(TOWN_CENTRE[0], width / 2 + 100, pitch_x, xmin, xmax)
    rows = steps(TOWN_CENTRE[1], height / 2 + 100, pitch_y, ymin, ymax)
    slots = [(r, m) for r in rows for m in cols]
    if gemeenten > len(slots):
        raise ValueError(f"Bij schaal {scale} passen hoogstens {len(slots)} gemeenten in "
                         "Nederland; kies een kleinere schaal of minder gemeenten.")
    start = slots.index((0, 0))
    slots = slots[start:] + slots[:start]
    return [(TOWN_CENTRE[0] + m * pitch_x, TOWN_CENTRE[1] + r * pitch_y)
            for r, m in slots[:gemeenten]]


def _own_ids(frames: dict[str, gpd.GeoDataFrame | pd.DataFrame], code: str) -> None:
    """Ids unique across towns: the gemeente in heat route ids, sewer names, BGT ids and works
    (NWB wegvak ids hold the gemeente number already)."""
    gm = code[2:]
    warmte = frames["warmtenet"]
    warmte["id"] = [f"WN{gm}-{rid.removeprefix('WN-')}" for rid in warmte["id"]]
    frames["riolering"]["Naam"] = [f"{gm}-{n}" for n in frames["riolering"]["Naam"]]
    old = "G" + GEMEENTECODE[2:]
    for laag in ("groen", "boom"):
        frame = frames[laag]
        frame["lokaalID"] = [f"G{gm}" + i.removeprefix(old) for i in frame["lokaalID"]]
        frame["bronhouder"] = f"G{gm}"
    frames["werk"]["id"] = [f"{gm}-{i}" for i in frames["werk"]["id"]]


def _across_border(warmte: gpd.GeoDataFrame, town: Town, next_centre: tuple[float, float],
                   scale: float) -> tuple[gpd.GeoDataFrame, shapely.LineString]:
    """Extend the easternmost heat route east into the next town (a line across the border);
    return the routes and the added line (it runs along a road between the towns)."""
    rd = warmte.to_crs("EPSG:28992")
    coords = [shapely.get_coordinates(g) for g in rd.geometry]
    k = int(np.argmax([c[:, 0].max() for c in coords]))
    px, py = coords[k][int(coords[k][:, 0].argmax())]
    nx0, ny0 = town_origin(next_centre, scale)
    _width, height = town_size(scale)
    y = float(np.clip(py, ny0 + 100, ny0 + height - 100))
    gap_x = float(town.nodes[:, 0].max()) + GEMEENTE_GAP_M / 2
    link = shapely.LineString([(px, py), (gap_x, py), (gap_x, y), (nx0 + GRENS_OVER_M, y)])
    parts = list(shapely.get_parts(rd.geometry.iloc[k])) + [link]
    line = shapely.transform(shapely.MultiLineString(parts), lambda c: np.round(c, 2))
    out = warmte.copy()
    out.loc[out.index[k], "geometry"] = gpd.GeoSeries([line], crs="EPSG:28992").to_crs(
        warmte.crs).iloc[0]
    return out, shapely.transform(link, lambda c: np.round(c, 2))


def buurt_frame(rng: np.random.Generator, town: Town, gemeentecode: str = GEMEENTECODE,
                gemeentenaam: str = GEMEENTENAAM) -> gpd.GeoDataFrame:
    """CBS Wijk- en Buurtkaart style buurten; one or two inhabitant counts are secret."""
    area_km2 = np.array([g.area for g in town.buurt_geom]) / 1e6
    density = np.array([_DENSITY[k] for k in town.buurt_kind], dtype=float)
    density[town.buurt_weak] *= 1.2
    inwoners = np.round(area_km2 * density * rng.uniform(0.8, 1.2, len(density)) / 5) * 5
    inwoners = inwoners.astype(np.int64)
    secret = list(np.flatnonzero(np.isin(town.buurt_kind, [WATER, BEDRIJF]))[:2])
    if not secret:
        secret = [len(inwoners) - 1]
    inwoners[secret] = CBS_GEHEIM
    return gpd.GeoDataFrame(
        {
            "buurtcode": town.buurt_code,
            "buurtnaam": town.buurt_name,
            "wijkcode": town.wijk_code,
            "wijknaam": town.wijk_name,
            "gemeentecode": gemeentecode,
            "gemeentenaam": gemeentenaam,
            "water": np.where(town.buurt_kind == WATER, "JA", "NEE"),
            "aantal_inwoners": inwoners,
        },
        geometry=list(town.buurt_geom),
        crs="EPSG:28992",
    )
