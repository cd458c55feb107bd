"""Shared fixtures: real PostGIS databases built with alembic, the demo data, a live server.

TEST_DATABASE_URL names the test database (scripts/test sets it). Without it the database tests
fail in CI and are skipped on a laptop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from app.config import Settings
from app.main import create_app
from tests.support import ROOT, database_url, fresh_database, load_demo, serve

REALDATA = ROOT.parent / "shared" / "realdata"
DATA_TABLES = ("koppelkans", "buurtscore", "analyse_run", "kans_besluit", "buurt", "warmtenet",
               "riolering", "groen", "boom", "leefbaarometer", "import_run", "api_key")


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The folder with the real Dutch data (never copied into the repo)."""
    if not REALDATA.is_dir():
        pytest.skip(f"{REALDATA} ontbreekt")
    return REALDATA


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the demo municipality imported and analysed (peiljaar 2026); read only."""
    url = database_url()
    engine = fresh_database(url)
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
    scratch = database_url("_scratch")
    fresh_database(scratch).dispose()
    return scratch


@pytest.fixture
def scratch_engine(scratch_url: str) -> Iterator[Engine]:
    """Engine on the scratch database, emptied before the test."""
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(demo_settings: Settings) -> Iterator[str]:
    """Base URL of a real uvicorn server on the demo database."""
    base, stop = serve(create_app(demo_settings))
    yield base
    stop()
