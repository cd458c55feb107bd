"""The two phases of a run as tasks: one partition's rules, one gemeente's ranking.

Each task is a plain function of picklable arguments, so it runs in this process or on a Dask
worker alike. It connects to PostGIS itself, reads only its part inside the run's exported
snapshot (every task sees the same data, whatever is imported meanwhile), and COPYs what it
computed into the run's staging tables (app.analyse.staging).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text

import geopandas as gpd
import shapely

from app.analyse.staging import Staging
from app.bulk import copy_frame
from app.db import make_engine
from app.layers.service import read_layer
from geo.analysis import analyse_local, riool_onbekend
from geo.dekking import Beoordeling
from geo.params import RuleParams
from geo.partition import Box, Partitie, envelope, halo_m
from geo.ranking import score_buurten
from geo.results import midpoints
from geo.schema import BUURTSCORE_COLUMNS, CRS, KANS_COLUMNS
from geo.sections import split_sections

_SNAPSHOT = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")
_IN_BOX = "t.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 28992)"


@dataclass(frozen=True)
class Opdracht:
    """What every task of one run needs; sent once to every worker."""

    database_url: str
    snapshot: str
    staging: Staging
    params: RuleParams
    peiljaar: int
    lbm_jaar: int | None
    laag_leeg: dict[str, bool]
    dekking: dict[str, shapely.Geometry | None]
    werk_geladen: bool = False     # a werk layer weighs m_r5 in the ranking (RULES.md §9)


@functools.cache
def _engine(url: str) -> Engine:
    """One engine per process and database (a Dask worker runs many tasks)."""
    return make_engine(url)


@contextmanager
def in_snapshot(engine: Engine, snapshot: str) -> Iterator[Connection]:
    """A read-only transaction that sees exactly what the run's snapshot saw."""
    if not _SNAPSHOT.match(snapshot):
        raise ValueError(f"Ongeldige snapshot '{snapshot}'.")
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, \
            conn.begin():
        conn.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
        yield conn


def _box(box: Box) -> dict[str, float]:
    return dict(zip(("x0", "y0", "x1", "y1"), box, strict=True))


def _union(a: Box, b: Box | None) -> Box:
    """The box around two boxes."""
    if b is None:
        return a
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _extent(conn: Connection, laag: str, box: dict[str, float]) -> np.ndarray:
    """The box around the features of `laag` meeting `box`, as one geometry (none: empty)."""
    row = conn.execute(text(
        f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
        f"ST_Extent(t.geom)::geometry AS e FROM {laag} t WHERE {_IN_BOX}) s"), box).one()
    if row[0] is None:
        return np.zeros(0, dtype=object)
    return np.array([shapely.box(*row)], dtype=object)


def _lbm(conn: Connection, box: Box, jaar: int | None) -> gpd.GeoDataFrame:
    """The Leefbaarometer cells of the run's year in the box (none without a year)."""
    if jaar is None:
        return read_layer(conn, "leefbaarometer", "false")
    return read_layer(conn, "leefbaarometer", f"{_IN_BOX} AND t.jaar = :jaar",
                      {**_box(box), "jaar": jaar})


def _deel(partitie: Partitie, leesgebied: Box | None, *, secties: int = 0, kansen: int = 0,
          beoordeling: dict[str, list[int]] | None = None) -> dict[str, Any]:
    """What the rules phase keeps of a partition (analyse_partitie): counts and areas read."""
    return {"sleutel": partitie.key, "gemeentecode": partitie.gemeentecode, "box": partitie.box,
            "leesgebied": leesgebied, "secties": secties, "kansen": kansen,
            "beoordeling": beoordeling or {}}


def rules_task(opdracht: Opdracht, partitie: Partitie) -> dict[str, Any]:
    """The rules over what `partitie` owns, into staging; returns its counts and read area."""
    params = opdracht.params
    engine = _engine(opdracht.database_url)
    with in_snapshot(engine, opdracht.snapshot) as conn:
        in_box = _box(partitie.box)
        warmtenet = read_layer(conn, "warmtenet", _IN_BOX, in_box)
        pipes = read_layer(conn, "riolering", _IN_BOX, in_box)
        # Works whose units may lie here (RULES.md §9): analyse_local decides which it owns;
        # context is read around their whole extent (one row), so every unit it owns has it.
        werken = _extent(conn, "werk", in_box)
        secties = split_sections(warmtenet, params.sectie_m)
        sec_geoms, pipe_geoms = secties.geometry.to_numpy(), pipes.geometry.to_numpy()
        sec_mid, pipe_mid = midpoints(sec_geoms), midpoints(pipe_geoms)
        # Units whose midpoint lies in the tile, then (with the buurten under them) those of
        # the partition's gemeente: only around these is context read.
        sec_here, pipe_here = partitie.in_tile(sec_mid), partitie.in_tile(pipe_mid)
        if partitie.gemeentecode is not None and (sec_here.any() or pipe_here.any()):
            under = envelope(np.concatenate([sec_mid[sec_here], pipe_mid[pipe_here]]), 0.0)
            assert under is not None
            buurt = read_layer(conn, "buurt", _IN_BOX, _box(under))
            sec_here[sec_here] = partitie.owns(sec_mid[sec_here], buurt)
            pipe_here[pipe_here] = partitie.owns(pipe_mid[pipe_here], buurt)
        area = envelope(np.concatenate([sec_geoms[sec_here], pipe_geoms[pipe_here], werken]),
                        halo_m(params))
        if area is None:
            return _deel(partitie, None)
        around = _box(area)
        lines = warmtenet[warmtenet["id"].isin(secties.loc[sec_here, "warmtenet_id"])]
        riolering = read_layer(conn, "riolering", _IN_BOX, around)
        werk = read_layer(conn, "werk", _IN_BOX, around)
        # Buurten under every unit read, not only the owned ones: the rules decide ownership
        # again for all of them, and a unit of another gemeente must not look like the rest.
        under = envelope(np.concatenate([riolering.geometry.to_numpy(),
                                         lines.geometry.to_numpy(),
                                         werk.geometry.to_numpy()]), 0.0)
        layers = {
            "buurt": read_layer(conn, "buurt", _IN_BOX, _box(_union(area, under))),
            "warmtenet": lines.reset_index(drop=True),
            "riolering": riolering,
            "groen": read_layer(conn, "groen", _IN_BOX, around),
            "boom": read_layer(conn, "boom", _IN_BOX, around),
            "leefbaarometer": _lbm(conn, area, opdracht.lbm_jaar),
            "straat": read_layer(conn, "straat", _IN_BOX, around),
            "werk": werk,
        }
    lokaal = analyse_local(**layers, dekking=opdracht.dekking, params=params,
                           peiljaar=opdracht.peiljaar, partitie=partitie,
                           laag_leeg=opdracht.laag_leeg)
    stage = opdracht.staging
    with engine.begin() as conn:
        copy_frame(conn, stage.kans, lokaal.kansen, KANS_COLUMNS,
                   constants={"partitie": partitie.key, "run_id": 0})
        copy_frame(conn, stage.due, lokaal.riool_due, ("riolering_id", "due_jaar", "buurtcode"),
                   constants={"partitie": partitie.key, "run_id": 0})
        for regel, record in lokaal.beoordeling.items():
            units = gpd.GeoDataFrame({"eenheid_id": record.niet_beoordeeld_ids},
                                     geometry=record.niet_beoordeeld_geoms, crs=CRS)
            copy_frame(conn, stage.niet_beoordeeld, units, ("eenheid_id",),
                       constants={"regel": regel, "partitie": partitie.key, "run_id": 0})
    return _deel(partitie, area, secties=len(lokaal.secties), kansen=len(lokaal.kansen),
                 beoordeling={regel: [b.beoordeeld, b.niet_beoordeeld]
                              for regel, b in lokaal.beoordeling.items()})


def ranking_task(opdracht: Opdracht, buurtcodes: list[str],
                 redenen: dict[str, str | None]) -> int:
    """Score and rank the buurten of one gemeente (RULES.md §10) into staging.

    `redenen`: per rule why units were not judged in the whole run (RULES.md §8).
    """
    engine = _engine(opdracht.database_url)
    stage = opdracht.staging
    with in_snapshot(engine, opdracht.snapshot) as conn:
        buurt = read_layer(conn, "buurt", "t.buurtcode = ANY(:codes)", {"codes": buurtcodes})
        area = envelope(buurt.geometry.to_numpy(), 0.0)
        assert area is not None  # every buurt has a geometry (NOT NULL)
        cells = _lbm(conn, area, opdracht.lbm_jaar)
    around = _box(area)
    with engine.connect() as conn:
        kansen = gpd.read_postgis(
            text(f"SELECT regel, regelcode, buurtcode, geom FROM {stage.kans} t WHERE {_IN_BOX} "
                 'ORDER BY regel COLLATE "C", kans_id COLLATE "C"'),
            conn, geom_col="geom", crs=CRS, params=around)
        due = pd.read_sql(
            text(f"SELECT due_jaar, buurtcode FROM {stage.due} "
                 "WHERE due_jaar IS NULL AND buurtcode = ANY(:codes)"),
            conn, params={"codes": buurtcodes})
        units = gpd.read_postgis(
            text(f"SELECT regel, eenheid_id, geom FROM {stage.niet_beoordeeld} t "
                 f'WHERE {_IN_BOX} ORDER BY regel, eenheid_id COLLATE "C"'),
            conn, geom_col="geom", crs=CRS, params=around)
    niet_beoordeeld = {
        regel: Beoordeling(regel=regel, beoordeeld=0, niet_beoordeeld=len(rows),
                           reden=redenen.get(regel),
                           niet_beoordeeld_geoms=rows.geometry.to_numpy(),
                           niet_beoordeeld_ids=rows["eenheid_id"].to_numpy(dtype=object))
        for regel, rows in units.groupby("regel", sort=True)
    }
    scores = score_buurten(buurt, kansen, cells, riool_onbekend(due), opdracht.params,
                           niet_beoordeeld, werk_geladen=opdracht.werk_geladen)
    with engine.begin() as conn:
        copy_frame(conn, stage.score, scores, BUURTSCORE_COLUMNS, constants={"run_id": 0})
    return len(scores)
