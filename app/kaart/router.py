"""The map pages (whole area, one buurt, print view of one buurt) and the static assets.

With `read_requires_key` the pages need a viewer key like the API. A person opens the map once
as /kaart?sleutel=KEY: the page keeps the key in an HttpOnly cookie and sends the browser to the
same URL without it, so the key stays out of the address bar and out of shared links; the page's
own requests for tiles and JSON then carry the cookie.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

import frontend
from app.adr import API_PREFIX
from app.analyse.service import latest_run
from app.auth.deps import (
    KEY_COOKIE,
    KeyCookie,
    KeyHeader,
    ReaderDep,
    RedactKeyFilter,
    presented_key,
    read_requires_key,
)
from app.auth.service import role_of
from app.deps import SessionDep
from app.errors import NotFound, NotReady
from app.kaart.afdruk import print_data
from app.kaart.bewoners import bewoners_data
from app.kaart.kenmerken import result_kenmerken
from app.kaart.service import area_bounds, buurt_bounds, buurt_extents, werk_waarden
from app.kaart.tijdlijn import tijdlijn_svg
from app.kansen.schemas import BESLUIT_LABELS
from app.security import csp_nonce
from app.tiles.layers import TILE_LAYERS
from app.tiles.punt import BRONLAGEN, JAAR_MAX, JAAR_MIN
from app.tiles.service import tile_version
from frontend.bewoners import render_bewoners
from frontend.kaart import ACHTERGRONDEN, STANDAARD_ACHTERGROND, build_kaart
from frontend.pages import render_niet_gevonden, render_print, render_sleutel_nodig
from frontend.tijdlijn import BREEDTE, SMAL

STATIC_DIR = Path(frontend.__file__).resolve().parent / "static"
# The key cookie lives as long as a planning round; revoking the key ends it at once anyway.
KEY_COOKIE_MAX_AGE = 90 * 24 * 3600
_ACCESS_LOG = "uvicorn.access"


@asynccontextmanager
async def _redact_access_log(_: FastAPI) -> AsyncIterator[None]:
    # uvicorn's access log writes the query string: keep ?sleutel= out of it.
    redact = RedactKeyFilter()
    logging.getLogger(_ACCESS_LOG).addFilter(redact)
    try:
        yield
    finally:
        logging.getLogger(_ACCESS_LOG).removeFilter(redact)


router = APIRouter(tags=["kaart"], lifespan=_redact_access_log)

Achtergrond = Annotated[
    str,
    Query(description=(
        f"Achtergrondkaart bij openen: {', '.join(ACHTERGRONDEN)}. `geen` laadt niets van "
        f"buiten de app; een onbekende waarde geeft `{STANDAARD_ACHTERGROND}`."
    )),
]
Sleutel = Annotated[
    str | None,
    Query(description=(
        "API-sleutel (rol viewer) om de kaart te openen als lezen een sleutel vraagt. De pagina "
        "bewaart hem in een cookie en stuurt door naar dezelfde link zonder sleutel."
    )),
]


def mount_static(app: FastAPI) -> None:
    """Serve frontend/static (our script and style, and the vendored Leaflet) at /static."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@dataclass(frozen=True)
class _Bases:
    """URL prefixes of the page, honouring a proxy's root_path."""

    api_base: str
    static_base: str
    page_base: str
    tiles_base: str


def _bases(request: Request) -> _Bases:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return _Bases(api_base=root + API_PREFIX, static_base=root + "/static",
                  page_base=root + "/kaart", tiles_base=root + "/tiles")


def _page_path(request: Request) -> str:
    """The path the browser asked for (with a proxy's root_path), percent-encoded."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    path = str(request.scope["path"])
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root):]  # some servers put root_path into path as well
    return quote(root + path)


def _without_key(request: Request) -> str:
    """The same page (a relative URL) without `sleutel` among its query parameters."""
    rest = [(k, v) for k, v in request.query_params.multi_items() if k != "sleutel"]
    return _page_path(request) + (f"?{urlencode(rest)}" if rest else "")


def _private(request: Request, response: Response) -> Response:
    # A page shown only with a key is for its reader only.
    if read_requires_key(request):
        response.headers["Cache-Control"] = "private"
    return response


def _sleutel_nodig(request: Request, message: str, *, forget_cookie: bool) -> HTMLResponse:
    page_url = f"{request.url.scheme}://{request.url.netloc}{_page_path(request)}"
    page = render_sleutel_nodig(message=message, page_url=page_url, nonce=csp_nonce(request))
    response = HTMLResponse(page, status_code=401, headers={"Cache-Control": "no-store"})
    if forget_cookie:
        response.delete_cookie(KEY_COOKIE, path="/")
    return response


def page_access(
    request: Request,
    session: SessionDep,
    sleutel: Sleutel = None,
    x_api_key: KeyHeader = None,
    kk_sleutel: KeyCookie = None,
) -> Response | None:
    """None when the page may be shown; otherwise the answer to give instead.

    A `sleutel` in the URL is checked, kept in the cookie and taken out of the URL (redirect);
    without a valid key where one is needed, the Dutch page that says how to get one (401).
    """
    required = read_requires_key(request)
    if sleutel is not None:
        if role_of(session, sleutel) is None:
            if required:
                return _sleutel_nodig(request, "Deze sleutel is onbekend of ingetrokken.",
                                      forget_cookie=False)
            return RedirectResponse(_without_key(request), 303)
        response = RedirectResponse(_without_key(request), 303,
                                    headers={"Cache-Control": "no-store"})
        response.set_cookie(KEY_COOKIE, sleutel, max_age=KEY_COOKIE_MAX_AGE, path="/",
                            httponly=True, samesite="lax", secure=request.url.scheme == "https")
        return response
    if required and role_of(session, presented_key(x_api_key, kk_sleutel)) is None:
        if kk_sleutel:
            return _sleutel_nodig(request, "De sleutel die deze browser bewaarde is niet meer "
                                  "geldig (ingetrokken of onbekend).", forget_cookie=True)
        return _sleutel_nodig(request, "Deze kaart is alleen te zien met een sleutel.",
                              forget_cookie=False)
    return None


PageAccess = Annotated[Response | None, Depends(page_access)]


def _render(request: Request, session: SessionDep, bases: _Bases, achtergrond: str,
            **kwargs: Any) -> Response:
    run = latest_run(session)
    partijen, soorten = werk_waarden(session)
    m = build_kaart(
        api_base=bases.api_base, static_base=bases.static_base, page_base=bases.page_base,
        tiles_base=bases.tiles_base, peiljaar=run["peiljaar"] if run else None,
        versie=tile_version(session),
        minzoom={name: layer.minzoom for name, layer in TILE_LAYERS.items()},
        bronlagen=BRONLAGEN, jaarbereik=(JAAR_MIN, JAAR_MAX),
        partijen=partijen, soorten=soorten, besluiten=list(BESLUIT_LABELS.items()),
        # An unknown basemap in a hand-made link falls back to the default, as the page script
        # does for one in the URL hash.
        achtergrond=achtergrond if achtergrond in ACHTERGRONDEN else STANDAARD_ACHTERGROND,
        **kwargs,
    )
    return _private(request, HTMLResponse(m.get_root().render(nonce=csp_nonce(request))))


# Every map page: a key in the query string is stored and removed (303), or one is missing (401).
# Their refusals are Dutch HTML pages, not problem+json.
_HTML = {"text/html": {"schema": {"type": "string"}}}
_PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    303: {"description": "Sleutel bewaard; door naar de link zonder sleutel"},
    401: {"description": "Sleutel nodig (HTML-pagina)", "content": _HTML},
}


def _niet_gevonden(request: Request, exc: NotFound | NotReady) -> Response:
    found = isinstance(exc, NotFound)
    page = render_niet_gevonden(
        message=exc.message, page_base=_bases(request).page_base,
        title="Deze buurt is niet gevonden" if found else "Nog geen analyse", buurt_advies=found,
        nonce=csp_nonce(request),
    )
    return _private(request, HTMLResponse(page, status_code=exc.status_code))


@router.get(
    "/kaart",
    response_class=HTMLResponse,
    summary="Kaart van het hele gebied",
    responses=_PAGE_RESPONSES,
)
def get_kaart(
    request: Request, session: SessionDep, access: PageAccess,
    achtergrond: Achtergrond = STANDAARD_ACHTERGROND,
) -> Response:
    """The interactive map of all buurten: scores, koppelkansen, knelpunten and source layers.

    The layers are vector tiles from /tiles, the side panel reads this API; scripts come from
    /static only. The URL hash holds the view, the filters and the selection.
    """
    if access is not None:
        return access
    return _render(request, session, _bases(request), achtergrond, bounds=area_bounds(session))


@router.get(
    "/kaart/buurt/{buurtcode}",
    response_class=HTMLResponse,
    summary="Kaart van één buurt met de lijst van haar resultaten",
    responses={**_PAGE_RESPONSES,
               404: {"description": "Buurt bestaat niet (HTML-pagina)", "content": _HTML}},
)
def get_kaart_buurt(
    request: Request,
    session: SessionDep,
    access: PageAccess,
    buurtcode: str,
    achtergrond: Achtergrond = STANDAARD_ACHTERGROND,
) -> Response:
    """The map zoomed to one buurt, with its score and results in the side panel."""
    if access is not None:
        return access
    try:
        bounds = buurt_bounds(session, buurtcode)
    except NotFound as exc:
        return _niet_gevonden(request, exc)
    return _render(request, session, _bases(request), achtergrond, bounds=bounds,
                   buurtcode=buurtcode)


@router.get(
    "/kaart/buurt/{buurtcode}/print",
    response_class=HTMLResponse,
    summary="Printversie (A4) van één buurt",
    responses={**_PAGE_RESPONSES, 404: {"description": "Buurt bestaat niet", "content": _HTML},
               409: {"description": "Geen analyse", "content": _HTML}},
)
def get_kaart_buurt_print(
    request: Request, session: SessionDep, access: PageAccess, buurtcode: str
) -> Response:
    """An A4 page for a meeting with residents: map, rank, and every result with its reasons.

    Needs no script and nothing from outside the app; the map is an SVG.
    """
    if access is not None:
        return access
    bases = _bases(request)
    try:
        data = print_data(session, buurtcode=buurtcode)
    except (NotFound, NotReady) as exc:
        return _niet_gevonden(request, exc)
    page = render_print(data=data, static_base=bases.static_base, page_base=bases.page_base)
    return _private(request, HTMLResponse(page))


@router.get(
    "/kaart/buurt/{buurtcode}/bewoners",
    response_class=HTMLResponse,
    summary="Handout (twee A4) voor een bewonersavond in één buurt",
    responses={**_PAGE_RESPONSES, 404: {"description": "Buurt bestaat niet", "content": _HTML},
               409: {"description": "Geen analyse", "content": _HTML}},
)
def get_kaart_buurt_bewoners(
    request: Request, session: SessionDep, access: PageAccess, buurtcode: str
) -> Response:
    """At most two A4 pages in plain Dutch for residents: a map with street names and numbered
    places, per street what is planned when and what could be combined, and what residents
    can do. No ids, codes or thresholds; the print view is the technical annex.
    """
    if access is not None:
        return access
    bases = _bases(request)
    try:
        data = bewoners_data(session, buurtcode=buurtcode)
    except (NotFound, NotReady) as exc:
        return _niet_gevonden(request, exc)
    page = render_bewoners(data=data, static_base=bases.static_base, page_base=bases.page_base)
    return _private(request, HTMLResponse(page))


_SVG = {"image/svg+xml": {"schema": {"type": "string"}}}


@router.get(
    "/kaart/buurt/{buurtcode}/tijdlijn.svg",
    response_class=Response,
    summary="Tijdlijn (SVG) van de werken in één buurt of straat",
    responses={200: {"content": _SVG}, **_PAGE_RESPONSES,
               404: {"description": "Buurt of straat niet gevonden", "content": _HTML}},
)
def get_kaart_buurt_tijdlijn(
    request: Request, session: SessionDep, access: PageAccess, buurtcode: str,
    straat: Annotated[str | None, Query(description=(
        "Alleen deze straat (straatnaam zoals in de resultaten) van de buurt."))] = None,
    smal: Annotated[bool, Query(description=(
        "Smalle opmaak (400 breed) voor het zijpaneel van de kaart."))] = False,
) -> Response:
    """Heat works, the sewer (pipes due per year) and other parties' works on a year axis,
    with the koppelkansen (R1, R5) and the knelpunten where the street would open twice (R5b)
    drawn where the works meet. A static SVG: no script, prints as is.
    """
    if access is not None:
        return access
    try:
        svg = tijdlijn_svg(session, buurtcode=buurtcode, straat=straat or None,
                           breedte=SMAL if smal else BREEDTE)
    except NotFound as exc:
        return _niet_gevonden(request, exc)
    return _private(request, Response(svg, media_type="image/svg+xml"))


@router.get("/kaart/omvang", summary="Omvang van elke buurt (WGS84)", dependencies=[ReaderDep])
def get_omvang(session: SessionDep) -> dict[str, list[float]]:
    """Per buurtcode [minlon, minlat, maxlon, maxlat]: the map zooms to a buurt with it."""
    return buurt_extents(session)


@router.get("/kaart/kenmerken", summary="Kenmerken van elk resultaat, zonder ligging",
            dependencies=[ReaderDep])
def get_kenmerken(session: SessionDep) -> dict[str, Any]:
    """Per resultaat van de laatste analyse de velden waarop de kaart filtert (buurtcode,
    regelcode, categorie, actie_nodig, jaar, partijen en soorten): de kaart telt er per buurt
    en per regel mee wat binnen de filters valt.
    """
    return result_kenmerken(session)
