"""The map pages: the whole area and one buurt, plus the static assets they link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import frontend
from app.db import SessionDep
from app.errors import NotFound
from app.kaart.service import area_bounds, buurt_bounds
from frontend.kaart import build_kaart
from frontend.pages import render_niet_gevonden

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


def _bases(request: Request) -> _Bases:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return _Bases(
        api_base=root + API_PREFIX, static_base=root + "/static", page_base=root + "/kaart"
    )


def _render(bases: _Bases, **kwargs: Any) -> HTMLResponse:
    m = build_kaart(
        api_base=bases.api_base, static_base=bases.static_base, page_base=bases.page_base, **kwargs
    )
    return HTMLResponse(m.get_root().render())


@router.get("/kaart", response_class=HTMLResponse, summary="Kaart van het hele gebied")
def get_kaart(
    request: Request, session: SessionDep, achtergrond: Achtergrond = "grijs"
) -> HTMLResponse:
    """The interactive map of all buurten: scores, koppelkansen, knelpunten and source layers.

    The page loads its data from this API (GeoJSON) and its scripts from /static only.
    """
    return _render(_bases(request), bounds=area_bounds(session), achtergrond=achtergrond)


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
    """The map zoomed to one buurt, with a side list of its koppelkansen and knelpunten."""
    bases = _bases(request)
    try:
        if not BUURTCODE_RE.fullmatch(buurtcode):
            raise NotFound(f"‘{buurtcode}’ is geen geldige buurtcode.")
        bounds = buurt_bounds(session, buurtcode)
    except NotFound as exc:
        page = render_niet_gevonden(message=exc.message, page_base=bases.page_base)
        return HTMLResponse(page, status_code=404)
    return _render(bases, bounds=bounds, buurtcode=buurtcode, achtergrond=achtergrond)
