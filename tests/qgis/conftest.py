"""QGIS (Debian's python3-qgis, headless) as the acceptance client of the OGC API and exports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import missing_tool

CLIENT = Path(__file__).with_name("qgis_client.py")
QgisRun = Callable[[list[dict[str, Any]]], dict[str, Any]]


def _qgis_python() -> str:
    python = os.environ.get("QGIS_PYTHON") or shutil.which("python3", path="/usr/bin") or ""
    found = python and subprocess.run([python, "-c", "import qgis.core"],
                                      capture_output=True).returncode == 0
    if not found:
        missing_tool("QGIS ontbreekt; draai scripts/setup --qgis (Debian-pakket python3-qgis).")
    return python


@pytest.fixture(scope="session")
def qgis(tmp_path_factory: pytest.TempPathFactory) -> QgisRun:
    """Runs requests through QGIS (see qgis_client.py) and returns what QGIS saw, by name."""
    python = _qgis_python()
    home = tmp_path_factory.mktemp("qgis-home")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_RUNTIME_DIR": str(home), "PYTHONPATH": ""}

    def run(requests: list[dict[str, Any]]) -> dict[str, Any]:
        done = subprocess.run([python, str(CLIENT)], input=json.dumps(requests), text=True,
                              capture_output=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        answers: dict[str, Any] = json.loads(done.stdout)
        return answers

    return run
