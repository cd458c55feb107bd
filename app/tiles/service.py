"""Vector tiles built by PostGIS (ST_AsMVT), their version for caching, and a small LRU."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import BadRequest
from app.tiles.layers import MAX_ZOOM, TileLayer, get_tile_layer, tile_sql

# Bump when the content of a tile changes for the same data (columns, simplification).
TILE_SCHEMA = 2  # 2: due years and the Leefbaarometer year read from the analysis


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


_VERSION_SQL = text(
    "SELECT r.id, r.created_at, i.id, i.created_at FROM "
    "(SELECT 1) one "
    "LEFT JOIN (SELECT id, created_at FROM analyse_run ORDER BY id DESC LIMIT 1) r ON true "
    "LEFT JOIN (SELECT id, created_at FROM import_run ORDER BY id DESC LIMIT 1) i ON true"
)


def tile_version(session: Session) -> str:
    """A token that changes with every new import or analysis (and with the tile schema).

    Ids start again at 1 in a rebuilt database, so the times of the latest analysis and import
    are part of it too: a rebuild never gives the version (and the cached tiles) of before.
    """
    run_id, run_at, import_id, import_at = session.execute(_VERSION_SQL).one()
    version = f"{TILE_SCHEMA}-{run_id or 0}-{import_id or 0}"
    if run_at is None and import_at is None:
        return version
    stamp = hashlib.sha256(f"{run_at}|{import_at}".encode()).hexdigest()[:8]
    return f"{version}-{stamp}"


def render_tile(session: Session, *, layer: TileLayer, key: TileKey) -> bytes:
    """The Mapbox Vector Tile of one tile; b'' when nothing falls in it."""
    if key.z < layer.minzoom:
        return b""
    params: dict[str, object] = {"z": key.z, "x": key.x, "y": key.y}
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
