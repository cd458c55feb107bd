"""The map pages over HTTP: buurtcodes, error pages, basemap, the root redirect."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.main import create_app
from tests.tiles.test_sleutel import insert_buurt


def test_a_buurt_with_a_non_cbs_code_has_its_pages(scratch_url: str, scratch_engine: Engine) -> None:
    insert_buurt(scratch_engine, "WK-Noord")
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as api:
        r = api.get("/kaart/buurt/WK-Noord")
        assert r.status_code == 200 and '"buurtcode": "WK-Noord"' in r.text
        missing = api.get("/kaart/buurt/WK-Zuid")
        assert missing.status_code == 404 and "Controleer de buurtcode" in missing.text


def test_print_view_without_analysis_does_not_blame_the_code(
    scratch_url: str, scratch_engine: Engine
) -> None:
    insert_buurt(scratch_engine, "BU00000001")
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as api:
        r = api.get("/kaart/buurt/BU00000001/print")
    assert r.status_code == 409 and r.headers["content-type"].startswith("text/html")
    assert "Nog geen analyse" in r.text
    assert "buurtcode" not in r.text.lower().replace("bu00000001", "")


def test_unknown_basemap_falls_back_to_the_default(client: TestClient) -> None:
    r = client.get("/kaart?achtergrond=onbekend")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '"achtergrond": "grijs"' in r.text
    assert '"achtergrond": "geen"' in client.get("/kaart?achtergrond=geen").text


def test_root_redirect_keeps_a_proxy_prefix(demo_settings: Settings) -> None:
    with TestClient(create_app(demo_settings), root_path="/kk") as api:
        r = api.get("/", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"] == "/kk/kaart"


def test_map_page_passes_click_layers_and_year_range(client: TestClient) -> None:
    from app.tiles.punt import BRONLAGEN, JAAR_MAX, JAAR_MIN

    html = client.get("/kaart").text
    assert f'"jaarbereik": [{JAAR_MIN}, {JAAR_MAX}]' in html
    assert '"bronlagen": [' + ", ".join(f'"{b}"' for b in BRONLAGEN) + "]" in html


def test_print_view_says_what_was_not_judged(client: TestClient) -> None:
    """RULES.md §8 on paper too: the buurt's niet-beoordeeld lines, as the buurt API gives them."""
    buurten = client.get("/api/v1/buurten").json()["buurten"]
    buurt = next(b for b in buurten if b["niet_beoordeeld"])
    page = client.get(f"/kaart/buurt/{buurt['buurtcode']}/print")
    assert page.status_code == 200 and "<h2>Niet beoordeeld</h2>" in page.text
    for line in buurt["niet_beoordeeld"]:
        assert f"<li>{line}</li>" in page.text
    quiet = next(b for b in buurten if not b["niet_beoordeeld"])
    assert "Niet beoordeeld" not in client.get(f"/kaart/buurt/{quiet['buurtcode']}/print").text
