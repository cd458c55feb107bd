"""read_layer on tiny generated files: formats, CRS, geometry repair and refusals."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import ImportRefused, ImportReport, read_layer
from geo.schema import LAYER_COLUMNS
from tests.data.conftest import feature, line, square, write_geojson

pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name")

X, Y = 155_000.0, 463_000.0  # somewhere in Utrecht, RD New


def _pipes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "GUID": ["a", "b", "c", "d"],
            "MateriaalLeiding": ["Beton", "GRES", "PVC-U", "Gewapend beton"],
            "BreedteLeiding": [300, 400, 250, 600],
            "Begindatum": ["1975-03-01", "onbekend", "19xx", "01-05-1962"],
            "StelselType": ["GemengdStelsel", "HemelwaterStelsel", "VuilwaterStelsel", None],
            "jaar_vervanging": [2031, None, None, 2040],
        },
        geometry=[shapely.LineString([(X + i * 20, Y), (X + i * 20 + 15, Y)]) for i in range(4)],
        crs="EPSG:28992",
    )


def _zip(folder: Path, name: str, drop: str | None = None) -> Path:
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in sorted(folder.glob(f"{name}.*")):
            if part.suffix != ".zip" and part.suffix != drop:
                zf.write(part, part.name)
    return archive


def test_zipped_shapefile_with_truncated_gwsw_names(tmp_path: Path) -> None:
    pyogrio.write_dataframe(_pipes(), tmp_path / "riool.shp")
    names = pyogrio.read_info(tmp_path / "riool.shp")["fields"].tolist()
    assert "MateriaalL" in names and "BreedteLei" in names  # the driver truncated them
    frame, report = read_layer("riolering", _zip(tmp_path, "riool"))
    assert report.preset == "gwsw"
    assert report.mapping["materiaal"] == "MateriaalL"
    assert report.mapping["breedte_mm"] == "BreedteLei"  # a diameter when round (no VormLeiding)
    assert report.mapping["vervangingsjaar"] == "jaar_verva"
    assert frame["materiaal"].tolist() == ["beton", "gres", "pvc", "gewapend beton"]
    assert frame["stelseltype"].tolist() == ["gemengd", "hemelwater", "vuilwater", "onbekend"]
    assert frame["aanlegjaar"].tolist() == [1975, pd.NA, pd.NA, 1962]
    assert frame["vervangingsjaar"].tolist() == [2031, pd.NA, pd.NA, 2040]
    assert frame["diameter_mm"].tolist() == [300.0, 400.0, 250.0, 600.0]
    assert report.genormaliseerd["aanlegjaar onleesbaar → leeg"] == 2
    assert report.genormaliseerd["materiaal: 'GRES' → 'gres'"] == 1
    assert frame["id"].tolist() == ["a", "b", "c", "d"]


def test_shapefile_missing_dbf_and_truncated_zip_refused(tmp_path: Path) -> None:
    pyogrio.write_dataframe(_pipes(), tmp_path / "riool.shp")
    with pytest.raises(ImportRefused, match=r"\.dbf ontbreekt"):
        read_layer("riolering", _zip(tmp_path, "riool", drop=".dbf"))
    whole = _zip(tmp_path, "riool").read_bytes()
    broken = tmp_path / "kapot.zip"
    broken.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportRefused, match="beschadigd"):
        read_layer("riolering", broken)
    (tmp_path / "riool.shx").unlink()
    with pytest.raises(ImportRefused, match=r"\.shx ontbreekt"):
        read_layer("riolering", tmp_path / "riool.shp")


def test_cp1252_dbf_without_cpg(tmp_path: Path) -> None:
    trees = gpd.GeoDataFrame({"boomsoort": ["Tilia × europaea ‘Pallida’", "Crataegus"]},
                             geometry=[shapely.Point(X, Y), shapely.Point(X + 5, Y)],
                             crs="EPSG:28992")
    pyogrio.write_dataframe(trees, tmp_path / "bomen.shp", encoding="cp1252")
    (tmp_path / "bomen.cpg").unlink()
    frame, report = read_layer("boom", tmp_path / "bomen.shp")
    assert frame["soort"].tolist() == ["Tilia × europaea ‘Pallida’", "Crataegus"]
    assert any("Windows-1252" in m for m in report.meldingen)
    assert frame["id"].str.fullmatch(r"[0-9a-f]{16}").all()  # made from the geometry
    again, _ = read_layer("boom", tmp_path / "bomen.shp")
    assert again["id"].tolist() == frame["id"].tolist()  # stable


def test_no_crs_inferred_from_rd_and_wgs84_coordinates(tmp_path: Path) -> None:
    rd = write_geojson(tmp_path / "rd.geojson", [feature(line((X, Y), (X + 50, Y)), id="w1",
                                                         status="Gepland", start_jaar=2028)])
    frame, report = read_layer("warmtenet", rd)
    assert report.crs_bron is None and report.crs_afgeleid
    assert frame.geometry.iloc[0].equals(shapely.MultiLineString([[(X, Y), (X + 50, Y)]]))
    csv = tmp_path / "bomen.csv"
    csv.write_text("boomnummer;soortnaam;lon;lat\n17;Quercus robur;5,1214;52,0907\n",
                   encoding="utf-8")
    trees, report = read_layer("boom", csv)
    assert report.crs_afgeleid and "WGS84" in report.meldingen[-1]
    point = trees.geometry.iloc[0]
    assert 136_000 < point.x < 137_000 and 455_000 < point.y < 456_500  # Utrecht Dom in RD
    assert trees["id"].tolist() == ["17"]


def test_ambiguous_coordinates_without_crs_refused(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "x.geojson", [feature(line((10, 10), (900_000, 20)))])
    with pytest.raises(ImportRefused, match="--crs"):
        read_layer("riolering", path)


def test_rd_numbers_labelled_crs84_refused_unless_overridden(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "buurten.geojson",
        [feature(square(X, Y, 500), buurtcode="BU03440101", aantal_inwoners=-99997)],
        crs="urn:ogc:def:crs:OGC:1.3:CRS84",
    )
    with pytest.raises(ImportRefused) as err:
        read_layer("buurt", path)
    assert "CRS84" in err.value.message and "RD New" in err.value.message
    frame, report = read_layer("buurt", path, crs="EPSG:28992")
    assert report.crs_bron is not None and "CRS84" in report.crs_bron
    assert frame.geometry.iloc[0].bounds == (X, Y, X + 500, Y + 500)
    assert frame["inwoners"].isna().all()  # CBS secrecy code is no number
    assert report.genormaliseerd["inwoners: CBS-geheimhoudingscode -99997 → leeg"] == 1
    assert frame[["gemeentecode", "wijkcode"]].iloc[0].tolist() == ["GM0344", "WK034401"]


def test_bow_tie_repaired_and_empty_skipped(tmp_path: Path) -> None:
    bow_tie = {"type": "Polygon", "coordinates": [[[X, Y], [X + 10, Y + 10], [X + 10, Y],
                                                   [X, Y + 10], [X, Y]]]}
    path = write_geojson(tmp_path / "groen.geojson", [
        feature(bow_tie, id="g1", type="gras"),
        feature(None, id="g2", type="heesters"),
        feature(square(X + 50, Y), id="g3", type="plantsoen"),
        feature(square(-400_000, Y), id="g4", type="ver weg"),
    ], crs="EPSG:28992")
    frame, report = read_layer("groen", path)
    assert frame["id"].tolist() == ["g1", "g3"]
    assert report.hersteld == 1
    assert report.overgeslagen == {"lege geometrie": 1, "buiten Nederland": 1}
    assert frame.geometry.is_valid.all() and abs(frame.geometry.iloc[0].area - 50.0) < 1e-6
    assert (report.gelezen, report.geladen) == (4, 2)


def test_wrong_geometry_type_refused(tmp_path: Path) -> None:
    points = write_geojson(tmp_path / "p.geojson",
                           [feature({"type": "Point", "coordinates": [X, Y]}, id="1")])
    with pytest.raises(ImportRefused, match="verwacht lijnen"):
        read_layer("riolering", points)
    polygons = write_geojson(tmp_path / "sleuf.geojson", [feature(square(X, Y), status="gepland",
                                                                  start_jaar=2027)])
    with pytest.raises(ImportRefused, match="vlakken"):
        read_layer("warmtenet", polygons)


def test_missing_required_attribute_lists_columns(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "b.geojson", [feature(square(X, Y), CODE="03440601",
                                                          NAAM="Kievitsloop")])
    with pytest.raises(ImportRefused) as err:
        read_layer("buurt", path)
    assert "buurtcode" in err.value.message
    assert "CODE, NAAM" in err.value.message and "--map" in err.value.message
    frame, report = read_layer("buurt", path, mapping={"buurtcode": "CODE",
                                                       "buurtnaam": "naam"})
    assert frame["buurtcode"].tolist() == ["BU03440601"]  # 8 digits get BU (attributes.py)
    assert frame["buurtnaam"].tolist() == ["Kievitsloop"]
    assert report.mapping["buurtcode"] == "CODE"
    with pytest.raises(ImportRefused, match="staat niet in het bestand"):
        read_layer("buurt", path, mapping={"buurtcode": "BESTAATNIET"})


def test_warmtenet_status_years_and_values(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "wn.geojson", [
        feature(line((X, Y), (X, Y + 80)), Netnaam="Noord", Status="In aanleg", jaar="2026"),
        feature(line((X, Y), (X + 80, Y)), Netnaam="Oost", Status="Bestaand", jaar="onbekend"),
        feature(line((X, Y), (X - 80, Y)), Netnaam="West", Status="weet niet", jaar="2030"),
    ], crs="EPSG:28992")
    frame, report = read_layer("warmtenet", path)
    assert frame["naam"].tolist() == ["Noord", "Oost"]
    assert frame["status"].tolist() == ["in_uitvoering", "bestaand"]
    assert frame["start_jaar"].tolist() == [2026, pd.NA]
    assert report.overgeslagen == {"status onbekend ('weet niet')": 1}
    assert report.genormaliseerd["start_jaar onleesbaar → leeg"] == 1
    overridden, report = read_layer("warmtenet", path, values={"status": "gepland"})
    assert set(overridden["status"]) == {"gepland"} and len(overridden) == 3


def test_gpkg_with_several_layers_needs_a_choice(tmp_path: Path) -> None:
    path = tmp_path / "riool.gpkg"
    pyogrio.write_dataframe(_pipes(), path, layer="leidingen")
    pyogrio.write_dataframe(_pipes().set_geometry(_pipes().centroid), path, layer="putten")
    with pytest.raises(ImportRefused, match="leidingen, putten"):
        read_layer("riolering", path)
    with pytest.raises(ImportRefused, match="Beschikbare lagen"):
        read_layer("riolering", path, source_layer="strengen")
    frame, _ = read_layer("riolering", path, source_layer="leidingen")
    assert len(frame) == 4


def test_multipart_pipe_split_and_single_part_unwrapped(tmp_path: Path) -> None:
    multi = {"type": "MultiLineString", "coordinates": [[[X, Y], [X + 10, Y]],
                                                       [[X + 50, Y], [X + 60, Y]]]}
    single = {"type": "MultiLineString", "coordinates": [[[X, Y + 5], [X + 10, Y + 5]]]}
    path = write_geojson(tmp_path / "r.geojson", [feature(multi, id="r1"),
                                                  feature(single, id="r2")], crs="EPSG:28992")
    frame, report = read_layer("riolering", path)
    assert frame["id"].tolist() == ["r2", "r1#0", "r1#1"]
    assert set(frame.geom_type) == {"LineString"}
    assert any("gesplitst" in m for m in report.meldingen)


def test_leefbaarometer_csv_with_grid_codes_and_classes(tmp_path: Path) -> None:
    path = tmp_path / "lbm.csv"
    path.write_text("grid_id,jaar,lbm,afw,fys,onv,soc,vrz,won,kscore\n"
                    "E1213N4879,2022,4.1,-0.1,0.01,-0.05,0.02,0.03,-0.04,4\n"
                    "X99,2022,4.2,0.0,0,0,0,0,0,5\n", encoding="utf-8")
    frame, report = read_layer("leefbaarometer", path)
    assert report.preset == "lbm3"
    assert frame["grid_id"].tolist() == ["E1213N4879"]
    assert frame.geometry.iloc[0].equals(shapely.box(121_300, 487_900, 121_400, 488_000))
    assert frame["klasse"].tolist() == [4] and frame["jaar"].tolist() == [2022]
    assert report.overgeslagen["lege geometrie"] == 1
    assert list(frame.columns) == [*LAYER_COLUMNS["leefbaarometer"], "geometry"]


def test_report_text_dict_and_progress(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "b.geojson", [feature(square(X, Y), buurtcode="BU03440101",
                                                          water="JA")], crs="EPSG:28992")
    stages: list[str] = []
    frame, report = read_layer("buurt", path, progress=stages.append)
    assert isinstance(report, ImportReport)
    assert frame["water"].tolist() == [True]
    assert any(s.startswith("lezen") for s in stages)
    assert "koppelen van namen" in stages and "geometrie controleren" in stages
    assert any(s.startswith("projecteren") for s in stages)
    text = report.to_text()
    assert "gelezen: 1, geladen: 1" in text and "buurtcode ← buurtcode" in text
    assert report.to_dict()["sha256"] == report.sha256 and len(report.sha256) == 64


def test_unreadable_and_unknown_files_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "kapot.gpkg"
    garbage.write_bytes(b"dit is geen geopackage")
    with pytest.raises(ImportRefused, match="niet leesbaar"):
        read_layer("groen", garbage)
    with pytest.raises(ImportRefused, match="bestaat niet"):
        read_layer("groen", tmp_path / "nergens.gpkg")
    with pytest.raises(ImportRefused, match="niet ondersteund"):
        read_layer("groen", garbage.rename(tmp_path / "kapot.dwg"))
    with pytest.raises(ImportRefused, match="Onbekende laag"):
        read_layer("snelweg", tmp_path / "nergens.gpkg")


def test_leefbaarometer_numeric_grid_ids_need_the_grid(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("grid_id,jaar,lbm,kscore\n1234567,2022,4.1,4\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="grid-GeoPackage"):
        read_layer("leefbaarometer", path)
