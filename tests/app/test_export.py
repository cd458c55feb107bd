"""Exports read back with pyogrio: layers, fields, CRS and counts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import pyogrio

from app.exports.fields import BUURT_FIELDS, KANS_FIELDS

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
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"koppelkansen", "buurtscores"}
    n_kansen, n_buurten = _totals(client)
    for layer, required, count in (("koppelkansen", REQUIRED_KANS, n_kansen),
                                   ("buurtscores", REQUIRED_BUURT, n_buurten)):
        info = pyogrio.read_info(path, layer=layer)
        assert required <= set(info["fields"])
        assert info["crs"] == "EPSG:28992"
        assert info["features"] == count


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
    text = archive.read("koppelkansen.csv").decode("utf-8")
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
    full = pyogrio.read_dataframe(gpkg, layer="koppelkansen").set_index("kans_id")["toelichting"]
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
