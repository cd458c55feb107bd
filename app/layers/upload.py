"""Receiving an uploaded file safely: streamed to a private temp folder, size capped."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import UploadFile

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
                    raise TooLarge(
                        f"Het bestand is groter dan de toegestane {max_bytes // (1024 * 1024)} MB. "
                        "Knip het op, of laat de beheerder de grens verhogen "
                        "(KOPPELKANSEN_UPLOAD_MAX_BYTES)."
                    )
                out.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if written == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise DomainError("Het geüploade bestand is leeg.")
    return target
