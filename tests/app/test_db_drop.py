"""The database connection dies while an answer is being sent: the answer still arrives whole,
the server logs no crash ("response already started"), and the next request is served."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

import pyogrio

from app.layers.service import import_file
from benchmarks.make_pipes import make_pipes
from tests.support import ROOT, free_port

pytestmark = pytest.mark.db

N_PIPES = 40_000  # an answer of some MB: the server must wait for the client to read it


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 response with Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"verbinding gesloten zonder antwoord: {data[:200]!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers["content-length"])
    while len(body) < length:
        chunk = sock.recv(1 << 20)
        assert chunk, f"verbinding gesloten na {len(body)} van {length} bytes"
        body += chunk
    return int(lines[0].split()[1]), body[:length]


def test_database_drop_while_sending_an_answer(
    scratch_url: str, scratch_engine: Engine, tmp_path: Path
) -> None:
    pipes = tmp_path / "leidingen.gpkg"
    pyogrio.write_dataframe(make_pipes(N_PIPES), pipes, layer="leidingen", driver="GPKG")
    import_file(scratch_engine, laag="riolering", path=pipes)

    port = free_port()
    log = (tmp_path / "server.log").open("w+")
    env = {**os.environ, "DATABASE_URL": scratch_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    admin = create_engine(scratch_url, isolation_level="AUTOCOMMIT")
    sock = socket.socket()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "server startte niet"
            time.sleep(0.2)

        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # so the server must wait
        sock.connect(("127.0.0.1", port))
        sock.settimeout(60)
        sock.sendall(b"GET /api/v1/lagen/riolering?limit=100000 HTTP/1.1\r\n"
                     b"Host: test\r\n\r\n")
        # After its last query (the features) the route builds and sends the answer with the
        # session still open ('idle in transaction'); it is closed only after sending. The
        # database drops that connection now.
        terminated = None
        deadline = time.monotonic() + 60
        with admin.connect() as conn:
            while terminated is None and time.monotonic() < deadline:
                terminated = conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state = 'idle in transaction' "
                    "AND query LIKE 'SELECT ST_AsGeoJSON%riolering%'")).first()
        assert terminated is not None, "geen open sessie gevonden tijdens het versturen"
        status, body = _read_response(sock)
        assert status == 200
        assert len(json.loads(body)["features"]) == N_PIPES
        # the next request is served (the pool dropped the dead connection)
        after = httpx.get(f"http://127.0.0.1:{port}/api/v1/lagen/riolering?limit=1", timeout=30)
        assert after.status_code == 200 and len(after.json()["features"]) == 1
    finally:
        sock.close()
        server.terminate()
        server.wait(timeout=20)
        admin.dispose()
    log.seek(0)
    logged = log.read()
    assert "Traceback" not in logged and "response already started" not in logged, logged[-2000:]
