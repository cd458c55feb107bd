"""Analysis runs against a real PostGIS."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.analyse.service import run_analysis
from geo.params import RuleParams
from tests.support import DEMO_PEILJAAR, load_demo

pytestmark = pytest.mark.db


def test_runs_at_the_same_time_take_turns(scratch_engine: Engine, tmp_path: Path) -> None:
    load_demo(scratch_engine, tmp_path)
    with scratch_engine.connect() as conn:
        expected = conn.execute(text("SELECT count(*) FROM koppelkans")).scalar_one()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_analysis(scratch_engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with scratch_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM koppelkans")).scalar_one() == expected
        runs = conn.execute(text("SELECT import_ids FROM analyse_run ORDER BY id")).scalars().all()
        loaded = conn.execute(text("SELECT array_agg(id ORDER BY id) FROM import_run")).scalar_one()
    assert len(runs) == 4 and all(ids == loaded for ids in runs)
