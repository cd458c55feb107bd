"""Reading with a key (KOPPELKANSEN_READ_REQUIRES_KEY): the map pages, their cookie, the tiles.

The scratch database holds one buurt with a code that is not a CBS code and no analysis, which
is enough for every page to answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.auth.deps import KEY_COOKIE
from app.auth.service import create_key, revoke_key
from app.config import Settings
from app.main import create_app

CODE = "GM-N 01"  # not BU + 8 digits, with a space: the importer accepts such codes
PAGES = ("/kaart", "/kaart/buurt/GM-N%2001", "/kaart/buurt/GM-N%2001/print")


@dataclass(frozen=True)
class Keys:
    viewer: str
    editor: str
    viewer_id: int


def insert_buurt(engine: Engine, code: str = CODE) -> None:
    """One square buurt in Utrecht (RD New)."""
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO buurt (buurtcode, buurtnaam, geom) VALUES (:code, 'Noord', "
            "ST_Multi(ST_MakeEnvelope(136000, 455000, 136400, 455400, 28992)))"), {"code": code})


@pytest.fixture
def keys(scratch_engine: Engine) -> Keys:
    insert_buurt(scratch_engine)
    with Session(scratch_engine) as session:
        viewer_id, viewer = create_key(session, naam="Gebiedsteam", rol="viewer")
        _, editor = create_key(session, naam="GIS-team", rol="editor")
    return Keys(viewer=viewer, editor=editor, viewer_id=viewer_id)


@pytest.fixture
def locked(scratch_url: str, keys: Keys) -> Iterator[TestClient]:
    """A client on the scratch database of a service that asks a key for reading."""
    settings = Settings(DATABASE_URL=scratch_url, read_requires_key=True)
    with TestClient(create_app(settings)) as api:
        yield api


@pytest.mark.parametrize("path", PAGES)
def test_map_pages_without_a_key_explain_how_to_get_one(locked: TestClient, path: str) -> None:
    r = locked.get(path)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in r.text and "Sleutel nodig" in r.text
    assert "koppelkansen sleutel maak" in r.text and "--rol viewer" in r.text
    assert f"http://testserver{path}?sleutel=kk_…" in r.text
    assert r.headers["cache-control"] == "no-store"


def test_omvang_needs_a_key_too(locked: TestClient, keys: Keys) -> None:
    r = locked.get("/kaart/omvang")
    assert r.status_code == 401 and "sleutel" in r.json()["detail"]
    ok = locked.get("/kaart/omvang", headers={"X-API-Key": keys.viewer})
    assert ok.status_code == 200 and list(ok.json()) == [CODE]
    assert ok.headers["cache-control"] == "private"


@pytest.mark.parametrize("path", PAGES)
def test_key_in_the_url_becomes_a_cookie_and_leaves_the_url(
    locked: TestClient, keys: Keys, path: str
) -> None:
    r = locked.get(path + "?achtergrond=geen&sleutel=" + keys.viewer, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == path + "?achtergrond=geen"
    assert keys.viewer not in r.headers["location"]
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{KEY_COOKIE}={keys.viewer};")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path=/", "samesite=lax"} <= attributes
    assert "secure" not in attributes  # plain http here; https gets Secure
    page = locked.get(r.headers["location"])
    assert page.status_code in (200, 409), page.text  # 409: the print view needs an analysis
    assert page.headers["cache-control"] == "private"
    assert keys.viewer not in page.text


def test_the_cookie_opens_tiles_and_api_privately(locked: TestClient, keys: Keys) -> None:
    locked.get("/kaart?sleutel=" + keys.viewer)
    assert locked.cookies.get(KEY_COOKIE) == keys.viewer
    tile = locked.get("/tiles/buurten/14/8427/5405.pbf")
    assert tile.status_code in (200, 204)
    assert tile.headers["cache-control"].startswith("private, ")
    assert locked.get("/api/v1/lagen/buurt").status_code == 200
    punt = locked.get("/api/v1/punt?lon=5.1&lat=52.1&zoom=14")
    assert punt.status_code == 200 and punt.headers["cache-control"] == "private"
    locked.cookies.clear()
    assert locked.get("/tiles/buurten/14/8427/5405.pbf").status_code == 401
    assert locked.get("/api/v1/lagen/buurt").status_code == 401


def test_header_still_comes_first(locked: TestClient, keys: Keys) -> None:
    # A wrong header is not rescued by a good cookie: the header is what a program means.
    locked.cookies.set(KEY_COOKIE, keys.viewer)
    assert locked.get("/api/v1/lagen/buurt").status_code == 200
    assert locked.get("/api/v1/lagen/buurt", headers={"X-API-Key": "kk_fout"}).status_code == 401
    locked.cookies.clear()
    assert locked.get("/kaart", headers={"X-API-Key": keys.editor}).status_code == 200


def test_the_cookie_never_writes(locked: TestClient, keys: Keys) -> None:
    locked.cookies.set(KEY_COOKIE, keys.editor)
    r = locked.put("/api/v1/koppelkansen/0123456789abcdef/besluit", json={"status": "open"})
    assert r.status_code == 401


def test_a_wrong_key_in_the_url_sets_nothing(locked: TestClient) -> None:
    r = locked.get("/kaart?sleutel=kk_verzonnen", follow_redirects=False)
    assert r.status_code == 401 and "onbekend of ingetrokken" in r.text
    assert "set-cookie" not in r.headers
    assert "kk_verzonnen" not in r.text


def test_a_revoked_key_in_the_cookie_is_forgotten(
    locked: TestClient, keys: Keys, scratch_engine: Engine
) -> None:
    locked.get("/kaart?sleutel=" + keys.viewer)
    assert locked.get("/kaart").status_code == 200
    with Session(scratch_engine) as session:
        revoke_key(session, key_id=keys.viewer_id)
    r = locked.get("/kaart")
    assert r.status_code == 401 and "niet meer geldig" in r.text
    assert r.headers["set-cookie"].startswith(f'{KEY_COOKIE}="";')
    assert locked.cookies.get(KEY_COOKIE) is None


def test_redirect_keeps_a_proxy_prefix(scratch_url: str, keys: Keys) -> None:
    settings = Settings(DATABASE_URL=scratch_url, read_requires_key=True)
    with TestClient(create_app(settings), root_path="/kk") as api:
        r = api.get("/kaart?sleutel=" + keys.viewer, follow_redirects=False)
        assert r.headers["location"] == "/kk/kaart"
        api.cookies.clear()
        assert "http://testserver/kk/kaart/buurt/x?sleutel=kk_…" in api.get("/kaart/buurt/x").text


def test_open_service_drops_the_key_from_the_url_too(scratch_url: str, keys: Keys) -> None:
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as api:
        r = api.get("/kaart?sleutel=" + keys.viewer, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/kaart"
        plain = api.get("/kaart")
        assert plain.status_code == 200 and "cache-control" not in plain.headers
        tile = api.get("/tiles/buurten/14/8427/5405.pbf")
        assert tile.headers["cache-control"].startswith("public, ")


def test_the_access_log_never_shows_the_key(locked: TestClient, keys: Keys) -> None:
    # uvicorn logs the request line with its query; the app redacts it while it runs.
    logger = logging.getLogger("uvicorn.access")
    record = logger.makeRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/kaart?achtergrond=geen&sleutel={keys.viewer}", "1.1", 303),
        None,
    )
    assert logger.filter(record)
    assert keys.viewer not in record.getMessage()
    assert "/kaart?achtergrond=geen&sleutel=*** HTTP/1.1" in record.getMessage()
