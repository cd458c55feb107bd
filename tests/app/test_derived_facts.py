"""Derived facts stored once (STYLE.md "Derive, don't restate"): the analysis writes each pipe's
due year and the Leefbaarometer year it used; layer pages, tiles and the point query read them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.analyse.service import run_analysis
from app.config import Settings
from app.layers.service import import_file, read_layers
from app.main import create_app
from data.demo import generate_demo
from geo.params import DEFAULT_LEVENSDUUR, RuleParams, load_params
from geo.riool import due_years
from geo.rules import latest_cells
from tests.support import DEMO_PEILJAAR, load_demo
from tests.tiles.mvt import decode

pytestmark = pytest.mark.db

ZOOM = 13


def _tiles(engine: Engine, z: int) -> list[tuple[int, int, int]]:
    """Every tile at zoom z that the riolering layer touches."""
    with engine.connect() as conn:
        lon0, lat0, lon1, lat1 = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Transform("
            "ST_SetSRID(ST_Extent(geom), 28992), 4326)::box2d AS e FROM riolering) s")).one()
    n = 2 ** z

    def xy(lon: float, lat: float) -> tuple[int, int]:
        return (int((lon + 180) / 360 * n),
                int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))

    x0, y0 = xy(lon0, lat1)
    x1, y1 = xy(lon1, lat0)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def _tile_due_years(client: TestClient, engine: Engine) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for z, x, y in _tiles(engine, ZOOM):
        r = client.get(f"/tiles/riolering/{z}/{x}/{y}.pbf")
        if r.status_code == 200:
            for f in decode(r.content)["riolering"].features:
                found[f.properties["id"]] = f.properties.get("riool_due_jaar")
    return found


def _page_due_years(client: TestClient) -> dict[str, Any]:
    body = client.get("/api/v1/lagen/riolering?limit=100000").json()
    return {f["properties"]["id"]: f["properties"]["riool_due_jaar"] for f in body["features"]}


def _mid(feature: dict[str, Any]) -> tuple[float, float]:
    coords = feature["geometry"]["coordinates"]
    line = coords[0] if feature["geometry"]["type"] == "MultiLineString" else coords
    (x0, y0), (x1, y1) = line[0][:2], line[1][:2]
    return (x0 + x1) / 2, (y0 + y1) / 2


def test_every_reader_shows_the_due_year_of_the_last_runs_rules(
    scratch_engine: Engine, scratch_url: str, tmp_path: Path
) -> None:
    load_demo(scratch_engine, tmp_path / "demo")
    rules = tmp_path / "regels.toml"
    rules.write_text("levensduur_overig = 13\n[levensduur]\n" + "".join(
        f'"{m}" = {7 + i}\n' for i, m in enumerate(DEFAULT_LEVENSDUUR)), encoding="utf-8")
    params = load_params(rules)
    run_analysis(scratch_engine, params=params, peiljaar=DEMO_PEILJAAR)
    with scratch_engine.connect() as conn:
        layers = read_layers(conn)
        stored = dict(conn.execute(text("SELECT riolering_id, due_jaar FROM riool_due")).all())
        lbm_jaar = conn.execute(text(
            "SELECT lbm_jaar FROM analyse_run ORDER BY id DESC LIMIT 1")).scalar_one()
    riolering = layers["riolering"]
    due = due_years(riolering, params)
    expected = {str(i): None if pd.isna(d) else int(d)
                for i, d in zip(riolering["id"], due, strict=True)}
    default = due_years(riolering, RuleParams())
    assert (due != default).fillna(False).any(), "the rules file must change some due years"
    assert stored == expected
    used, _ = latest_cells(layers["leefbaarometer"])
    assert used is not None and lbm_jaar == used

    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        page = _page_due_years(client)
        assert page == expected
        tiles = _tile_due_years(client, scratch_engine)
        assert tiles and all(tiles[i] == expected[i] for i in tiles)
        pipe = next(f for f in client.get("/api/v1/lagen/riolering?limit=100000").json()["features"]
                    if f["properties"]["riool_due_jaar"] is not None)
        lon, lat = _mid(pipe)
        body = client.get(f"/api/v1/punt?lon={lon}&lat={lat}&zoom=19&laag=riolering"
                          "&laag=leefbaarometer").json()
        pipes = [b["eigenschappen"] for b in body["bronnen"] if b["laag"] == "riolering"]
        assert pipes and all(p["riool_due_jaar"] == expected[p["id"]] for p in pipes)
        cells = [b["eigenschappen"] for b in body["bronnen"] if b["laag"] == "leefbaarometer"]
        assert all(c["jaar"] == lbm_jaar for c in cells)


def test_before_any_analysis_a_pipe_has_no_due_year(
    scratch_engine: Engine, scratch_url: str, tmp_path: Path
) -> None:
    files = generate_demo(tmp_path, seed=42, scale=1.0, peiljaar=DEMO_PEILJAAR)
    for laag, path in files.paths.items():
        import_file(scratch_engine, laag=laag, path=path,
                    source_layer=files.source_layers.get(laag), replace=True,
                    dekking=files.dekking if laag in files.dekking_lagen else None)
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        page = _page_due_years(client)
        assert page and all(v is None for v in page.values())
        tiles = _tile_due_years(client, scratch_engine)
        assert tiles and all(v is None for v in tiles.values())
        cell = client.get("/api/v1/lagen/leefbaarometer?limit=1").json()["features"][0]
        lon, lat = _mid({"geometry": {"type": "LineString",
                                      "coordinates": cell["geometry"]["coordinates"][0]}})
        body = client.get(f"/api/v1/punt?lon={lon}&lat={lat}&zoom=19&laag=leefbaarometer").json()
        # before any analysis the newest year of the layer is shown (a display default)
        with scratch_engine.connect() as conn:
            newest = conn.execute(text("SELECT max(jaar) FROM leefbaarometer")).scalar_one()
        before = [b["eigenschappen"] for b in body["bronnen"] if b["laag"] == "leefbaarometer"]
        assert before and all(c["jaar"] == newest for c in before)
    run_analysis(scratch_engine, params=RuleParams(), peiljaar=DEMO_PEILJAAR)
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        body = client.get(f"/api/v1/punt?lon={lon}&lat={lat}&zoom=19&laag=leefbaarometer").json()
        assert [b for b in body["bronnen"] if b["laag"] == "leefbaarometer"]
        assert any(v is not None for v in _page_due_years(client).values())
