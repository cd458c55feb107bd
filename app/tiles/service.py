"""Vector tiles built by PostGIS (ST_AsMVT), their version for caching, and a small LRU."""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, TextClause, text
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


_VERSION_COLUMNS = "r.id, r.created_at, i.id, i.created_at"
_VERSION_FROM = (
    "(SELECT 1) one "
    "LEFT JOIN (SELECT id, created_at FROM analyse_run ORDER BY id DESC LIMIT 1) r ON true "
    "LEFT JOIN (SELECT id, created_at FROM import_run ORDER BY id DESC LIMIT 1) i ON true"
)
_VERSION_SQL = text(f"SELECT {_VERSION_COLUMNS} FROM {_VERSION_FROM}")


def tile_version(session: Session | Connection) -> str:
    """A token that changes with every new import or analysis (and with the tile schema).

    Ids start again at 1 in a rebuilt database, so the times of the latest analysis and import
    are part of it too: a rebuild never gives the version (and the cached tiles) of before.
    """
    run_id, run_at, import_id, import_at = session.execute(_VERSION_SQL).one()
    return _version(run_id, run_at, import_id, import_at)


def _version(run_id: int | None, run_at: object, import_id: int | None, import_at: object) -> str:
    version = f"{TILE_SCHEMA}-{run_id or 0}-{import_id or 0}"
    if run_at is None and import_at is None:
        return version
    stamp = hashlib.sha256(f"{run_at}|{import_at}".encode()).hexdigest()[:8]
    return f"{version}-{stamp}"


# Tiles from this size on are sent gzipped to a client that accepts it (as GZipMiddleware does).
GZIP_MIN_BYTES = 1024
# A dense 200 KB tile at level 9 (GZipMiddleware's): 83 KB in 14 ms; level 6: the same in 7 ms;
# level 4: 86 KB in 3.5 ms. A cold tile waits for it, a cached one is sent as it is.
GZIP_LEVEL = 4


@dataclass(frozen=True)
class Tile:
    """A rendered tile as it is kept: the MVT (b'' when empty), gzipped when large enough.

    Compressed once, here, instead of on every answer; a client that takes no gzip (rare)
    gets it unpacked. Kept compressed, a large tile takes less than half the cache.
    """

    body: bytes
    gzipped: bool

    @classmethod
    def of(cls, data: bytes) -> Tile:
        """The tile of an MVT."""
        if len(data) < GZIP_MIN_BYTES:
            return cls(data, False)
        packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return cls(packer.compress(data) + packer.flush(), True)

    def plain(self) -> bytes:
        """The MVT itself."""
        return zlib.decompress(self.body, 16 + zlib.MAX_WBITS) if self.gzipped else self.body


# The statements per set of layers, built once: the tile, and the version with the tile.
_TILE_SQL: dict[tuple[str, ...], TextClause] = {}
_VERSIONED_SQL: dict[tuple[str, ...], TextClause] = {}


def read_connection(session: Session) -> Session | Connection:
    """What a tile request reads with: an autocommit connection when the session has none yet.

    A tile request only reads; without BEGIN and ROLLBACK it takes two round trips to the
    database fewer. A session that has already begun (the key check of require_reader) is
    used as it is.
    """
    if session.in_transaction():
        return session
    return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _shown(layers: Sequence[TileLayer], key: TileKey) -> tuple[TileLayer, ...]:
    return tuple(layer for layer in layers if key.z >= layer.minzoom)


def _tile_expression(shown: tuple[TileLayer, ...]) -> str:
    """The MVT of `shown` as one SQL value: the layers of an MVT are independent messages one
    after another, so the tile of several layers is their tiles joined."""
    return " || ".join(f"coalesce(({tile_sql(layer)}), ''::bytea)" for layer in shown)


def render_tile(db: Session | Connection, *, layers: Sequence[TileLayer], key: TileKey) -> Tile:
    """The Mapbox Vector Tile of one tile of `layers` (those that start at or below its zoom);
    its body is b'' when nothing falls in it."""
    shown = _shown(layers, key)
    if not shown:
        return Tile(b"", False)
    names = tuple(layer.naam for layer in shown)
    sql = _TILE_SQL.get(names)
    if sql is None:
        sql = _TILE_SQL[names] = text(f"SELECT {_tile_expression(shown)}")
    data = db.execute(sql, {"z": key.z, "x": key.x, "y": key.y}).scalar_one_or_none()
    return Tile.of(bytes(data) if data else b"")


def render_versioned_tile(
    db: Session | Connection, *, layers: Sequence[TileLayer], key: TileKey
) -> tuple[str, Tile]:
    """The version (tile_version) and the tile (render_tile) in one statement, one round trip."""
    shown = _shown(layers, key)
    if not shown:
        return tile_version(db), Tile(b"", False)
    names = tuple(layer.naam for layer in shown)
    sql = _VERSIONED_SQL.get(names)
    if sql is None:
        sql = _VERSIONED_SQL[names] = text(
            f"SELECT {_VERSION_COLUMNS}, {_tile_expression(shown)} FROM {_VERSION_FROM}")
    run_id, run_at, import_id, import_at, data = db.execute(
        sql, {"z": key.z, "x": key.x, "y": key.y}).one()
    return _version(run_id, run_at, import_id, import_at), Tile.of(bytes(data) if data else b"")


class TileCache:
    """Rendered tiles by (version, layer, z, x, y), least recently used out first.

    Keys carry the data version, so a new import or analysis never serves an old tile.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, TileKey], Tile] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._version = ""  # of the tile put last

    def get(self, version: str, key: TileKey) -> Tile | None:
        """The cached tile, or None."""
        with self._lock:
            tile = self._items.get((version, key))
            if tile is not None:
                self._items.move_to_end((version, key))
            return tile

    def holds(self, key: TileKey) -> bool:
        """Whether the tile is cached for the version of the tile put last (the current one)."""
        with self._lock:
            return (self._version, key) in self._items

    def put(self, version: str, key: TileKey, tile: Tile) -> None:
        """Remember a tile, evicting the least recently used ones beyond max_bytes."""
        with self._lock:
            old = self._items.pop((version, key), None)
            if old is not None:
                self._size -= len(old.body)
            self._items[(version, key)] = tile
            self._size += len(tile.body)
            self._version = version
            while self._size > self.max_bytes and self._items:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted.body)

    def clear(self) -> None:
        """Forget every tile."""
        with self._lock:
            self._items.clear()
            self._size = 0
