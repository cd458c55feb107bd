"""Receiving an uploaded file safely: streamed to a private temp folder, size capped."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.service import check_role
from app.errors import DomainError, database_error, send_problem

_CHUNK = 1 << 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
UPLOAD_PREFIX = "kk-upload-"
# Written into every upload folder: "pid start-time" of the process that owns it. safe_filename
# strips leading dots, so an uploaded file can never have this name.
_OWNER_FILE = ".owner"
# A folder without a readable owner is left alone until it is older than any import can take.
STALE_AFTER_S = 24 * 3600


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
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    (folder / _OWNER_FILE).write_text(_process_identity(os.getpid()) or str(os.getpid()))
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


def _process_identity(pid: int) -> str | None:
    """"pid start-time" of a running process (Linux /proc), so a reused pid is not mistaken for
    the owner; None when the process does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)  # no /proc: at least whether the pid exists
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return str(pid)
    # field 22 (starttime), counted after the ")" that ends the command name
    return f"{pid} {stat.rsplit(')', 1)[1].split()[19]}"


def remove_stale_uploads(folder: Path | None = None) -> list[Path]:
    """Remove upload folders left by a crash: their owning process is gone (or, when the owner
    is unreadable, they are older than STALE_AFTER_S). Folders of running workers stay."""
    removed: list[Path] = []
    for candidate in Path(folder or tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"):
        try:
            if not candidate.is_dir() or candidate.is_symlink():
                continue
            owner = (candidate / _OWNER_FILE).read_text().split()
            alive = bool(owner) and owner[0].isdigit() and (
                _process_identity(int(owner[0])) in (" ".join(owner), owner[0]))
        except OSError:  # no owner file (yet): judge by age
            try:
                alive = time.time() - candidate.stat().st_mtime < STALE_AFTER_S
            except OSError:
                continue
        if not alive:
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


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
        except OperationalError as exc:  # outside the app's handlers: answer the 503 here
            await _send_error(send, database_error(exc))
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
    await send_problem(send, exc.status_code, exc.message)
