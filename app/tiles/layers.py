"""The whitelist of vector-tile layers: which table, which attributes, from which zoom.

Every SQL fragment here is a fixed string; the only values that reach the database from a
request are the tile coordinates and the filters, always as bound parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.analyse.facts import LBM_LATEST, RIOOL_DUE_COLUMN, RIOOL_DUE_JOIN
from app.errors import NotFound
from geo.schema import BUURTSCORE, BUURTSCORE_COLUMNS, KANS, LAYER_COLUMNS, ResultColumn

# Below zoom 5 a web-mercator tile spans far more than the Netherlands, where a transform to
# RD New (EPSG:28992) gives a meaningless envelope; such tiles are empty.
MIN_ZOOM = 5


@dataclass(frozen=True)
class TileLayer:
    """One layer of /tiles/{laag}/{z}/{x}/{y}.pbf (the MVT layer inside has the same name)."""

    naam: str
    source: str                 # FROM clause; the geometry column is `t.geom` (EPSG:28992)
    columns: str                # attributes put into the tile
    minzoom: int = MIN_ZOOM     # below this zoom the tile is empty (204)
    where: str = ""             # extra fixed condition, starting with AND
    simplify: bool = True       # ST_Simplify with half a pixel below DETAIL_ZOOM
    min_px: float = 0.0         # skip features whose bbox is smaller than this many pixels

    def __post_init__(self) -> None:
        if self.minzoom < MIN_ZOOM:
            raise ValueError(f"{self.naam}: minzoom {self.minzoom} < {MIN_ZOOM}")


MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
# Web mercator: tiles of 256 pixels; half the equator of the WGS84 ellipsoid in metres.
TILE_SIZE = 256
HALF_WORLD = math.pi * 6_378_137.0
# From this zoom on (about 2 m per pixel) tiles keep every feature and every vertex.
DETAIL_ZOOM = 16
MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64


def tile_columns(columns: tuple[ResultColumn, ...], alias: str,
                 own: dict[str, str] | None = None) -> str:
    """The attributes of a result table in its tiles: the declared columns flagged `tile`.

    `own` maps a column to the alias of another table of the FROM clause that holds it too.
    """
    own = own or {}
    parts: list[str] = []
    for column in columns:
        if not column.tile:
            continue
        source = f"{own.get(column.name, alias)}.{column.name}"
        if column.tile_decimals is not None:
            source = f"round({source}::numeric, {column.tile_decimals})::float AS {column.name}"
        parts.append(source)
    return ", ".join(parts)


_KANS_COLUMNS = tile_columns(KANS, "t")
# Every buurt is drawn, also one without a score: its code and name come from the buurt table.
_BUURT_COLUMNS = tile_columns(
    BUURTSCORE, "s", own={c: "t" for c in LAYER_COLUMNS["buurt"] if c in BUURTSCORE_COLUMNS})


TILE_LAYERS: dict[str, TileLayer] = {
    layer.naam: layer
    for layer in (
        TileLayer(
            naam="buurten",
            source="buurt t LEFT JOIN buurtscore s ON s.buurtcode = t.buurtcode",
            columns=_BUURT_COLUMNS,
        ),
        TileLayer(naam="koppelkansen", source="koppelkans t", columns=_KANS_COLUMNS),
        TileLayer(
            naam="warmtenet", source="warmtenet t",
            columns="t.id, t.naam, t.status, t.start_jaar, t.eind_jaar",
        ),
        TileLayer(
            naam="riolering", source=RIOOL_DUE_JOIN, minzoom=11, min_px=1.0,
            columns=f"t.id, t.stelseltype, t.materiaal, {RIOOL_DUE_COLUMN}",
        ),
        TileLayer(
            naam="groen", source="groen t", minzoom=11, min_px=1.5, columns="t.id, t.type",
        ),
        TileLayer(
            naam="boom", source="boom t", minzoom=14, simplify=False, columns="t.id, t.soort",
        ),
        TileLayer(
            naam="leefbaarometer", source="leefbaarometer t", minzoom=10,
            columns="t.grid_id, t.jaar, t.klasse",
            where=f"AND {LBM_LATEST}",
        ),
        # Street names on the map without internet (RULES.md §7): labels at street zoom.
        TileLayer(
            naam="straat", source="straat t", minzoom=14,
            columns="t.id, t.straatnaam, t.huisnummer_van, t.huisnummer_tot",
            where="AND t.straatnaam IS NOT NULL",
        ),
        # Planned works of every party (RULES.md §9), lines and areas.
        TileLayer(
            naam="werk", source="werk t",
            columns="t.id, t.naam, t.partij, t.soort, t.status, t.start_jaar, t.eind_jaar",
        ),
    )
}


def get_tile_layer(laag: str) -> TileLayer:
    """The layer named `laag`, or NotFound with the list of layers (Dutch)."""
    layer = TILE_LAYERS.get(laag)
    if layer is None:
        raise NotFound(
            f"Onbekende kaartlaag '{laag}'. Kies uit: {', '.join(TILE_LAYERS)}."
        )
    return layer


def tile_sql(layer: TileLayer) -> str:
    """The query that returns the MVT of one tile of `layer` (bytea, possibly empty).

    The tile envelope is transformed to EPSG:28992 and widened by the MVT buffer, so the
    `&&` test runs on the RD GiST index; geometries are simplified with half a pixel and
    features smaller than `min_px` pixels are skipped below DETAIL_ZOOM. A feature that
    ST_AsMVTGeom clips away (NULL) is left out by ST_AsMVT itself, which returns an empty
    bytea when no feature is left: a filter on it would compute every geometry twice, as
    PostgreSQL inlines the CTE and copies the expression into the WHERE.
    """
    geom = (
        "CASE WHEN e.coarse THEN ST_Simplify(t.geom, e.px * 0.5, true) ELSE t.geom END"
        if layer.simplify else "t.geom"
    )
    size = (
        "AND (NOT e.coarse OR greatest(ST_XMax(t.geom) - ST_XMin(t.geom), "
        f"ST_YMax(t.geom) - ST_YMin(t.geom)) >= e.px * {layer.min_px:.2f})"
        if layer.min_px > 0 else ""
    )
    return (
        "WITH env AS ("
        "  SELECT ST_TileEnvelope(:z, :x, :y) AS merc,"
        "         ST_Transform(ST_TileEnvelope(:z, :x, :y), 28992) AS rd"
        "), e AS ("
        "  SELECT merc,"
        f"        ST_Expand(rd, (ST_XMax(rd) - ST_XMin(rd)) * {BUFFER} / {EXTENT}.0) AS rd,"
        "         (ST_XMax(rd) - ST_XMin(rd)) / 256.0 AS px,"
        f"        :z < {DETAIL_ZOOM} AS coarse"
        "  FROM env"
        "), f AS ("
        f"  SELECT {layer.columns},"
        f"         ST_AsMVTGeom(ST_Transform({geom}, 3857), e.merc, {EXTENT}, {BUFFER}, true)"
        "          AS geom"
        f"  FROM {layer.source} CROSS JOIN e"
        f"  WHERE t.geom && e.rd {layer.where} {size}"
        ") "
        f"SELECT ST_AsMVT(f.*, '{layer.naam}', {EXTENT}, 'geom') FROM f"
    )
