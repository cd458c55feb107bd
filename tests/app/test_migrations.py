"""Migrations: after upgrade head, the models and the database agree."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from geoalchemy2 import alembic_helpers

from app.db import Base

pytestmark = pytest.mark.db


def test_models_and_migrations_do_not_drift(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": alembic_helpers.include_object, "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert conn.execute(text("SELECT postgis_lib_version()")).scalar_one().startswith("3.")
        indexes = set(conn.execute(text(
            "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")).scalars())
    engine.dispose()
    assert {"buurt", "warmtenet", "riolering", "groen", "boom", "leefbaarometer",
            "koppelkans"} <= indexes
