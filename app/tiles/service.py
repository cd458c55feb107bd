"""Vector tiles built by PostGIS (ST_AsMVT), their version for caching, and a small LRU."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.analyse.service import latest_run
from app.errors import BadRequest
from app.tiles.layers import MAX_ZOOM, TileLayer, get_tile_layer, tile_sql
from geo.params import RuleParams, params_from_dict

# Bump when the content of a tile changes for the same data (columns, simplification).
TILE_SCHEMA = 1


@dataclass(frozen=True)
class TileKey:
    """A checked tile address."""

    laag: str
    z: int
    x: int
    y: int


def check_tile(laag: str, z: int, x: int, y: int) -> tuple[TileLayer, TileKey]:
    """The layer and the address, or NotFound (layer) / BadRequest (z/x/y) in Dutch."""
    layer = get_tile_layer(laag)
    if not 0 <= z <= MAX_ZOOM:
        raise BadRequest(f"Zoomniveau {z} bestaat niet; gebruik 0 tot en met {MAX_ZOOM}.")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise BadRequest(
            f"Tegel {z}/{x}/{y} bestaat niet: x en y liggen op zoomniveau {z} tussen 0 en {n - 1}."
        )
    return layer, TileKey(laag, z, x, y)


def tile_version(session: Session) -> str:
    """A token that changes with every new import or analysis (and with the tile schema)."""
    run_id, import_id = session.execute(
        text("SELECT (SELECT max(id) FROM analyse_run), (SELECT max(id) FROM import_run)")
    ).one()
    return f"{TILE_SCHEMA}-{run_id or 0}-{import_id or 0}"


def render_tile(session: Session, *, layer: TileLayer, key: TileKey) -> bytes:
    """The Mapbox Vector Tile of one tile; b'' when nothing falls in it."""
    if key.z < layer.minzoom:
        return b""
    params: dict[str, object] = {"z": key.z, "x": key.x, "y": key.y}
    if layer.needs_due_year:
        run = latest_run(session)
        rule_params = params_from_dict(run["parameters"]) if run else RuleParams()
        params["levensduur"] = json.dumps(rule_params.levensduur)
        params["levensduur_overig"] = rule_params.levensduur_overig
    data = session.execute(text(tile_sql(layer)), params).scalar_one_or_none()
    return bytes(data) if data else b""


class TileCache:
    """Rendered tiles by (version, layer, z, x, y), least recently used out first.

    Keys carry the data version, so a new import or analysis never serves an old tile.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, TileKey], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, version: str, key: TileKey) -> bytes | None:
        """The cached tile, or None."""
        with self._lock:
            data = self._items.get((version, key))
            if data is not None:
                self._items.move_to_end((version, key))
            return data

    def put(self, version: str, key: TileKey, data: bytes) -> None:
        """Remember a tile, evicting the least recently used ones beyond max_bytes."""
        with self._lock:
            old = self._items.pop((version, key), None)
            if old is not None:
                self._size -= len(old)
            self._items[(version, key)] = data
            self._size += len(data)
            while self._size > self.max_bytes and self._items:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    def clear(self) -> None:
        """Forget every tile."""
        with self._lock:
            self._items.clear()
            self._size = 0
