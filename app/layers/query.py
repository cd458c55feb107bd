"""Source layers as GeoJSON pages for the API and the map."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.analyse.facts import RIOOL_DUE_COLUMN, RIOOL_DUE_JOIN
from app.deps import BBox, Page
from app.geojson import bbox_condition, bbox_params, features
from app.layers.service import check_layer
from geo.schema import LAYER_COLUMNS, LAYERS


def layer_page(
    session: Session, *, laag: str, bbox: BBox | None, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """One page of a source layer (optionally within a bbox) and the number matching."""
    check_layer(laag)
    columns = ", ".join(f"t.{c}" for c in LAYER_COLUMNS[laag])
    extra, source, params = "", f"{laag} t", bbox_params(bbox)
    if laag == "riolering":
        extra, source = f", {RIOOL_DUE_COLUMN}", RIOOL_DUE_JOIN
    where = f" WHERE {bbox_condition('t.geom')}" if bbox else ""
    order = ("t.buurtcode" if laag == "buurt"
             else ("t.grid_id, t.jaar" if laag == "leefbaarometer" else "t.id"))
    total = session.execute(text(f"SELECT count(*) FROM {laag} t{where}"), params).scalar_one()
    select = (f"SELECT {columns}{extra}, ST_Transform(t.geom, 4326) AS geom FROM {source}{where} "
              f"ORDER BY {order} LIMIT :limit OFFSET :offset")
    feats = features(session, select, {**params, "limit": page.limit, "offset": page.offset})
    return feats, total


def list_imports(session: Session) -> list[dict[str, Any]]:
    """Every import, newest first: file, checksum, time, counts, CRS and mapping."""
    rows = session.execute(text(
        "SELECT id, laag, bestand, bron, sha256, preset, created_at, gelezen, geladen, overgeslagen, "
        "vervangen, rapport -> 'crs_bron' AS crs_bron, rapport -> 'mapping' AS mapping "
        "FROM import_run ORDER BY id DESC")).mappings()
    return [dict(r) for r in rows]


def layers_with_own_data(engine: Engine, *, demo_prefix: str) -> list[str]:
    """Layers holding features that did not come from a demo import (file name prefix)."""
    own: list[str] = []
    with engine.connect() as conn:
        for laag in LAYERS:
            found = conn.execute(text(
                f"SELECT 1 FROM {laag} l LEFT JOIN import_run i ON i.id = l.import_id "
                "WHERE i.bestand IS NULL OR i.bestand NOT LIKE :prefix LIMIT 1"),
                {"prefix": demo_prefix + "%"}).first()
            if found:
                own.append(laag)
    return own
