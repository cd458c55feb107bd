"""Database engine, session and the declarative Base with a naming convention."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# No fastapi here: the CLI imports this module. get_session and SessionDep are in app.deps.

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of all tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(
    sqlalchemy_url: str, *, lock_timeout_ms: int = 0, statement_timeout_ms: int = 0
) -> Engine:
    """A synchronous engine (psycopg 3) shared by the API, the CLI and geopandas.

    The API passes short timeouts so that no request waits on an import or a stuck query (the
    error answers 503); 0 means none, as for the CLI. A transaction may lift them with SET LOCAL.
    """
    connect_args: dict[str, object] = {"connect_timeout": 5}
    options = [f"-c {name}={ms}" for name, ms in (("lock_timeout", lock_timeout_ms),
                                                   ("statement_timeout", statement_timeout_ms))
               if ms > 0]
    if options:
        connect_args["options"] = " ".join(options)
    return create_engine(sqlalchemy_url, pool_pre_ping=True, connect_args=connect_args)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)
