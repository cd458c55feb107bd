"""Dependencies that guard routes with API keys."""

from __future__ import annotations

import base64
import binascii
import logging
import re
from typing import Annotated

from fastapi import Cookie, Depends, Header, Request, Response

from app.auth.service import check_role, organisatie_of
from app.deps import SessionDep

# The map pages put a viewer key into this cookie (see app.kaart.router), so the page's own
# requests for tiles and JSON carry it without a header.
KEY_COOKIE = "kk_sleutel"

KeyHeader = Annotated[
    str | None, Header(alias="X-API-Key", description="API-sleutel (rol editor om te schrijven)")
]
KeyCookie = Annotated[
    str | None,
    Cookie(alias=KEY_COOKIE, description="API-sleutel die de kaart bewaart (alleen om te lezen)"),
]


def presented_key(x_api_key: str | None, cookie_key: str | None,
                  authorization: str | None = None) -> str | None:
    """The key a request shows for reading: the X-API-Key header first, else the cookie, else
    the password of HTTP Basic authentication (any user name).

    Basic is for GIS programs that cannot send a header of their own: QGIS 3.22 offers only
    Basic authentication for an OGC API connection.
    """
    return x_api_key or cookie_key or basic_password(authorization)


def basic_password(authorization: str | None) -> str | None:
    """The password of an `Authorization: Basic …` header, or None."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2] or None


def read_requires_key(request: Request) -> bool:
    """Whether this service asks a viewer key for reading."""
    return bool(request.app.state.settings.read_requires_key)


def require_editor(session: SessionDep, x_api_key: KeyHeader = None) -> None:
    """Writing always needs a key with role editor, in the header (never from the cookie)."""
    check_role(session, x_api_key, needed="editor")


def editor_organisatie(session: SessionDep, x_api_key: KeyHeader = None) -> str | None:
    """require_editor, giving the party the key delivers works for (None: a key for all)."""
    check_role(session, x_api_key, needed="editor")
    return organisatie_of(session, x_api_key)


def require_reader(
    request: Request,
    response: Response,
    session: SessionDep,
    x_api_key: KeyHeader = None,
    kk_sleutel: KeyCookie = None,
) -> None:
    """Reading is open, unless the service is configured to need a viewer key.

    With a key required, an answer is for its reader only: Cache-Control private, so no shared
    cache hands it to someone without a key.
    """
    if read_requires_key(request):
        key = presented_key(x_api_key, kk_sleutel, request.headers.get("authorization"))
        check_role(session, key, needed="viewer")
        response.headers["Cache-Control"] = "private"


_KEY_IN_QUERY = re.compile(r"(?i)([?&]sleutel=)[^&#\s\"]*")


def redact_key(text: str) -> str:
    """`text` with the value of any `sleutel=` query parameter replaced by ***."""
    return _KEY_IN_QUERY.sub(r"\1***", text)


class RedactKeyFilter(logging.Filter):
    """Keeps a key given as ?sleutel= out of log lines (uvicorn's access log shows the query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the message and its arguments; never drops a record."""
        if isinstance(record.msg, str):
            record.msg = redact_key(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_key(a) if isinstance(a, str) else a for a in record.args)
        return True


EditorDep = Depends(require_editor)
EditorOrganisatie = Annotated[str | None, Depends(editor_organisatie)]
ReaderDep = Depends(require_reader)
