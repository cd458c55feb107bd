"""The JSON API under /api/v1 against the NLGov REST API Design Rules (ADR 2.x core).

Two halves: Spectral lints the published OpenAPI document (/api/v1/openapi.json) with the
ruleset in api/adr-ruleset.yaml, and the live answers are checked for what a document cannot
show: the API-Version header on every answer, problem details on every error, no trailing
slashes, lowerCamelCase query keys. The OGC API (/ogc/v1) follows OGC's names and is not part
of this document; the map's pages (/kaart, /tiles) are no part of the JSON API.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.adr import API_VERSION
from app.auth.service import create_key
from app.config import Settings
from app.errors import PROBLEM_MEDIA_TYPE, TITLES
from app.main import create_app

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / ".tools" / "spectral" / "node_modules" / ".bin" / "spectral"
RULESET = ROOT / "api" / "adr-ruleset.yaml"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
LOWER_CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
KEBAB_SEGMENT = re.compile(r"^([a-z][a-z-]*(\.[a-z]+)?|\{[a-z]+\})$")
# Warnings of the published ruleset this API does not follow, on purpose (see the README):
# the properties are the Dutch field names of the data and the exports (snake_case), and the
# server URL is relative, so the document is right behind any host (TLS is the proxy's).
EXEMPT_WARNINGS = {"property-casing", "servers-use-https"}


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return dict(response.json())


def spectral_results(document: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    """What Spectral finds in `document` with our ruleset."""
    assert SPECTRAL.exists(), "Spectral ontbreekt: draai scripts/setup --spectral (.tools/spectral)"
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = subprocess.run([str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--format", "json",
                          "--fail-severity", "error", "--quiet", str(path)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.stdout.strip(), run.stderr
    return list(json.loads(run.stdout))


def test_spectral_finds_no_error_and_only_the_documented_warnings(
        document: dict[str, Any], tmp_path: Path) -> None:
    results = spectral_results(document, tmp_path)
    # Severity 0 is an error, 1 a warning.
    errors = [(r["code"], r["path"], r["message"]) for r in results if r["severity"] == 0]
    assert errors == []
    warnings = {r["code"] for r in results if r["severity"] == 1}
    assert warnings <= EXEMPT_WARNINGS, warnings - EXEMPT_WARNINGS


def test_the_ruleset_catches_what_it_should(document: dict[str, Any], tmp_path: Path) -> None:
    # The linter run above could pass because it checks nothing: break the document and see.
    broken = json.loads(json.dumps(document))
    broken["info"]["version"] = "1.0"
    del broken["info"]["contact"]["email"]
    broken["paths"]["/koppelkansen/"] = broken["paths"].pop("/koppelkansen")
    operation = broken["paths"]["/punt"]["get"]
    operation["parameters"].append({"name": "jaar_van", "in": "query", "schema": {}})
    del operation["responses"]["400"]
    operation["responses"]["200"].pop("headers")
    found = {r["code"] for r in spectral_results(broken, tmp_path) if r["severity"] == 0}
    assert {"semver", "info-contact-fields-exist", "paths-no-trailing-slash",
            "query-keys-lower-camel-case", "problem-invalid-input", "missing-header"} <= found


def test_document_covers_the_json_api_relative_to_its_versioned_server(
        document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    assert SEMVER.match(document["info"]["version"]) and document["info"]["version"] == API_VERSION
    assert {"name", "email", "url"} <= set(document["info"]["contact"])
    assert document["servers"] == [{"url": "/api/v1"}]
    paths = document["paths"]
    assert {"/openapi.json", "/koppelkansen", "/punt", "/buurten"} <= set(paths)
    assert not any(p.startswith(("/api", "/ogc", "/kaart", "/tiles")) for p in paths)
    for path, operations in paths.items():
        assert not path.endswith("/"), path
        assert all(KEBAB_SEGMENT.match(s) for s in path.strip("/").split("/")), path
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert LOWER_CAMEL.match(parameter["name"]), (path, method, parameter)
            responses = operation["responses"]
            if operation.get("parameters") or method != "get":
                assert "400" in responses, (path, method)
            for code, response in responses.items():
                assert "API-Version" in response["headers"], (path, method, code)
                if int(code) >= 400:
                    assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (path, method, code)


def test_dates_are_format_date(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    dates = [(name, prop, spec) for name, schema in schemas.items()
             for prop, spec in schema.get("properties", {}).items()
             if prop.endswith(("_date", "datum")) or prop in ("date", "datum")]
    for name, prop, spec in dates:
        formats = {s.get("format") for s in spec.get("anyOf", [spec])} - {None}
        assert formats == {"date"}, (name, prop, spec)


def test_document_is_public(demo_settings: Any) -> None:

    settings = demo_settings.model_copy(update={"read_requires_key": True})
    with TestClient(create_app(settings)) as private:
        assert private.get("/api/v1/koppelkansen").status_code == 401
        response = private.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.headers["api-version"] == API_VERSION
    assert response.headers["access-control-allow-origin"] == "*"


def assert_adr_problem(response: Any, status: int) -> dict[str, Any]:
    """An error answer by the ADR: problem+json with status, title and detail, and the version."""
    assert response.status_code == status, response.text
    assert response.headers["api-version"] == API_VERSION
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = dict(response.json())
    assert body["status"] == status and body["title"] == TITLES[status]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("url", ["/api/v1/buurten", "/api/v1/koppelkansen?limit=1",
                                 "/api/v1/openapi.json", "/api/v1/imports", "/health",
                                 "/kaart", "/tiles", "/ogc/v1"])
def test_every_answer_names_the_api_version(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["api-version"] == API_VERSION


def test_geojson_of_the_api_names_its_crs(client: TestClient, document: dict[str, Any]) -> None:
    # NLGov ADR geospatial module: /geo/default-crs and /geo/content-crs-response-header.
    crs84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    kansen = client.get("/api/v1/koppelkansen?limit=1")
    assert kansen.headers["content-type"].startswith("application/geo+json")
    assert kansen.headers["content-crs"] == crs84
    assert client.get("/api/v1/lagen/boom?limit=1").headers["content-crs"] == crs84
    assert "content-crs" not in client.get("/api/v1/imports").headers  # no geometry
    ok = document["paths"]["/koppelkansen"]["get"]["responses"]["200"]
    assert "Content-Crs" in ok["headers"]


def test_invalid_parameters_are_a_400_that_names_them(client: TestClient) -> None:
    body = assert_adr_problem(client.get("/api/v1/punt?lon=5.3&lat=52&zoom=14&jaarVan=ooit"), 400)
    assert body["errors"] == [{"in": "query", "location": {"name": "jaarVan"},
                               "code": "int_parsing", "detail": "moet een geheel getal zijn"}]
    # An old snake_case key is refused with its new name, never silently ignored.
    old = assert_adr_problem(client.get("/api/v1/punt?lon=5.3&lat=52&zoom=14&jaar_van=2027"), 400)
    assert "'jaar_van' heet nu 'jaarVan'" in old["detail"]
    old = assert_adr_problem(client.get("/api/v1/koppelkansen?actie_nodig=true"), 400)
    assert "'actie_nodig' heet nu 'actieNodig'" in old["detail"]
    assert_adr_problem(client.get("/api/v1/koppelkansen?actieNodig=soms"), 400)
    assert_adr_problem(client.get("/api/v1/koppelkansen?regel=onzin"), 400)


def test_other_errors_are_problems_with_the_version(client: TestClient) -> None:
    assert_adr_problem(client.get("/api/v1/buurten/BU99990000"), 404)
    assert_adr_problem(client.get("/api/v1/bestaat-niet"), 404)
    assert_adr_problem(client.delete("/api/v1/buurten"), 405)
    # No key: refused by the upload guard, raw ASGI middleware, before the app reads the body.
    assert_adr_problem(client.post("/api/v1/lagen/boom/import", files={"file": ("a.gpkg", b"x")}),
                       401)


def test_a_body_that_cannot_be_used_stays_a_422(scratch_url: str, scratch_engine: Engine) -> None:

    with Session(scratch_engine) as session:
        key = {"X-API-Key": create_key(session, naam="team", rol="editor")[1]}
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as api:
        body = assert_adr_problem(api.post("/api/v1/gebieden", json={"naam": ""}, headers=key),
                                  422)
        refused = api.post("/api/v1/gebieden", json={"naam": "x", "buurtcodes": ["BU1"]},
                           headers=key)
        assert_adr_problem(refused, 422)
    assert body["errors"] == [{"in": "body", "location": {"pointer": "/naam"},
                               "code": "string_too_short",
                               "detail": "moet minstens 1 tekens lang zijn"}]

def test_no_route_of_the_json_api_has_a_trailing_slash(client: TestClient) -> None:
    paths = [getattr(route, "path", "") for route in client.app.routes]  # type: ignore[attr-defined]
    api = [p for p in paths if p.startswith("/api/v1")]
    assert api and not [p for p in api if p.endswith("/")]
    # One URI per resource: with a slash it is a 404, not a redirect to the one without.
    for url in ("/api/v1/buurten/", "/api/v1/koppelkansen/?limit=1", "/api/v1/"):
        body = assert_adr_problem(client.get(url, follow_redirects=False), 404)
        assert "'/'" in body["detail"]
        assert client.get(url).headers["x-content-type-options"] == "nosniff"
