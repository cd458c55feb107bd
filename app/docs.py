"""The API documentation page, Swagger UI served from the app (no CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from frontend.pages import render_docs

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def get_docs(request: Request) -> HTMLResponse:
    """Swagger UI on this service's OpenAPI document; its scripts come from /static."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    app = request.app
    return HTMLResponse(render_docs(title=app.title, openapi_url=root + app.openapi_url,
                                    static_base=root + "/static"))
