"""A large replace import does not hold up readers: API reads on a live server stay as fast as
before the import, and a read that would wait on a lock answers 503 instead of hanging."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

import pyogrio

from app.config import Settings
from app.layers.service import import_file
from app.main import create_app
from benchmarks.make_pipes import make_pipes
from tests.support import serve

pytestmark = pytest.mark.db

BIN = Path(sys.executable).parent / "koppelkansen"
N_PIPES = 250_000
READS = ("/api/v1/lagen/riolering?bbox=5.10,52.08,5.13,52.10&limit=200",
         "/api/v1/lagen/riolering?limit=50&offset=1000")


def _read_all(client: httpx.Client) -> list[tuple[float, int]]:
    out = []
    for url in READS:
        start = time.perf_counter()
        status = client.get(url).status_code
        out.append((time.perf_counter() - start, status))
    return out


def test_reads_are_not_held_up_by_a_large_replace(
    scratch_url: str, scratch_engine: Engine, tmp_path: Path
) -> None:
    pipes = make_pipes(N_PIPES)
    big = tmp_path / "leidingen.gpkg"
    pyogrio.write_dataframe(pipes, big, layer="leidingen", driver="GPKG")
    small = tmp_path / "eerst.gpkg"
    pyogrio.write_dataframe(pipes.iloc[:20_000], small, layer="leidingen", driver="GPKG")
    import_file(scratch_engine, laag="riolering", path=small)

    base, stop = serve(create_app(Settings(DATABASE_URL=scratch_url)))
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            before = [d for _ in range(15) for d, s in _read_all(client) if s == 200]
            assert len(before) == 2 * 15
            normal = statistics.median(before)

            during: list[tuple[float, int]] = []
            done = threading.Event()

            def reader() -> None:
                with httpx.Client(base_url=base, timeout=60) as own:
                    while not done.is_set():
                        during.extend(_read_all(own))

            thread = threading.Thread(target=reader)
            thread.start()
            env = {**os.environ, "DATABASE_URL": scratch_url}
            result = subprocess.run(
                [str(BIN), "import", "riolering", str(big), "--replace-laag"], env=env,
                capture_output=True, text=True, timeout=600)
            done.set()
            thread.join()
    finally:
        stop()
    assert result.returncode == 0, result.stderr
    assert "20000 objecten verwijderd" in result.stdout
    with scratch_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM riolering")).scalar_one() == N_PIPES
    assert len(during) >= 20, "te weinig leesverzoeken tijdens de import"
    assert {s for _, s in during} == {200}
    slowest = max(d for d, _ in during)
    assert slowest <= normal + 1.0, (
        f"langste leesverzoek {slowest:.2f} s tijdens de import, normaal {normal:.2f} s")


def test_a_read_that_would_wait_on_a_lock_answers_503(
    scratch_url: str, scratch_engine: Engine
) -> None:
    settings = Settings(DATABASE_URL=scratch_url, read_lock_timeout_ms=300)
    base, stop = serve(create_app(settings))
    try:
        with scratch_engine.connect() as conn:
            conn.execute(text("LOCK TABLE riolering IN ACCESS EXCLUSIVE MODE"))
            start = time.perf_counter()
            response = httpx.get(base + "/api/v1/lagen/riolering?limit=5", timeout=30)
            waited = time.perf_counter() - start
            conn.rollback()
        after = httpx.get(base + "/api/v1/lagen/riolering?limit=5", timeout=30)
    finally:
        stop()
    assert response.status_code == 503 and waited < 3
    assert "probeer het" in response.text and "opnieuw" in response.text
    assert after.status_code == 200
