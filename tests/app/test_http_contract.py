"""The HTTP contract: every error is RFC 9457 problem details in Dutch, without a stack trace
or a server path, and every answer carries the security headers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.adr import API_VERSION
from app.auth.service import create_key
from app.config import Settings
from app.errors import PROBLEM_MEDIA_TYPE, TITLES, BadRequest
from app.main import create_app
from app.tiles.layers import TILE_LAYERS
from data.importers import ImportRefused
from geo.schema import LAYERS, REGELS

pytestmark = pytest.mark.db

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def assert_problem(r: object, status: int, *, contains: str = "") -> dict[str, object]:
    """`r` is a problem+json answer with `status`, the Dutch title and a Dutch detail."""
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == PROBLEM_MEDIA_TYPE  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) - {"errors"} == {"type", "title", "status", "detail"}
    assert body["type"] == "about:blank" and body["status"] == status
    assert body["title"] == TITLES[status]
    assert contains in body["detail"]
    for leak in ("Traceback", "/work", "site-packages", ".py", "psycopg", "sqlalchemy"):
        assert leak not in r.text, leak  # type: ignore[attr-defined]
    assert_security_headers(r)
    return dict(body)


def assert_security_headers(r: object) -> None:
    headers = r.headers  # type: ignore[attr-defined]
    for name, value in SECURITY.items():
        assert headers[name] == value, name
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]


def test_not_found_domain_error(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/buurten/BU99990000"), 404, contains="BU99990000")


def test_unknown_path_and_wrong_method(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/bestaat-niet"), 404, contains="bestaat niet")
    r = client.delete("/api/v1/buurten")
    assert_problem(r, 405, contains="Allow")
    assert r.headers["allow"] == "GET"


def test_validation_errors(client: TestClient) -> None:
    # Invalid parameters are a 400 (NLGov API Design Rules); a body that cannot be used a 422.
    assert_problem(client.get("/api/v1/koppelkansen?limit=0"), 400, contains="'limit'")
    assert_problem(client.get("/api/v1/koppelkansen?bbox=1,2"), 400, contains="bbox")
    body = assert_problem(client.get("/api/v1/punt?lon=5&lat=52"), 400,
                          contains="'zoom': ontbreekt")
    assert body["errors"] == [{"in": "query", "location": {"name": "zoom"}, "code": "missing",
                               "detail": "ontbreekt"}]


def test_value_the_database_cannot_read_is_400(client: TestClient) -> None:
    # PostgreSQL text cannot hold NUL: psycopg raises DataError before the query runs.
    assert_problem(client.get("/api/v1/buurten/BU%00"), 400, contains="database niet lezen")


def test_unreachable_database_is_503() -> None:
    settings = Settings(DATABASE_URL="postgresql://niemand:geheim@127.0.0.1:1/geen")
    with TestClient(create_app(settings)) as api:
        assert_problem(api.get("/api/v1/buurten"), 503, contains="niet bereikbaar")
        # The upload guard checks the key before the app's handlers run: a 503 there too.
        r = api.post("/api/v1/lagen/boom/import", files={"file": ("b.csv", b"x")},
                     headers={"X-API-Key": "kk_onbekend"})
        assert_problem(r, 503, contains="niet bereikbaar")


def test_unexpected_error_is_500_without_trace(demo_settings: Settings) -> None:
    app = create_app(demo_settings)

    def broken() -> None:
        raise RuntimeError("kapot in /work/main/app/geheim.py")

    app.add_api_route("/kapot", broken)
    with TestClient(app, raise_server_exceptions=False) as api:
        r = api.get("/kapot")
    assert_problem(r, 500, contains="onverwacht")
    assert r.headers["api-version"] == API_VERSION  # it skips all middleware (app.errors)
    assert "geheim" not in r.text


def test_details_never_name_server_folders_and_stay_short(demo_settings: Settings) -> None:
    app = create_app(demo_settings)
    upload = Path(tempfile.gettempdir()) / "kk-upload-abc123" / "bomen.gpkg"

    def refused() -> None:
        raise ImportRefused(f"/vsizip/{upload}/laag.shp is niet leesbaar ({upload}).")

    def long() -> None:
        raise BadRequest("x" * 100_000)

    app.add_api_route("/geweigerd", refused)
    app.add_api_route("/lang", long)
    with TestClient(app) as api:
        body = assert_problem(api.get("/geweigerd"), 422, contains="laag.shp is niet leesbaar")
        assert "bomen.gpkg" in str(body["detail"]) and "kk-upload" not in str(body["detail"])
        assert len(str(assert_problem(api.get("/lang"), 400)["detail"])) <= 4000


@pytest.fixture
def scratch_api(scratch_url: str, scratch_engine: Engine) -> Iterator[tuple[TestClient, str]]:
    with Session(scratch_engine) as session:
        editor = create_key(session, naam="contract", rol="editor")[1]
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url, upload_max_bytes=1024))) as api:
        yield api, editor


def test_upload_refusals_from_the_asgi_guard(scratch_api: tuple[TestClient, str]) -> None:
    api, editor = scratch_api
    files = {"file": ("bomen.csv", b"id,x,y\n1,1,2\n")}
    assert_problem(api.post("/api/v1/lagen/boom/import", files=files), 401, contains="X-API-Key")
    big = {"file": ("bomen.csv", b"x" * 4096)}
    r = api.post("/api/v1/lagen/boom/import", files=big, headers={"X-API-Key": editor})
    assert_problem(r, 413, contains="KOPPELKANSEN_UPLOAD_MAX_BYTES")


def test_import_refused_and_unreadable_body(scratch_api: tuple[TestClient, str]) -> None:
    api, editor = scratch_api
    key = {"X-API-Key": editor}
    files = {"file": ("bomen.csv", b"a;b\n1;2\n")}
    assert_problem(api.post("/api/v1/lagen/boom/import", files=files, headers=key), 422,
                   contains="Import geweigerd")
    # Not UTF-8: Starlette cannot read the body at all (its English text is not passed on).
    broken = api.put("/api/v1/koppelkansen/abc/besluit", content=b"\xff\xfe{",
                     headers={**key, "Content-Type": "application/json"})
    assert_problem(broken, 400, contains="geen UTF-8")


def test_security_headers_on_pages_json_and_static(client: TestClient) -> None:
    for path in ("/kaart", "/api/v1/buurten", "/static/koppelkansen/kaart.js", "/docs",
                 "/openapi.json", "/health", "/kaart/buurt/BU99990000"):
        r = client.get(path)
        assert r.status_code in (200, 404), path
        assert_security_headers(r)


def test_each_answer_has_its_own_nonce_on_every_inline_script(client: TestClient) -> None:
    import re

    pages = [client.get("/kaart"), client.get("/kaart")]
    nonces = []
    for page in pages:
        csp = page.headers["content-security-policy"]
        nonce = re.search(r"'nonce-([A-Za-z0-9_-]+)'", csp)
        assert nonce, csp
        nonces.append(nonce.group(1))
        inline = re.findall(r"<(?:script|style)(?![^>]*\bsrc=)[^>]*>", page.text)
        assert inline and all(f'nonce="{nonce.group(1)}"' in tag for tag in inline), inline
    assert nonces[0] != nonces[1]


def test_docs_use_no_cdn_and_redoc_is_off(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower() and "<script>" not in docs.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/redoc").status_code == 404


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_openapi_documents_errors_limits_and_enums(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert set(schema["components"]["schemas"]["Problem"]["properties"]) >= {
        "type", "title", "status", "detail"}
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        assert "503" in responses, (path, method)
        if operation.get("parameters") or operation.get("requestBody"):
            assert "400" in responses, (path, method)
        # 422 only where a body can be valid JSON and still not usable.
        assert ("422" in responses) == ("requestBody" in operation), (path, method)
        html_page = path == "/kaart" or path.startswith("/kaart/buurt/")
        for code, response in responses.items():
            if int(code) < 400:
                continue
            if html_page and code in ("401", "404", "409"):
                expected = ["text/html"]
            elif path == "/health":
                expected = ["application/json"]  # its own body: status, database, detail
            else:
                expected = [PROBLEM_MEDIA_TYPE]
            assert list(response["content"]) == expected, (path, method, code)
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "limit":
                integer = parameter["schema"]["anyOf"][0]
                assert (integer["minimum"], integer["maximum"]) == (1, 100_000)
    params = {(path, p["name"]): p["schema"] for path, _, op in _operations(schema)
              for p in op.get("parameters", [])}
    assert params[("/api/v1/lagen/{laag}", "laag")]["enum"] == list(LAYERS)
    assert params[("/tiles/{laag}/{z}/{x}/{y}.pbf", "laag")]["enum"] == list(TILE_LAYERS)
    assert params[("/api/v1/koppelkansen", "regel")]["items"]["enum"] == list(REGELS)
    assert params[("/api/v1/punt", "regel")]["items"]["enum"] == list(REGELS)
    page_404 = schema["paths"]["/kaart/buurt/{buurtcode}"]["get"]["responses"]["404"]
    assert list(page_404["content"]) == ["text/html"]


def test_openapi_says_401_when_reading_needs_a_key(demo_url: str) -> None:
    settings = Settings(DATABASE_URL=demo_url, read_requires_key=True, max_page_size=500)
    schema = create_app(settings).openapi()
    buurten = schema["paths"]["/api/v1/buurten"]["get"]["responses"]
    assert list(buurten["401"]["content"]) == [PROBLEM_MEDIA_TYPE]
    limit = next(p for p in schema["paths"]["/api/v1/koppelkansen"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert limit["schema"]["anyOf"][0]["maximum"] == 500
    assert "401" not in schema["paths"]["/health"]["get"]["responses"]


def test_every_path_answers_an_unsupported_method_with_405_and_allow(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        concrete = (path.replace("{buurtcode}", "BU99990000").replace("{kans_id}", "abc")
                    .replace("{laag}", "boom").replace("{z}/{x}/{y}", "14/8414/5384"))
        r = client.patch(concrete)
        assert_problem(r, 405)
        allowed = {m.strip() for m in r.headers["allow"].split(",")}
        assert {m.upper() for m in operations} <= allowed, (path, allowed)
