"""What the NLGov REST API Design Rules ask of every answer, as ASGI middleware.

The major version is in the URI (/api/v1); the full semantic version goes in `info.version` of
the OpenAPI document and in the `API-Version` header of every answer, so a client can tell
which 1.x it talks to. GeoJSON of the JSON API is in CRS84 and says so in `Content-Crs` (the
geospatial module; the OGC API under /ogc/v1 sets its own). A URI of the JSON API with a
trailing slash names no resource: 404. A query key of before the rules (snake_case) gets a 400
that names its new name, rather than being ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import send_problem
from app.geojson import CRS84_URI, GEOJSON_MEDIA_TYPE
from app.security import AddHeaders, Headers

API_VERSION = "1.0.0"
API_VERSION_HEADER = "API-Version"
API_PREFIX = "/api/v1"
CONTENT_CRS_HEADER = "Content-Crs"
CONTENT_CRS84 = f"<{CRS84_URI}>"
_RAW_PAIR = (API_VERSION_HEADER.lower().encode("latin-1"), API_VERSION.encode("latin-1"))
_CRS_PAIR = (CONTENT_CRS_HEADER.lower().encode("latin-1"), CONTENT_CRS84.encode("latin-1"))
# Query keys renamed to lowerCamelCase in API version 1.0.0 (README, "API-richtlijnen").
RENAMED_QUERY_KEYS = {"actie_nodig": "actieNodig", "jaar_van": "jaarVan", "jaar_tot": "jaarTot",
                      "tolerantie_px": "tolerantiePx"}
_NO_SLASH = ("Deze bron bestaat niet: de adressen van de API eindigen niet op een '/'. Laat de "
             "laatste '/' weg.")


def in_api(path: str) -> bool:
    """Whether `path` is one of the JSON API (below /api/v1)."""
    return path.startswith(API_PREFIX + "/")


class ApiVersionHeader(AddHeaders):
    """Adds `API-Version` to every answer, and `Content-Crs` (CRS84) to the GeoJSON answers of
    the JSON API.

    Added outermost, so early refusals (UploadGuard) get it too. Only the answers of an
    unexpected error skip all middleware; app.errors adds the header to those itself.
    """

    def extra(self, scope: Scope) -> Callable[[dict[bytes, bytes]], Headers]:
        api = in_api(scope.get("path", ""))

        def headers(present: dict[bytes, bytes]) -> Headers:
            geojson = present.get(b"content-type", b"").startswith(GEOJSON_MEDIA_TYPE.encode())
            return [_RAW_PAIR, *([_CRS_PAIR] if api and geojson else [])]

        return headers


class ApiUriRules:
    """ASGI middleware: a path of the JSON API ending in '/' is a 404, not a redirect, and an
    old (snake_case) query key a 400 that names the new one.

    Starlette would redirect /api/v1/buurten/ to /api/v1/buurten; the rules want one URI per
    resource. The rest of the app (the map, the OGC API) keeps Starlette's redirect.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        refusal = _refusal(scope) if in_api(path) else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        await send_problem(send, *refusal)


def _refusal(scope: Scope) -> tuple[int, str] | None:
    if scope["path"].endswith("/"):
        return 404, _NO_SLASH
    query = scope.get("query_string", b"").decode("latin-1")
    old = [key for key, _ in parse_qsl(query, keep_blank_values=True) if key in RENAMED_QUERY_KEYS]
    if not old:
        return None
    names = ", ".join(f"'{key}' heet nu '{RENAMED_QUERY_KEYS[key]}'" for key in dict.fromkeys(old))
    return 400, f"Ongeldige parameter: {names} (API-versie {API_VERSION}). Pas het adres aan."
