"""Layer straat (RULES.md §7) from NWB wegvakken: the real Wageningen extract as GeoJSON and as
PDOK GML, and a small NWB-like file for the house-number rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text

import geopandas as gpd
import pyogrio
import shapely

from app.layers.service import import_file
from data.importers import read_layer
from geo.schema import LAYER_COLUMNS
from tests.data.conftest import feature, line, write_geojson

NWB = "wageningen_nwb_wegvakken"
FILES = ("wageningen_nwb_wegvakken_2020.geojson", "Roads_nwb_wfs_2020-11-24.gml")
HNR = ["e_hnr_lnks", "l_hnr_lnks", "e_hnr_rhts", "l_hnr_rhts"]
X, Y = 174_000.0, 443_000.0


def _expected_numbers(source: pd.DataFrame) -> tuple[list[int | None], list[int | None]]:
    """Lowest and highest non-zero house number per segment, counted from the source itself."""
    numbers = source[HNR].astype("float64").where(source[HNR] > 0)
    low = [None if pd.isna(v) else int(v) for v in numbers.min(axis=1)]
    high = [None if pd.isna(v) else int(v) for v in numbers.max(axis=1)]
    return low, high


def _as_list(series: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in series]


@pytest.mark.parametrize("name", FILES)
def test_nwb_wegvakken_wageningen(realdata: Path, name: str) -> None:
    path = realdata / NWB / name
    source = pyogrio.read_dataframe(path)
    frame, report = read_layer("straat", path)
    assert list(frame.columns) == [*LAYER_COLUMNS["straat"], "geometry"]
    assert frame.crs.to_epsg() == 28992
    assert report.preset == "nwb"
    assert len(frame) == report.geladen == report.gelezen == len(source) == 247
    assert set(frame.geom_type) == {"MultiLineString"}
    assert frame["id"].tolist() == source["wvk_id"].astype(str).tolist()
    assert frame["straatnaam"].tolist() == source["stt_naam"].tolist()
    assert frame["woonplaats"].tolist() == source["wpsnaamnen"].tolist()
    assert frame["gme_id"].tolist() == source["gme_id"].astype(str).tolist()
    assert frame["gme_naam"].tolist() == source["gme_naam"].tolist()
    low, high = _expected_numbers(source)
    assert _as_list(frame["huisnummer_van"]) == low
    assert _as_list(frame["huisnummer_tot"]) == high
    assert frame["huisnummer_van"].notna().sum() == sum(v is not None for v in low) > 0
    assert frame["huisnummer_van"].isna().sum() > 0  # segments without any number: null
    assert (frame["huisnummer_van"].dropna() <= frame["huisnummer_tot"].dropna()).all()
    assert frame.length.to_numpy() == pytest.approx(source.length.to_numpy())
    assert report.mapping["straatnaam"] == "stt_naam"
    assert report.mapping["huisnummer_van"].startswith("laagste van e_hnr_lnks")


def _nwb_like(tmp_path: Path) -> Path:
    """Upper-case NWB names (as in the shapefile downloads), every house-number case."""
    return write_geojson(tmp_path / "wegvakken.geojson", [
        # left 1–19, right 2–12: van 1, tot 19
        feature(line((X, Y), (X + 50, Y)), WVK_ID=1, STT_NAAM="Rozenstraat",
                WPSNAAMNEN="WAGENINGEN", E_HNR_LNKS=1, L_HNR_LNKS=19, E_HNR_RHTS=2,
                L_HNR_RHTS=12, GME_NAAM="Wageningen", GME_ID=289),
        # only the right side numbered, and numbered downwards: van 4, tot 30
        feature(line((X, Y + 20), (X + 50, Y + 20)), WVK_ID=2, STT_NAAM="Dijkstraat",
                WPSNAAMNEN="WAGENINGEN", E_HNR_LNKS=0, L_HNR_LNKS=0, E_HNR_RHTS=30,
                L_HNR_RHTS=4, GME_NAAM="Wageningen", GME_ID=289),
        # no numbers at all (0 and empty): both null
        feature(line((X, Y + 40), (X + 50, Y + 40)), WVK_ID=3, STT_NAAM="Fietspad",
                WPSNAAMNEN="WAGENINGEN", E_HNR_LNKS=0, L_HNR_LNKS=None, E_HNR_RHTS=0,
                L_HNR_RHTS=None, GME_NAAM="Wageningen", GME_ID=289),
        # one number on one side, written as text: van = tot = 7
        feature({"type": "MultiLineString", "coordinates": [
            [[X, Y + 60], [X + 20, Y + 60]], [[X + 30, Y + 60], [X + 50, Y + 60]]]},
            WVK_ID=4, STT_NAAM="Markt", WPSNAAMNEN="WAGENINGEN", E_HNR_LNKS="7",
            L_HNR_LNKS="0", E_HNR_RHTS="", L_HNR_RHTS=None, GME_NAAM="Wageningen", GME_ID=289),
        # no street name: gives no name to a result, skipped and counted
        feature(line((X, Y + 80), (X + 50, Y + 80)), WVK_ID=5, STT_NAAM=None,
                WPSNAAMNEN="WAGENINGEN", E_HNR_LNKS=0, L_HNR_LNKS=0, E_HNR_RHTS=0,
                L_HNR_RHTS=0, GME_NAAM="Wageningen", GME_ID=289),
    ], crs="EPSG:28992")


def test_house_number_rules(tmp_path: Path) -> None:
    frame, report = read_layer("straat", _nwb_like(tmp_path))
    assert frame["id"].tolist() == ["1", "2", "3", "4"]
    assert frame["straatnaam"].tolist() == ["Rozenstraat", "Dijkstraat", "Fietspad", "Markt"]
    assert _as_list(frame["huisnummer_van"]) == [1, 4, None, 7]
    assert _as_list(frame["huisnummer_tot"]) == [19, 30, None, 7]
    assert frame["huisnummer_van"].dtype == "Int64"
    assert set(frame.geom_type) == {"MultiLineString"}
    assert len(frame.geometry.iloc[3].geoms) == 2  # a multi-part segment stays whole
    assert report.overgeslagen == {
        "wegvak zonder straatnaam (geeft geen naam aan een resultaat)": 1}
    assert report.gelezen == 5 and report.geladen == 4
    assert frame["gme_id"].tolist() == ["289"] * 4


def test_given_house_number_columns_and_shapefile(tmp_path: Path) -> None:
    """A municipal street file with its own van/tot columns; 0 there is 'none' as well."""
    frame = gpd.GeoDataFrame({
        "straatnaam": ["Kerkstraat", "Plein"], "woonplaats": ["Baarn", "Baarn"],
        "hnr_van": [3, 0], "hnr_tot": [41, 0],  # Shapefile names: at most 10 characters
    }, geometry=[shapely.LineString([(X, Y), (X + 10, Y)]),
                 shapely.LineString([(X, Y + 10), (X + 10, Y + 10)])], crs="EPSG:28992")
    pyogrio.write_dataframe(frame, tmp_path / "straten.shp")
    loaded, report = read_layer("straat", tmp_path / "straten.shp")
    assert _as_list(loaded["huisnummer_van"]) == [3, None]
    assert _as_list(loaded["huisnummer_tot"]) == [41, None]
    assert loaded["id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert report.mapping["huisnummer_van"] == "hnr_van"
    assert report.mapping["huisnummer_tot"] == "hnr_tot"


@pytest.mark.db
def test_nwb_gml_into_database(realdata: Path, scratch_engine: Engine) -> None:
    path = realdata / NWB / FILES[1]
    source = pyogrio.read_dataframe(path)
    report = import_file(scratch_engine, laag="straat", path=path)
    assert report.geladen == len(source) == 247
    again = import_file(scratch_engine, laag="straat", path=realdata / NWB / FILES[0])
    assert again.geladen == 0  # the same wegvakken (wvk_id) from the GeoJSON: not twice
    with scratch_engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT count(*), count(DISTINCT straatnaam), min(huisnummer_van), "
            "max(huisnummer_tot), sum(ST_Length(geom)), "
            "bool_and(GeometryType(geom) = 'MULTILINESTRING') FROM straat")).one()
    numbers = source[HNR].where(source[HNR] > 0)
    assert rows[0] == 247 and rows[1] == source["stt_naam"].nunique()
    assert rows[2] == int(np.nanmin(numbers.to_numpy(dtype="float64")))
    assert rows[3] == int(np.nanmax(numbers.to_numpy(dtype="float64")))
    assert rows[4] == pytest.approx(source.length.sum())
    assert rows[5] is True
