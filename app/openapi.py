"""The OpenAPI document, made to tell the truth about errors and limits.

FastAPI documents a validation error as its own JSON shape and nothing else. Here every error
answer an operation can give is documented once, as RFC 9457 problem details
(application/problem+json, schema `Problem`): the codes a route declares (404, 409, 401, ...)
plus those every operation can give: 422 when it takes parameters, 400 when it reads a body
(unreadable multipart), 503 when the database is unreachable or busy, and 401 on everything that
reads when this service asks a key for reading. Error answers a route documents with a content
of its own (the HTML pages) are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from app.auth.deps import KEY_COOKIE
from app.errors import PROBLEM_MEDIA_TYPE, problem_title


class Problem(BaseModel):
    """An error as RFC 9457 problem details (application/problem+json)."""

    type: str = Field("about:blank", description="Altijd about:blank: de status zegt het soort fout")
    title: str = Field(description="Korte Nederlandse naam van de fout", examples=["Niet gevonden"])
    status: int = Field(description="De HTTP-status van het antwoord", examples=[404])
    detail: str = Field(description="Wat er mis is en wat u kunt doen, in het Nederlands",
                        examples=["Buurt BU99990000 bestaat niet."])


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
_DESCRIPTIONS = {
    400: "Het verzoek is niet te lezen",
    422: "Ongeldige invoer: de `detail` noemt de parameter en wat er mis is",
    503: "De database is niet bereikbaar of even te druk",
}


def enum_items(values: Iterable[str]) -> dict[str, Any]:
    """`json_schema_extra` of a repeatable query parameter that takes only these values.

    The route keeps checking the values itself, so an unknown one gets a Dutch 422 that names
    the allowed ones.
    """
    return {"items": {"type": "string", "enum": list(values)}}


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi with one that documents every error as problem details."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            settings = app.state.settings
            document_errors(schema, max_page_size=settings.max_page_size,
                            read_requires_key=settings.read_requires_key)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_errors(schema: dict[str, Any], *, max_page_size: int,
                    read_requires_key: bool = False) -> None:
    """Rewrite the error responses of every operation in `schema` (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_ERROR_SCHEMAS:
        components.pop(name, None)
    components["Problem"] = Problem.model_json_schema()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            _document_operation(operation, max_page_size=max_page_size,
                                read_requires_key=read_requires_key)


def _document_operation(operation: dict[str, Any], *, max_page_size: int,
                        read_requires_key: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    codes = {503}
    if parameters or "requestBody" in operation:
        codes.add(422)
    if "requestBody" in operation:
        codes.add(400)
    # The reading routes take the key cookie (app.auth.deps.require_reader).
    if read_requires_key and any(p.get("name") == KEY_COOKIE for p in parameters):
        codes.add(401)
    for status in codes:
        responses.setdefault(str(status), {})
    for key, response in responses.items():
        if not key.isdigit() or int(key) < 400:
            continue
        status = int(key)
        content = response.get("content") or {}
        if not content or "application/json" in content and _is_fastapi_error(content):
            response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
        if not response.get("description") or response["description"] == "Validation Error":
            response["description"] = _DESCRIPTIONS.get(status, problem_title(status))
    for parameter in parameters:
        if parameter.get("name") == "limit" and parameter.get("in") == "query":
            _bound_limit(parameter["schema"], max_page_size)


def _is_fastapi_error(content: dict[str, Any]) -> bool:
    ref = str(content.get("application/json", {}).get("schema", {}).get("$ref", ""))
    return ref.rsplit("/", 1)[-1] in _FASTAPI_ERROR_SCHEMAS


def _bound_limit(schema: dict[str, Any], max_page_size: int) -> None:
    # The maximum is a setting (KOPPELKANSEN_MAX_PAGE_SIZE): state the one this service uses.
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "integer":
            option["minimum"] = 1
            option["maximum"] = max_page_size
