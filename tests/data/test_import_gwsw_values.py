"""GWSW linked-data values (URIs) and pipe shapes: BreedteLeiding is a diameter only when round."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import read_layer
from geo.params import RuleParams

X, Y = 155_000.0, 463_000.0
GWSW = "http://data.gwsw.nl/1.4/totaal/"


def _pipes(**columns: list[object]) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    return gpd.GeoDataFrame(
        {"GUID": [f"p{i}" for i in range(n)], "Begindatum": ["1970-01-01"] * n, **columns},
        geometry=[shapely.LineString([(X + i * 20, Y), (X + i * 20 + 15, Y)]) for i in range(n)],
        crs="EPSG:28992",
    )


URI_PIPES = {
    "MateriaalLeiding": [GWSW + "Gres", GWSW + "PVC", GWSW + "Beton", GWSW + "GewapendBeton",
                         "https://data.gwsw.nl/1.5/totaal#Polyetheen", GWSW + "gres/",
                         GWSW + "Gietijzer", GWSW + "Metselwerk"],
    "StelselType": [GWSW + "GemengdStelsel", GWSW + "VuilwaterStelsel",
                    GWSW + "HemelwaterStelsel", "http://data.gwsw.nl/1.4/totaal#GemengdStelsel",
                    GWSW + "InfiltratieStelsel", GWSW + "Onbekend", None, "gemengd"],
}


@pytest.mark.parametrize("suffix", [".shp", ".gpkg"])
def test_gwsw_uris_map_onto_the_vocabulary(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"gwsw{suffix}"
    pyogrio.write_dataframe(_pipes(**URI_PIPES), path)
    if suffix == ".shp":  # the driver truncated the names to 10 characters
        assert {"MateriaalL", "StelselTyp"} <= set(pyogrio.read_info(path)["fields"])
    frame, report = read_layer("riolering", path)
    assert frame["materiaal"].tolist() == ["gres", "pvc", "beton", "gewapend beton", "pe",
                                           "gres", "gietijzer", "metselwerk"]
    assert frame["stelseltype"].tolist() == ["gemengd", "vuilwater", "hemelwater", "gemengd",
                                             "hemelwater", "onbekend", "onbekend", "gemengd"]
    assert report.genormaliseerd[f"materiaal: '{GWSW}Gres' → 'gres'"] == 1
    params = RuleParams()
    # no URI falls through to the default life span: each has its own from RULES.md §2
    assert [params.lifetime(m) for m in frame["materiaal"]] == [80, 60, 60, 60, 60, 80, 80, 100]
    assert all(m in params.levensduur for m in frame["materiaal"])


def test_unknown_uri_keeps_its_term_not_the_uri(tmp_path: Path) -> None:
    path = tmp_path / "gwsw.gpkg"
    pyogrio.write_dataframe(_pipes(MateriaalLeiding=[GWSW + "Staal", "urn:gwsw:Asbestcement"]),
                            path)
    frame, _report = read_layer("riolering", path)
    assert frame["materiaal"].tolist() == ["staal", "asbestcement"]


def test_width_is_a_diameter_only_for_round_pipes(tmp_path: Path) -> None:
    pipes = _pipes(
        MateriaalLeiding=["Beton"] * 6,
        VormLeiding=[GWSW + "Rond", "cirkelvormig", GWSW + "Eivormig", "Rechthoekig", None,
                     GWSW + "Onbekend"],
        BreedteLeiding=[300, 400, 600, 1000, 250, 500],
        HoogteLeiding=[300, 400, 900, 800, None, 500],
    )
    pyogrio.write_dataframe(pipes, tmp_path / "vorm.shp")
    names = set(pyogrio.read_info(tmp_path / "vorm.shp")["fields"])
    assert {"VormLeidin", "BreedteLei", "HoogteLeid"} <= names
    frame, report = read_layer("riolering", tmp_path / "vorm.shp")
    diameter = frame["diameter_mm"].tolist()
    assert diameter[:2] == [300.0, 400.0]
    assert pd.isna(diameter[2]) and pd.isna(diameter[3])  # eivormig, rechthoekig: no diameter
    assert diameter[4:] == [250.0, 500.0]  # shape not given: the width, as before
    assert frame["breedte_mm"].tolist() == [300.0, 400.0, 600.0, 1000.0, 250.0, 500.0]
    hoogte = frame["hoogte_mm"].tolist()
    assert hoogte[:4] == [300.0, 400.0, 900.0, 800.0] and pd.isna(hoogte[4])
    assert hoogte[5] == 500.0
    counts = report.genormaliseerd
    assert counts["VormLeidin rond: BreedteLei als diameter"] == 2
    assert counts["VormLeidin eivormig (niet rond): breedte_mm en hoogte_mm bewaard, geen "
                  "diameter"] == 1
    assert counts["VormLeidin rechthoekig (niet rond): breedte_mm en hoogte_mm bewaard, geen "
                  "diameter"] == 1
    assert counts["VormLeidin leeg of onbekend: BreedteLei als diameter"] == 2


def test_without_vormleiding_the_width_stays_the_diameter(tmp_path: Path) -> None:
    pyogrio.write_dataframe(_pipes(BreedteLeiding=[300, 400]), tmp_path / "breedte.gpkg")
    frame, report = read_layer("riolering", tmp_path / "breedte.gpkg")
    assert frame["diameter_mm"].tolist() == [300.0, 400.0]
    assert report.genormaliseerd[
        "geen kolom VormLeiding: BreedteLeiding als diameter genomen (aangenomen rond)"] == 2
