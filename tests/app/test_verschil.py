"""What changed since the run before (issue 8): per run by kans_id, and per saved area as an
Atom feed and CSV, against a real PostGIS with the demo town."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.analyse.service import run_analysis
from app.auth.service import create_key
from app.config import Settings
from app.main import create_app
from geo.params import RuleParams
from tests.support import DEMO_PEILJAAR, load_demo

pytestmark = pytest.mark.db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def api(scratch_url: str, scratch_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        yield client


def _ids(engine: Engine, sql: str, **params: object) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text(sql), params).scalars())


def _changes(engine: Engine) -> tuple[int, set[str], set[str], set[str], set[str]]:
    """Run again and return its run id, the kans_ids new, gone, with other years, moved."""
    run = run_analysis(engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR).run_id
    sql = "SELECT kans_id FROM kans_verschil WHERE run_id = :run AND verandering = :v"
    return (run, _ids(engine, sql, run=run, v="nieuw"), _ids(engine, sql, run=run, v="vervallen"),
            _ids(engine, sql + " AND 'jaren' = ANY(wat)", run=run, v="gewijzigd"),
            _ids(engine, sql + " AND 'geometrie' = ANY(wat)", run=run, v="gewijzigd"))


def test_a_run_records_what_is_new_gone_and_changed(scratch_engine: Engine, api: TestClient,
                                                    tmp_path: Path) -> None:
    load_demo(scratch_engine, tmp_path)
    first = _ids(scratch_engine, "SELECT kans_id FROM koppelkans")
    # The first run has nothing to compare with.
    assert _ids(scratch_engine, "SELECT kans_id FROM kans_verschil") == set()
    # The same inputs again: nothing changed.
    run, new, gone, years, moved = _changes(scratch_engine)
    assert (new, gone, years, moved) == (set(), set(), set(), set())
    body = api.get(f"/api/v1/analyses/{run}/verschil").json()
    assert body["aantallen"] == {"nieuw": 0, "vervallen": 0, "gewijzigd": 0}
    assert body["vorige_analyse"] == run - 1

    # A heat company moves one route a year later, and a pipe of an R1 result is removed.
    with scratch_engine.begin() as conn:
        route = conn.execute(text(
            "SELECT warmtenet_id FROM koppelkans WHERE regelcode = 'R1' ORDER BY kans_id "
            "LIMIT 1")).scalar_one()
        pipe, pipe_kans = conn.execute(text(
            "SELECT riool_id, kans_id FROM koppelkans WHERE regelcode = 'R1' AND "
            "warmtenet_id <> :w ORDER BY kans_id LIMIT 1"), {"w": route}).one()
        conn.execute(text("UPDATE warmtenet SET start_jaar = start_jaar + 1, "
                          "eind_jaar = eind_jaar + 1 WHERE id = :w"), {"w": route})
        conn.execute(text("DELETE FROM riolering WHERE id = :r"), {"r": pipe})
    on_route = _ids(scratch_engine, "SELECT kans_id FROM koppelkans WHERE warmtenet_id = :w "
                    "AND regelcode <> 'R4'", w=route)
    run, new, gone, years, moved = _changes(scratch_engine)
    now = _ids(scratch_engine, "SELECT kans_id FROM koppelkans")
    assert gone == first - now and pipe_kans in gone
    assert new == now - first
    # Every result on the moved route that stayed changed its years; nothing else did.
    assert years == (on_route & now) - new and years
    assert moved == set()

    body = api.get(f"/api/v1/analyses/{run}/verschil", params={"verandering": "vervallen"})
    assert body.status_code == 200
    assert body.headers["content-type"].startswith("application/geo+json")
    feats = body.json()["features"]
    assert {f["properties"]["kans_id"] for f in feats} == gone
    # A gone result keeps the geometry and explanation of the run before.
    assert all(f["geometry"] and f["properties"]["toelichting"] for f in feats)


def test_unknown_runs_and_values_are_refused_in_dutch(api: TestClient) -> None:
    missing = api.get("/api/v1/analyses/99/verschil")
    assert missing.status_code == 404 and "bestaat niet" in missing.json()["detail"]
    bad = api.get("/api/v1/analyses/1/verschil", params={"verandering": "weg"})
    assert bad.status_code in (404, 400)


def test_a_saved_area_gets_its_changes_as_feed_and_csv(scratch_engine: Engine, api: TestClient,
                                                       tmp_path: Path) -> None:
    load_demo(scratch_engine, tmp_path)
    with Session(scratch_engine) as session:
        key = create_key(session, naam="Gebiedsteam Noord", rol="editor")[1]
    with scratch_engine.begin() as conn:
        buurt, route = conn.execute(text(
            "SELECT buurtcode, warmtenet_id FROM koppelkans WHERE regelcode = 'R1' "
            "ORDER BY kans_id LIMIT 1")).one()
        elsewhere = conn.execute(text(
            "SELECT buurtcode FROM buurt WHERE buurtcode <> :b ORDER BY buurtcode LIMIT 1"),
            {"b": buurt}).scalar_one()
    headers = {"X-API-Key": key}
    made = api.post("/api/v1/gebieden", json={"naam": "Noord", "buurtcodes": [buurt]},
                    headers=headers)
    assert made.status_code == 201, made.text
    other = api.post("/api/v1/gebieden", json={"naam": "Elders", "buurtcodes": [elsewhere]},
                     headers=headers).json()
    gebied = made.json()
    assert gebied["feed"].endswith(f"/api/v1/gebieden/{gebied['id']}/feed.atom")

    with scratch_engine.begin() as conn:
        conn.execute(text("UPDATE warmtenet SET start_jaar = start_jaar + 2, "
                          "eind_jaar = eind_jaar + 2 WHERE id = :w"), {"w": route})
    run = run_analysis(scratch_engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR).run_id
    in_buurt = _ids(scratch_engine, "SELECT kans_id FROM kans_verschil WHERE run_id = :r AND "
                    "buurtcode = :b", r=run, b=buurt)
    assert in_buurt

    feed = api.get(f"/api/v1/gebieden/{gebied['id']}/feed.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title").startswith(f"Analyse {run}: ")
    content = entries[0].findtext(f"{ATOM}content")
    assert content.count("\n") + 1 == len(in_buurt) and "Gewijzigd (jaren)" in content

    rows = list(csv.reader(io.StringIO(api.get(
        f"/api/v1/gebieden/{gebied['id']}/verschil.csv").text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["analyse", "datum", "verandering"]
    assert {r[-1] for r in rows[1:]} == in_buurt
    # An area elsewhere only hears of its own changes.
    elders = _ids(scratch_engine, "SELECT kans_id FROM kans_verschil WHERE run_id = :r AND "
                  "buurtcode = :b", r=run, b=elsewhere)
    feed_other = ET.fromstring(api.get(f"/api/v1/gebieden/{other['id']}/feed.atom").content)
    assert len(feed_other.findall(f"{ATOM}entry")) == (1 if elders else 0)

    assert api.delete(f"/api/v1/gebieden/{gebied['id']}", headers=headers).status_code == 204
    assert api.get(f"/api/v1/gebieden/{gebied['id']}/feed.atom").status_code == 404


def test_areas_are_refused_in_dutch_when_wrong(scratch_engine: Engine, api: TestClient) -> None:
    with Session(scratch_engine) as session:
        key = create_key(session, naam="team", rol="editor")[1]
    headers = {"X-API-Key": key}
    assert api.post("/api/v1/gebieden", json={"naam": "x", "buurtcodes": ["BU1"]}).status_code \
        == 401
    for body, words in (
        ({"naam": "x", "buurtcodes": ["BU1"]}, "Geen geldige buurtcode"),
        ({"naam": "x", "buurtcodes": ["BU00000001"]}, "Onbekende buurt"),
        ({"naam": "x"}, "buurtcodes óf"),
        ({"naam": "x", "geometrie": {"type": "Point", "coordinates": [5, 52]}}, "Polygon"),
        ({"naam": "x", "geometrie": {"type": "Polygon", "coordinates": [[[5, 52]]]}},
         "geen geldige"),
    ):
        response = api.post("/api/v1/gebieden", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert words in response.json()["detail"], response.text
    drawn = api.post("/api/v1/gebieden", headers=headers, json={
        "naam": "Getekend", "geometrie": {"type": "Polygon", "coordinates": [
            [[5.0, 52.0], [5.01, 52.0], [5.01, 52.01], [5.0, 52.01], [5.0, 52.0]]]}})
    assert drawn.status_code == 201 and drawn.json()["getekend"] is True
