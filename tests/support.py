"""Helpers shared by the test fixtures and the benchmarks: a migrated database, the demo
municipality loaded through the real importers, and the app served on a free port.

Functions, not fixtures, so `benchmarks/` can use them without importing conftest.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
import uvicorn
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.analyse.service import run_analysis
from app.config import to_sqlalchemy_url
from app.layers.service import import_file
from data.demo import generate_demo
from geo.params import RuleParams

ROOT = Path(__file__).resolve().parents[1]
DEMO_PEILJAAR = 2026


def database_url(suffix: str = "") -> str:
    """TEST_DATABASE_URL (SQLAlchemy form), or a database beside it named `<name><suffix>`;
    skips the test without it (fails under CI)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL is niet gezet; draai de tests met scripts/test.")
        pytest.skip("geen TEST_DATABASE_URL: database-tests overgeslagen (gebruik scripts/test)")
    parsed = make_url(to_sqlalchemy_url(url))
    return parsed.set(database=f"{parsed.database}{suffix}").render_as_string(
        hide_password=False)


def fresh_database(url: str) -> Engine:
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
                    replace=True,
                    dekking=files.dekking if laag in files.dekking_lagen else None)
    run_analysis(engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(app: FastAPI, *, timeout_s: float = 20) -> tuple[str, Callable[[], None]]:
    """Run `app` with uvicorn in a thread; its base URL and a function that stops it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("testserver startte niet")
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop


def missing_tool(message: str) -> NoReturn:
    """A test needs a program that is not installed: fails in CI, skips on a laptop."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
