"""Decisions a team can work with (issue 8): five statuses, savings with `gekoppeld`, the full
history with authors, "vervallen" after a run without the result, filters on the decision in
the list and the exports, and the savings per buurt and gemeente.

All on the scratch database with the demo municipality; nothing here changes the shared demo.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

import pyogrio

from app.analyse.service import run_analysis
from app.auth.service import create_key
from app.config import Settings
from app.exports.service import write_export
from app.kansen.schemas import BESLUIT_LABELS, BESLUIT_STATUSSEN, BesluitHistorie
from app.main import create_app
from geo.params import RuleParams
from tests.conftest import DATA_TABLES
from tests.support import DEMO_PEILJAAR, load_demo

pytestmark = pytest.mark.db

_LOADED: dict[str, Any] = {}


@pytest.fixture
def demo(scratch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The scratch database with the demo after one analysis and no decisions or keys.

    The demo is loaded once for this module and loaded again only when another test replaced
    it (its single run is gone); decisions and keys are removed before each test.
    """
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        runs = list(conn.execute(text("SELECT id, created_at FROM analyse_run")).all())
    if [tuple(r) for r in runs] != [_LOADED.get("run")]:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
        load_demo(engine, tmp_path_factory.mktemp("besluit-demo"))
        with engine.connect() as conn:
            _LOADED["run"] = tuple(conn.execute(
                text("SELECT id, created_at FROM analyse_run")).one())
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE kans_besluit, kans_besluit_historie, api_key CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture
def api(scratch_url: str, demo: Engine) -> Iterator[TestClient]:
    """A client on the scratch database (the demo loaded)."""
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        yield client


def _key(engine: Engine, naam: str) -> dict[str, str]:
    with Session(engine) as session:
        return {"X-API-Key": create_key(session, naam=naam, rol="editor")[1]}


def _kansen(engine: Engine, n: int, buurtcode: str | None = None) -> list[str]:
    """The first n kans_ids, optionally in one buurt."""
    with engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT kans_id FROM koppelkans WHERE buurtcode = coalesce(:b, buurtcode) "
            "ORDER BY kans_id LIMIT :n"), {"n": n, "b": buurtcode}).scalars())


def _put(client: TestClient, kans_id: str, headers: dict[str, str], **body: Any) -> Any:
    return client.put(f"/api/v1/koppelkansen/{kans_id}/besluit", json=body, headers=headers)


def _history(client: TestClient, kans_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/koppelkansen/{kans_id}/besluiten")
    assert response.status_code == 200, response.text
    return BesluitHistorie.model_validate(response.json()).model_dump(mode="json")


def test_history_keeps_every_change_with_its_author_newest_first(api: TestClient,
                                                                 demo: Engine) -> None:
    noord, zuid = _key(demo, "Planner Noord"), _key(demo, "Planner Zuid")
    kans_id = _kansen(demo, 1)[0]
    assert _history(api, kans_id)["besluiten"] == []
    assert _put(api, kans_id, {}, status="open").status_code == 401
    first = _put(api, kans_id, noord, status="in_overleg", notitie="Bellen met netbeheerder")
    assert first.status_code == 200, first.text
    assert first.json()["door"] == "Planner Noord"
    second = _put(api, kans_id, zuid, status="gekoppeld", notitie="Samen in 2027",
                  besparing_euro=40000, bespaarde_dagen=12)
    assert second.status_code == 200, second.text
    assert (second.json()["besparing_euro"], second.json()["bespaarde_dagen"]) == (40000, 12)
    third = _put(api, kans_id, noord, status="niet_haalbaar", notitie="Budget weg")
    assert third.status_code == 200, third.text

    history = _history(api, kans_id)
    with demo.connect() as conn:
        run_id = conn.execute(text("SELECT max(id) FROM analyse_run")).scalar_one()
    assert history["bestaat"] is True
    assert history["vervallen"] is None and history["vervallen_na_analyse"] is None
    rows = history["besluiten"]
    assert [(r["door"], r["status"], r["status_label"]) for r in rows] == [
        ("Planner Noord", "niet_haalbaar", "Niet haalbaar"),
        ("Planner Zuid", "gekoppeld", "Gekoppeld"),
        ("Planner Noord", "in_overleg", "In overleg"),
    ]
    assert [(r["besparing_euro"], r["bespaarde_dagen"]) for r in rows] == [
        (None, None), (40000.0, 12), (None, None)]
    assert [r["notitie"] for r in rows] == ["Budget weg", "Samen in 2027",
                                            "Bellen met netbeheerder"]
    assert {r["analyse_id"] for r in rows} == {run_id}
    assert rows[0]["tijdstip"] >= rows[1]["tijdstip"] >= rows[2]["tijdstip"]
    assert [(s["status"], s["label"]) for s in history["statussen"]] == list(
        BESLUIT_LABELS.items())
    assert len(BESLUIT_STATUSSEN) == 5
    # The result shows the current decision.
    props = api.get(f"/api/v1/koppelkansen/{kans_id}").json()["properties"]
    assert (props["besluit_status"], props["besluit_notitie"]) == ("niet_haalbaar", "Budget weg")
    missing = api.get("/api/v1/koppelkansen/0000000000000000/besluiten")
    assert missing.status_code == 404 and "geen besluit" in missing.json()["detail"]


def test_savings_only_with_gekoppeld_and_never_negative(api: TestClient, demo: Engine) -> None:
    editor = _key(demo, "Team")
    kans_id = _kansen(demo, 1)[0]
    refused = _put(api, kans_id, editor, status="in_overleg", besparing_euro=1000)
    assert refused.status_code == 422
    assert "alleen bij status 'gekoppeld'" in refused.json()["detail"]
    refused = _put(api, kans_id, editor, status="afgewezen", bespaarde_dagen=3)
    assert refused.status_code == 422 and "gekoppeld" in refused.json()["detail"]
    negative = _put(api, kans_id, editor, status="gekoppeld", besparing_euro=-5)
    assert negative.status_code == 422
    assert "'besparing_euro' kan niet negatief zijn" in negative.json()["detail"]
    negative = _put(api, kans_id, editor, status="gekoppeld", bespaarde_dagen=-1)
    assert negative.status_code == 422 and "bespaarde_dagen" in negative.json()["detail"]
    huge = _put(api, kans_id, editor, status="gekoppeld", besparing_euro=1e15)
    assert huge.status_code == 422
    assert "'besparing_euro' is te groot: vul hoogstens 10.000.000.000 in" in huge.json()["detail"]
    fraction = _put(api, kans_id, editor, status="gekoppeld", bespaarde_dagen=1.5)
    assert fraction.status_code == 422 and "geheel getal" in fraction.json()["detail"]
    unknown = _put(api, kans_id, editor, status="misschien")
    assert unknown.status_code == 422 and "niet_haalbaar" in unknown.json()["detail"]
    assert _history(api, kans_id)["besluiten"] == []
    # Zero is a saving one may record; without amounts gekoppeld is fine too.
    assert _put(api, kans_id, editor, status="gekoppeld", besparing_euro=0,
                bespaarde_dagen=0).status_code == 200
    assert _put(api, kans_id, editor, status="gekoppeld").status_code == 200
    assert [(r["besparing_euro"], r["bespaarde_dagen"])
            for r in _history(api, kans_id)["besluiten"]] == [(None, None), (0.0, 0)]


def test_decision_on_a_result_that_disappears_and_comes_back(
    scratch_url: str, scratch_engine: Engine, tmp_path: Path
) -> None:
    load_demo(scratch_engine, tmp_path)
    with scratch_engine.connect() as conn:
        kans_id, warmtenet_id, buurtcode = conn.execute(text(
            "SELECT kans_id, warmtenet_id, buurtcode FROM koppelkans "
            "WHERE warmtenet_id IS NOT NULL ORDER BY kans_id LIMIT 1")).one()
    editor = _key(scratch_engine, "Planner Noord")
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        saved = _put(client, kans_id, editor, status="gekoppeld", besparing_euro=40000,
                     bespaarde_dagen=12)
        assert saved.status_code == 200, saved.text
        assert saved.json()["analyse_id"] == 1
        # Run 2 still has the result; run 3 is the first without it.
        assert _run(scratch_engine) == 2
        with scratch_engine.begin() as conn:
            conn.execute(text("CREATE TABLE weg AS SELECT * FROM warmtenet WHERE id = :id"),
                         {"id": warmtenet_id})
            conn.execute(text("DELETE FROM warmtenet WHERE id = :id"), {"id": warmtenet_id})
        assert _run(scratch_engine) == 3
        assert client.get(f"/api/v1/koppelkansen/{kans_id}").status_code == 404
        history = _history(client, kans_id)
        assert history["bestaat"] is False
        assert history["vervallen_na_analyse"] == 3
        assert history["vervallen"] == "vervallen na analyse 3"
        assert [(r["status"], r["door"], r["analyse_id"]) for r in history["besluiten"]] == [
            ("gekoppeld", "Planner Noord", 1)]
        refused = _put(client, kans_id, editor, status="afgewezen")
        assert refused.status_code == 404
        # The savings still count for the buurt and gemeente the result was in.
        buurt = client.get(f"/api/v1/buurten/{buurtcode}").json()
        assert (buurt["besparing_euro"], buurt["bespaarde_dagen"], buurt["n_gekoppeld"]) == (
            40000.0, 12, 1)
        # Run 4 has the result again: no longer vervallen, the decision stands.
        with scratch_engine.begin() as conn:
            conn.execute(text("INSERT INTO warmtenet SELECT * FROM weg"))
            conn.execute(text("DROP TABLE weg"))
        assert _run(scratch_engine) == 4
        history = _history(client, kans_id)
        assert (history["bestaat"], history["vervallen"]) == (True, None)
        props = client.get(f"/api/v1/koppelkansen/{kans_id}").json()["properties"]
        assert props["besluit_status"] == "gekoppeld"
        again = _put(client, kans_id, editor, status="in_overleg")
        assert again.status_code == 200 and again.json()["analyse_id"] == 4
        assert [r["analyse_id"] for r in _history(client, kans_id)["besluiten"]] == [4, 1]


def _run(engine: Engine) -> int:
    return run_analysis(engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR, werkers=0).run_id


def test_filter_on_decision_in_list_and_exports(api: TestClient, demo: Engine,
                                                tmp_path: Path) -> None:
    editor = _key(demo, "Team")
    a, b, c = _kansen(demo, 3)
    assert _put(api, a, editor, status="gekoppeld", besparing_euro=100).status_code == 200
    assert _put(api, b, editor, status="afgewezen").status_code == 200
    assert _put(api, c, editor, status="niet_haalbaar").status_code == 200
    total = api.get("/api/v1/koppelkansen?limit=1").json()["numberMatched"]

    def ids(query: str) -> tuple[set[str], int]:
        body = api.get(f"/api/v1/koppelkansen?limit=10000&{query}").json()
        return {f["properties"]["kans_id"] for f in body["features"]}, body["numberMatched"]

    assert ids("besluit=gekoppeld") == ({a}, 1)
    assert ids("besluit=gekoppeld&besluit=niet_haalbaar") == ({a, c}, 2)
    assert ids("besluit=open") == (set(), 0)
    geen, n_geen = ids("besluit=geen")
    assert n_geen == total - 3 and len(geen) == n_geen and not geen & {a, b, c}
    assert ids("besluit=geen&besluit=afgewezen")[1] == total - 2
    with demo.connect() as conn:
        buurt_a = conn.execute(text("SELECT buurtcode FROM koppelkans WHERE kans_id = :id"),
                               {"id": a}).scalar_one()
    assert ids(f"besluit=gekoppeld&buurt={buurt_a}") == ({a}, 1)
    bad = api.get("/api/v1/koppelkansen?besluit=misschien")
    assert bad.status_code == 400
    assert "Onbekend besluit 'misschien'" in bad.json()["detail"]
    assert "geen" in bad.json()["detail"]

    response = api.get("/api/v1/export?format=csv&besluit=afgewezen&besluit=gekoppeld")
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    rows = list(csv.DictReader(io.StringIO(archive.read("koppelkansen.csv").decode("utf-8-sig")),
                               delimiter=";"))
    assert {(r["kans_id"], r["besluit_status"]) for r in rows} == {(a, "gekoppeld"),
                                                                  (b, "afgewezen")}
    scores = archive.read("koppelkansen_buurtscores.csv").decode("utf-8-sig")
    assert len(scores.strip().splitlines()) == 1 + 12  # the buurt scores stay whole
    bad = api.get("/api/v1/export?format=csv&besluit=ja")
    assert bad.status_code == 400 and "Onbekend besluit 'ja'" in bad.json()["detail"]
    gpkg = write_export(demo, tmp_path / "geen.gpkg", "gpkg", [buurt_a], ["geen"])[0]
    frame = pyogrio.read_dataframe(gpkg, layer="koppelkansen")
    assert a not in set(frame["kans_id"]) and len(frame) > 0
    assert set(frame["besluit_status"].fillna("")) == {""}


def test_savings_per_buurt_and_gemeente(api: TestClient, demo: Engine) -> None:
    editor = _key(demo, "Team")
    with demo.connect() as conn:
        buurten = list(conn.execute(text(
            "SELECT DISTINCT buurtcode FROM koppelkans ORDER BY buurtcode LIMIT 2")).scalars())
        gemeentecode = conn.execute(text("SELECT gemeentecode FROM buurt WHERE buurtcode = :b"),
                                    {"b": buurten[0]}).scalar_one()
    een = _kansen(demo, 3, buurten[0])
    twee = _kansen(demo, 1, buurten[1])
    assert _put(api, een[0], editor, status="gekoppeld", besparing_euro=40000,
                bespaarde_dagen=12).status_code == 200
    assert _put(api, een[1], editor, status="gekoppeld", besparing_euro=2500.5).status_code == 200
    # Savings of a decision that is no longer gekoppeld do not count.
    assert _put(api, een[2], editor, status="gekoppeld", besparing_euro=999,
                bespaarde_dagen=9).status_code == 200
    assert _put(api, een[2], editor, status="afgewezen").status_code == 200
    assert _put(api, twee[0], editor, status="gekoppeld", besparing_euro=1000,
                bespaarde_dagen=3).status_code == 200

    eerste = api.get(f"/api/v1/buurten/{buurten[0]}").json()
    assert (eerste["besparing_euro"], eerste["bespaarde_dagen"], eerste["n_gekoppeld"]) == (
        42500.5, 12, 2)
    tweede = api.get(f"/api/v1/buurten/{buurten[1]}").json()
    assert (tweede["besparing_euro"], tweede["bespaarde_dagen"], tweede["n_gekoppeld"]) == (
        1000.0, 3, 1)
    with demo.connect() as conn:
        leeg = conn.execute(text("SELECT buurtcode FROM buurt WHERE buurtcode <> ALL(:b) "
                                 "LIMIT 1"), {"b": buurten}).scalar_one()
    geen = api.get(f"/api/v1/buurten/{leeg}").json()
    assert (geen["besparing_euro"], geen["bespaarde_dagen"], geen["n_gekoppeld"]) == (0.0, 0, 0)

    response = api.get(f"/api/v1/gemeenten/{gemeentecode}/besparing")
    assert response.status_code == 200, response.text
    gemeente = response.json()
    assert (gemeente["gemeentecode"], gemeente["besparing_euro"], gemeente["bespaarde_dagen"],
            gemeente["n_gekoppeld"]) == (gemeentecode, 43500.5, 15, 3)
    assert gemeente["gemeentenaam"]
    assert [(b["buurtcode"], b["besparing_euro"], b["n_gekoppeld"])
            for b in gemeente["buurten"]] == [(buurten[0], 42500.5, 2), (buurten[1], 1000.0, 1)]
    # The gemeente's sum is the sum of its buurten, as the buurt API answers them.
    assert gemeente["besparing_euro"] == eerste["besparing_euro"] + tweede["besparing_euro"]
    unknown = api.get("/api/v1/gemeenten/GM9998/besparing")
    assert unknown.status_code == 404 and "GM9998" in unknown.json()["detail"]


def test_the_panel_script_is_served(api: TestClient) -> None:
    script = api.get("/static/koppelkansen/besluiten.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "window.kkBesluiten = {" in script.text and "innerHTML" not in script.text
