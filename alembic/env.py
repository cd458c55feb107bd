"""Alembic environment wired to GeoAlchemy2's helpers; the URL comes from DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from geoalchemy2 import alembic_helpers

from app import models  # noqa: F401  (registers the tables)
from app.config import Settings
from app.db import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("sqlalchemy_url")
    return str(url) if url else Settings().sqlalchemy_url


def run_migrations_online() -> None:
    """Run the migrations on a live connection (the only mode this project uses)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url())
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        include_object=alembic_helpers.include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
