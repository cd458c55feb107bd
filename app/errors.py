"""One tree of domain errors, each carrying a Dutch message, and their HTTP mapping."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DataError, OperationalError

if TYPE_CHECKING:  # fastapi is imported where it is used: the CLI needs these errors, not fastapi
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.types import Send

from data.importers import ImportRefused


class DomainError(Exception):
    """Base of all errors a user may see; `message` is Dutch and says what to do."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The requested buurt, result or layer does not exist."""

    status_code = 404


class BadRequest(DomainError):
    """A parameter that cannot be used."""

    status_code = 422


class DatabaseUnavailable(DomainError):
    """PostGIS cannot be reached."""

    status_code = 503


DB_UNAVAILABLE_MESSAGE = (
    "De database is niet bereikbaar. Controleer of PostgreSQL met PostGIS draait en of "
    "DATABASE_URL klopt."
)

DB_BUSY_MESSAGE = "De database is even te druk bezig; probeer het over een ogenblik opnieuw."

_FIELD_NAMES_NL = {"query": "parameter", "path": "pad", "body": "inhoud"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ()) if p not in _FIELD_NAMES_NL]
        name = ".".join(loc) or "verzoek"
        parts.append(f"'{name}': {_translate(error)}")
    return "Ongeldige invoer: " + "; ".join(parts)


def invalid_params(exc: RequestValidationError) -> list[dict[str, Any]]:
    """The `errors` member of a validation problem: per input where it is and what is wrong.

    `in` is query, path, header, cookie or body; `location` names the parameter, or points into
    the body with a JSON Pointer (NLGov API Design Rules, problem details for bad requests).
    """
    errors = []
    for error in exc.errors():
        where, *rest = [str(p) for p in error.get("loc", ())] or ["body"]
        location = ({"pointer": "/" + "/".join(rest)} if where == "body"
                    else {"name": ".".join(rest)})
        errors.append({"in": where, "location": location, "code": str(error.get("type", "")),
                       "detail": _translate(error)})
    return errors


def validation_status(exc: RequestValidationError) -> int:
    """400 when a parameter is invalid (query, path, header, cookie); 422 for a body."""
    return 422 if any(e.get("loc", ("body",))[0] == "body" for e in exc.errors()) else 400


# A request that cannot carry a body: what a route refuses in it is a parameter (400, not 422).
_PARAMETER_ONLY = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


def refusal_status(request: Request, status: int) -> int:
    """The status of an input the route refuses: 400 for parameters, 422 for a request body."""
    return 400 if status == 422 and request.method in _PARAMETER_ONLY else status


_MESSAGES = {
    "missing": "ontbreekt",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "bool_parsing": "moet true of false zijn",
    "bool_type": "moet true of false zijn",
    "string_type": "moet tekst zijn",
    "string_pattern_mismatch": "heeft niet de juiste vorm",
    "json_invalid": "is geen geldige JSON",
    "model_attributes_type": "moet een JSON-object zijn",
    "dict_type": "moet een JSON-object zijn",
    "list_type": "moet een lijst zijn",
}


def _translate(error: dict) -> str:  # type: ignore[type-arg]
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind in ("greater_than_equal", "greater_than"):
        return f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
    if kind in ("less_than_equal", "less_than"):
        return f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace(" or ", " of ")
        return f"moet een van deze waarden zijn: {expected}"
    if kind == "string_too_long":
        return f"mag hoogstens {ctx.get('max_length')} tekens lang zijn"
    if kind == "string_too_short":
        return f"moet minstens {ctx.get('min_length')} tekens lang zijn"
    return "heeft een ongeldige waarde"


PROBLEM_MEDIA_TYPE = "application/problem+json"

# RFC 9457 titles: short, Dutch, one per status; `detail` says what is wrong and what to do.
TITLES: dict[int, str] = {
    400: "Ongeldig verzoek",
    401: "Sleutel nodig",
    403: "Geen toestemming",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Nog niet mogelijk",
    413: "Bestand te groot",
    415: "Soort inhoud niet ondersteund",
    422: "Ongeldige invoer",
    500: "Onverwachte fout",
    503: "Dienst tijdelijk niet beschikbaar",
}

# What Starlette's own HTTP errors (routing, body parsing) say, in Dutch; its English text and
# anything else it carries are never passed on.
_HTTP_DETAILS: dict[int, str] = {
    400: "Het verzoek kan niet gelezen worden: de inhoud is geen geldige JSON of multipart, of "
         "geen UTF-8. Controleer de inhoud en de header Content-Type.",
    404: "Deze pagina of bron bestaat niet.",
    405: "Deze methode is hier niet toegestaan; de header 'Allow' noemt de methoden die wel kunnen.",
    413: "Het verzoek is te groot.",
    415: "Deze soort inhoud (Content-Type) wordt hier niet ondersteund.",
}
UNEXPECTED_MESSAGE = "Er ging onverwacht iets mis. Probeer het opnieuw of meld dit."


def database_error(exc: OperationalError) -> DatabaseUnavailable:
    """The 503 for a database that failed: unreachable, or busy (a lock, deadlock or timeout)."""
    # No SQLSTATE: the connection itself failed.
    busy = getattr(exc.orig, "sqlstate", None) is not None
    return DatabaseUnavailable(DB_BUSY_MESSAGE if busy else DB_UNAVAILABLE_MESSAGE)


def problem_title(status: int) -> str:
    """The Dutch title of a status (the class of the status when it has none of its own)."""
    return TITLES.get(status) or ("Onverwachte fout" if status >= 500 else "Ongeldig verzoek")


# The folders of this server (temp uploads, the code, Python): a detail never names them. A
# message that quotes one (a reader's error about /tmp/kk-upload-…/x.gpkg) keeps the file name.
_SERVER_DIRS = sorted({str(Path(p).resolve()) for p in (
    tempfile.gettempdir(), Path(__file__).resolve().parents[1], sys.prefix, sys.base_prefix)}
    | {tempfile.gettempdir()}, key=len, reverse=True)
_SERVER_PATH = re.compile(
    r"(?:/vsi[a-z]+/)*(?:" + "|".join(re.escape(d) for d in _SERVER_DIRS) + r")/(?:[^/\s'\"]+/)*")
MAX_DETAIL_CHARS = 4000


def clean_detail(detail: str) -> str:
    """`detail` without server paths, and at most MAX_DETAIL_CHARS long."""
    detail = _SERVER_PATH.sub("", detail)
    if len(detail) > MAX_DETAIL_CHARS:
        cut = " … (ingekort)"
        detail = detail[:MAX_DETAIL_CHARS - len(cut)].rstrip() + cut
    return detail


def problem_body(status: int, detail: str,
                 errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The problem-details object of an error; `errors` lists the invalid inputs, if known."""
    body: dict[str, Any] = {"type": "about:blank", "title": problem_title(status),
                            "status": status, "detail": clean_detail(detail)}
    if errors:
        body["errors"] = errors
    return body


async def send_problem(send: Send, status: int, detail: str) -> None:
    """Send an error answer from raw ASGI middleware (before any route runs)."""
    body = json.dumps(problem_body(status, detail), ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def problem_response(status: int, detail: str, headers: dict[str, str] | None = None,
                     errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    """An error answer: application/problem+json with a Dutch title and detail."""
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=status, content=problem_body(status, detail, errors),
                        media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to problem+json with a Dutch `detail`; nothing leaks a stack trace."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(refusal_status(request, exc.status_code), exc.message)

    @app.exception_handler(ImportRefused)
    async def _refused(_: Request, exc: ImportRefused) -> JSONResponse:
        return problem_response(422, f"Import geweigerd, er is niets veranderd. {exc.message}")

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_status(exc), _validation_message(exc),
                                errors=invalid_params(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = _HTTP_DETAILS.get(exc.status_code) or TITLES.get(exc.status_code) or "Fout."
        # Keep the headers Starlette meant for the client (Allow on a 405).
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed(request)
        return problem_response(exc.status_code, detail, headers=headers)

    @app.exception_handler(OperationalError)
    async def _db(_: Request, exc: OperationalError) -> JSONResponse:
        return problem_response(503, database_error(exc).message)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        return problem_response(
            refusal_status(request, 422),
            "Ongeldige invoer: een waarde in het verzoek kan de database niet lezen "
            "(te groot getal of een verboden teken).")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Starlette answers this one outside all middleware: add the security headers here.
        from app.adr import API_VERSION, API_VERSION_HEADER
        from app.security import new_nonce, security_headers

        headers = {**security_headers(new_nonce()), API_VERSION_HEADER: API_VERSION}
        return problem_response(500, UNEXPECTED_MESSAGE, headers=headers)


def _allowed(request: Request) -> str:
    """Every method some route on this path answers (Starlette names only the first route's)."""
    from starlette.routing import Match

    allowed = [method for method in _METHODS if any(
        route.matches({**request.scope, "method": method})[0] == Match.FULL
        for route in request.app.router.routes)]
    return ", ".join(allowed)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class NotReady(DomainError):
    """Something must happen first (an import, an analysis)."""

    status_code = 409
