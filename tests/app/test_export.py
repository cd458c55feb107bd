"""Exports read back with pyogrio: layers, fields, CRS and counts."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import geopandas as gpd
import pyogrio

from app.exports.fields import BUURT_FIELDS, KANS_FIELDS
from app.exports.service import write_export
from app.kansen.service import save_besluit
from tests.app.test_export_styles import (
    _check_buurt_style,
    _check_kans_style,
    _gpkg_styles,
    _read_qml,
)
from tests.support import load_demo

pytestmark = pytest.mark.db

REQUIRED_KANS = {"kans_id", "regel", "categorie", "buurtcode", "lengte_m", "actie_nodig",
                 "toelichting", "bron_ids"}
REQUIRED_BUURT = {"buurtcode", "buurtnaam", "score", "rang", "m_r1", "m_r2", "m_r3", "m_r4",
                  "n_knelpunt", "laag_aandeel", "riool_onbekend"}


def _totals(client: TestClient) -> tuple[int, int]:
    kansen = client.get("/api/v1/koppelkansen?limit=1").json()["numberMatched"]
    buurten = len(client.get("/api/v1/buurten").json()["buurten"])
    return kansen, buurten


def test_geopackage_has_both_layers_in_rd(client: TestClient, tmp_path: Path) -> None:
    response = client.get("/api/v1/export?format=gpkg")
    assert response.status_code == 200
    path = tmp_path / "uit.gpkg"
    path.write_bytes(response.content)
    layers = {name: geometry for name, geometry in pyogrio.list_layers(path)}
    # One geometry type per layer: the demo's one area result (R5 between two area works) has
    # a layer of its own. layer_styles: the table without geometry where QGIS finds the styles.
    assert layers == {"koppelkansen": "MultiLineString", "koppelkansen_vlak": "MultiPolygon",
                      "buurtscores": "MultiPolygon", "layer_styles": None}
    n_kansen, n_buurten = _totals(client)
    counts = {}
    for layer, required in (("koppelkansen", REQUIRED_KANS), ("koppelkansen_vlak", REQUIRED_KANS),
                            ("buurtscores", REQUIRED_BUURT)):
        info = pyogrio.read_info(path, layer=layer)
        assert required <= set(info["fields"])
        assert info["crs"] == "EPSG:28992"
        counts[layer] = info["features"]
    assert counts["koppelkansen"] + counts["koppelkansen_vlak"] == n_kansen
    assert counts["koppelkansen_vlak"] > 0
    assert counts["buurtscores"] == n_buurten


def test_geopackage_for_one_buurt(client: TestClient, tmp_path: Path) -> None:
    code = client.get("/api/v1/buurten").json()["buurten"][0]["buurtcode"]
    response = client.get(f"/api/v1/export?format=gpkg&buurt={code}")
    path = tmp_path / "buurt.gpkg"
    path.write_bytes(response.content)
    frame = pyogrio.read_dataframe(path, layer="koppelkansen")
    expected = client.get(f"/api/v1/koppelkansen?buurt={code}&limit=1").json()["numberMatched"]
    assert len(frame) == expected > 0
    assert set(frame["buurtcode"]) == {code}
    assert len(pyogrio.read_dataframe(path, layer="buurtscores")) == 1


def test_shapefile_zip_has_short_names_prj_cpg_and_legend(client: TestClient, tmp_path: Path) -> None:
    response = client.get("/api/v1/export?format=shp")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert "legenda.csv" in names
    shapefiles = sorted(n for n in names if n.endswith(".shp"))
    assert shapefiles, names
    for shp in shapefiles:
        stem = shp[:-4]
        assert {f"{stem}.dbf", f"{stem}.shx", f"{stem}.prj", f"{stem}.cpg"} <= names
        assert "UTF-8" in archive.read(f"{stem}.cpg").decode()
        assert "Amersfoort" in archive.read(f"{stem}.prj").decode()
    archive.extractall(tmp_path)
    kans_files = [s for s in shapefiles if s.startswith("koppelkansen_")]
    n_kansen, _ = _totals(client)
    total = 0
    for shp in kans_files:
        info = pyogrio.read_info(tmp_path / shp)
        assert all(len(field) <= 10 for field in info["fields"])
        assert set(info["fields"]) == {short for short, _ in KANS_FIELDS.values()}
        total += info["features"]
    assert total == n_kansen
    legend = archive.read("legenda.csv").decode("utf-8")
    for full, (short, _) in {**KANS_FIELDS, **BUURT_FIELDS}.items():
        assert f";{short};{full};" in legend


def test_geojson_export_is_wgs84(client: TestClient, tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=geojson").content))
    archive.extractall(tmp_path)
    info = pyogrio.read_info(tmp_path / "koppelkansen.geojson")
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == _totals(client)[0]
    xmin, ymin, xmax, ymax = info["total_bounds"]
    assert 3.2 < xmin < xmax < 7.3 and 50.7 < ymin < ymax < 53.7


def test_csv_export_has_wkt(client: TestClient, tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=csv").content))
    text = archive.read("koppelkansen.csv").decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("WKT;")
    assert first.split(";")[0].strip('"').startswith(("LINESTRING", "MULTILINESTRING"))


def test_export_for_unknown_buurt_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/export?format=gpkg&buurt=BU00000000")
    assert response.status_code == 404
    assert "BU00000000" in response.json()["detail"]


def test_long_texts_in_the_shapefile_end_with_an_ellipsis(client: TestClient, tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=shp").content))
    archive.extractall(tmp_path)
    gpkg = tmp_path / "uit.gpkg"
    gpkg.write_bytes(client.get("/api/v1/export?format=gpkg").content)
    full = pd.concat([pyogrio.read_dataframe(gpkg, layer=layer) for layer in
                      ("koppelkansen", "koppelkansen_vlak")]).set_index("kans_id")["toelichting"]
    cut = 0
    for shp in tmp_path.glob("koppelkansen_*.shp"):
        frame = pyogrio.read_dataframe(shp, encoding="UTF-8")
        for kans_id, text in zip(frame["kans_id"], frame["toelicht"], strict=True):
            original = full[kans_id]
            if len(original.encode("utf-8")) > 254:
                assert text.endswith("…") and original.startswith(text[:-1])
                cut += 1
            else:
                assert text == original
    assert cut > 0, "de demo heeft geen toelichting langer dan 254 bytes"


# --- issue 7: what a GIS user found ----------------------------------------------------------

YEARS = ("start_jaar", "eind_jaar", "riool_due_jaar", "jaarverschil")
SHORT_YEARS = tuple(KANS_FIELDS[name][0] for name in YEARS)
NOTE = "Bespreken met netbeheerder – één sleuf; daarna “beslissen”"


def _dbf_fields(path: Path) -> dict[str, tuple[str, int, int]]:
    """The field descriptors of a .dbf: name -> (type letter, width, decimals)."""
    raw = path.read_bytes()
    header_size = int.from_bytes(raw[8:10], "little")
    fields = {}
    for start in range(32, header_size - 1, 32):
        block = raw[start:start + 32]
        name = block[:11].split(b"\0")[0].decode("ascii")
        fields[name] = (chr(block[11]), block[16], block[17])
    return fields


def _export(client: TestClient, fmt: str, folder: Path) -> Path:
    response = client.get(f"/api/v1/export?format={fmt}")
    assert response.status_code == 200, response.text
    if fmt == "gpkg":
        path = folder / "uit.gpkg"
        path.write_bytes(response.content)
        return path
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(folder / fmt)
    return folder / fmt


def test_years_are_integers_in_every_format(client: TestClient, tmp_path: Path) -> None:
    gpkg = _export(client, "gpkg", tmp_path)
    frame = pyogrio.read_dataframe(gpkg, layer="koppelkansen")
    # The demo has results without a riool year (R2, R3): those nulls made pandas write floats.
    assert frame["riool_due_jaar"].isna().any() and frame["riool_due_jaar"].notna().any()
    info = pyogrio.read_info(gpkg, layer="koppelkansen")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert {types[name] for name in YEARS} <= {"OFTInteger", "OFTInteger64"}, types

    features = json.loads((_export(client, "geojson", tmp_path) / "koppelkansen.geojson")
                          .read_text("utf-8"))["features"]
    for name in YEARS:
        values = [f["properties"][name] for f in features]
        assert all(v is None or type(v) is int for v in values), (name, values[:5])
        assert any(type(v) is int for v in values)

    shp = _export(client, "shp", tmp_path)
    for dbf in shp.glob("koppelkansen_*.dbf"):
        fields = _dbf_fields(dbf)
        for short in SHORT_YEARS:
            kind, _, decimals = fields[short]
            assert (kind, decimals) == ("N", 0), (dbf.name, short, fields[short])
        read = pyogrio.read_info(dbf.with_suffix(".shp"))
        types = dict(zip(read["fields"], read["ogr_types"], strict=True))
        assert {types[s] for s in SHORT_YEARS} <= {"OFTInteger", "OFTInteger64"}

    content = (_export(client, "csv", tmp_path) / "koppelkansen.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert rows
    for name in YEARS:
        assert all(re.fullmatch(r"-?\d{1,4}", row[name]) or row[name] == "" for row in rows), name
    assert ".0;" not in content


def test_legenda_csv_opens_in_dutch_excel(client: TestClient, tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=shp").content))
    raw = archive.read("legenda.csv")
    # Excel reads UTF-8 only with a BOM; the Dutch locale splits columns on ';'.
    assert raw.startswith(b"\xef\xbb\xbf")
    assert not raw[3:].startswith(b"sep=")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["laag", "kort", "volledig", "omschrijving"]
    assert all(len(row) == 4 for row in rows)
    by_full = {(row[0], row[2]): row for row in rows[1:]}
    assert by_full[("buurtscores", "score")][3].startswith("Score 0–100")
    assert by_full[("koppelkansen", "besluit_status")][1] == "besluit"
    csv_export = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=csv").content))
    assert csv_export.read("koppelkansen.csv").startswith(b"\xef\xbb\xbfWKT;")


def test_decision_fields_are_text_also_before_any_decision(client: TestClient,
                                                           tmp_path: Path) -> None:
    gpkg = pyogrio.read_info(_export(client, "gpkg", tmp_path), layer="koppelkansen")
    types = dict(zip(gpkg["fields"], gpkg["ogr_types"], strict=True))
    assert types["besluit_status"] == types["besluit_notitie"] == "OFTString"
    for dbf in (_export(client, "shp", tmp_path)).glob("koppelkansen_*.dbf"):
        fields = _dbf_fields(dbf)
        assert fields["besluit"][0] == fields["besl_notit"][0] == "C", fields


@pytest.fixture
def decided(scratch_engine: Engine, tmp_path: Path) -> tuple[Engine, str]:
    """The demo in the scratch database with one decision taken on a result."""
    load_demo(scratch_engine, tmp_path / "demo")
    with Session(scratch_engine) as session:
        kans_id = session.execute(sa.text("SELECT kans_id FROM koppelkans ORDER BY kans_id "
                                       "LIMIT 1")).scalar_one()
        save_besluit(session, kans_id=kans_id, status="in_overleg", notitie=NOTE)
    return scratch_engine, kans_id


def test_decisions_are_in_every_export(decided: tuple[Engine, str], tmp_path: Path) -> None:
    engine, kans_id = decided
    gpkg = write_export(engine, tmp_path / "uit.gpkg", "gpkg", [])[0]
    frames = {"gpkg": pyogrio.read_dataframe(gpkg, layer="koppelkansen")}
    with sqlite3.connect(gpkg) as db:
        aliases = dict(db.execute("SELECT column_name, name FROM gpkg_data_columns "
                                  "WHERE table_name = 'koppelkansen'").fetchall())
    assert aliases["besluit_status"].startswith("Besluit van het team")
    assert aliases["besluit_notitie"] == KANS_FIELDS["besluit_notitie"][1]

    write_export(engine, tmp_path / "geojson.zip", "geojson", [])
    zipfile.ZipFile(tmp_path / "geojson.zip").extractall(tmp_path / "geojson")
    frames["geojson"] = gpd.read_file(tmp_path / "geojson" / "koppelkansen.geojson")
    write_export(engine, tmp_path / "csv.zip", "csv", [])
    zipfile.ZipFile(tmp_path / "csv.zip").extractall(tmp_path / "csv")
    frames["csv"] = pyogrio.read_dataframe(tmp_path / "csv" / "koppelkansen.csv")
    for fmt, frame in frames.items():
        row = frame.set_index("kans_id").loc[kans_id]
        assert (row["besluit_status"], row["besluit_notitie"]) == ("in_overleg", NOTE), fmt
        others = frame[frame["kans_id"] != kans_id]["besluit_status"]
        assert (others.isna() | (others == "")).all(), fmt

    shp = write_export(engine, tmp_path / "shp.zip", "shp", [])[0]
    archive = zipfile.ZipFile(shp)
    archive.extractall(tmp_path / "shp")
    found = []
    for part in (tmp_path / "shp").glob("koppelkansen_*.shp"):
        frame = pyogrio.read_dataframe(part, encoding="UTF-8")
        found += [(s, n) for k, s, n in zip(frame["kans_id"], frame["besluit"],
                                             frame["besl_notit"], strict=True) if k == kans_id]
    assert found == [("in_overleg", NOTE)]
    legend = archive.read("legenda.csv").decode("utf-8-sig")
    assert "koppelkansen;besluit;besluit_status;" in legend
    assert "koppelkansen;besl_notit;besluit_notitie;" in legend


def test_empty_layers_keep_their_geometry_and_field_types(
    scratch_engine: Engine, tmp_path: Path
) -> None:
    # An analysis that found nothing: no results and no buurtscores.
    with scratch_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO analyse_run (peiljaar, parameters, import_ids, aantallen, "
                          "duur_s) VALUES (2026, '{}', '[]', '{}', 0)"))
    gpkg = write_export(scratch_engine, tmp_path / "leeg.gpkg", "gpkg", [])[0]
    # Styled by the declared geometry of each layer.
    styles = _gpkg_styles(gpkg)
    assert {layer: geometry for layer, (geometry, *_) in styles.items()} == {
        "koppelkansen": "MULTILINESTRING", "buurtscores": "MULTIPOLYGON"}
    _check_kans_style(_read_qml(styles["koppelkansen"][2]), "line")
    _check_buurt_style(_read_qml(styles["buurtscores"][2]), "fill")
    kansen = pyogrio.read_info(gpkg, layer="koppelkansen")
    scores = pyogrio.read_info(gpkg, layer="buurtscores")
    assert (kansen["features"], scores["features"]) == (0, 0)
    assert kansen["geometry_type"] == "MultiLineString"
    assert scores["geometry_type"] == "MultiPolygon"
    types = dict(zip(kansen["fields"], kansen["ogr_types"], strict=True))
    assert types["start_jaar"] == "OFTInteger" and types["lengte_m"] == "OFTReal"
    types = dict(zip(scores["fields"], scores["ogr_types"], strict=True))
    assert types["rang"] == "OFTInteger" and types["score"] == "OFTReal"
    shp = write_export(scratch_engine, tmp_path / "leeg.zip", "shp", [])[0]
    assert {"koppelkansen_lijn.qml", "buurtscores_vlak.qml"} <= set(zipfile.ZipFile(shp).namelist())
    zipfile.ZipFile(shp).extractall(tmp_path / "shp")
    assert pyogrio.read_info(tmp_path / "shp" / "buurtscores_vlak.shp")["geometry_type"] == "Polygon"
    assert pyogrio.read_info(tmp_path / "shp" / "koppelkansen_lijn.shp")["geometry_type"] == (
        "LineString")
    assert _dbf_fields(tmp_path / "shp" / "koppelkansen_lijn.dbf")["start_jaar"][::2] == ("N", 0)
