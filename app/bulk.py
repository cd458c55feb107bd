"""Bulk writing of GeoDataFrames into PostGIS with COPY (no row-by-row inserts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from psycopg import sql
from sqlalchemy import Connection

import geopandas as gpd
import shapely


def _column_values(series: pd.Series) -> list[Any]:  # type: ignore[type-arg]
    """Plain Python values with every kind of missing value as None."""
    values = series.astype(object).where(series.notna(), None).tolist()
    return [v.item() if hasattr(v, "item") else v for v in values]


def copy_frame(
    conn: Connection,
    table: str,
    frame: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    srid: int = 28992,
) -> int:
    """COPY the given columns plus `geom` (EWKB) of frame into table; returns rows written."""
    if frame.empty:
        return 0
    raw = conn.connection.driver_connection
    assert raw is not None
    geoms = shapely.set_srid(frame.geometry.values, srid)
    wkb = shapely.to_wkb(geoms, hex=True, include_srid=True)
    values = [_column_values(frame[c]) for c in columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, [*columns, "geom"]))
    )
    with raw.cursor() as cur, cur.copy(statement) as copy:
        for i in range(len(frame)):
            copy.write_row([*(v[i] for v in values), wkb[i]])
    return len(frame)
