"""One tree of domain errors, each carrying a Dutch message, and their HTTP mapping."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

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

_FIELD_NAMES_NL = {"query": "parameter", "path": "pad", "body": "inhoud"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ()) if p not in _FIELD_NAMES_NL]
        name = ".".join(loc) or "verzoek"
        parts.append(f"'{name}': {_translate(error)}")
    return "Ongeldige invoer: " + "; ".join(parts)


def _translate(error: dict) -> str:  # type: ignore[type-arg]
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "ontbreekt"
    if kind in ("int_parsing", "int_type"):
        return "moet een geheel getal zijn"
    if kind in ("float_parsing", "float_type"):
        return "moet een getal zijn"
    if kind in ("bool_parsing", "bool_type"):
        return "moet true of false zijn"
    if kind == "greater_than_equal":
        return f"moet minstens {ctx.get('ge')} zijn"
    if kind == "less_than_equal":
        return f"mag hoogstens {ctx.get('le')} zijn"
    if kind == "enum" or kind == "literal_error":
        return f"moet een van deze waarden zijn: {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return "heeft niet de juiste vorm"
    return str(error.get("msg", "ongeldig"))


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to JSON with a Dutch `detail`; nothing leaks a stack trace."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.message})

    @app.exception_handler(ImportRefused)
    async def _refused(_: Request, exc: ImportRefused) -> JSONResponse:
        return JSONResponse(status_code=422, content={
            "detail": f"Import geweigerd, er is niets veranderd. {exc.message}"})

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _validation_message(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = "Deze pagina of bron bestaat niet." if exc.status_code == 404 else str(exc.detail)
        if exc.status_code == 405:
            detail = "Deze methode is hier niet toegestaan."
        return JSONResponse(status_code=exc.status_code, content={"detail": detail})

    @app.exception_handler(OperationalError)
    async def _db(_: Request, exc: OperationalError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": DB_UNAVAILABLE_MESSAGE})

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=500,
            content={"detail": "Er ging onverwacht iets mis. Probeer het opnieuw of meld dit."},
        )


class NotReady(DomainError):
    """Something must happen first (an import, an analysis)."""

    status_code = 409
