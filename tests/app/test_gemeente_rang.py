"""RULES.md §10 in the app: a run over two gemeenten (and a buurt without gemeentecode) is
listed per gemeente, each with its own rang 1, in the API, the exports and the print view.

Real importers, real analysis, real PostGIS (scratch database).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

import pyogrio

from app.config import Settings
from app.exports.service import write_export
from app.main import create_app
from geo.params import DEFAULT_WEIGHTS
from tests.twee_gemeenten import TWEESTAD, ZONDER, load_two_gemeenten

pytestmark = pytest.mark.db


@pytest.fixture
def town(scratch_engine: Engine, tmp_path: Path) -> dict[str, str | None]:
    return load_two_gemeenten(scratch_engine, tmp_path)


@pytest.fixture
def api(scratch_url: str, town: dict[str, str | None]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        yield client


def _groups(rows: list[dict[str, Any]]) -> list[tuple[str | None, list[dict[str, Any]]]]:
    return [(code, list(rows)) for code, rows in groupby(rows, key=lambda b: b["gemeentecode"])]


def test_api_lists_per_gemeente_each_with_its_own_rang_1(
        api: TestClient, town: dict[str, str | None]) -> None:
    rows = api.get("/api/v1/buurten").json()["buurten"]
    assert len(rows) == len(town) == 12
    assert {b["buurtcode"]: b["gemeentecode"] for b in rows} == town
    # Order: gemeentecode, buurten without one last; within a gemeente by rang.
    groups = _groups(rows)
    assert [code for code, _ in groups] == ["GM0998", "GM0999", None]
    for code, members in groups:
        assert [b["rang"] for b in members] == list(range(1, len(members) + 1)), code
        # RULES.md §10: the maxima are the gemeente's own.
        maxima = {m: max(b[m] for b in members) for m in DEFAULT_WEIGHTS}
        for b in members:
            expected = 100 * sum(w * (b[m] / maxima[m] if maxima[m] > 0 else 0.0)
                                 for m, w in DEFAULT_WEIGHTS.items()) / sum(
                                     DEFAULT_WEIGHTS.values())
            assert b["score"] == pytest.approx(expected, abs=1e-6), b["buurtcode"]
    assert {b["gemeentenaam"] for b in groups[0][1]} == {TWEESTAD[1]}
    assert groups[2][1][0]["buurtcode"] == ZONDER and groups[2][1][0]["gemeentenaam"] is None

    geojson = api.get("/api/v1/buurten?format=geojson").json()["features"]
    assert [f["properties"]["buurtcode"] for f in geojson] == [b["buurtcode"] for b in rows]


def test_api_filters_on_gemeentecode(api: TestClient) -> None:
    rows = api.get("/api/v1/buurten", params={"gemeentecode": "GM0998"}).json()["buurten"]
    assert [b["gemeentecode"] for b in rows] == ["GM0998"] * 4
    assert [b["rang"] for b in rows] == [1, 2, 3, 4]
    geojson = api.get("/api/v1/buurten",
                      params={"gemeentecode": "GM0998", "format": "geojson"}).json()
    assert [f["properties"]["buurtcode"] for f in geojson["features"]] == [
        b["buurtcode"] for b in rows]
    unknown = api.get("/api/v1/buurten", params={"gemeentecode": "GM1234"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "GM0998, GM0999" in unknown.json()["detail"]


def test_export_and_print_view_follow_the_gemeente(
        api: TestClient, scratch_engine: Engine, tmp_path: Path) -> None:
    rows = api.get("/api/v1/buurten").json()["buurten"]
    path = tmp_path / "uit.gpkg"
    write_export(scratch_engine, path, "gpkg", [])
    scores = pyogrio.read_dataframe(path, layer="buurtscores")
    assert scores["buurtcode"].tolist() == [b["buurtcode"] for b in rows]
    assert scores["gemeentecode"].iloc[0] == "GM0998"

    first = rows[0]
    assert first["rang"] == 1 and first["gemeentecode"] == "GM0998"
    page = api.get(f"/kaart/buurt/{first['buurtcode']}/print")
    assert page.status_code == 200
    assert "van 4 in Tweestad" in page.text
    zonder = api.get(f"/kaart/buurt/{ZONDER}/print")
    assert "van 1 zonder gemeente" in zonder.text
