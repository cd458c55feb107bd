"""Ids: generated from millimetre-rounded geometry (one feature from two formats is loaded once);
a non-unique id column chosen with --map is refused, also when the duplicates span batches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, text

import geopandas as gpd
import pyogrio
import shapely

from app.layers.service import import_file
from data.importers import ImportRefused, iter_layer, read_layer

X, Y = 181_000.0, 457_000.0
N = 120


def _trees() -> tuple[np.ndarray, np.ndarray]:
    """Tree positions with full float precision, a few tenths of a millimetre off the mm grid
    (so a sub-millimetre difference cannot cross a rounding boundary)."""
    rng = np.random.default_rng(7)
    x = X + np.round(rng.uniform(0, 2000, N), 3) + rng.uniform(0.00005, 0.0002, N)
    y = Y + np.round(rng.uniform(0, 2000, N), 3) + rng.uniform(0.00005, 0.0002, N)
    return x, y


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.mark.db
def test_same_trees_from_csv_and_shapefile_are_loaded_once(
    tmp_path: Path, scratch_engine: Engine,
) -> None:
    x, y = _trees()
    csv = tmp_path / "bomen.csv"
    lines = ["x;y;soortnaam"] + [f"{float(a)!r};{float(b)!r};Quercus robur"
                                 for a, b in zip(x, y, strict=True)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the Shapefile's floats differ from the CSV's below one millimetre (another export path)
    shifted = shapely.points(x + 0.00021, y - 0.00004)
    trees = gpd.GeoDataFrame({"soortnaam": ["Quercus robur"] * N}, geometry=shifted,
                             crs="EPSG:28992")
    pyogrio.write_dataframe(trees, tmp_path / "bomen.shp")
    assert not np.array_equal(pyogrio.read_dataframe(tmp_path / "bomen.shp").geometry.x, x)
    first = import_file(scratch_engine, laag="boom", path=csv)
    assert first.geladen == N
    assert any("afgerond op de millimeter" in m for m in first.meldingen)
    second = import_file(scratch_engine, laag="boom", path=tmp_path / "bomen.shp")
    assert second.geladen == 0
    assert second.overgeslagen["al aanwezig (zelfde bron-id) of dubbel in het bestand"] == N
    assert _count(scratch_engine, "boom") == N


def _trees_with_numbers(tmp_path: Path, numbers: list[str]) -> Path:
    x, y = _trees()
    frame = gpd.GeoDataFrame({"boomnummer": numbers, "soortnaam": ["Tilia"] * len(numbers)},
                             geometry=shapely.points(x[:len(numbers)], y[:len(numbers)]),
                             crs="EPSG:28992")
    path = tmp_path / "bomen.gpkg"
    pyogrio.write_dataframe(frame, path)
    return path


def test_mapped_id_column_with_duplicates_across_batches_refused(tmp_path: Path) -> None:
    # 'T7' in the first batch of 25 and again in the fourth; 'T40' twice in one later batch
    numbers = [f"T{i}" for i in range(100)]
    numbers[80] = "T7"
    numbers[91] = numbers[92] = "T40"
    path = _trees_with_numbers(tmp_path, numbers)
    with pytest.raises(ImportRefused) as err:
        list(iter_layer("boom", path, batch_size=25, mapping={"id": "boomnummer"}))
    message = err.value.message
    assert "'boomnummer'" in message and "niet uniek" in message
    assert "'T7'" in message and "'T40'" in message
    assert "2 waarden komen meer dan eens voor (3 objecten te veel)" in message
    with pytest.raises(ImportRefused, match="niet uniek"):  # read whole: refused alike
        read_layer("boom", path, mapping={"id": "boomnummer"})


def test_recognised_duplicate_ids_are_still_reported_not_refused(tmp_path: Path) -> None:
    numbers = [f"T{i}" for i in range(30)]
    numbers[20] = "T3"
    path = _trees_with_numbers(tmp_path, numbers)
    chunks = iter_layer("boom", path, batch_size=10)  # recognised as id by name
    assert sum(len(c) for c in chunks) == 30
    assert chunks.report is not None
    assert any(m.startswith("dubbele id's: 1 (1 ids") for m in chunks.report.meldingen)


@pytest.mark.db
def test_refused_mapped_id_changes_nothing(tmp_path: Path, scratch_engine: Engine) -> None:
    unique = _trees_with_numbers(tmp_path, [f"A{i}" for i in range(10)])
    import_file(scratch_engine, laag="boom", path=unique, mapping={"id": "boomnummer"})
    assert _count(scratch_engine, "boom") == 10
    (tmp_path / "dubbel").mkdir()
    dubbel = _trees_with_numbers(tmp_path / "dubbel", ["B1", "B2", "B1", "B3"] * 5)
    with pytest.raises(ImportRefused, match="niet uniek"):
        import_file(scratch_engine, laag="boom", path=dubbel, mapping={"id": "boomnummer"},
                    batch_size=3)
    assert _count(scratch_engine, "boom") == 10
    with scratch_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM import_run")).scalar_one() == 1


@pytest.mark.db
def test_real_otterlo_trees_from_csv_and_shapefile_loaded_once(
    realdata: Path, tmp_path: Path, scratch_engine: Engine,
) -> None:
    """The 2 088 BGT trees of Otterlo, exported as a municipal register would be (no ids) to an
    open-data CSV in WGS84 and to a shapefile in RD, are one set of trees in the layer: the
    reprojection moves them by far less than a millimetre, but not by nothing."""
    bgt = pyogrio.read_dataframe(realdata / "otterlo_bgt" / "otterlo_bgt_2017.gpkg",
                                 layer="vegetatieobject")
    register = gpd.GeoDataFrame({"boomsoort": bgt["plus-type"], "beheerder": bgt["bronhouder"]},
                                geometry=bgt.geometry.values, crs="EPSG:28992")
    lonlat = register.geometry.to_crs("EPSG:4326")
    assert not np.array_equal(lonlat.to_crs("EPSG:28992").x, register.geometry.x)
    lines = ["lon;lat;boomsoort"] + [f"{p.x!r};{p.y!r};{s}" for p, s in
                                     zip(lonlat, register["boomsoort"], strict=True)]
    (tmp_path / "bomen.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pyogrio.write_dataframe(register, tmp_path / "bomen.shp")
    distinct = len(set(zip(np.round(register.geometry.x, 3), np.round(register.geometry.y, 3),
                           strict=True)))
    first = import_file(scratch_engine, laag="boom", path=tmp_path / "bomen.csv")
    second = import_file(scratch_engine, laag="boom", path=tmp_path / "bomen.shp")
    assert first.geladen == distinct and second.geladen == 0
    assert _count(scratch_engine, "boom") == distinct

    # the beheerder column is the same for every tree: chosen as id, it is refused
    with pytest.raises(ImportRefused, match="niet uniek") as refused:
        import_file(scratch_engine, laag="boom", path=tmp_path / "bomen.shp", replace=True,
                    mapping={"id": "beheerder"})
    assert "'G0228'" in refused.value.message
    assert _count(scratch_engine, "boom") == distinct
