"""One tree of domain errors, each carrying a Dutch message, and their HTTP mapping."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
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

DB_BUSY_MESSAGE = "De database is even te druk bezig; probeer het over een ogenblik opnieuw."

_FIELD_NAMES_NL = {"query": "parameter", "path": "pad", "body": "inhoud"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ()) if p not in _FIELD_NAMES_NL]
        name = ".".join(loc) or "verzoek"
        parts.append(f"'{name}': {_translate(error)}")
    return "Ongeldige invoer: " + "; ".join(parts)


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
        # No SQLSTATE: the connection itself failed. Otherwise a lock, deadlock or timeout.
        busy = getattr(exc.orig, "sqlstate", None) is not None
        return JSONResponse(status_code=503, content={
            "detail": DB_BUSY_MESSAGE if busy else DB_UNAVAILABLE_MESSAGE})

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        return JSONResponse(status_code=422, content={
            "detail": "Ongeldige invoer: een waarde in het verzoek kan de database niet lezen "
                      "(te groot getal of een verboden teken)."})

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=500,
            content={"detail": "Er ging onverwacht iets mis. Probeer het opnieuw of meld dit."},
        )


class NotReady(DomainError):
    """Something must happen first (an import, an analysis)."""

    status_code = 409
