"""Dependencies that guard routes with API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from app.auth.service import check_role
from app.db import SessionDep

KeyHeader = Annotated[
    str | None, Header(alias="X-API-Key", description="API-sleutel (rol editor om te schrijven)")
]


def require_editor(session: SessionDep, x_api_key: KeyHeader = None) -> None:
    """Writing always needs a key with role editor."""
    check_role(session, x_api_key, needed="editor")


def require_reader(request: Request, session: SessionDep, x_api_key: KeyHeader = None) -> None:
    """Reading is open, unless the service is configured to need a viewer key."""
    if request.app.state.settings.read_requires_key:
        check_role(session, x_api_key, needed="viewer")


EditorDep = Depends(require_editor)
ReaderDep = Depends(require_reader)
