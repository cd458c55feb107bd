"""The map pages (whole area, one buurt, print view of one buurt) and the static assets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import frontend
from app.analyse.service import latest_run
from app.db import SessionDep
from app.errors import NotFound, NotReady
from app.kaart.afdruk import print_data
from app.kaart.service import area_bounds, buurt_bounds, buurt_extents
from app.tiles.layers import TILE_LAYERS
from app.tiles.service import tile_version
from frontend.kaart import build_kaart
from frontend.pages import render_niet_gevonden, render_print

STATIC_DIR = Path(frontend.__file__).resolve().parent / "static"
API_PREFIX = "/api/v1"
BUURTCODE_RE = re.compile(r"BU\d{8}")

router = APIRouter(tags=["kaart"])

Achtergrond = Annotated[
    Literal["grijs", "standaard", "pastel", "luchtfoto", "geen"],
    Query(description="Achtergrondkaart bij openen; `geen` laadt niets van buiten de app."),
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


def _render(session: SessionDep, bases: _Bases, **kwargs: Any) -> HTMLResponse:
    run = latest_run(session)
    m = build_kaart(
        api_base=bases.api_base, static_base=bases.static_base, page_base=bases.page_base,
        tiles_base=bases.tiles_base, peiljaar=run["peiljaar"] if run else None,
        versie=tile_version(session),
        minzoom={name: layer.minzoom for name, layer in TILE_LAYERS.items()}, **kwargs,
    )
    return HTMLResponse(m.get_root().render())


def _niet_gevonden(bases: _Bases, exc: NotFound | NotReady) -> HTMLResponse:
    title = "Deze buurt is niet gevonden" if isinstance(exc, NotFound) else "Nog geen analyse"
    page = render_niet_gevonden(message=exc.message, page_base=bases.page_base, title=title)
    return HTMLResponse(page, status_code=exc.status_code)


def _check_code(buurtcode: str) -> None:
    if not BUURTCODE_RE.fullmatch(buurtcode):
        raise NotFound(f"‘{buurtcode}’ is geen geldige buurtcode.")


@router.get("/kaart", response_class=HTMLResponse, summary="Kaart van het hele gebied")
def get_kaart(
    request: Request, session: SessionDep, achtergrond: Achtergrond = "grijs"
) -> HTMLResponse:
    """The interactive map of all buurten: scores, koppelkansen, knelpunten and source layers.

    The layers are vector tiles from /tiles, the side panel reads this API; scripts come from
    /static only. The URL hash holds the view, the filters and the selection.
    """
    return _render(session, _bases(request), bounds=area_bounds(session), achtergrond=achtergrond)


@router.get(
    "/kaart/buurt/{buurtcode}",
    response_class=HTMLResponse,
    summary="Kaart van één buurt met de lijst van haar resultaten",
    responses={404: {"description": "Buurt bestaat niet (HTML-pagina)"}},
)
def get_kaart_buurt(
    request: Request,
    session: SessionDep,
    buurtcode: str,
    achtergrond: Achtergrond = "grijs",
) -> HTMLResponse:
    """The map zoomed to one buurt, with its score and results in the side panel."""
    bases = _bases(request)
    try:
        _check_code(buurtcode)
        bounds = buurt_bounds(session, buurtcode)
    except NotFound as exc:
        return _niet_gevonden(bases, exc)
    return _render(session, bases, bounds=bounds, buurtcode=buurtcode, achtergrond=achtergrond)


@router.get(
    "/kaart/buurt/{buurtcode}/print",
    response_class=HTMLResponse,
    summary="Printversie (A4) van één buurt",
    responses={404: {"description": "Buurt bestaat niet"}, 409: {"description": "Geen analyse"}},
)
def get_kaart_buurt_print(request: Request, session: SessionDep, buurtcode: str) -> HTMLResponse:
    """An A4 page for a meeting with residents: map, rank, and every result with its reasons.

    Needs no script and nothing from outside the app; the map is an SVG.
    """
    bases = _bases(request)
    try:
        _check_code(buurtcode)
        data = print_data(session, buurtcode=buurtcode)
    except (NotFound, NotReady) as exc:
        return _niet_gevonden(bases, exc)
    page = render_print(data=data, static_base=bases.static_base, page_base=bases.page_base,
                        api_base=bases.api_base)
    return HTMLResponse(page)


@router.get("/kaart/omvang", summary="Omvang van elke buurt (WGS84)")
def get_omvang(session: SessionDep) -> dict[str, list[float]]:
    """Per buurtcode [minlon, minlat, maxlon, maxlat]: the map zooms to a buurt with it."""
    return buurt_extents(session)
