"""Zip, CSV and GeoJSON bombs uploaded to a real server: its memory stays bounded and the refusal
is short, Dutch, without server paths and without the file's content.

The server runs as a subprocess (uvicorn on the scratch database), so its peak RSS (VmHWM) is
its own. The bombs are built by streaming into zipfile, so this test stays small in memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.auth.service import create_key
from app.config import Settings
from app.main import create_app
from tests.support import ROOT, free_port

pytestmark = pytest.mark.db

UNPACKED = 1_200 * 1024**2  # more than the 1 GB the server may use, had it read the file whole
MAX_RSS_BYTES = 1024**3
MAX_BODY_BYTES = 4096


def _bomb(path: Path, entry: str, head: bytes, block: bytes, tail: bytes = b"",
          size: int = UNPACKED, level: int = 1) -> Path:
    """A zip whose one entry is head + block repeated up to `size` bytes + tail (streamed)."""
    # level 1 is fast, and still some hundred times smaller
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf, \
            zf.open(entry, "w", force_zip64=True) as out:
        out.write(head)
        big = block * max(1, (1 << 22) // len(block))
        written = len(head)
        while written < size:
            out.write(big)
            written += len(big)
        out.write(tail)
    return path


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("VmHWM niet gevonden")


@pytest.fixture
def server(scratch_url: str, scratch_engine: Engine) -> Iterator[tuple[str, str, int]]:
    """(base URL, editor key, pid) of uvicorn in a subprocess, without the packing-ratio limit so
    that the streaming itself is what keeps memory bounded."""
    with Session(scratch_engine) as session:
        key = create_key(session, naam="bommen", rol="editor")[1]
    port = free_port()
    env = {**os.environ, "DATABASE_URL": scratch_url, "KOPPELKANSEN_ZIP_MAX_RATIO": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("server startte niet")
            time.sleep(0.2)
        yield base, key, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _refused(base: str, key: str, path: Path, laag: str = "boom") -> str:
    with path.open("rb") as fh:
        response = httpx.post(f"{base}/api/v1/lagen/{laag}/import", headers={"X-API-Key": key},
                              files={"file": (path.name, fh, "application/zip")}, timeout=120)
    assert response.status_code == 422, response.text[:500]
    assert len(response.content) <= MAX_BODY_BYTES, len(response.content)
    body = response.text
    assert "geweigerd" in body  # Dutch, and says nothing was changed
    assert "/tmp" not in body and "kk-upload" not in body and "vsizip" not in body
    assert "A" * 100 not in body and "1;2;3" * 10 not in body  # no echo of the content
    return body


def test_bombs_keep_server_memory_bounded(server: tuple[str, str, int], tmp_path: Path) -> None:
    base, key, pid = server
    # one line repeated: rows without any geometry column, refused after the first batch
    repeated = _bomb(tmp_path / "herhaald.zip", "bomen.csv", b"a;b;c\n", b"1;2;3\n")
    assert repeated.stat().st_size < 20 * 1024**2
    assert "geen geometrie" in _refused(base, key, repeated)
    # a single gigantic line without a newline (the header never ends)
    one_line = _bomb(tmp_path / "een_regel.zip", "bomen.csv", b"x;y;", b"A")
    assert "langer dan" in _refused(base, key, one_line)
    # a single gigantic field in a CSV with a proper header
    one_field = _bomb(tmp_path / "een_veld.zip", "bomen.csv", b"x;y;soort\n1;2;", b"A")
    assert "regel 2" in _refused(base, key, one_field)
    # GeoJSON: one feature with a gigantic property
    geojson = _bomb(tmp_path / "geojson.zip", "bomen.geojson",
                    b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    b'"properties": {"soort": "', b"A",
                    b'"}, "geometry": {"type": "Point", "coordinates": [5.1, 52.1]}}]}')
    _refused(base, key, geojson)
    peak = _peak_rss(pid)
    print(f"piekgeheugen van de server na vier bommen: {peak / 1024**2:.0f} MB")  # pytest -s
    assert peak < MAX_RSS_BYTES, f"piekgeheugen van de server {peak / 1024**2:.0f} MB"
    assert httpx.get(base + "/health", timeout=5).status_code == 200  # still serving


def test_zip_bomb_refused_by_its_packing_ratio(scratch_url: str, scratch_engine: Engine,
                                              tmp_path: Path) -> None:
    with Session(scratch_engine) as session:
        key = create_key(session, naam="bommen", rol="editor")[1]
    # valid tree rows, repeated: only the packing ratio gives this one away before reading
    bomb = _bomb(tmp_path / "bomen.zip", "bomen.csv", b"x;y;soort\n", b"155000;463000;Eik\n",
                 size=100 * 1024**2, level=9)
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client, \
            bomb.open("rb") as fh:
        response = client.post("/api/v1/lagen/boom/import", headers={"X-API-Key": key},
                               files={"file": (bomb.name, fh, "application/zip")})
    assert response.status_code == 422
    body = response.text
    assert len(response.content) <= MAX_BODY_BYTES
    assert "zip-bom" in body and "KOPPELKANSEN_ZIP_MAX_RATIO" in body
