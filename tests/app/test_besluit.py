"""Decisions on results survive a new analysis of the same inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.analyse.service import run_analysis
from app.auth.service import create_key
from app.config import Settings
from app.main import create_app
from geo.params import RuleParams
from tests.support import DEMO_PEILJAAR, load_demo

pytestmark = pytest.mark.db


def test_decision_survives_a_rerun(scratch_url: str, scratch_engine: Engine, tmp_path: Path) -> None:
    load_demo(scratch_engine, tmp_path)
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        before = client.get("/api/v1/koppelkansen?limit=100000").json()["features"]
        kans_id = before[0]["properties"]["kans_id"]
        with Session(scratch_engine) as session:
            key = create_key(session, naam="team", rol="editor")[1]
        body = {"status": "in_overleg", "notitie": "Bespreken met netbeheerder"}
        refused = client.put(f"/api/v1/koppelkansen/{kans_id}/besluit", json=body)
        assert refused.status_code == 401
        saved = client.put(f"/api/v1/koppelkansen/{kans_id}/besluit", json=body,
                           headers={"X-API-Key": key})
        assert saved.status_code == 200, saved.text
        run_analysis(scratch_engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR)
        after = client.get("/api/v1/koppelkansen?limit=100000").json()["features"]
        assert sorted(f["properties"]["kans_id"] for f in after) == sorted(
            f["properties"]["kans_id"] for f in before)
        props = client.get(f"/api/v1/koppelkansen/{kans_id}").json()["properties"]
        assert props["besluit_status"] == "in_overleg"
        assert props["besluit_notitie"] == "Bespreken met netbeheerder"


def test_decision_input_is_checked(scratch_url: str, scratch_engine: Engine, tmp_path: Path) -> None:
    load_demo(scratch_engine, tmp_path)
    with Session(scratch_engine) as session:
        headers = {"X-API-Key": create_key(session, naam="team", rol="editor")[1]}
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        first = client.get("/api/v1/koppelkansen?limit=1").json()["features"][0]
        url = f"/api/v1/koppelkansen/{first['properties']['kans_id']}/besluit"
        bad = client.put(url, json={"status": "misschien"}, headers=headers)
        assert bad.status_code == 422 and "status" in bad.json()["detail"]
        missing = client.put("/api/v1/koppelkansen/0000000000000000/besluit",
                             json={"status": "open"}, headers=headers)
        assert missing.status_code == 404
