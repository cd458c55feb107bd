"""Curved geometry (ArcGIS MultiSurface GeoPackages, BGT GML with arcs) is made straight and
counted; a BGT GML buurt layer is read (naam, 8-digit codes); nothing is written beside a GML."""

from __future__ import annotations

import sqlite3
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import ImportRefused, iter_layer, read_layer

X, Y = 181_000.0, 457_000.0


def _wkb(code: int, body: bytes) -> bytes:
    return struct.pack("<BI", 1, code) + body


def _points(*xy: tuple[float, float]) -> bytes:
    return struct.pack("<I", len(xy)) + b"".join(struct.pack("<dd", *p) for p in xy)


def _square(x: float, y: float, size: float) -> list[tuple[float, float]]:
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]


def _circle_surface(x: float, y: float, r: float) -> bytes:
    """CurvePolygon whose ring is one full CircularString (first = last point)."""
    ring = _wkb(8, _points((x + r, y), (x - r, y), (x + r, y)))
    return _wkb(10, struct.pack("<I", 1) + ring)


def _polygon(x: float, y: float, size: float) -> bytes:
    return _wkb(3, struct.pack("<I", 1) + _points(*_square(x, y, size)))


def _multisurface(*parts: bytes) -> bytes:
    return _wkb(12, struct.pack("<I", len(parts)) + b"".join(parts))


def _set_geometries(path: Path, layer: str, wkb: list[bytes], type_name: str) -> None:
    """Put ISO WKB (curves too) into a GeoPackage layer written by GDAL, and declare its type."""
    header = b"GP" + bytes([0, 1]) + struct.pack("<i", 28992)  # little endian, no envelope
    with sqlite3.connect(path) as db:
        for fid, blob in enumerate(wkb, start=1):
            db.execute(f"UPDATE {layer} SET geom = ? WHERE fid = ?", (header + blob, fid))
        db.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = ?", (type_name,))
    with sqlite3.connect(path) as db:
        declared = db.execute("SELECT geometry_type_name FROM gpkg_geometry_columns").fetchone()
    assert declared == (type_name,)


def _arcgis_gpkg(path: Path) -> Path:
    """An ArcGIS-style GeoPackage: a MultiSurface layer, some features with circular arcs.

    GDAL (through pyogrio) writes no curves from Python, so the layer is written as polygons
    and its blobs (GeoPackage header + ISO WKB) and declared type are then set with SQLite.
    """
    squares = [shapely.box(X + i * 100, Y, X + i * 100 + 20, Y + 20) for i in range(3)]
    frame = gpd.GeoDataFrame({"type": ["gras", "heesters", "bos"]}, geometry=squares,
                             crs="EPSG:28992")
    pyogrio.write_dataframe(frame, path, layer="groen", SPATIAL_INDEX=False)
    wkb = [
        _multisurface(_circle_surface(X, Y, 10.0)),
        _multisurface(_polygon(X + 100, Y, 20.0), _circle_surface(X + 200, Y, 5.0)),
        _multisurface(_polygon(X + 300, Y, 20.0)),  # the type is curved, the content is not
    ]
    _set_geometries(path, "groen", wkb, "MULTISURFACE")
    return path


def test_arcgis_multisurface_geopackage_made_straight_and_counted(tmp_path: Path) -> None:
    path = _arcgis_gpkg(tmp_path / "groen.gpkg")
    with pytest.raises(Exception, match="Nonlinear"):  # what the fast reader alone does
        pyogrio.read_dataframe(path, use_arrow=True)
    frame, report = read_layer("groen", path)
    assert report.geladen == 3 and frame.geom_type.eq("MultiPolygon").all()
    circle = frame.geometry.iloc[0]
    assert circle.area == pytest.approx(np.pi * 100, rel=0.01)  # the arc, closely followed
    assert len(shapely.get_coordinates(circle)) > 40
    assert frame.geometry.iloc[1].area == pytest.approx(400 + np.pi * 25, rel=0.01)
    assert ("2 kromme geometrieën omgezet naar rechte lijnstukken (MultiSurface 2)"
            in " ".join(report.meldingen))
    assert any(m.startswith("1 geometrieën van een kromme soort zonder bogen (MultiSurface 1)")
               for m in report.meldingen)
    chunks = iter_layer("groen", path, batch_size=2)  # streamed in batches: counted alike
    assert sum(len(c) for c in chunks) == 3
    assert chunks.report is not None and chunks.report.meldingen == report.meldingen


def test_compound_and_multi_curves_become_lines(tmp_path: Path) -> None:
    path = tmp_path / "riool.gpkg"
    lines = [shapely.LineString([(X + i * 50, Y), (X + i * 50 + 10, Y)]) for i in range(2)]
    frame = gpd.GeoDataFrame({"GUID": ["r1", "r2"]}, geometry=lines, crs="EPSG:28992")
    pyogrio.write_dataframe(frame, path, layer="riool", SPATIAL_INDEX=False)
    straight = _wkb(2, _points((X, Y), (X + 20, Y)))
    half_circle = _wkb(8, _points((X + 20, Y), (X + 30, Y + 10), (X + 40, Y)))
    compound = _wkb(9, struct.pack("<I", 2) + straight + half_circle)
    multicurve = _wkb(11, struct.pack("<I", 1) + _wkb(8, _points(
        (X + 100, Y), (X + 110, Y + 10), (X + 120, Y))))
    _set_geometries(path, "riool", [compound, multicurve], "MULTICURVE")
    frame, report = read_layer("riolering", path)
    assert frame["id"].tolist() == ["r1", "r2"] and frame.geom_type.eq("LineString").all()
    assert frame.geometry.iloc[0].length == pytest.approx(20 + np.pi * 10, rel=0.005)
    assert frame.geometry.iloc[1].length == pytest.approx(np.pi * 10, rel=0.005)
    assert ("2 kromme geometrieën omgezet naar rechte lijnstukken (CompoundCurve 1, "
            "MultiCurve 1)") in " ".join(report.meldingen)


def _bgt_buurt_gml(folder: Path, codes: list[str]) -> Path:
    """BGT/IMGeo-like GML: buurten with `naam`, 8-digit codes, a ring with an Arc segment."""
    members = []
    for i, code in enumerate(codes):
        x0, y0 = X + i * 300, Y
        pos = '<gml:posList srsDimension="2">{}</gml:posList>'.format
        ring = pos(f"{x0} {y0} {x0 + 200} {y0} {x0 + 200} {y0 + 200}")
        arc = pos(f"{x0 + 200} {y0 + 200} {x0 + 100} {y0 + 260} {x0} {y0 + 200}")
        back = pos(f"{x0} {y0 + 200} {x0} {y0}")
        members.append(f"""
    <cityObjectMember>
        <imgeo:Buurt gml:id="b{i}">
            <imgeo:identificatie><imgeo:NEN3610ID><imgeo:namespace>NL.IMGeo</imgeo:namespace>
                <imgeo:lokaalID>G0228.buurt{i}</imgeo:lokaalID></imgeo:NEN3610ID></imgeo:identificatie>
            <imgeo:bronhouder>G0228</imgeo:bronhouder>
            <imgeo:bgt-status>bestaand</imgeo:bgt-status>
            <imgeo:naam>Buurt {i}</imgeo:naam>
            <imgeo:buurtcode>{code}</imgeo:buurtcode>
            <imgeo:geometrie2dBuurt><gml:MultiSurface srsName="urn:ogc:def:crs:EPSG::28992">
              <gml:surfaceMember><gml:Polygon><gml:exterior><gml:Ring><gml:curveMember>
                <gml:Curve><gml:segments>
                  <gml:LineStringSegment>{ring}</gml:LineStringSegment>
                  <gml:Arc>{arc}</gml:Arc>
                  <gml:LineStringSegment>{back}</gml:LineStringSegment>
                </gml:segments></gml:Curve>
              </gml:curveMember></gml:Ring></gml:exterior></gml:Polygon></gml:surfaceMember>
            </gml:MultiSurface></imgeo:geometrie2dBuurt>
        </imgeo:Buurt>
    </cityObjectMember>""")
    path = folder / "bgt_buurt.gml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CityModel xmlns:gml="http://www.opengis.net/gml" '
        'xmlns:imgeo="http://www.geostandaarden.nl/imgeo/2.1" '
        'xmlns="http://www.opengis.net/citygml/2.0">' + "".join(members) + "\n</CityModel>\n",
        encoding="utf-8")
    return path


def test_bgt_gml_buurt_with_arcs_naam_and_bare_codes(tmp_path: Path) -> None:
    folder = tmp_path / "bgt"
    folder.mkdir()
    path = _bgt_buurt_gml(folder, ["03440101", "BU03440102"])
    before = sorted(p.name for p in folder.iterdir())
    frame, report = read_layer("buurt", path)
    assert sorted(p.name for p in folder.iterdir()) == before  # no .gfs beside the user's file
    assert frame["buurtcode"].tolist() == ["BU03440101", "BU03440102"]
    assert frame["buurtnaam"].tolist() == ["Buurt 0", "Buurt 1"]
    assert report.mapping["buurtnaam"] == "naam"
    assert report.genormaliseerd["buurtcode: 8 cijfers zonder BU → BU ervoor gezet"] == 1
    assert "2 kromme geometrieën omgezet naar rechte lijnstukken" in " ".join(report.meldingen)
    # the arc (200,200)-(100,260)-(0,200) lies on a circle with centre (100, 146⅔)
    r, d = 340 / 3, 200 - 440 / 3
    segment = r**2 * np.arccos(d / r) - d * np.sqrt(r**2 - d**2)
    assert frame.geometry.iloc[0].area == pytest.approx(200 * 200 + segment, rel=0.001)


def test_bgt_gml_buurt_with_bad_codes_refused_by_row(tmp_path: Path) -> None:
    path = _bgt_buurt_gml(tmp_path, ["03440101", "0344", "BU0344010X"])
    with pytest.raises(ImportRefused) as err:
        read_layer("buurt", path)
    assert "objecten 2 en 3" in err.value.message and "'0344'" in err.value.message
    assert "BU + 8 cijfers" in err.value.message


def test_gml_import_writes_nothing_beside_the_file(tmp_path: Path, realdata: Path) -> None:
    with zipfile.ZipFile(realdata / "otterlo_bgt" / "otterlo_bgt_gml_original.zip") as zf:
        zf.extract("bgt_vegetatieobject.gml", tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    chunks = iter_layer("boom", tmp_path / "bgt_vegetatieobject.gml")
    assert sum(len(c) for c in chunks) == 2088
    assert sorted(p.name for p in tmp_path.iterdir()) == before == ["bgt_vegetatieobject.gml"]


def test_real_bgt_gml_with_arcs(tmp_path: Path, realdata: Path) -> None:
    path = realdata / "otterlo_bgt" / "otterlo_bgt_gml_original.zip"
    with zipfile.ZipFile(path) as zf:  # one feature a line in these files
        gml = zf.read("bgt_begroeidterreindeel.gml")
    arcs = sum("<gml:Arc>" in line for line in gml.decode("utf-8").splitlines())
    assert arcs == 221
    (tmp_path / "bgt_begroeidterreindeel.gml").write_bytes(gml)
    frame, report = read_layer("groen", tmp_path / "bgt_begroeidterreindeel.gml")
    assert report.genormaliseerd == {
        "kromme geometrie (CurvePolygon) omgezet naar rechte lijnstukken": arcs}
    assert (report.gelezen, report.geladen) == (1168, 638) and frame.is_valid.all()
    assert frame.geom_type.eq("MultiPolygon").all()
    # From the zip GDAL cannot keep its schema file (.gfs) and fails to parse 4 features (with
    # arcs): they are counted as skipped, not lost silently.
    _frame, zipped = read_layer("groen", path, source_layer="bgt_begroeidterreindeel")
    assert zipped.gelezen == 1168
    assert zipped.overgeslagen["GML-geometrie onleesbaar voor GDAL"] == 4
    assert zipped.genormaliseerd[
        "kromme geometrie (CurvePolygon) omgezet naar rechte lijnstukken"] == arcs - 4
