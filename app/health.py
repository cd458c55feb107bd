"""Health route: database reachable, PostGIS version, last analysis run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.analyse.service import latest_run
from app.errors import DB_UNAVAILABLE_MESSAGE

router = APIRouter(tags=["status"])


_DOWN = {
    "description": "De database is niet bereikbaar",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["status", "database", "detail"],
        "properties": {"status": {"const": "fout"}, "database": {"const": False},
                       "detail": {"type": "string"}},
    }}},
}


@router.get("/health", responses={503: _DOWN})
def health(request: Request) -> Any:
    """Is de database bereikbaar, welke PostGIS-versie draait er, en wat was de laatste analyse."""
    try:
        with request.app.state.engine.connect() as conn:
            version = conn.execute(text("SELECT postgis_lib_version()")).scalar_one()
            run = latest_run(conn)
    except SQLAlchemyError:
        return JSONResponse(status_code=503, content={
            "status": "fout", "database": False, "detail": DB_UNAVAILABLE_MESSAGE})
    last = None
    if run:
        last = {"id": run["id"], "created_at": run["created_at"].isoformat(),
                "peiljaar": run["peiljaar"], "aantallen": run["aantallen"]}
    return {"status": "ok", "database": True, "postgis": version, "laatste_analyse": last}
