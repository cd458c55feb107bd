"""Receiving an uploaded file safely: streamed to a private temp folder, size capped."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.service import check_role
from app.errors import DomainError

_CHUNK = 1 << 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class TooLarge(DomainError):
    """An upload over the configured maximum."""

    status_code = 413


def safe_filename(name: str | None) -> str:
    """A file name without folders or odd characters (the extension decides the reader)."""
    base = Path((name or "upload").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip(" .") or "upload"
    return cleaned[:120]


def save_upload(upload: UploadFile, *, max_bytes: int) -> Path:
    """Write the upload into a new temp folder; refuse it past max_bytes. Caller removes the folder."""
    folder = Path(tempfile.mkdtemp(prefix="kk-upload-"))
    target = folder / safe_filename(upload.filename)
    written = 0
    try:
        with target.open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise TooLarge(_too_large_message(max_bytes))
                out.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if written == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise DomainError("Het geüploade bestand is leeg.")
    return target


class UploadGuard:
    """ASGI middleware for the import route: key and size are checked before the body is read.

    FastAPI reads a multipart body to disk before any dependency runs, so without this anyone
    could fill the disk. Content-Length over the limit, or a missing or read-only key, is
    answered at once; a body without Content-Length is cut off when it passes the limit.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _IMPORT_PATH.match(
                scope["path"]):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        limit = state.settings.upload_max_bytes + _MULTIPART_MARGIN
        headers = Headers(scope=scope)
        try:
            if int(headers.get("content-length") or 0) > limit:
                raise TooLarge(_too_large_message(state.settings.upload_max_bytes))
            await run_in_threadpool(_check_editor, state.sessionmaker, headers.get("x-api-key"))
        except DomainError as exc:
            await _send_error(send, exc)
            return
        received = 0
        cut_off = False

        async def counting_receive() -> Message:
            nonlocal received, cut_off
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                cut_off = True
                return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut_off:
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not cut_off:
                raise
        if cut_off and not started:
            await _send_error(send, TooLarge(_too_large_message(state.settings.upload_max_bytes)))


_IMPORT_PATH = re.compile(r"^/api/v1/lagen/[^/]+/import/?$")
_MULTIPART_MARGIN = 64 * 1024  # form fields and boundaries around the file


def _too_large_message(max_bytes: int) -> str:
    return (f"Het bestand is groter dan de toegestane {max_bytes // (1024 * 1024)} MB. Knip het "
            "op, of laat de beheerder de grens verhogen (KOPPELKANSEN_UPLOAD_MAX_BYTES).")


def _check_editor(sessionmaker: Any, key: str | None) -> None:
    with sessionmaker() as session:
        check_role(session, key, needed="editor")


async def _send_error(send: Send, exc: DomainError) -> None:
    body = json.dumps({"detail": exc.message}).encode()
    await send({"type": "http.response.start", "status": exc.status_code,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
