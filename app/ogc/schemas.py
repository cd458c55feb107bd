"""The JSON documents of the OGC API: landing page, conformance, collections, queryables, links.

Pure functions of the catalogue and the base URL; the router adds what the database knows
(extents, features).
"""

from __future__ import annotations

from typing import Any

from app.geojson import GEOJSON_MEDIA_TYPE
from app.ogc.catalog import (
    CONFORMANCE,
    CRSS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    RD,
    TILE_LAYER_OF,
    Collection,
)
from app.ogc.cql import GEOMETRY

JSON = "application/json"
GEOJSON = GEOJSON_MEDIA_TYPE
HTML = "text/html"
SCHEMA_JSON = "application/schema+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
REL_TILING_SCHEMES = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
REL_TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"

TITLE = "Koppelkansen — OGC API Features"
DESCRIPTION = ("Koppelkansen, buurtscores en de bronlagen (buurten, warmtenet, riolering, groen, "
               "bomen, Leefbaarometer, straten, werken) als OGC API Features, voor QGIS, ArcGIS "
               "en andere GIS-programma's. Opgeslagen in RD New (EPSG:28992); antwoorden in "
               "CRS84, EPSG:4326 of EPSG:28992 (parameter crs).")


def link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    """One link object."""
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def self_links(url: str, *, json_type: str = JSON, html: bool = False) -> list[dict[str, str]]:
    """self and alternate links of a document that is there as JSON and as HTML."""
    json_url, html_url = with_format(url, "json"), with_format(url, "html")
    me, other = (html_url, json_url) if html else (json_url, html_url)
    return [link(me, "self", HTML if html else json_type, "Dit document"),
            link(other, "alternate", json_type if html else HTML,
                 "Dit document als JSON" if html else "Dit document als webpagina")]


def with_format(url: str, fmt: str) -> str:
    """`url` with its f parameter set to `fmt`."""
    from starlette.datastructures import URL

    return str(URL(url).include_query_params(f=fmt))


def landing(base: str, *, url: str, openapi_url: str, docs_url: str, html: bool) -> dict[str, Any]:
    """The landing page /ogc/v1."""
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "links": [
            *self_links(url, html=html),
            link(openapi_url, "service-desc", OPENAPI_JSON, "De API-beschrijving (OpenAPI 3)"),
            link(docs_url, "service-doc", HTML, "De API-documentatie"),
            link(f"{base}/conformance", "conformance", JSON, "Welke OGC-standaarden gelden"),
            link(f"{base}/collections", "data", JSON, "De collecties"),
            link(f"{base}/tiles", REL_TILESETS_VECTOR, JSON, "Alle kaartlagen als vectortegels"),
            link(f"{base}/tileMatrixSets", REL_TILING_SCHEMES, JSON, "De tegelmatrixsets"),
        ],
    }


def conformance(url: str, *, html: bool) -> dict[str, Any]:
    """The conformance declaration."""
    return {"conformsTo": list(CONFORMANCE), "links": self_links(url, html=html)}


def collection(base: str, item: Collection, *, extent: list[float] | None) -> dict[str, Any]:
    """The description of one collection (as in /collections and /collections/{id})."""
    href = f"{base}/collections/{item.id}"
    document: dict[str, Any] = {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "itemType": "feature",
        "crs": [c.uri for c in CRSS],
        "storageCrs": RD.uri,
        "links": [
            link(href, "self", JSON, item.title),
            link(f"{href}?f=html", "alternate", HTML, f"{item.title} als webpagina"),
            link(f"{href}/items", "items", GEOJSON, f"De objecten van {item.title}"),
            link(f"{href}/items?f=html", "items", HTML, "De objecten als webpagina"),
            link(f"{href}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                 SCHEMA_JSON, "Eigenschappen waarop u kunt filteren"),
        ],
    }
    if item.id in TILE_LAYER_OF:
        document["links"].append(link(f"{href}/tiles", REL_TILESETS_VECTOR, JSON,
                                      f"{item.title} als vectortegels"))
    if extent is not None:
        document["extent"] = {"spatial": {"bbox": [extent],
                                          "crs": CRSS[0].uri}}
    return document


def collections(base: str, url: str, described: list[dict[str, Any]], *,
                html: bool) -> dict[str, Any]:
    """The list of collections."""
    return {"links": self_links(url, html=html), "collections": described,
            "crs": [c.uri for c in CRSS]}


_JSON_TYPES = {"text": "string", "int": "integer", "float": "number", "bool": "boolean"}


def queryables(base: str, item: Collection) -> dict[str, Any]:
    """The queryables of a collection as JSON Schema (OGC API Features Part 3)."""
    properties: dict[str, Any] = {
        p.name: {"title": p.title, "type": _JSON_TYPES[p.kind]} for p in item.properties}
    geometry_format = ("geometry-any" if item.geometry_type == "Geometry"
                       else f"geometry-{item.geometry_type.lower()}")
    properties[GEOMETRY] = {"title": "Geometrie (EPSG:28992 opgeslagen; literals in filter-crs)",
                            "format": geometry_format, "x-ogc-role": "primary-geometry"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/collections/{item.id}/queryables",
        "type": "object",
        "title": item.title,
        "properties": properties,
        "additionalProperties": False,
    }


def items_links(url: str, *, collection_url: str, offset: int, limit: int, returned: int,
                matched: int, html: bool) -> list[dict[str, str]]:
    """self, alternate, collection, and next/prev while there are more pages."""
    from starlette.datastructures import URL

    here = URL(url)
    page_type = HTML if html else GEOJSON
    links = self_links(url, json_type=GEOJSON, html=html)
    links.append(link(collection_url, "collection", JSON, "De collectie"))
    if offset + returned < matched:
        nxt = here.include_query_params(offset=offset + limit, limit=limit)
        links.append(link(str(nxt), "next", page_type, "Volgende pagina"))
    if offset > 0:
        prev = here.include_query_params(offset=max(0, offset - limit), limit=limit)
        links.append(link(str(prev), "prev", page_type, "Vorige pagina"))
    return links


LIMIT_DOC = (f"Hoeveel objecten per pagina; standaard {DEFAULT_LIMIT}, hoogstens {MAX_LIMIT:_}"
             .replace("_", ".") + ": een grotere waarde geeft er " + f"{MAX_LIMIT:_}".replace(
                 "_", ".") + " (OGC API Features). Volg de link 'next' voor de volgende pagina.")
