"""Routes of the OGC API Features under /ogc/v1 (Part 1 Core, Part 2 CRS, Part 3 Filtering)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app.adr import CONTENT_CRS_HEADER
from app.auth.deps import ReaderDep
from app.deps import SessionDep
from app.ogc import html, schemas, service
from app.ogc.catalog import (
    BASE_PATH,
    COLLECTIONS,
    CRSS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    RD,
    Crs,
    get_collection,
    parse_crs,
)
from app.ogc.cql import FILTER_LANGS, compile_filter, parse_filter
from app.security import csp_nonce

router = APIRouter(prefix=BASE_PATH, tags=["OGC API Features"], dependencies=[ReaderDep])

_CRS_LIST = ", ".join(c.uri for c in CRSS)
Format = Annotated[Literal["json", "html"] | None, Query(
    description="Formaat van het antwoord: json (standaard) of html (een webpagina). Zonder f "
                "krijgt een browser (Accept: text/html) de webpagina.")]
CollectionId = Annotated[str, Path(description="Naam van de collectie, bijvoorbeeld koppelkansen, "
                                               "buurtscores of een bronlaag zoals riolering",
                                   examples=list(COLLECTIONS)[:3],
                                   json_schema_extra={"enum": list(COLLECTIONS)})]
CrsParam = Annotated[str | None, Query(
    description=f"Coördinatenstelsel van de geometrie in het antwoord: {_CRS_LIST}. Standaard "
                "CRS84 (lengte, breedte). EPSG:4326 geeft breedte, lengte (zoals EPSG het "
                "voorschrijft); EPSG:28992 geeft RD-meters tot op de millimeter. De header "
                "Content-Crs noemt het stelsel.")]


class GeoJSONResponse(JSONResponse):
    """JSON as application/geo+json."""

    media_type = schemas.GEOJSON


class SchemaResponse(JSONResponse):
    """JSON Schema as application/schema+json."""

    media_type = schemas.SCHEMA_JSON


HTML_TOO: dict[int | str, dict[str, Any]] = {200: {"content": {schemas.HTML: {}}}}
_GEOJSON_OR_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {schemas.GEOJSON: {}, schemas.HTML: {}}}}


def wants_html(request: Request, f: str | None) -> bool:
    """Whether to answer with a web page: `f=html`, or no `f` and a browser asking."""
    if f is not None:
        return f == "html"
    return "text/html" in request.headers.get("accept", "")


def base_url(request: Request) -> str:
    """The URL of the landing page, as this request reached it."""
    return str(request.base_url).rstrip("/") + BASE_PATH


def html_page(request: Request, page: html.Page) -> HTMLResponse:
    """A Dutch web page of the API, with this answer's script nonce."""
    return HTMLResponse(html.render(page, nonce=csp_nonce(request)))


def _content_crs(crs: Crs) -> dict[str, str]:
    return {CONTENT_CRS_HEADER: f"<{crs.uri}>"}


def _legacy_crs(body: dict[str, Any], crs: Crs) -> dict[str, Any]:
    """`body` with the GeoJSON 2008 `crs` member when it is in RD.

    RFC 7946 dropped the member, but GDAL (so QGIS 3.22) reads it, and no GDAL of Debian 12
    reads Content-Crs: without it an RD answer opened in QGIS lands off Africa. Degrees go
    without it: CRS84 is GeoJSON's own, and GDAL takes EPSG:4326's latitude for longitude with
    or without the member.
    """
    if crs.srid == RD.srid:
        body["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    return body


@router.get("", responses={**HTML_TOO, 422: {}})
def landing_page(request: Request, f: Format = None) -> Any:
    """De startpagina van de OGC API Features: links naar de API-beschrijving, de conformance
    en de collecties. In QGIS: Kaartlagen → Laag toevoegen → WFS/OGC API-Features, met deze URL.
    """
    root = str(request.base_url).rstrip("/")
    body = schemas.landing(base_url(request), url=str(request.url), openapi_url=f"{root}/openapi.json",
                           docs_url=f"{root}/docs", html=wants_html(request, f))
    if wants_html(request, f):
        return html_page(request, html.landing_page(body))
    return JSONResponse(body)


@router.get("/conformance", responses={**HTML_TOO, 422: {}})
def conformance(request: Request, f: Format = None) -> Any:
    """De OGC-conformanceklassen die deze API echt ondersteunt."""
    body = schemas.conformance(str(request.url), html=wants_html(request, f))
    if wants_html(request, f):
        return html_page(request, html.conformance_page(base_url(request), body))
    return JSONResponse(body)


@router.get("/collections", responses={**HTML_TOO, 422: {}})
def collections(request: Request, session: SessionDep, f: Format = None) -> Any:
    """Alle collecties: koppelkansen, buurtscores en elke bronlaag, met hun omvang (CRS84), de
    coördinatenstelsels (`crs`) en het opslagstelsel (`storageCrs`, EPSG:28992)."""
    base = base_url(request)
    described = [schemas.collection(base, c, extent=service.collection_extent(session, collection=c))
                 for c in COLLECTIONS.values()]
    body = schemas.collections(base, str(request.url), described, html=wants_html(request, f))
    if wants_html(request, f):
        return html_page(request, html.collections_page(base, body))
    return JSONResponse(body)


@router.get("/collections/{collectionId}", responses={**HTML_TOO, 404: {}, 422: {}})
def collection(request: Request, session: SessionDep, collectionId: CollectionId,
               f: Format = None) -> Any:
    """Eén collectie: titel, omschrijving, omvang, coördinatenstelsels en links naar de objecten
    en de queryables."""
    item = get_collection(collectionId)
    base = base_url(request)
    body = schemas.collection(base, item, extent=service.collection_extent(session, collection=item))
    if wants_html(request, f):
        return html_page(request, html.collection_page(base, item, body))
    return JSONResponse(body)


@router.get("/collections/{collectionId}/queryables", response_class=SchemaResponse,
            responses={**HTML_TOO, 404: {}, 422: {}})
def queryables(request: Request, collectionId: CollectionId, f: Format = None) -> Any:
    """De eigenschappen waarop een `filter` kan werken, als JSON Schema (OGC API Features deel
    3), met hun type. `geometry` is de geometrie (voor S_INTERSECTS)."""
    item = get_collection(collectionId)
    body = schemas.queryables(base_url(request), item)
    if wants_html(request, f):
        return html_page(request, html.queryables_page(base_url(request), item, body))
    return SchemaResponse(body)


@router.get("/collections/{collectionId}/items", response_class=GeoJSONResponse,
            responses={**_GEOJSON_OR_HTML, 400: {}, 404: {}, 422: {}})
def items(
    request: Request,
    session: SessionDep,
    collectionId: CollectionId,
    limit: Annotated[int | None, Query(ge=1, description=schemas.LIMIT_DOC)] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1,
                                 description="Hoeveel objecten overslaan (de link 'next' zet "
                                             "dit voor u).")] = 0,
    bbox: Annotated[str | None, Query(
        description="Alleen objecten die dit gebied raken: minx,miny,maxx,maxy in 'bbox-crs' "
                    "(standaard CRS84: minlon,minlat,maxlon,maxlat).",
        examples=["5.10,52.05,5.15,52.10"])] = None,
    bbox_crs: Annotated[str | None, Query(
        alias="bbox-crs", description=f"Coördinatenstelsel van bbox: {_CRS_LIST}. Standaard "
                                      "CRS84. Bij EPSG:4326 is de volgorde "
                                      "minlat,minlon,maxlat,maxlon.")] = None,
    crs: CrsParam = None,
    datetime: Annotated[str | None, Query(
        description="Wordt genegeerd: deze collecties hebben geen tijdsdimensie. Filter op "
                    "jaren met filter, bijvoorbeeld jaar BETWEEN 2027 AND 2030.")] = None,
    filter: Annotated[str | None, Query(
        description="CQL2-filter (OGC API Features deel 3) op de eigenschappen van "
                    ".../queryables, bijvoorbeeld regel = 'werk_met_werk' AND actie_nodig = true, "
                    "jaar BETWEEN 2027 AND 2030, straatnaam LIKE 'Kerk%' of "
                    "S_INTERSECTS(geometry, POLYGON((5.1 52.0, 5.2 52.0, 5.2 52.1, 5.1 52.0))).",
        examples=["regel = 'werk_met_werk' AND actie_nodig = true"])] = None,
    filter_lang: Annotated[Literal["cql2-text", "cql2-json"] | None, Query(
        alias="filter-lang",
        description=f"Taal van filter: {' of '.join(FILTER_LANGS)} (standaard cql2-text).")] = None,
    filter_crs: Annotated[str | None, Query(
        alias="filter-crs", description=f"Coördinatenstelsel van de geometrieën in filter: "
                                        f"{_CRS_LIST}. Standaard CRS84.")] = None,
    f: Format = None,
) -> Any:
    """De objecten van een collectie als GeoJSON FeatureCollection, per pagina.

    `numberMatched` is het aantal objecten dat aan bbox en filter voldoet, `numberReturned` het
    aantal op deze pagina; volg de link `next` tot die ontbreekt. De `id` van een object is de
    featureId (koppelkansen: kans_id; buurtscores en buurt: buurtcode; leefbaarometer: het
    nummer van de cel; de andere bronlagen: id). Een onbekende crs, bbox of een filter dat niet
    te lezen is of een onbekende eigenschap noemt, geeft 400 met uitleg.
    """
    del datetime  # documented as ignored: no collection has a time dimension
    item = get_collection(collectionId)
    out_crs = parse_crs(crs, parameter="crs")
    box = service.parse_bbox(bbox, parse_crs(bbox_crs, parameter="bbox-crs"))
    cql = None
    if filter is not None and filter.strip():
        node = parse_filter(filter, lang=filter_lang)
        cql = compile_filter(node, collection=item,
                             filter_crs=parse_crs(filter_crs, parameter="filter-crs"))
    page = min(limit or DEFAULT_LIMIT, MAX_LIMIT, request.app.state.settings.max_page_size)
    features, matched = service.list_features(session, collection=item, crs=out_crs, bbox=box,
                                              cql=cql, limit=page, offset=offset)
    want_html = wants_html(request, f)
    links = schemas.items_links(str(request.url), collection_url=f"{base_url(request)}/collections/"
                                f"{item.id}", offset=offset, limit=page, returned=len(features),
                                matched=matched, html=want_html)
    body = {"type": "FeatureCollection", "features": features, "numberMatched": matched,
            "numberReturned": len(features), "links": links}
    if want_html:
        response: Response = html_page(request, html.items_page(base_url(request), item, body, offset))
    else:
        response = GeoJSONResponse(_legacy_crs(body, out_crs))
    response.headers.update(_content_crs(out_crs))
    return response


@router.get("/collections/{collectionId}/items/{featureId}", response_class=GeoJSONResponse,
            responses={**_GEOJSON_OR_HTML, 400: {}, 404: {}, 422: {}})
def feature(
    request: Request,
    session: SessionDep,
    collectionId: CollectionId,
    featureId: Annotated[str, Path(description="De featureId: kans_id, buurtcode, of id van "
                                               "het object")],
    crs: CrsParam = None,
    f: Format = None,
) -> Any:
    """Eén object als GeoJSON Feature, in het gevraagde coördinatenstelsel."""
    item = get_collection(collectionId)
    out_crs = parse_crs(crs, parameter="crs")
    found = service.get_feature(session, collection=item, feature_id=featureId, crs=out_crs)
    base = base_url(request)
    here = f"{base}/collections/{item.id}/items/{featureId}"
    want_html = wants_html(request, f)
    found["links"] = [
        *schemas.self_links(str(request.url), json_type=schemas.GEOJSON, html=want_html),
        schemas.link(f"{base}/collections/{item.id}", "collection", schemas.JSON, item.title),
    ]
    if want_html:
        response: Response = html_page(request, html.item_page(base, item, found, here))
    else:
        response = GeoJSONResponse(_legacy_crs(found, out_crs))
    response.headers.update(_content_crs(out_crs))
    return response
