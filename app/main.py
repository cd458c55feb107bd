"""The FastAPI application."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import RedirectResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from app import docs, health
from app.adr import API_VERSION, ApiUriRules, ApiVersionHeader
from app.analyse.router import router as analyse_router
from app.buurten.router import gemeenten_router
from app.buurten.router import router as buurten_router
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.exports.router import router as export_router
from app.kaart.router import mount_static
from app.kaart.router import router as kaart_router
from app.kansen.router import router as kansen_router
from app.layers.router import router as layers_router
from app.layers.upload import UploadGuard, remove_stale_uploads
from app.ogc.router import router as ogc_router
from app.ogc.tiles import router as ogc_tiles_router
from app.openapi import install_openapi
from app.security import SecurityHeaders
from app.tiles.router import router as tiles_router
from app.verschil.router import router as verschil_router

DESCRIPTION = """
Koppelkansen laat zien waar werk in de straat gecombineerd kan worden: warmtenet en
rioolvervanging in één sleuf, vergroenen, bomen die in de weg staan, en sociale doelen in buurten
met zwakke leefbaarheid. Alle geometrie in antwoorden is GeoJSON in EPSG:4326; exports staan in
EPSG:28992 (RD New). Fouten zijn `application/problem+json` (RFC 9457) met `status`, een korte
Nederlandse `title` en in `detail` wat er mis is en wat u kunt doen.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the lifespan owns the engine and the sessionmaker."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        remove_stale_uploads()  # left by a crash; folders of running workers stay
        engine = make_engine(settings.sqlalchemy_url,
                             lock_timeout_ms=settings.read_lock_timeout_ms,
                             statement_timeout_ms=settings.read_statement_timeout_ms)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        # What startup made lives as long as the server: out of the collector's sight, a full
        # collection no longer walks it mid-request (it set part of the tiles' p95).
        gc.collect()
        gc.freeze()
        yield
        engine.dispose()

    # /docs is our own page with the vendored Swagger UI (app.docs); no ReDoc (it needs a CDN).
    contact = {"name": settings.api_contact_name, "email": settings.api_contact_email,
               "url": settings.api_contact_url}
    app = FastAPI(title="Koppelkansen", version=API_VERSION, description=DESCRIPTION,
                  contact=contact, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    # Tiles and GeoJSON compress well (a dense riolering tile shrinks to about a third).
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(UploadGuard)
    if settings.read_requires_key:
        app.add_middleware(PrivateCache)
    app.add_middleware(ApiUriRules)
    # Added last, so it wraps the others: UploadGuard's early refusals get the headers too.
    app.add_middleware(SecurityHeaders)
    # Outermost of all: every answer, also those sent by the middleware above, names the version.
    app.add_middleware(ApiVersionHeader)
    install_error_handlers(app)
    for router in (health.router, buurten_router, gemeenten_router, kansen_router, layers_router,
                   export_router, kaart_router, tiles_router, analyse_router, verschil_router,
                   docs.router, ogc_router, ogc_tiles_router):
        app.include_router(router)
    install_openapi(app)
    mount_static(app)

    @app.get("/", include_in_schema=False)
    def root(request: Request) -> RedirectResponse:
        # Behind a proxy that serves the app under a prefix, the map is under it too.
        return RedirectResponse(str(request.scope.get("root_path", "")).rstrip("/") + "/kaart")

    return app



class PrivateCache(BaseHTTPMiddleware):
    """When reading needs a key, no shared cache may keep an answer that did not say otherwise."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Cache-Control", "private")
        return response
