"""The OpenAPI document, made to tell the truth about errors, limits and the API version.

FastAPI documents a validation error as its own JSON shape and nothing else. Here every error
answer an operation can give is documented once, as RFC 9457 problem details
(application/problem+json, schema `Problem`): the codes a route declares (404, 409, 401, ...)
plus those every operation can give: 400 when it takes parameters or reads a body (an invalid
parameter, an unreadable body), 422 when it reads a body (valid JSON that cannot be used), 503
when the database is unreachable or busy, and 401 on everything that reads when this service
asks a key for reading. Error answers a route documents with a content of its own (the HTML
pages) are kept. Every answer carries the `API-Version` header (app.adr).

The JSON API under /api/v1 also has a document of its own at /api/v1/openapi.json, as the NLGov
API Design Rules want it (API-51): only its paths, relative to the server URL /api/v1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from app.adr import (
    API_PREFIX,
    API_VERSION,
    API_VERSION_HEADER,
    CONTENT_CRS84,
    CONTENT_CRS_HEADER,
    in_api,
)
from app.auth.deps import KEY_COOKIE
from app.errors import PROBLEM_MEDIA_TYPE, problem_title
from app.geojson import GEOJSON_MEDIA_TYPE


class InvalidParamLocation(BaseModel):
    """Where an invalid input is: a parameter's name, or a JSON Pointer into the body."""

    name: str | None = Field(None, description="De naam van de parameter", examples=["jaarVan"])
    pointer: str | None = Field(None, description="JSON Pointer in de inhoud", examples=["/naam"])


class InvalidParam(BaseModel):
    """One invalid input of a request (NLGov API Design Rules, problem details)."""

    in_: str = Field(alias="in", description="query, path, header, cookie of body",
                     examples=["query"])
    location: InvalidParamLocation
    code: str = Field(description="Soort fout (machineleesbaar)", examples=["int_parsing"])
    detail: str = Field(description="Wat er mis is, in het Nederlands",
                        examples=["moet een geheel getal zijn"])


class Problem(BaseModel):
    """An error as RFC 9457 problem details (application/problem+json)."""

    type: str = Field("about:blank", description="Altijd about:blank: de status zegt het soort fout")
    title: str = Field(description="Korte Nederlandse naam van de fout", examples=["Niet gevonden"])
    status: int = Field(description="De HTTP-status van het antwoord", examples=[404])
    detail: str = Field(description="Wat er mis is en wat u kunt doen, in het Nederlands",
                        examples=["Buurt BU99990000 bestaat niet."])
    errors: list[InvalidParam] | None = Field(
        None, description="Bij 400 en 422 om ongeldige invoer: per parameter of veld wat er mis is")


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
API_VERSION_REF = {"$ref": f"#/components/headers/{API_VERSION_HEADER}"}
CONTENT_CRS_REF = {"$ref": f"#/components/headers/{CONTENT_CRS_HEADER}"}
_FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
_DESCRIPTIONS = {
    400: "Ongeldig verzoek: een parameter is ongeldig (`errors` noemt welke en wat er mis is) "
         "of de inhoud is niet te lezen",
    422: "Ongeldige invoer in de inhoud: de `detail` noemt het veld en wat er mis is",
    503: "De database is niet bereikbaar of even te druk",
}
_API_VERSION_DOC = {
    "description": "De volledige versie van de API (semantic versioning), bij elk antwoord",
    "schema": {"type": "string", "examples": [API_VERSION]},
}
_CONTENT_CRS_DOC = {
    "description": "Het coördinatenstelsel van de geometrie in het antwoord: altijd CRS84 "
                   "(WGS 84, lengte-breedte), zoals GeoJSON het wil",
    "schema": {"type": "string", "enum": [CONTENT_CRS84]},
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
            schema = get_openapi(title=app.title, version=app.version, contact=app.contact,
                                 description=app.description, routes=app.routes)
            settings = app.state.settings
            document_errors(schema, max_page_size=settings.max_page_size,
                            read_requires_key=settings.read_requires_key)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    documents: dict[str, bytes] = {}  # by server URL: built once, like app.openapi_schema

    @app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False)
    def api_openapi(request: Request) -> Response:
        # Public like /openapi.json, from any origin: no key, so a client, a linter or an API
        # register can read what the API is.
        url = str(request.scope.get("root_path", "")).rstrip("/") + API_PREFIX
        if url not in documents:
            documents[url] = json.dumps(api_document(app.openapi(), server_url=url),
                                        ensure_ascii=False).encode("utf-8")
        return Response(documents[url], media_type="application/json",
                        headers={"Access-Control-Allow-Origin": "*"})


def api_document(schema: dict[str, Any], *, server_url: str) -> dict[str, Any]:
    """The OpenAPI document of the JSON API alone: its paths relative to `server_url`.

    Holds the components those paths use, and `/openapi.json` itself (NLGov ADR API-51).
    """
    paths = {path.removeprefix(API_PREFIX): operations
             for path, operations in schema["paths"].items() if in_api(path)}
    document = {
        "tags": ["documentatie"],
        "summary": "Dit OpenAPI-document",
        "description": "De beschrijving van de JSON-API onder /api/v1 (OpenAPI 3); vrij te "
                       "lezen, zonder sleutel.",
        "operationId": "get_openapi_document",
        "responses": {"200": {"description": "Het OpenAPI-document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }
    _document_operation(document, max_page_size=0, read_requires_key=False)
    paths["/openapi.json"] = {"get": document}
    components = schema.get("components", {})
    used = _refs_from(paths, components)
    return {
        "openapi": schema["openapi"], "info": schema["info"], "servers": [{"url": server_url}],
        "paths": paths,
        "components": {kind: {name: value for name, value in entries.items()
                              if f"#/components/{kind}/{name}" in used}
                       for kind, entries in components.items()},
    }


def _refs_from(paths: dict[str, Any], components: dict[str, Any]) -> set[str]:
    """Every component reference reachable from `paths`, following references in components."""
    found: set[str] = set()
    todo = list(_refs(paths))
    while todo:
        ref = todo.pop()
        if ref in found:
            continue
        found.add(ref)
        _, _, kind, name = ref.split("/", 3)
        todo.extend(_refs(components.get(kind, {}).get(name, {})))
    return found


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/"):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def document_errors(schema: dict[str, Any], *, max_page_size: int,
                    read_requires_key: bool = False) -> None:
    """Rewrite the error responses of every operation in `schema` (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_ERROR_SCHEMAS:
        components.pop(name, None)
    _rename_body_schemas(schema)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    headers = schema["components"].setdefault("headers", {})
    headers[API_VERSION_HEADER] = _API_VERSION_DOC
    headers[CONTENT_CRS_HEADER] = _CONTENT_CRS_DOC
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            _document_operation(operation, max_page_size=max_page_size,
                                read_requires_key=read_requires_key)
            if in_api(path):
                _document_content_crs(operation)


def _rename_body_schemas(schema: dict[str, Any]) -> None:
    """FastAPI names a form body `Body_<operation id>`; schema names are PascalCase (NLGov ADR)."""
    components = schema["components"]["schemas"]
    renames = {name: "".join(part[:1].upper() + part[1:] for part in name.split("_"))
               for name in components if name.startswith("Body_")}
    for old, new in renames.items():
        components[new] = components.pop(old)
    targets = {f"#/components/schemas/{old}": f"#/components/schemas/{new}"
               for old, new in renames.items()}

    def rewrite(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("$ref") in targets:
                node["$ref"] = targets[node["$ref"]]
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for item in node:
                rewrite(item)

    if targets:
        rewrite(schema["paths"])


def _document_operation(operation: dict[str, Any], *, max_page_size: int,
                        read_requires_key: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    codes = {503}
    if parameters or has_body:
        codes.add(400)
    if has_body:
        codes.add(422)
    elif "422" in responses:  # what a route refuses in its parameters is a 400 (app.errors)
        responses.setdefault("400", responses.pop("422"))
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
    for response in responses.values():
        response.setdefault("headers", {})[API_VERSION_HEADER] = API_VERSION_REF
    for parameter in parameters:
        if parameter.get("name") == "limit" and parameter.get("in") == "query":
            _bound_limit(parameter["schema"], max_page_size)


def _document_content_crs(operation: dict[str, Any]) -> None:
    # The GeoJSON answers of the JSON API name their CRS (app.adr.ApiVersionHeader).
    for response in operation["responses"].values():
        if GEOJSON_MEDIA_TYPE in (response.get("content") or {}):
            response["headers"][CONTENT_CRS_HEADER] = CONTENT_CRS_REF


def _is_fastapi_error(content: dict[str, Any]) -> bool:
    ref = str(content.get("application/json", {}).get("schema", {}).get("$ref", ""))
    return ref.rsplit("/", 1)[-1] in _FASTAPI_ERROR_SCHEMAS


def _bound_limit(schema: dict[str, Any], max_page_size: int) -> None:
    # The maximum is a setting (KOPPELKANSEN_MAX_PAGE_SIZE): state the one this service uses.
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "integer":
            option["minimum"] = 1
            option["maximum"] = max_page_size
