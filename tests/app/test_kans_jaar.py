"""The year of a result is stored once (koppelkans.jaar, STYLE.md "Derive, don't restate"): the
analysis derives it (start of the heat work, else the sewer's due year) and the point query's
year filter and the map's tiles read that column instead of deriving it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.config import Settings
from app.main import create_app
from tests.support import load_demo
from tests.tiles.mvt import decode
from tests.tiles.test_tiles import tile_of

pytestmark = pytest.mark.db

MOVED = 2299  # a year no demo result has; only the stored column can put a result there


def test_stored_jaar_is_start_else_due_year_and_the_filters_read_it(
    scratch_engine: Engine, scratch_url: str, tmp_path: Path
) -> None:
    load_demo(scratch_engine, tmp_path / "demo")
    with scratch_engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT kans_id, regel, start_jaar, riool_due_jaar, jaar FROM koppelkans "
            "WHERE regelcode NOT IN ('R5', 'R5b')")).all()
        pairs = conn.execute(text(
            "SELECT kans_id, jaar, least(start_a, start_b) FROM koppelkans "
            "WHERE regelcode IN ('R5', 'R5b')")).all()
    assert rows and pairs
    # The old definition (SQL COALESCE and JS KK.jaar) for every result of the demo.
    for kans_id, regel, start, due, jaar in rows:
        assert jaar == (start if start is not None else due), (kans_id, regel)
    # A pair of works (RULES.md §9): the earlier start of the two.
    for kans_id, jaar, earliest in pairs:
        assert jaar == earliest, kans_id
    assert any(s is None and d is not None for _, _, s, d, _ in rows), "a result with only a due year"
    assert any(s is not None and d is not None for _, _, s, d, _ in rows), "a result with both"

    # Move one result's stored year: the filters must follow the column, not start/due.
    with scratch_engine.begin() as conn:
        kans_id, lon, lat = conn.execute(text(
            "SELECT kans_id, ST_X(p), ST_Y(p) FROM (SELECT kans_id, ST_Transform("
            "ST_LineInterpolatePoint(ST_LineMerge(geom), 0.5), 4326) AS p FROM koppelkans "
            "WHERE GeometryType(ST_LineMerge(geom)) = 'LINESTRING' ORDER BY kans_id LIMIT 1) s"
        )).one()
        conn.execute(text("UPDATE koppelkans SET jaar = :j WHERE kans_id = :k"),
                     {"j": MOVED, "k": kans_id})
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as client:
        url = f"/api/v1/punt?lon={lon}&lat={lat}&zoom=19&tolerantiePx=8"
        everything = client.get(url).json()["kansen"]
        assert kans_id in {k["kans_id"] for k in everything}
        moved = client.get(f"{url}&jaarVan={MOVED}&jaarTot={MOVED}").json()["kansen"]
        assert [k["kans_id"] for k in moved] == [kans_id]
        assert moved[0]["jaar"] == MOVED
        before = client.get(f"{url}&jaarTot={MOVED - 1}").json()["kansen"]
        assert kans_id not in {k["kans_id"] for k in before}

        z = 15
        x, y = tile_of(lon, lat, z)
        r = client.get(f"/tiles/koppelkansen/{z}/{x}/{y}.pbf")
        assert r.status_code == 200
        props = {f.properties["kans_id"]: f.properties
                 for f in decode(r.content)["koppelkansen"].features}
        assert props[kans_id]["jaar"] == MOVED
        stored = {**{k: j for k, _, _, _, j in rows}, **{k: j for k, j, _ in pairs}}
        for k, p in props.items():
            if k != kans_id:
                assert p.get("jaar") == stored[k], k
