"""The OpenAPI document tells the truth: schemathesis calls every operation with generated valid
and invalid input (seeded, bounded) and fails on a 5xx, an undocumented status code or content
type, or a body or header that does not match the documented schema.

It runs on the scratch database loaded with the demo municipality and an editor key, so the
imports and decisions it sends change nothing another test reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.auth.service import create_key
from app.config import Settings
from app.main import create_app
from tests.conftest import DATA_TABLES
from tests.support import load_demo

pytestmark = pytest.mark.db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# Per operation and generation mode; the seed (derandomize) makes every run the same.
MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def fuzz_app(scratch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app on the scratch database with the demo; its lifespan runs for the whole module."""
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    load_demo(engine, Path(tmp_path_factory.mktemp("fuzz-demo")))
    with Session(engine) as session:
        _, key = create_key(session, naam="fuzzer", rol="editor")
    engine.dispose()
    # A small upload limit keeps generated files cheap; 413 is documented like the rest.
    app = create_app(Settings(DATABASE_URL=scratch_url, upload_max_bytes=64 * 1024))
    app.state.fuzz_key = key
    with TestClient(app):
        yield app


def _fuzz(operation: APIOperation, mode: GenerationMode, key: str) -> None:
    """Call one operation with MAX_EXAMPLES generated requests of `mode`; raise on a failure."""

    @given(case=operation.as_strategy(mode, headers={"X-API-Key": key}))
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

    run()


def test_every_operation_keeps_its_contract(fuzz_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    key = str(fuzz_app.state.fuzz_key)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, key)
            except Unsatisfiable:
                continue  # no invalid request exists (no parameters, or only a string in the path)
            except (Exception, FailureGroup) as exc:  # every operation runs; all failures shown
                failures.append(f"{operation.label} ({mode.value}):\n{exc}")
    assert not failures, "\n\n".join(failures)
