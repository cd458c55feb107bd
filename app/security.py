"""Security headers on every answer, and the per-response nonce of the pages' inline scripts.

The policy in one place. Scripts: only from the app itself, plus the inline scripts the app
rendered, each carrying this response's nonce (folium writes the map's setup as inline script;
a nonce, unlike 'unsafe-inline', leaves injected markup without power). Style elements the
same. Style *attributes* are allowed (`style-src-attr 'unsafe-inline'`): the print view colours
its legend and result numbers with them; CSS cannot run script, so the risk is small, and a
nonce cannot be put on an attribute.
Images may come from PDOK (the basemaps) and data: URLs (Leaflet and Swagger UI icons).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontend.kaart import BRT_URL, LUCHTFOTO_URL

NONCE_KEY = "csp_nonce"
# The basemap hosts, derived from the URLs the map uses.
IMAGE_HOSTS = tuple(sorted({f"https://{urlsplit(u).netloc}" for u in (BRT_URL, LUCHTFOTO_URL)}))


# The policy with {nonce} where each answer's nonce goes; built once.
_CSP_TEMPLATE = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self' 'nonce-{nonce}'",
    "style-src-attr 'unsafe-inline'",
    f"img-src 'self' data: {' '.join(IMAGE_HOSTS)}",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
_FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# The same as raw ASGI header pairs, for the middleware (every response passes through it).
_CSP_NAME = b"content-security-policy"
_FIXED_RAW = tuple((k.lower().encode("latin-1"), v.encode("latin-1"))
                   for k, v in _FIXED_HEADERS.items())


def content_security_policy(nonce: str) -> str:
    """The Content-Security-Policy of an answer whose inline scripts carry `nonce`."""
    return _CSP_TEMPLATE.format(nonce=nonce)


def security_headers(nonce: str) -> dict[str, str]:
    """Every header this module sets."""
    return {"Content-Security-Policy": content_security_policy(nonce), **_FIXED_HEADERS}


def new_nonce() -> str:
    """A fresh, unguessable nonce (128 bits)."""
    return secrets.token_urlsafe(16)


def csp_nonce(request: Request) -> str:
    """The nonce of this request's answer, for the inline scripts and styles of a page."""
    nonce = request.scope.setdefault("state", {}).get(NONCE_KEY)
    if nonce is None:  # outside SecurityHeaders (a unit test of a route): still a valid value
        nonce = request.scope["state"][NONCE_KEY] = new_nonce()
    return str(nonce)


Headers = Iterable[tuple[bytes, bytes]]


class AddHeaders:
    """ASGI middleware: adds `extra(scope)(headers present)` to the start of every answer,
    also one a middleware inside sends itself. Headers the answer already has are kept (a route
    may narrow its own policy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def extra(self, scope: Scope) -> Callable[[dict[bytes, bytes]], Headers]:
        """For one request: the headers to add, given those the answer has (lower-case)."""
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.extra(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower(): value for name, value in headers}
                message["headers"] = [*headers, *(pair for pair in extra(present)
                                                   if pair[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecurityHeaders(AddHeaders):
    """Makes the nonce of the answer and adds the security headers to every answer."""

    def extra(self, scope: Scope) -> Callable[[dict[bytes, bytes]], Headers]:
        nonce = new_nonce()
        scope.setdefault("state", {})[NONCE_KEY] = nonce
        headers = ((_CSP_NAME, content_security_policy(nonce).encode("latin-1")), *_FIXED_RAW)
        return lambda _present: headers
