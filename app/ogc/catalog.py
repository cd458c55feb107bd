"""What the OGC API serves: the collections with their properties, the CRSs and the conformance.

Every collection is derived from the declarations the rest of the app uses: the result columns
of geo/schema.py (KANS, BUURTSCORE) and the canonical layer columns (LAYER_COLUMNS,
COLUMN_TYPES), the geometry types from the ORM models. The property names are also the
whitelist of the filter compiler (app/ogc/cql.py): only these ever reach SQL as identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import DomainError
from app.geojson import CRS84_URI
from app.models import LAYER_MODELS, Buurtscore, Koppelkans
from app.tiles.layers import TILE_LAYERS
from geo.schema import BUURTSCORE, COLUMN_TYPES, KANS, LAYER_COLUMNS, LAYERS, ResultColumn

BASE_PATH = "/ogc/v1"
STORAGE_SRID = 28992
# OGC API Features limits a page to this many features; a larger `limit` gives this many.
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


class InvalidParameter(DomainError):
    """A query parameter of the OGC API that cannot be used (OGC wants 400, not 422)."""

    status_code = 400


@dataclass(frozen=True)
class Crs:
    """A coordinate reference system the API can answer in (and read a bbox or filter in)."""

    uri: str
    srid: int
    lat_lon: bool   # axis order latitude, longitude (EPSG:4326 as the EPSG registry defines it)
    decimals: int   # GeoJSON decimals: millimetres in RD, about a millimetre in degrees
    label: str


CRS84 = Crs(CRS84_URI, 4326, False, 8,
            "WGS84 lengtegraad, breedtegraad (CRS84)")
RD = Crs("http://www.opengis.net/def/crs/EPSG/0/28992", 28992, False, 3,
         "Rijksdriehoekscoördinaten (RD New, EPSG:28992), meters")
WGS84 = Crs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, True, 8,
            "WGS84 breedtegraad, lengtegraad (EPSG:4326)")
CRSS: tuple[Crs, ...] = (CRS84, RD, WGS84)
_BY_URI = {c.uri: c for c in CRSS}
# Short forms people type (and some clients send); the answers always name the full URI.
_ALIASES = {"CRS84": CRS84, "OGC:CRS84": CRS84, "EPSG:28992": RD, "EPSG:4326": WGS84,
            "[OGC:CRS84]": CRS84, "[EPSG:28992]": RD, "[EPSG:4326]": WGS84}


def parse_crs(value: str | None, *, parameter: str) -> Crs:
    """The Crs named by a query parameter (CRS84 when absent), or a Dutch 400."""
    if value is None or value == "":
        return CRS84
    found = _BY_URI.get(value.strip()) or _ALIASES.get(value.strip().upper())
    if found is None:
        raise InvalidParameter(
            f"Onbekend coördinatenstelsel in '{parameter}': '{value[:200]}'. Kies uit: "
            + ", ".join(c.uri for c in CRSS) + ".")
    return found


@dataclass(frozen=True)
class Property:
    """One attribute of a collection: its name, kind and the SQL expression that reads it."""

    name: str
    kind: str       # "text", "int", "float" or "bool"
    title: str
    sql: str        # our own identifier (never user input), e.g. "t.regel" or "b.status"


@dataclass(frozen=True)
class Collection:
    """One collection: a table with its key (the featureId), properties and geometry type."""

    id: str
    title: str
    description: str
    table: str
    source: str                 # the FROM clause; the table is aliased t
    key: str                    # the column that is the featureId
    key_kind: str               # "text" or "int"
    properties: tuple[Property, ...]
    geometry_type: str
    order: str

    def property(self, name: str) -> Property | None:
        """The property called `name`, if this collection has one."""
        return next((p for p in self.properties if p.name == name), None)


_RESULT_KIND = {"str": "text", "Int64": "int", "float64": "float", "bool": "bool"}


def _result_properties(columns: tuple[ResultColumn, ...]) -> tuple[Property, ...]:
    # Columns the API builds per run (api="regels") are not stored as readers see them.
    return tuple(Property(c.name, _RESULT_KIND[c.dtype], c.label, f"t.{c.name}")
                 for c in columns if c.api == "value")


def _geometry_type(model: type) -> str:
    kind = str(model.__table__.c.geom.type.geometry_type).upper()  # type: ignore[attr-defined]
    names = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
             "MULTIPOINT": "MultiPoint", "MULTILINESTRING": "MultiLineString",
             "MULTIPOLYGON": "MultiPolygon"}
    return names.get(kind, "Geometry")


_LAYER_TITLES = {
    "buurt": "Buurten (CBS)",
    "warmtenet": "Warmtenet-tracés",
    "riolering": "Rioolleidingen",
    "groen": "Groenvlakken",
    "boom": "Bomen",
    "leefbaarometer": "Leefbaarometer (100 m-cellen, alle jaren)",
    "straat": "Straten (NWB-wegvakken)",
    "werk": "Geplande werken van alle partijen",
}


def _layer(laag: str) -> Collection:
    types = COLUMN_TYPES[laag]
    properties = [Property(c, types[c][0], c, f"t.{c}") for c in LAYER_COLUMNS[laag]]
    source = f"{laag} t"
    if laag == "riolering":
        # The due year the latest analysis computed (RULES.md §2), as the layer API shows it.
        properties.append(Property("riool_due_jaar", "int",
                                   "Jaar waarin het riool aan vervanging toe is (laatste analyse)",
                                   "d.due_jaar"))
        source = "riolering t LEFT JOIN riool_due d ON d.riolering_id = t.id"
    key, key_kind = {"buurt": ("buurtcode", "text"), "leefbaarometer": ("id", "int")}.get(
        laag, ("id", "text"))
    return Collection(
        id=laag, title=_LAYER_TITLES[laag],
        description=f"Bronlaag {laag}, zoals ingelezen (opgeslagen in EPSG:28992).",
        table=laag, source=source, key=key, key_kind=key_kind, properties=tuple(properties),
        geometry_type=_geometry_type(LAYER_MODELS[laag]), order=f"t.{key}")


KOPPELKANSEN = Collection(
    id="koppelkansen", title="Koppelkansen en knelpunten",
    description="Resultaten van de laatste analyse: kansen om werk te combineren en knelpunten, "
                "met het besluit van het gebiedsteam (besluit_status).",
    table="koppelkans", source="koppelkans t LEFT JOIN kans_besluit b ON b.kans_id = t.kans_id",
    key="kans_id", key_kind="text",
    properties=(*_result_properties(KANS),
                Property("besluit_status", "text", "Besluit van het gebiedsteam", "b.status"),
                Property("besluit_notitie", "text", "Notitie bij het besluit", "b.notitie")),
    geometry_type=_geometry_type(Koppelkans), order="t.kans_id")

BUURTSCORES = Collection(
    id="buurtscores", title="Buurtscores",
    description="Rangorde van de buurten in de laatste analyse: hoe kansrijk elke buurt is voor "
                "werk met werk (score 0–100, rang binnen de gemeente).",
    table="buurtscore", source="buurtscore t", key="buurtcode", key_kind="text",
    properties=_result_properties(BUURTSCORE), geometry_type=_geometry_type(Buurtscore),
    order="t.buurtcode")

COLLECTIONS: dict[str, Collection] = {
    c.id: c for c in (KOPPELKANSEN, BUURTSCORES, *(_layer(laag) for laag in LAYERS))}


def get_collection(collection_id: str) -> Collection:
    """The collection called `collection_id`, or a Dutch 404 naming the ones there are."""
    from app.errors import NotFound

    found = COLLECTIONS.get(collection_id)
    if found is None:
        raise NotFound(f"Collectie '{collection_id[:100]}' bestaat niet. Kies uit: "
                       f"{', '.join(COLLECTIONS)}.")
    return found


# The map's vector-tile layer of a collection (OGC API Tiles); a collection not here has none.
TILE_LAYER_OF: dict[str, str] = {
    "koppelkansen": "koppelkansen", "buurtscores": "buurten",
    **{laag: laag for laag in LAYERS if laag in TILE_LAYERS}}

# Only what is implemented (app/ogc/cql.py lists the CQL2 operators it compiles).
CONFORMANCE: tuple[str, ...] = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
)
