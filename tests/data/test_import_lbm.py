"""Leefbaarometer 3.0: score CSV joined to the grid GeoPackage; 2.0 refused with the reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import ImportRefused, read_layer
from data.importers.readers_csv import grid_cells, grid_codes
from geo.schema import LAYER_COLUMNS

HEADER = "grid_id,jaar,lbm,afw,fys,onv,soc,vrz,won"
ROWS = [
    "E1213N4879,2022,4.10,-0.12,0.01,-0.05,0.02,0.03,-0.04",
    "E1214N4879,2022,4.25,0.03,0.02,0.00,0.01,0.00,0.00",
    "E1213N4880,2022,3.95,-0.27,-0.06,-0.10,-0.03,0.01,-0.09",
    "E1299N4999,2022,4.40,0.18,0.05,0.04,0.03,0.02,0.04",  # no cell in the grid file
]
GRENZEN = [3.8, 3.9, 4.0, 4.05, 4.15, 4.2, 4.3, 4.5]


@pytest.fixture
def lbm3(tmp_path: Path) -> tuple[Path, Path]:
    """A score CSV in the real 3.0 layout and a grid GeoPackage with grid_id per 100 m cell."""
    csv = tmp_path / "lbm3_scores_2022.csv"
    csv.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    codes = ["E1213N4879", "E1214N4879", "E1213N4880"]
    cells = [shapely.box(int(c[1:5]) * 100, int(c[6:]) * 100, int(c[1:5]) * 100 + 100,
                         int(c[6:]) * 100 + 100) for c in codes]
    grid = tmp_path / "grid.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"grid_id": codes}, geometry=cells,
                                             crs="EPSG:28992"), grid, layer="grid")
    return csv, grid


def test_scores_joined_to_grid_file(lbm3: tuple[Path, Path]) -> None:
    csv, grid = lbm3
    frame, report = read_layer("leefbaarometer", csv, grid=grid, klassegrenzen=GRENZEN)
    assert list(frame.columns) == [*LAYER_COLUMNS["leefbaarometer"], "geometry"]
    assert report.preset == "lbm3"
    assert frame["grid_id"].tolist() == ["E1213N4879", "E1214N4879", "E1213N4880"]
    assert frame.geometry.iloc[0].equals(shapely.box(121_300, 487_900, 121_400, 488_000))
    assert report.overgeslagen == {"grid_id niet in het grid-bestand": 1}
    assert report.gelezen == 4 and report.geladen == 3
    # boundaries are the lower bounds of classes 2–9: 4.10 ≥ 4.05 → 5, 4.25 ≥ 4.2 → 7, 3.95 → 3
    assert frame["klasse"].tolist() == [5, 7, 3]
    assert any("opgegeven klassegrenzen" in m and "3.8, 3.9" in m for m in report.meldingen)
    assert frame["won"].tolist() == pytest.approx([-0.04, 0.0, -0.09])


def test_zip_with_csv_and_grid_and_kscore(lbm3: tuple[Path, Path], tmp_path: Path) -> None:
    csv, grid = lbm3
    with_classes = tmp_path / "met_klassen.csv"
    with_classes.write_text("\n".join([HEADER + ",kscore"] + [r + ",7" for r in ROWS]),
                            encoding="utf-8")
    archive = tmp_path / "lbm3.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(with_classes, "scores.csv")
        zf.write(grid, "grid/grid.gpkg")
    frame, report = read_layer("leefbaarometer", archive)
    assert frame["klasse"].tolist() == [7, 7, 7]  # kscore wins over derived classes
    assert report.mapping["klasse"] == "kscore"
    assert not any("klassegrenzen" in m for m in report.meldingen)
    _, plain = read_layer("leefbaarometer", csv, grid=grid)
    assert report.sha256 != plain.sha256


def test_scores_without_classes_state_the_boundaries(lbm3: tuple[Path, Path]) -> None:
    csv, grid = lbm3
    frame, report = read_layer("leefbaarometer", csv, grid=grid)
    assert frame["klasse"].between(1, 9).all()
    assert any("relatieve klassen" in m and "klassegrenzen" in m for m in report.meldingen)


def test_grid_argument_only_for_leefbaarometer(lbm3: tuple[Path, Path]) -> None:
    csv, grid = lbm3
    with pytest.raises(ImportRefused, match="alleen bij laag leefbaarometer"):
        read_layer("buurt", csv, grid=grid)


def test_lbm2_columns_refused_with_reason(tmp_path: Path, realdata: Path) -> None:
    path = realdata / "leefbaarometer_pc4" / "PC4LBR.csv"
    with pytest.raises(ImportRefused) as err:
        read_layer("leefbaarometer", path)
    message = err.value.message
    assert "Leefbaarometer 2.0" in message and "niet gemengd" in message
    assert "ander model" in message and "grid_id" in message


SERVICE = ["grid_id,kscore,kfys,konv,ksoc,kvrz,kwon",
           "E1213N4879,4,5,2,6,7,3",
           "E1214N4879,6,6,5,5,8,7"]


def test_service_output_classes_stand_in_for_the_dimensions(tmp_path: Path) -> None:
    """Service output has classes only: kfys→fys … kwon→won, and the report says so."""
    path = tmp_path / "lbm_dienst.csv"
    path.write_text("\n".join(SERVICE) + "\n", encoding="utf-8")
    frame, report = read_layer("leefbaarometer", path)
    assert frame["klasse"].tolist() == [4, 6]
    assert frame["fys"].tolist() == [5, 6] and frame["onv"].tolist() == [2, 5]
    assert frame["soc"].tolist() == [6, 5] and frame["vrz"].tolist() == [7, 8]
    assert frame["won"].tolist() == [3, 7]
    assert report.mapping["onv"] == "konv" and report.mapping["won"] == "kwon"
    note = next(m for m in report.meldingen if "klassen van de dimensies" in m)
    assert "kfys → fys" in note and "1–9, lager is slechter" in note
    assert "zwakste dimensie" in note
    # the weakest dimension is the lowest mean class: onv (3.5) here
    means = {d: frame[d].mean() for d in ("fys", "onv", "soc", "vrz", "won")}
    assert min(means, key=lambda d: means[d]) == "onv"


def test_scores_win_over_classes(tmp_path: Path) -> None:
    path = tmp_path / "lbm_beide.csv"
    path.write_text("\n".join([HEADER + ",kscore,kfys,konv,ksoc,kvrz,kwon"]
                              + [r + ",5,1,1,1,1,1" for r in ROWS[:1]]) + "\n", encoding="utf-8")
    frame, report = read_layer("leefbaarometer", path)
    assert frame["fys"].tolist() == pytest.approx([0.01])
    assert report.mapping["fys"] == "fys"
    assert not any("klassen van de dimensies" in m for m in report.meldingen)


def test_grid_code_from_cell_corner_round_trips() -> None:
    codes = pd.Series(["E1213N4879", "e0007N3001 ", "E2999N6289"])
    cells, bad = grid_cells(codes)
    assert bad == 0
    assert grid_codes(cells).tolist() == ["E1213N4879", "E0007N3001", "E2999N6289"]
    # corners a few centimetres off (reprojected grids) still give the cell's code
    nudged = gpd.GeoSeries([shapely.box(121_299.97, 487_900.02, 121_400.0, 488_000.0)])
    assert grid_codes(nudged).tolist() == ["E1213N4879"]
