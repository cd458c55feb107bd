"""read_layer on the real files in shared/realdata; expected numbers counted independently."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pyogrio
import shapely

from data.importers import ImportRefused, read_layer
from geo.schema import LAYER_COLUMNS, STELSELTYPES, WARMTENET_STATUSES

NOT_ENDED = '"eindRegistratie" IS NULL AND "terminationDate" IS NULL'


def _columns_ok(laag: str, frame: pd.DataFrame) -> None:
    assert list(frame.columns) == [*LAYER_COLUMNS[laag], "geometry"]
    assert frame.crs.to_epsg() == 28992


def test_baarn_cbs_buurten(realdata: Path) -> None:
    path = realdata / "baarn_cbs_buurten" / "baarn_buurten.geojson"
    source = pyogrio.read_dataframe(path, read_geometry=False)
    frame, report = read_layer("buurt", path)
    _columns_ok("buurt", frame)
    assert len(frame) == report.geladen == len(source) == 21
    assert report.preset == "cbs"
    assert report.crs_afgeleid and report.crs_gebruikt == "EPSG:28992"
    assert set(frame.geom_type) == {"MultiPolygon"}
    minx, miny, maxx, maxy = frame.total_bounds
    assert 140_000 < minx < maxx < 160_000 and 460_000 < miny < maxy < 480_000  # RD metres
    assert frame["buurtcode"].str.match(r"^BU0308\d{4}$").all()
    assert frame["inwoners"].dtype == "Int64"
    expected = source["aantal_inwoners"].where(source["aantal_inwoners"] >= 0)
    assert frame["inwoners"].sum() == expected.sum() == 25_065
    assert not frame["water"].any()
    assert report.mapping["inwoners"] == "aantal_inwoners"


def test_almere_riolering(realdata: Path) -> None:
    path = realdata / "almere_riolering_sufrib" / "almere_rioolstrengen.geojson"
    source = pyogrio.read_dataframe(path, read_geometry=False)
    frame, report = read_layer("riolering", path)
    _columns_ok("riolering", frame)
    assert len(frame) == len(source) == 968
    assert set(frame.geom_type) == {"LineString"}
    counts = source["materiaal"].value_counts()
    expected = {"pvc": counts["PVC-U"], "pe": counts["PE"]}
    assert frame["materiaal"].value_counts().to_dict() == expected
    assert report.genormaliseerd["materiaal: 'PVC-U' → 'pvc'"] == counts["PVC-U"]
    assert frame["aanlegjaar"].dtype == "Int64"
    assert frame["aanlegjaar"].tolist() == source["jaar_ingebruikname"].astype(int).tolist()
    assert frame["aanlegjaar"].between(1985, 2008).all()
    assert set(frame["stelseltype"]) <= set(STELSELTYPES)
    assert (frame["stelseltype"] == "vuilwater").sum() == source["stelseltype"].notna().sum()
    assert frame["diameter_mm"].tolist() == source["breedte_mm"].tolist()
    assert frame["id"].tolist() == source["strengref"].tolist()
    assert frame["vervangingsjaar"].isna().all()


def test_otterlo_bgt_groen_from_geopackage(realdata: Path) -> None:
    path = realdata / "otterlo_bgt" / "otterlo_bgt_2017.gpkg"
    begroeid = len(pyogrio.read_dataframe(path, layer="begroeidterreindeel", where=NOT_ENDED,
                                          read_geometry=False))
    verges = len(pyogrio.read_dataframe(
        path, layer="ondersteunendwegdeel", read_geometry=False,
        where=f"{NOT_ENDED} AND (\"surfaceMaterial\" = 'groenvoorziening' OR "
        "\"plus-fysiekVoorkomenOndersteunendWegdeel\" = 'gras- en kruidachtigen')",
    ))
    assert verges < 627  # paved traffic islands must be left out
    frame, report = read_layer("groen", path)
    _columns_ok("groen", frame)
    assert report.preset == "bgt"
    assert len(frame) == begroeid + verges
    assert set(frame.geom_type) == {"MultiPolygon"}
    assert frame["id"].str.match(r"^[GPWL]\d{4}\.[0-9a-f]{32}$").all()  # BGT lokaalID
    assert frame["id"].is_unique
    assert {"groenvoorziening", "berm"} <= set(frame["type"])


def test_otterlo_bgt_bomen_from_original_gml_zip(realdata: Path) -> None:
    """The untouched BGT zip holds ended objects and hedges: only current trees are loaded."""
    path = realdata / "otterlo_bgt" / "otterlo_bgt_gml_original.zip"
    vsi = f"/vsizip/{path}/bgt_vegetatieobject.gml"
    everything = pyogrio.read_dataframe(vsi)
    current = pyogrio.read_dataframe(vsi, where="\"eindRegistratie\" IS NULL")
    trees = current[(current["plus-type"] == "boom") & (current.geom_type == "Point")]
    assert len(trees) < len(everything)  # the test would not notice a missing filter otherwise
    frame, report = read_layer("boom", path)
    _columns_ok("boom", frame)
    assert len(frame) == len(trees)
    assert report.gelezen == len(everything)
    ended = len(everything) - len(current)
    assert report.overgeslagen["niet actueel (BGT eindRegistratie)"] == ended
    assert set(frame["id"]) == set(trees["lokaalID"])
    assert set(frame.geom_type) == {"Point"}
    # the converted GeoPackage holds the same current trees
    gpkg_frame, _ = read_layer("boom", realdata / "otterlo_bgt" / "otterlo_bgt_2017.gpkg")
    assert set(gpkg_frame["id"]) == set(frame["id"])


def test_breda_grid_from_geometry_and_from_codes(realdata: Path) -> None:
    folder = realdata / "breda_buurten_livability"
    source = pd.read_csv(folder / "livability_index.csv")
    from_geom, report = read_layer("leefbaarometer", folder / "breda_livability_grid100m.geojson")
    from_codes, report_csv = read_layer("leefbaarometer", folder / "livability_index.csv")
    for frame in (from_geom, from_codes):
        _columns_ok("leefbaarometer", frame)
        assert len(frame) == len(source) == 2937
        assert set(frame.geom_type) == {"Polygon"}
        assert (frame.area.round(6) == 10_000).all()
        assert frame["klasse"].between(1, 9).all() and frame["klasse"].dtype == "Int64"
    cells = from_codes.set_index("grid_id").geometry
    assert cells["E1068N3982"].equals(shapely.box(106_800, 398_200, 106_900, 398_300))
    joined = from_geom.set_index("grid_id").geometry
    assert all(shapely.equals(joined[k], cells[k]) for k in source["cbs_grid_code"].head(50))
    assert any("klassegrenzen" in m for m in report_csv.meldingen)
    assert any("geen Leefbaarometer 3.0-kolom" in m for m in report.meldingen)


@pytest.mark.parametrize("name", ["PC4DIMENSIE.csv", "PC4LBR.csv"])
def test_leefbaarometer_2_refused(realdata: Path, name: str) -> None:
    with pytest.raises(ImportRefused) as err:
        read_layer("leefbaarometer", realdata / "leefbaarometer_pc4" / name)
    assert "Leefbaarometer 2.0" in err.value.message and "3.0" in err.value.message


def test_nijmegen_heat_network_needs_status_then_loads(realdata: Path) -> None:
    path = realdata / "nijmegen_warmtenet_esdl" / "nijmegen_cluster1_heatnetwork.geojson"
    with pytest.raises(ImportRefused) as err:
        read_layer("warmtenet", path)
    assert "esdl_type" in err.value.message and "--set" in err.value.message
    frame, report = read_layer("warmtenet", path,
                               values={"status": "Gepland", "start_jaar": "2027"})
    source = pyogrio.read_dataframe(path)
    assert report.gelezen == len(source) == 41
    assert report.preset == "esdl"
    assert report.overgeslagen == {"geometrietype Point hoort niet in laag warmtenet": 19}
    # 11 supply pipes and their 11 return twins on the same route: merged, counted once
    assert len(frame) < (source.geom_type == "LineString").sum() == 22
    assert set(frame["status"]) <= set(WARMTENET_STATUSES) and set(frame["status"]) == {"gepland"}
    assert frame["start_jaar"].eq(2027).all() and frame["eind_jaar"].isna().all()
    assert report.mapping["status"] == "=Gepland"
    assert set(frame.geom_type) == {"MultiLineString"}


def test_friesland_buurten_empty_geometries_reported(realdata: Path) -> None:
    path = realdata / "friesland_warmtenet_model" / "buurt_potentie_extraqt.geojson"
    source = pyogrio.read_dataframe(path)
    empty = int((source.geometry.isna() | source.geometry.is_empty).sum())
    frame, report = read_layer("buurt", path)
    _columns_ok("buurt", frame)
    assert (report.gelezen, empty) == (949, 42)
    assert report.overgeslagen == {"lege geometrie": 42}
    assert len(frame) == report.geladen == 949 - 42
    assert report.preset == "cbs"
    assert frame["buurtcode"].str.match(r"^BU\d{8}$").all()
    assert frame["inwoners"].isna().all()  # the file has no inhabitants
    assert frame["gemeentecode"].str.match(r"^GM\d{4}$").all()  # derived from the buurtcode


@pytest.mark.filterwarnings("ignore:Normalized/laundered field name")
def test_almere_as_gwsw_shapefile_with_truncated_names(realdata: Path, tmp_path: Path) -> None:
    """GWSW names cut to 10 characters by the Shapefile format are still recognised."""
    source = pyogrio.read_dataframe(
        realdata / "almere_riolering_sufrib" / "almere_rioolstrengen.geojson")
    gwsw = source.rename(columns={"strengref": "GUID", "materiaal": "MateriaalLeiding",
                                  "breedte_mm": "BreedteLeiding", "stelseltype": "StelselType",
                                  "jaar_ingebruikname_raw": "Begindatum", "vorm": "VormLeiding",
                                  "lengte_m": "LengteLeiding"})
    gwsw = gwsw[["GUID", "MateriaalLeiding", "BreedteLeiding", "StelselType", "Begindatum",
                 "VormLeiding", "LengteLeiding", "geometry"]]
    pyogrio.write_dataframe(gwsw, tmp_path / "almere_gwsw.shp")
    fields = pyogrio.read_info(tmp_path / "almere_gwsw.shp")["fields"].tolist()
    assert {"MateriaalL", "BreedteLei", "StelselTyp", "VormLeidin"} <= set(fields)
    frame, report = read_layer("riolering", tmp_path / "almere_gwsw.shp")
    assert report.preset == "gwsw"
    assert report.mapping["materiaal"] == "MateriaalL"
    assert report.mapping["breedte_mm"] == "BreedteLei"  # round (VormLeidin): the diameter
    assert report.mapping["stelseltype"] == "StelselTyp"
    assert report.mapping["aanlegjaar"] == "Begindatum"
    assert len(frame) == len(source) == 968
    assert frame["id"].tolist() == source["strengref"].tolist()
    assert frame["aanlegjaar"].tolist() == source["jaar_ingebruikname"].astype(int).tolist()
    assert frame["diameter_mm"].tolist() == source["breedte_mm"].tolist()
    assert set(frame["materiaal"]) == {"pvc", "pe"}
