"""Vector tiles from PostGIS: content cross-checked with SQL, caching, errors, simplification."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.config import Settings
from app.main import create_app
from app.tiles.layers import MIN_ZOOM, TILE_LAYERS, tile_sql
from app.tiles.service import TILE_SCHEMA, tile_version
from tests.tiles.mvt import decode

MVT = "application/vnd.mapbox-vector-tile"
KANS_ATTRIBUTES = {"regel", "categorie", "actie_nodig", "kans_id", "buurtcode", "start_jaar",
                   "riool_due_jaar"}


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """XYZ tile containing a WGS84 point."""
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture(scope="module")
def extent(demo_engine: Engine) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) of every demo layer together."""
    with demo_engine.connect() as conn:
        row = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
            "ST_Transform(ST_SetSRID(ST_Extent(geom), 28992), 4326)::box2d AS e FROM ("
            "SELECT geom FROM buurt UNION ALL SELECT geom FROM koppelkans UNION ALL "
            "SELECT geom FROM riolering UNION ALL SELECT geom FROM warmtenet) g) s")).one()
    return tuple(float(v) for v in row)  # type: ignore[return-value]


def covering(extent: tuple[float, float, float, float], z: int) -> list[tuple[int, int, int]]:
    """Every tile at zoom z that the extent touches."""
    x0, y0 = tile_of(extent[0], extent[3], z)
    x1, y1 = tile_of(extent[2], extent[1], z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def ids_in(client: TestClient, laag: str, tiles: list[tuple[int, int, int]], key: str) -> set[str]:
    """The ids of the features of `laag` in any of `tiles` (a feature may be in several)."""
    found: set[str] = set()
    for z, x, y in tiles:
        r = client.get(f"/tiles/{laag}/{z}/{x}/{y}.pbf")
        if r.status_code == 200:
            found |= {f.properties[key] for f in decode(r.content)[laag].features}
    return found


@pytest.fixture(scope="module")
def whole_tile(extent: tuple[float, float, float, float]) -> tuple[int, int, int]:
    """A z12 tile in the middle of the municipality."""
    return (12, *tile_of((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2, 12))


@pytest.fixture(scope="module")
def centre_tile(extent: tuple[float, float, float, float]) -> Iterator[tuple[int, int, int]]:
    """A z16 tile in the middle of the municipality."""
    lon, lat = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    yield (16, *tile_of(lon, lat, 16))


def _ids(engine: Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text(f"SELECT id FROM {table}"))}


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _get(client: TestClient, laag: str, z: int, x: int, y: int, **headers: str) -> bytes:
    r = client.get(f"/tiles/{laag}/{z}/{x}/{y}.pbf", headers=headers)
    assert r.status_code == 200, (laag, r.status_code, r.text)
    assert r.headers["content-type"] == MVT
    return r.content


@pytest.mark.parametrize(
    ("laag", "table", "key"),
    [("koppelkansen", "koppelkans", "kans_id"), ("buurten", "buurt", "buurtcode"),
     ("warmtenet", "warmtenet", "id")],
)
@pytest.mark.parametrize("z", [12, 15])
def test_tiles_hold_every_feature(
    client: TestClient, demo_engine: Engine, extent: tuple[float, float, float, float],
    laag: str, table: str, key: str, z: int,
) -> None:
    tiles = covering(extent, z)
    layers = decode(_get(client, laag, *tiles[0]))
    assert layers[laag].extent == 4096 and layers[laag].version == 2
    with demo_engine.connect() as conn:
        expected = {r[0] for r in conn.execute(text(f"SELECT {key} FROM {table}"))}
    assert ids_in(client, laag, tiles, key) == expected


def test_koppelkansen_carry_their_filter_attributes(
    client: TestClient, demo_engine: Engine, whole_tile: tuple[int, int, int]
) -> None:
    feats = decode(_get(client, "koppelkansen", *whole_tile))["koppelkansen"].features
    assert all(KANS_ATTRIBUTES - {"buurtcode", "start_jaar", "riool_due_jaar"} <= set(f.properties)
               for f in feats)
    keys = set().union(*(f.properties for f in feats))
    assert KANS_ATTRIBUTES <= keys
    with demo_engine.connect() as conn:
        rows = {r.kans_id: r for r in conn.execute(text(
            "SELECT kans_id, regel, categorie, actie_nodig, start_jaar FROM koppelkans"))}
    assert feats and {f.properties["kans_id"] for f in feats} <= set(rows)
    for f in feats:
        row = rows[f.properties["kans_id"]]
        assert (f.properties["regel"], f.properties["categorie"], f.properties["actie_nodig"]) == (
            row.regel, row.categorie, row.actie_nodig)
        assert f.properties.get("start_jaar") == row.start_jaar
        assert f.type == "LINESTRING"


def test_buurten_carry_score_and_rang(
    client: TestClient, demo_engine: Engine, whole_tile: tuple[int, int, int]
) -> None:
    feats = decode(_get(client, "buurten", *whole_tile))["buurten"].features
    with demo_engine.connect() as conn:
        rang = dict(conn.execute(text("SELECT buurtcode, rang FROM buurtscore")).all())
    assert {f.properties["buurtcode"]: f.properties["rang"] for f in feats} == rang
    assert all(f.type == "POLYGON" and 0 <= f.properties["score"] <= 100 for f in feats)


def test_riolering_has_the_due_year_of_the_rules(
    client: TestClient, demo_engine: Engine, centre_tile: tuple[int, int, int]
) -> None:
    feats = decode(_get(client, "riolering", *centre_tile))["riolering"].features
    assert feats
    with demo_engine.connect() as conn:
        due = dict(conn.execute(text(
            "SELECT id, COALESCE(vervangingsjaar, aanlegjaar + CASE materiaal WHEN 'gres' THEN 80 "
            "WHEN 'gietijzer' THEN 80 WHEN 'metselwerk' THEN 100 ELSE 60 END) FROM riolering"
        )).all())
    for f in feats:
        assert f.properties.get("riool_due_jaar") == due[f.properties["id"]]


def test_every_layer_answers_at_detail_zoom(
    client: TestClient, centre_tile: tuple[int, int, int]
) -> None:
    for laag in TILE_LAYERS:
        layers = decode(_get(client, laag, *centre_tile))
        assert layers[laag].features, laag


def test_detail_zoom_leaves_no_pipe_out(
    client: TestClient, demo_engine: Engine, extent: tuple[float, float, float, float],
) -> None:
    assert ids_in(client, "riolering", covering(extent, 16), "id") == _ids(demo_engine, "riolering")


def test_simplified_at_low_zoom(scratch_url: str, scratch_engine: Engine) -> None:
    # A 400 m pipe with 1 m wiggles every 2 m: below DETAIL_ZOOM (16) a pixel is more than the
    # wiggle, so the line loses vertices; from 16 on it keeps all of them.
    zigzag = ", ".join(f"{136000 + 2 * i} {455010 + (i % 2)}" for i in range(201))
    with scratch_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO riolering (id, stelseltype, geom) VALUES "
            "('zigzag', 'gemengd', ST_GeomFromText(:wkt, 28992))"), {"wkt": f"LINESTRING({zigzag})"})
        lon, lat = conn.execute(text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID("
            "ST_MakePoint(136200, 455010), 28992), 4326) AS p) s")).one()
    ints: dict[int, int] = {}
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as scratch:
        for z in (12, 15, 16):
            pipe = decode(_get(scratch, "riolering", z, *tile_of(lon, lat, z)))["riolering"]
            ints[z] = sum(f.geometry_ints for f in pipe.features)
    assert ints[12] <= ints[15] < ints[16]
    assert ints[12] < 20 and ints[16] > 200


def test_low_zoom_skips_tiny_features(scratch_url: str, scratch_engine: Engine) -> None:
    # A 3 m pipe and a 400 m zigzag pipe (1 m wiggles) in Utrecht: at zoom 12 (a pixel is
    # about 23 m) only the long one is drawn, as a few vertices; at zoom 17 both, in full.
    zigzag = ", ".join(f"{136000 + 2 * i} {455010 + (i % 2)}" for i in range(201))
    with scratch_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO riolering (id, stelseltype, geom) VALUES ('kort', 'gemengd', "
            "ST_GeomFromText('LINESTRING(136000 455000, 136003 455000)', 28992)), "
            "('lang', 'gemengd', ST_GeomFromText(:zigzag, 28992))"
        ), {"zigzag": f"LINESTRING({zigzag})"})
        lon, lat = conn.execute(text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID("
            "ST_MakePoint(136001, 455000), 28992), 4326) AS p) s")).one()
    with TestClient(create_app(Settings(DATABASE_URL=scratch_url))) as scratch:
        low = decode(_get(scratch, "riolering", 12, *tile_of(lon, lat, 12)))["riolering"]
        high = decode(_get(scratch, "riolering", 17, *tile_of(lon, lat, 17)))["riolering"]
    assert [f.properties["id"] for f in low.features] == ["lang"]
    assert low.features[0].geometry_ints < 10
    assert {f.properties["id"] for f in high.features} == {"kort", "lang"}
    assert max(f.geometry_ints for f in high.features) > 100


def test_trees_start_at_zoom_14(client: TestClient, whole_tile: tuple[int, int, int]) -> None:
    z, x, y = whole_tile
    assert z < 14
    assert client.get(f"/tiles/boom/{z}/{x}/{y}.pbf").status_code == 204


def test_empty_tile_is_204(client: TestClient) -> None:
    x, y = tile_of(6.57, 53.22, 14)  # Groningen, far from the demo town
    r = client.get(f"/tiles/koppelkansen/14/{x}/{y}.pbf")
    assert r.status_code == 204 and r.content == b""
    assert "max-age" in r.headers["cache-control"]


def test_etag_and_cache_headers(client: TestClient, whole_tile: tuple[int, int, int]) -> None:
    z, x, y = whole_tile
    url = f"/tiles/buurten/{z}/{x}/{y}.pbf"
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    # Weak: the same tile goes out compressed or not. One Vary, set by GZipMiddleware.
    etag = r.headers["etag"]
    assert r.headers.get_list("vary") == ["Accept-Encoding"]
    assert r.headers["cache-control"] == "public, max-age=60"
    version = client.get("/tiles").json()["versie"]
    assert etag == f'W/"kk{version}"'
    for match in (etag, etag.removeprefix("W/"), f'"kk0-0-0", {etag}', "*"):
        again = client.get(url, headers={"If-None-Match": match})
        assert again.status_code == 304 and again.content == b"", match
        assert again.headers["etag"] == etag
    other = client.get(url, headers={"If-None-Match": '"kk0-0-0", W/"kk1-0-0"'})
    assert other.status_code == 200
    versioned = client.get(f"/tiles/buurten/{z}/{x}/{y}.pbf?v={version}")
    assert versioned.headers["cache-control"] == "public, max-age=86400"


def test_version_follows_imports_and_analyses(scratch_engine: Engine) -> None:
    from sqlalchemy.orm import Session

    with Session(scratch_engine) as session:
        empty = tile_version(session)
        assert empty == f"{TILE_SCHEMA}-0-0"
        session.execute(text(
            "INSERT INTO import_run (laag, bestand, sha256, preset, gelezen, geladen, "
            "overgeslagen, vervangen, rapport) VALUES ('boom', 'b.gpkg', repeat('0', 64), "
            "'canoniek', 1, 1, 0, false, '{}')"))
        after_import = tile_version(session)
        session.execute(text(
            "INSERT INTO analyse_run (peiljaar, parameters, import_ids, aantallen, duur_s) "
            "VALUES (2026, '{}', '[]', '{}', 0)"))
        after_run = tile_version(session)
        session.rollback()
    assert len({empty, after_import, after_run}) == 3


def test_version_changes_when_the_database_is_rebuilt(scratch_engine: Engine) -> None:
    # Ids restart at 1 after a rebuild; the version must not, or old tiles come back.
    from sqlalchemy.orm import Session

    insert = text(
        "INSERT INTO import_run (laag, bestand, sha256, preset, created_at, gelezen, geladen, "
        "overgeslagen, vervangen, rapport) VALUES ('boom', 'b.gpkg', repeat('0', 64), "
        "'canoniek', :at, 1, 1, 0, false, '{}')")
    versions = []
    for at in ("2026-01-05 10:00+01", "2026-02-09 14:30+01"):
        with scratch_engine.begin() as conn:
            conn.execute(text("TRUNCATE import_run RESTART IDENTITY CASCADE"))
            conn.execute(insert, {"at": at})
        with Session(scratch_engine) as session:
            versions.append(tile_version(session))
    assert versions[0].startswith(f"{TILE_SCHEMA}-0-1") and versions[1].startswith(f"{TILE_SCHEMA}-0-1")
    assert versions[0] != versions[1]


def test_every_layer_starts_at_zoom_5(client: TestClient) -> None:
    # Below zoom 5 a tile is far larger than the RD area, where its transformed envelope is
    # meaningless: such tiles are empty.
    assert MIN_ZOOM == 5 and all(layer.minzoom >= MIN_ZOOM for layer in TILE_LAYERS.values())
    for laag in TILE_LAYERS:
        assert client.get(f"/tiles/{laag}/4/8/5.pbf").status_code == 204, laag
        assert client.get(f"/tiles/{laag}/0/0/0.pbf").status_code == 204, laag
    assert all(layer["minzoom"] >= 5 for layer in client.get("/tiles").json()["lagen"])


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/tiles/onbekend/14/0/0.pbf", 404, "Onbekende kaartlaag"),
        ("/tiles/buurten/23/0/0.pbf", 400, "Zoomniveau"),
        ("/tiles/buurten/-1/0/0.pbf", 400, "Zoomniveau"),
        ("/tiles/buurten/2/4/0.pbf", 400, "bestaat niet"),
        ("/tiles/buurten/2/0/-1.pbf", 400, "bestaat niet"),
        ("/tiles/buurten/a/0/0.pbf", 400, "geheel getal"),
        ("/tiles/buurten/1/0/0.png", 404, "bestaat niet"),
        ("/tiles/koppelkansen;drop/1/0/0.pbf", 404, "Onbekende kaartlaag"),
    ],
)
def test_bad_tile_requests_get_dutch_errors(
    client: TestClient, url: str, status: int, words: str
) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]


def test_tile_query_uses_the_rd_index(demo_engine: Engine) -> None:
    sql = tile_sql(TILE_LAYERS["riolering"])
    assert "ST_Transform(ST_TileEnvelope(:z, :x, :y), 28992)" in sql
    with demo_engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(
            text("EXPLAIN " + sql),
            {"z": 15, "x": 16874, "y": 10800, "levensduur": "{}", "levensduur_overig": 60}))
    assert "riolering_geom" in plan, plan


def test_tiles_are_listed(client: TestClient) -> None:
    body = client.get("/tiles").json()
    assert [layer["laag"] for layer in body["lagen"]] == list(TILE_LAYERS)
    assert body["versie"].startswith(f"{TILE_SCHEMA}-")
