"""Settings of the service, read once from the environment and passed to create_app."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# data.limits, not the importers: importing these settings must not load pandas/geopandas.
from data.limits import BATCH_ROWS, MAX_FILES, MAX_RATIO, MAX_UNPACKED_BYTES

DEFAULT_DATABASE_URL = "postgresql://koppelkansen:koppelkansen@127.0.0.1:5432/koppelkansen"


class Settings(BaseSettings):
    """Service settings; DATABASE_URL is the libpq URL of the PostGIS database."""

    model_config = SettingsConfigDict(env_prefix="KOPPELKANSEN_", extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    max_page_size: int = 100_000
    default_page_size: int = 1_000
    read_requires_key: bool = False
    import_batch_rows: int = BATCH_ROWS
    upload_max_bytes: int = 500 * 1024 * 1024
    zip_max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    zip_max_files: int = MAX_FILES
    zip_max_ratio: int = MAX_RATIO  # 0: no limit
    # API requests never wait long on the database: a lock held by something else, or a
    # runaway query, answers 503 "probeer het zo opnieuw". The CLI has no such limits.
    read_lock_timeout_ms: int = 2_000
    read_statement_timeout_ms: int = 30_000
    # The contact in the OpenAPI document (NLGov API Design Rules: name, email and url).
    api_contact_name: str = "Beheer Koppelkansen"
    # Placeholders: a deployment sets its own (KOPPELKANSEN_API_CONTACT_EMAIL and _URL).
    api_contact_email: str = "beheer@koppelkansen.example"
    api_contact_url: str = "https://koppelkansen.example"

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the psycopg 3 driver named, as SQLAlchemy wants it."""
        return to_sqlalchemy_url(self.database_url)


def to_sqlalchemy_url(url: str) -> str:
    """Turn a libpq URL (postgresql://…) into SQLAlchemy's psycopg form."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
