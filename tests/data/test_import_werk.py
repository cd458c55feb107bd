"""Layer werk (RULES.md §9): planned works of any party from GeoPackage, zipped Shapefile,
GeoJSON, CSV with WKT and XLSX with WKT; lines and areas in one layer; names, values and dates
as real plans write them; refusals that name the row."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import struct
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine, text

import geopandas as gpd
import pyogrio
import shapely

from app.layers.service import import_file
from data.importers import ImportRefused, iter_layer, read_layer
from geo.schema import LAYER_COLUMNS, WERK_SOORTEN, WERK_STATUSES
from tests.data.conftest import feature, line, square, write_geojson

X, Y = 155_000.0, 463_000.0
LINE = f"LINESTRING ({X} {Y}, {X + 100} {Y})"
AREA = f"POLYGON (({X} {Y + 50}, {X + 40} {Y + 50}, {X + 40} {Y + 90}, {X} {Y + 90}, {X} {Y + 50}))"
POINT = f"POINT ({X + 5} {Y + 5})"


def _check(frame: gpd.GeoDataFrame) -> None:
    assert list(frame.columns) == [*LAYER_COLUMNS["werk"], "geometry"]
    assert frame.crs.to_epsg() == 28992
    assert set(frame.geom_type) <= {"MultiLineString", "MultiPolygon"}
    assert set(frame["soort"]) <= set(WERK_SOORTEN)
    assert set(frame["status"]) <= set(WERK_STATUSES)
    assert frame["start_jaar"].dtype == "Int64" and frame["eind_jaar"].dtype == "Int64"


def _xlsx(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Werken"
    sheet.append(header or ["projectnummer", "projectnaam", "netbeheerder", "discipline",
                            "status", "startdatum", "einddatum", "wkt"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_lines_and_areas_with_dates(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "plannen.xlsx", [
        ["P-1", "Rioolvervanging Dorpsstraat", "Gemeente Baarn", "Riool", "Gepland",
         dt.datetime(2027, 3, 1), dt.datetime(2028, 6, 30), LINE],
        [None] * 8,  # an empty row in between: passed over, row numbers stay as in Excel
        ["P-2", "Verzwaring middenspanning", "Liander", "E-net", "In aanleg",
         "2026-05-01", 2026, AREA],
        ["P-3", "Glasvezel Oost", "Delta Fiber", " glasvezel ", "idee", 2030, None, LINE],
    ])
    frame, report = read_layer("werk", path)
    _check(frame)
    assert frame["id"].tolist() == ["P-1", "P-2", "P-3"]
    assert frame.geom_type.tolist() == ["MultiLineString", "MultiPolygon", "MultiLineString"]
    assert frame["soort"].tolist() == ["riolering", "elektriciteit", "telecom"]
    assert frame["status"].tolist() == ["gepland", "in_uitvoering", "idee"]
    assert frame["start_jaar"].tolist() == [2027, 2026, 2030]  # datetime, ISO text, number
    assert frame["eind_jaar"].tolist()[:2] == [2028, 2026]
    assert frame["eind_jaar"].isna().tolist() == [False, False, True]
    assert frame["partij"].tolist() == ["Gemeente Baarn", "Liander", "Delta Fiber"]
    assert frame.geometry.iloc[1].area == pytest.approx(1600.0)
    assert report.mapping == {"id": "projectnummer", "naam": "projectnaam",
                              "partij": "netbeheerder", "soort": "discipline",
                              "status": "status", "start_jaar": "startdatum",
                              "eind_jaar": "einddatum"}
    assert report.genormaliseerd["soort: 'Riool' → 'riolering'"] == 1
    assert report.genormaliseerd["soort: 'E-net' → 'elektriciteit'"] == 1
    assert report.genormaliseerd["status: 'In aanleg' → 'in_uitvoering'"] == 1
    assert report.gelezen == report.geladen == 3
    assert "soort ← discipline" in report.to_text()


def test_xlsx_row_without_geometry_refused_by_row_number(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "plannen.xlsx", [
        ["P-1", "a", "Vitens", "water", "gepland", 2027, 2027, LINE],
        [None] * 8,
        ["P-2", "b", "Vitens", "water", "gepland", 2027, 2028, None],  # spreadsheet row 4
    ])
    with pytest.raises(ImportRefused, match=r"rij 4 heeft geen geometrie \(kolom 'wkt' is "
                                            r"leeg\)") as refused:
        read_layer("werk", path)
    assert str(tmp_path) not in refused.value.message


def test_xlsx_unreadable_wkt_and_oversized_zip_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "plannen.xlsx", [
        ["P-1", "a", "Vitens", "water", "gepland", 2027, 2027, "LINESTRING (1 2,"]])
    with pytest.raises(ImportRefused, match=r"onleesbaar in rij 2"):
        read_layer("werk", path)
    good = _xlsx(tmp_path / "goed.xlsx", [
        ["P-1", "a", "Vitens", "water", "gepland", 2027, 2027, LINE]])
    with pytest.raises(ImportRefused, match=r"uitgepakt .* het maximum is") as refused:
        read_layer("werk", good, max_unpacked_bytes=1000)
    assert str(tmp_path) not in refused.value.message and len(refused.value.message) < 1000
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"dit is geen spreadsheet")
    with pytest.raises(ImportRefused, match="kapot.xlsx is geen geldig XLSX-bestand"):
        read_layer("werk", broken)


def test_xlsx_in_batches_keeps_row_numbers(tmp_path: Path) -> None:
    """Read two rows at a time (as the bulk import does): rows keep their Excel numbers."""
    rows: list[list[object]] = [
        [f"P-{i}", "a", "Vitens", "water", "gepland", 2027, 2028, LINE.replace(
            f"{X + 100}", f"{X + 100 + i}")] for i in range(5)]
    rows.insert(2, [None] * 8)  # row 4 is empty
    rows[5][3] = "onbekend werk"  # spreadsheet row 7
    path = _xlsx(tmp_path / "plannen.xlsx", rows)
    with pytest.raises(ImportRefused, match=r"'onbekend werk' in rij 7\."):
        list(iter_layer("werk", path, batch_size=2))
    rows[5][3] = "water"
    stream = iter_layer("werk", _xlsx(tmp_path / "goed.xlsx", rows), batch_size=2)
    frame = pd.concat(list(stream), ignore_index=True)
    assert frame["id"].tolist() == [f"P-{i}" for i in range(5)]
    assert stream.report is not None and stream.report.geladen == 5


def test_xlsx_sheet_chosen_by_wkt_column_or_name(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "plannen.xlsx", [
        ["P-1", "a", "Vitens", "water", "gepland", 2027, 2027, LINE]])
    workbook = openpyxl.load_workbook(path)
    notes = workbook.create_sheet("Toelichting", 0)  # first sheet: text, no WKT column
    notes.append(["Dit werkblad legt de kolommen uit"])
    workbook.save(path)
    frame, _ = read_layer("werk", path)
    assert frame["id"].tolist() == ["P-1"]
    frame, _ = read_layer("werk", path, source_layer="Werken")
    assert frame["id"].tolist() == ["P-1"]
    with pytest.raises(ImportRefused, match="Werkblad 'Blad9' bestaat niet"):
        read_layer("werk", path, source_layer="Blad9")


def test_geopackage_mixed_lines_and_polygons_with_datetimes(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({
        "organisatie": ["Stedin", "Woonstichting", "Gemeente"],
        "type": ["Gas", "Woningrenovatie", "Klimaat"],
        "Status": ["In uitvoering", "Gepland", "Afgerond"],
        "startdatum": [dt.datetime(2026, 9, 1), dt.datetime(2028, 1, 15),
                       dt.datetime(2020, 4, 1)],
        "einddatum": [dt.datetime(2027, 2, 1), dt.datetime(2029, 12, 31),
                      dt.datetime(2021, 1, 1)],
        "omschrijving": ["Gasleiding vervangen", "Renovatie 120 woningen", "Wadi"],
    }, geometry=shapely.from_wkt([LINE, AREA, f"MULTIPOLYGON ((({X} {Y - 60}, {X + 10} "
                                  f"{Y - 60}, {X + 10} {Y - 50}, {X} {Y - 60})))"]),
        crs="EPSG:28992")
    path = tmp_path / "werken.gpkg"
    pyogrio.write_dataframe(frame, path, layer="werken")
    assert pyogrio.read_dataframe(path)["startdatum"].dtype.kind == "M"  # real datetimes
    loaded, report = read_layer("werk", path)
    _check(loaded)
    assert loaded.geom_type.tolist() == ["MultiLineString", "MultiPolygon", "MultiPolygon"]
    assert loaded["partij"].tolist() == ["Stedin", "Woonstichting", "Gemeente"]
    assert loaded["soort"].tolist() == ["gas", "woningen", "klimaatadaptatie"]
    assert loaded["status"].tolist() == ["in_uitvoering", "gepland", "afgerond"]
    assert loaded["start_jaar"].tolist() == [2026, 2028, 2020]
    assert loaded["eind_jaar"].tolist() == [2027, 2029, 2021]
    assert loaded["naam"].tolist() == frame["omschrijving"].tolist()
    assert loaded["id"].str.fullmatch(r"[0-9a-f]{16}").all()  # no id column: from geometry
    assert report.mapping["partij"] == "organisatie" and report.mapping["soort"] == "type"


def test_shapefile_zip_with_iso_dates(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({
        "beheerder": ["Waterschap", "Gemeente"],
        "discipline": ["Klimaatadaptatie", "Groen"],
        "status": ["Gereed", "gepland"],
        "startjaar": ["2024-02-01", "2027-10-01"],
        "eindjaar": ["2024-11-30", "2028-03-31"],
        "projectnaa": ["Waterberging park", "Bomen Kerkstraat"],
    }, geometry=shapely.from_wkt([AREA, f"POLYGON (({X} {Y}, {X + 20} {Y}, {X + 20} {Y + 20}, "
                                        f"{X} {Y + 20}, {X} {Y}))"]), crs="EPSG:28992")
    pyogrio.write_dataframe(frame, tmp_path / "werken.shp")
    path = tmp_path / "werken.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in tmp_path.glob("werken.*"):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    loaded, report = read_layer("werk", path)
    _check(loaded)
    assert len(loaded) == report.geladen == 2
    assert set(loaded.geom_type) == {"MultiPolygon"}
    assert loaded["status"].tolist() == ["afgerond", "gepland"]
    assert loaded["soort"].tolist() == ["klimaatadaptatie", "groen"]
    assert loaded["start_jaar"].tolist() == [2024, 2027]
    assert loaded["eind_jaar"].tolist() == [2024, 2028]
    assert loaded["partij"].tolist() == ["Waterschap", "Gemeente"]
    # 'projectnaa' is the Shapefile truncation of 'projectnaam'
    assert loaded["naam"].tolist() == ["Waterberging park", "Bomen Kerkstraat"]


def test_geojson_with_set_partij_and_soort(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "vitens.geojson", [
        feature(line((X, Y), (X + 100, Y)), id="v1", status="Gepland", jaar="2027-04-01"),
        feature(square(X, Y + 50, 30), id="v2", status="In uitvoering", jaar=2026),
    ], crs="EPSG:28992")
    frame, report = read_layer("werk", path, values={"partij": "Vitens", "soort": "Drinkwater"})
    _check(frame)
    assert frame["partij"].tolist() == ["Vitens", "Vitens"]
    assert frame["soort"].tolist() == ["water", "water"]
    assert frame["start_jaar"].tolist() == [2027, 2026]
    assert frame.geom_type.tolist() == ["MultiLineString", "MultiPolygon"]
    assert report.mapping["partij"] == "=Vitens"
    assert "partij = 'Vitens' (vaste waarde)" in report.to_text()
    assert report.genormaliseerd["soort: 'Drinkwater' → 'water'"] == 2


def test_csv_wkt_without_partij_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "mjop.csv"
    path.write_text(
        "nummer;omschrijving;soort;status;uitvoeringsjaar;eind_jaar;wkt\n"
        f"1;Asfalt Dorpsstraat;Asfalt;gepland;2027;2027;{LINE}\n"
        f"2;Herbestrating plein;wegen;Idee;2031;;{AREA}\n"
        f"3;Oude klus;WEG;Vervallen;2025;2025;{LINE}\n",
        encoding="utf-8")
    frame, report = read_layer("werk", path)
    _check(frame)
    assert len(frame) == 2 and set(frame["soort"]) == {"weg"}
    assert frame["status"].tolist() == ["gepland", "idee"]
    assert frame["partij"].isna().all()
    assert report.overgeslagen == {"werk vervallen of geannuleerd (status)": 1}
    assert any("Geen kolom voor de partij" in m and "--set partij=" in m
               for m in report.meldingen)


def test_unknown_soort_refused_naming_value_and_rows(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "plannen.xlsx", [
        ["P-1", "a", "X", "water", "gepland", 2027, 2027, LINE],
        ["P-2", "b", "X", "Kabels", "gepland", 2027, 2027, LINE],
        ["P-3", "c", "X", "Kabels", "gepland", 2027, 2027, LINE],
    ])
    with pytest.raises(ImportRefused) as refused:
        read_layer("werk", path)
    message = refused.value.message
    assert "Onbekende soort (bronkolom 'discipline'): 'Kabels' in rijen 3 en 4" in message
    assert ", ".join(WERK_SOORTEN) in message
    assert "--set soort=" in message and "--map soort=" in message
    with pytest.raises(ImportRefused, match=r"'kabel' is geen bekende soort"):
        read_layer("werk", path, values={"soort": "kabel"})


def test_unknown_status_and_missing_columns_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"soort;status;jaar;wkt\nwater;misschien;2027;{LINE}\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"Onbekende status .*'misschien' in regel 2"):
        read_layer("werk", path)
    bare = tmp_path / "kaal.csv"
    bare.write_text(f"jaar;wkt\n2027;{LINE}\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"heeft soort, status nodig.*--set soort=water"):
        read_layer("werk", bare)
    frame, _ = read_layer("werk", bare, values={"soort": "gas", "status": "gepland"})
    assert frame[["soort", "status"]].values.tolist() == [["gas", "gepland"]]


def test_empty_soort_and_eind_before_start_refused_by_row(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("soort;status;start_jaar;eind_jaar;wkt\n"
                    f"water;gepland;2027;2028;{LINE}\n"
                    f";gepland;2027;2028;{LINE}\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"Soort ontbreekt in regel 3"):
        read_layer("werk", path)
    path.write_text("soort;status;start_jaar;eind_jaar;wkt\n"
                    f"water;gepland;2027;2028;{LINE}\n"
                    f"gas;gepland;2030;2029;{AREA}\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"eind_jaar ligt vóór het start_jaar in regel 3 "
                                            r"\(bijvoorbeeld start 2030, eind 2029\)"):
        read_layer("werk", path)


def test_points_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"soort;status;jaar;wkt\nwater;gepland;2027;{LINE}\n"
                    f"water;gepland;2027;{POINT}\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"Laag werk verwacht lijnen \(tracés\) of vlakken "
                                            r"\(werkgebieden\), maar het bestand bevat 1 punt\."):
        read_layer("werk", path)


def test_csv_row_without_geometry_refused_by_line(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"soort;status;jaar;wkt\nwater;gepland;2027;{LINE}\nwater;gepland;2027;\n",
                    encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"Geen geometrie in regel 3"):
        read_layer("werk", path)


def test_curved_polygon_linearised(tmp_path: Path) -> None:
    """An ArcGIS-style CurvePolygon (a full circle of radius 20) becomes a MultiPolygon."""
    frame = gpd.GeoDataFrame({"soort": ["groen"], "status": ["gepland"], "jaar": [2027]},
                             geometry=shapely.from_wkt([AREA]), crs="EPSG:28992")
    path = tmp_path / "w.gpkg"
    pyogrio.write_dataframe(frame, path, layer="werk", SPATIAL_INDEX=False)
    r = 20.0
    ring = struct.pack("<BII", 1, 8, 3) + b"".join(
        struct.pack("<dd", *p) for p in ((X + r, Y), (X - r, Y), (X + r, Y)))
    curve = struct.pack("<BII", 1, 10, 1) + ring  # CurvePolygon of one CircularString
    header = b"GP" + bytes([0, 1]) + struct.pack("<i", 28992)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE werk SET geom = ? WHERE fid = 1", (header + curve,))
        db.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = 'CURVEPOLYGON'")
    loaded, report = read_layer("werk", path)
    assert loaded.geom_type.tolist() == ["MultiPolygon"]
    assert loaded.geometry.iloc[0].area == pytest.approx(math.pi * r * r, rel=0.01)
    assert report.genormaliseerd[
        "kromme geometrie (CurvePolygon) omgezet naar rechte lijnstukken"] == 1


@pytest.mark.db
def test_import_into_database_keeps_both_kinds_once(tmp_path: Path,
                                                     scratch_engine: Engine) -> None:
    path = _xlsx(tmp_path / "plannen.xlsx", [
        ["P-1", "Riool", "Gemeente", "riolering", "gepland", 2027, 2028, LINE],
        ["P-2", "Kabel", "Liander", "elektriciteit", "in uitvoering", 2026, None, AREA],
    ])
    report = import_file(scratch_engine, laag="werk", path=path)
    assert report.geladen == 2
    again = import_file(scratch_engine, laag="werk", path=path)
    assert again.geladen == 0
    with scratch_engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, partij, soort, status, start_jaar, eind_jaar, ST_GeometryType(geom), "
            "ST_SRID(geom) FROM werk ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        ("P-1", "Gemeente", "riolering", "gepland", 2027, 2028, "ST_MultiLineString", 28992),
        ("P-2", "Liander", "elektriciteit", "in_uitvoering", 2026, None, "ST_MultiPolygon",
         28992),
    ]


def test_collections_and_multi_parts_keep_their_kind(tmp_path: Path) -> None:
    """A collection of an area and its outline keeps the area; a multi-part line stays whole."""
    path = tmp_path / "w.csv"
    path.write_text(
        "id;soort;status;jaar;wkt\n"
        f"a;groen;gepland;2027;GEOMETRYCOLLECTION ({AREA}, {LINE})\n"
        f"b;weg;gepland;2027;MULTILINESTRING (({X} {Y}, {X + 10} {Y}), ({X + 20} {Y}, "
        f"{X + 30} {Y}))\n", encoding="utf-8")
    frame, report = read_layer("werk", path)
    assert frame.geom_type.tolist() == ["MultiPolygon", "MultiLineString"]
    assert frame.geometry.iloc[0].area == pytest.approx(1600.0)
    assert len(frame.geometry.iloc[1].geoms) == 2
    assert report.genormaliseerd[
        "geometrieverzameling teruggebracht tot lijnen of vlakken"] == 1
