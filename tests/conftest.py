"""Shared fixtures: real PostGIS databases built with alembic, the demo data, a live server.

TEST_DATABASE_URL names the test database (scripts/test sets it). Without it the database tests
fail in CI and are skipped on a laptop.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.analyse.service import run_analysis
from app.config import Settings, to_sqlalchemy_url
from app.layers.service import import_file
from app.main import create_app
from data.demo import generate_demo
from geo.params import RuleParams

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
DEMO_PEILJAAR = 2026
DATA_TABLES = ("koppelkans", "buurtscore", "analyse_run", "kans_besluit", "buurt", "warmtenet",
               "riolering", "groen", "boom", "leefbaarometer", "import_run", "api_key")


def _test_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL is niet gezet; draai de tests met scripts/test.")
        pytest.skip("geen TEST_DATABASE_URL: database-tests overgeslagen (gebruik scripts/test)")
    return to_sqlalchemy_url(url)


def _fresh_database(url: str) -> Engine:
    """Create the database if needed, empty it, and migrate it with alembic."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": parsed.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["sqlalchemy_url"] = url
    command.upgrade(config, "head")
    return engine


def load_demo(engine: Engine, folder: Path, *, seed: int = 42, scale: float = 1.0) -> None:
    """Generate the demo municipality and run it through the real importers and analysis."""
    files = generate_demo(folder, seed=seed, scale=scale, peiljaar=DEMO_PEILJAAR)
    for laag, path in files.paths.items():
        import_file(engine, laag=laag, path=path, source_layer=files.source_layers.get(laag),
                    replace=True)
    run_analysis(engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR)


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The folder with the real Dutch data (never copied into the repo)."""
    if not REALDATA.is_dir():
        pytest.skip(f"{REALDATA} ontbreekt")
    return REALDATA


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the demo municipality imported and analysed (peiljaar 2026); read only."""
    url = _test_url()
    engine = _fresh_database(url)
    load_demo(engine, tmp_path_factory.mktemp("demo"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_url: str) -> Iterator[Engine]:
    """Engine on the demo database."""
    engine = create_engine(demo_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_settings(demo_url: str) -> Settings:
    """Settings pointing at the demo database."""
    return Settings(DATABASE_URL=demo_url)


@pytest.fixture(scope="session")
def client(demo_settings: Settings) -> Iterator[TestClient]:
    """A TestClient on the demo database, lifespan running."""
    with TestClient(create_app(demo_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def scratch_url() -> str:
    """A second, migrated database for tests that write."""
    url = make_url(_test_url())
    scratch = url.set(database=f"{url.database}_scratch").render_as_string(hide_password=False)
    _fresh_database(scratch).dispose()
    return scratch


@pytest.fixture
def scratch_engine(scratch_url: str) -> Iterator[Engine]:
    """Engine on the scratch database, emptied before the test."""
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(demo_settings: Settings) -> Iterator[str]:
    """Base URL of a real uvicorn server on the demo database."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(demo_settings), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("testserver startte niet")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
