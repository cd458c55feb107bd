"""Bad input: unsafe zips, zip bombs, odd geometries, duplicate ids — refused or counted."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import ImportRefused, read_layer
from tests.data.conftest import feature, line, square, write_geojson

X, Y = 155_000.0, 463_000.0


def _pipes_gpkg(path: Path) -> Path:
    gdf = gpd.GeoDataFrame({"id": ["a", "b"], "materiaal": ["beton", "pvc"]},
                           geometry=[shapely.LineString([(X, Y), (X + 10, Y)]),
                                     shapely.LineString([(X, Y + 5), (X + 10, Y + 5)])],
                           crs="EPSG:28992")
    pyogrio.write_dataframe(gdf, path)
    return path


def test_zip_with_path_traversal_refused_and_nothing_written(tmp_path: Path) -> None:
    data = _pipes_gpkg(tmp_path / "riool.gpkg").read_bytes()
    for evil in ("../../etc/x.gpkg", "/etc/x.gpkg", "C:/Windows/x.gpkg", "a/../../x.gpkg"):
        archive = tmp_path / "evil.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr(evil, data)
        before = {p for p in tmp_path.parent.rglob("*")}
        with pytest.raises(ImportRefused, match="onveilige bestandsnamen"):
            read_layer("riolering", archive)
        assert {p for p in tmp_path.parent.rglob("*")} == before  # nothing extracted anywhere


def test_zip_bomb_refused_from_its_directory(tmp_path: Path) -> None:
    """A tiny zip that declares 3 GiB unpacked is refused before any entry is read."""
    archive = tmp_path / "bom.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("riool.geojson", b"{}")
        zf.infolist()[0].file_size = 3 * 1024**3  # the central directory now claims 3 GiB
    assert archive.stat().st_size < 1000
    with pytest.raises(ImportRefused, match=r"uitgepakt 3\.00 GiB.*maximum is 2\.00 GiB"):
        read_layer("riolering", archive)


def test_zip_size_and_file_count_caps_configurable(tmp_path: Path) -> None:
    gpkg = _pipes_gpkg(tmp_path / "riool.gpkg")
    archive = tmp_path / "riool.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(gpkg, "riool.gpkg")
        zf.writestr("leesmij.exe", b"MZ")  # not a type an import reads: ignored
    frame, report = read_layer("riolering", archive)
    assert frame["id"].tolist() == ["a", "b"]
    assert any("leesmij.exe" in m and "Genegeerd" in m for m in report.meldingen)
    with pytest.raises(ImportRefused, match="maximum"):
        read_layer("riolering", archive, max_unpacked_bytes=10_000)
    with pytest.raises(ImportRefused, match="2 bestanden; het maximum is 1"):
        read_layer("riolering", archive, max_files=1)
    many = tmp_path / "veel.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(1001):
            zf.writestr(f"f{i}.csv", b"")
    with pytest.raises(ImportRefused, match="1001 bestanden; het maximum is 1000"):
        read_layer("riolering", many)


def test_self_touching_polygon_repaired_and_counted(tmp_path: Path) -> None:
    # the ring touches itself in (X+10, Y+10): invalid as one ring, valid as two polygons
    ring = [[X, Y], [X + 20, Y], [X + 10, Y + 10], [X + 20, Y + 20], [X, Y + 20],
            [X + 10, Y + 10], [X, Y]]
    path = write_geojson(tmp_path / "g.geojson", [
        feature({"type": "Polygon", "coordinates": [ring]}, id="t1", type="gras"),
        feature(square(X + 50, Y), id="t2", type="gras"),
    ], crs="EPSG:28992")
    frame, report = read_layer("groen", path)
    assert report.hersteld == 1 and frame.geometry.is_valid.all()
    assert frame.set_index("id").geometry["t1"].area == pytest.approx(200.0)


def test_empty_and_null_geometries_skipped(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "b.geojson", [
        feature(None, id="leeg"),
        feature({"type": "LineString", "coordinates": []}, id="nul"),
        feature({"type": "GeometryCollection", "geometries": []}, id="gc"),
        feature(line((X, Y), (X + 5, Y)), id="goed"),
    ], crs="EPSG:28992")
    frame, report = read_layer("riolering", path)
    assert frame["id"].tolist() == ["goed"]
    assert report.overgeslagen == {"lege geometrie": 3}
    only_empty = write_geojson(tmp_path / "niets.geojson", [feature(None, id="x")])
    with pytest.raises(ImportRefused, match="geen enkel object"):
        read_layer("riolering", only_empty)


def test_duplicate_ids_reported(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "r.geojson", [
        feature(line((X, Y + i), (X + 5, Y + i)), id=ident)
        for i, ident in enumerate(["a", "a", "a", "b", "b", "c"])
    ], crs="EPSG:28992")
    frame, report = read_layer("riolering", path)
    assert len(frame) == 6  # all handed on: the database keeps the first of each id
    assert any(m.startswith("dubbele id's: 3 (2 ids") for m in report.meldingen)


def test_all_features_outside_the_netherlands_refused(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "ver.geojson", [
        feature(line((-400_000, Y), (-399_000, Y)), id="x"),
    ], crs="EPSG:28992")
    with pytest.raises(ImportRefused) as err:
        read_layer("riolering", path)
    assert "buiten Nederland" in err.value.message


def test_shapefile_alone_refused_with_what_is_missing(tmp_path: Path) -> None:
    _pipes_gpkg(tmp_path / "x.gpkg")
    gdf = pyogrio.read_dataframe(tmp_path / "x.gpkg")
    pyogrio.write_dataframe(gdf, tmp_path / "riool.shp")
    (tmp_path / "riool.dbf").unlink()
    (tmp_path / "riool.shx").unlink()
    with pytest.raises(ImportRefused, match=r"\.dbf en \.shx ontbreekt"):
        read_layer("riolering", tmp_path / "riool.shp")


@pytest.mark.parametrize("name, content", [
    ("riool.gpkg", b"dit is geen geopackage" * 50),
    ("riool.geojson", b'{"type": "FeatureCollection", "features": [ {"type": '),
])
def test_unreadable_file_refused_in_dutch_cause_first(tmp_path: Path, name: str,
                                                      content: bytes) -> None:
    """A library's English error is never the message: the Dutch cause and what to do come
    first, the technical words (cut short) last, and no server folder is named."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as refused:
        read_layer("riolering", path)
    message = refused.value.message
    lead, _, technical = message.partition("Technische melding:")
    assert lead.startswith(f"{name} is niet leesbaar: ")
    assert "Controleer of het bestand volledig is" in lead
    assert technical.strip() and len(technical) <= 205
    assert not any(word in lead for word in ("not", "failed", "error", "supported"))
