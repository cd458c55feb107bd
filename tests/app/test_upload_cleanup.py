"""Upload folders left by a crashed worker are removed at start-up; live workers' folders stay."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.layers.upload import UPLOAD_PREFIX, _process_identity
from app.main import create_app

pytestmark = pytest.mark.db

# A worker that receives an upload and dies before it can clean up (kill -9, OOM, power).
CRASHING_WORKER = """
import io, os
from fastapi import UploadFile
from app.layers.upload import save_upload
path = save_upload(UploadFile(io.BytesIO(b"x;y\\n1;2\\n"), filename="bomen.csv"), max_bytes=10**6)
print(path.parent, flush=True)
os._exit(9)
"""


def _folder(tmp: Path, name: str, owner: str | None) -> Path:
    folder = tmp / f"{UPLOAD_PREFIX}{name}"
    folder.mkdir()
    (folder / "bomen.csv").write_text("x;y\n1;2\n")
    if owner is not None:
        (folder / ".owner").write_text(owner)
    return folder


def test_start_up_removes_only_stale_upload_folders(
    scratch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    crashed = Path(subprocess.run([sys.executable, "-c", CRASHING_WORKER], env=env,
                                  capture_output=True, text=True, timeout=60,
                                  cwd=Path(__file__).resolve().parents[2]).stdout.strip())
    assert crashed.is_dir() and crashed.parent == tmp_path  # the crash left it behind

    other_worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        identity = _process_identity(other_worker.pid)
        assert identity is not None
        busy = _folder(tmp_path, "busy", identity)
        pid, start = identity.split()
        reused = _folder(tmp_path, "reused", f"{pid} {int(start) + 1}")  # same pid, other process
        fresh_no_owner = _folder(tmp_path, "fresh", None)
        old_no_owner = _folder(tmp_path, "old", None)
        two_days_ago = time.time() - 2 * 24 * 3600
        os.utime(old_no_owner, (two_days_ago, two_days_ago))
        unrelated = tmp_path / "iets-anders"
        unrelated.mkdir()

        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
            assert client.get("/health").status_code == 200
        assert not crashed.exists()
        assert not reused.exists()
        assert not old_no_owner.exists()
        assert busy.is_dir() and (busy / "bomen.csv").is_file()
        assert fresh_no_owner.is_dir()
        assert unrelated.is_dir()
    finally:
        other_worker.kill()
        other_worker.wait()
