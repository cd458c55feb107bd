"""iter_layer in small chunks decides exactly like read_layer on the whole file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import ImportRefused, iter_layer, read_layer

X, Y = 155_000.0, 463_000.0
LON, LAT = 5.1, 52.1
REPORT_FIELDS = ("gelezen", "geladen", "hersteld", "overgeslagen", "genormaliseerd", "crs_bron",
                 "crs_afgeleid", "mapping", "preset")
pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name")


def _pipe(i: int, x: float = X, y: float = Y, step: float = 10.0) -> shapely.LineString:
    return shapely.LineString([(x + i * step, y), (x + i * step, y + step)])


def _write(path: Path, geoms: list[Any], crs: str | None) -> Path:
    gdf = gpd.GeoDataFrame({"GUID": [f"g{i}" for i in range(len(geoms))],
                            "MateriaalLeiding": ["PVC"] * len(geoms)},
                           geometry=geoms, crs=crs)
    pyogrio.write_dataframe(gdf, path)
    return path


def _whole(path: Path) -> tuple[str, Any, Any]:
    try:
        frame, report = read_layer("riolering", path)
    except ImportRefused as exc:
        return "geweigerd", exc.message, None
    return "geladen", frame, report


def _chunked(path: Path) -> tuple[str, Any, Any]:
    stream = iter_layer("riolering", path, batch_size=3)
    try:
        chunks = list(stream)
    except ImportRefused as exc:
        return "geweigerd", exc.message, None
    return "geladen", pd.concat(chunks, ignore_index=True), stream.report


def _same(path: Path) -> tuple[str, Any]:
    whole, chunked = _whole(path), _chunked(path)
    assert whole[0] == chunked[0], (whole[1], chunked[1])
    if whole[0] == "geladen":
        frame, report = whole[1], whole[2]
        joined, streamed = chunked[1], chunked[2]
        pd.testing.assert_frame_equal(pd.DataFrame(joined.drop(columns="geometry")),
                                      pd.DataFrame(frame.drop(columns="geometry")))
        assert shapely.equals(joined.geometry.values, frame.geometry.values).all()
        for name in REPORT_FIELDS:
            assert getattr(streamed, name) == getattr(report, name), name
        assert sorted(set(streamed.meldingen)) == sorted(set(report.meldingen))
        return "geladen", report
    return "geweigerd", (whole[1], chunked[1])


def test_first_chunk_of_wrong_type_only_skips_those_features(tmp_path: Path) -> None:
    points = [shapely.Point(X + i, Y) for i in range(4)]  # chunk 1 and part of chunk 2
    collection = shapely.GeometryCollection([_pipe(20), shapely.Point(X, Y)])
    geoms = [*points, collection, *[_pipe(i) for i in range(6)]]
    outcome, report = _same(_write(tmp_path / "gemengd.gpkg", geoms, "EPSG:28992"))
    assert outcome == "geladen"
    assert report.geladen == 7
    assert report.overgeslagen == {"geometrietype Point hoort niet in laag riolering": 4}
    assert report.genormaliseerd["geometrieverzameling teruggebracht tot lijnen"] == 1


def test_file_without_usable_features_refused_alike(tmp_path: Path) -> None:
    geoms = [shapely.Point(X + i, Y) for i in range(7)]
    outcome, (whole, chunked) = _same(_write(tmp_path / "punten.gpkg", geoms, "EPSG:28992"))
    assert outcome == "geweigerd"
    assert whole == chunked
    assert "verwacht lijnen, maar het bestand bevat Point (7)" in whole


def test_later_chunk_in_other_crs_refused_alike(tmp_path: Path) -> None:
    """No CRS in the file: RD numbers first, degrees later; the whole file is ambiguous."""
    geoms = [_pipe(i) for i in range(4)] + [_pipe(i, LON, LAT, 0.001) for i in range(4)]
    outcome, (whole, chunked) = _same(_write(tmp_path / "geen_prj.shp", geoms, None))
    assert outcome == "geweigerd"
    assert "niet eenduidig" in whole
    assert "objecten verderop" in chunked and "RD New" in chunked and "--crs" in chunked


@pytest.mark.parametrize(("declared", "first", "later"), [
    ("EPSG:4326", "graden", "rd"),  # degrees declared, RD numbers further on
    ("EPSG:28992", "graden", "rd"),  # RD declared, but the first features are degrees
    ("EPSG:28992", "rd", "graden"),
])
def test_declared_crs_contradicted_somewhere_refused_alike(
    tmp_path: Path, declared: str, first: str, later: str,
) -> None:
    part = {"rd": [_pipe(i) for i in range(4)],
            "graden": [_pipe(i, LON, LAT, 0.001) for i in range(4)]}
    outcome, (whole, chunked) = _same(_write(tmp_path / "f.gpkg", part[first] + part[later],
                                             declared))
    assert outcome == "geweigerd"
    assert f"Het bestand zegt {declared}" in whole and f"Het bestand zegt {declared}" in chunked


def test_consistent_file_without_crs_loaded_alike(tmp_path: Path) -> None:
    geoms = [_pipe(i) for i in range(8)]
    outcome, report = _same(_write(tmp_path / "rd.shp", geoms, None))
    assert outcome == "geladen" and report.geladen == 8 and report.crs_afgeleid
