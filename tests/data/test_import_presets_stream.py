"""Presets recognised from the columns and overridden by the user; iter_layer in chunks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import ImportRefused, iter_layer, read_layer
from tests.data.conftest import feature, line, square, write_geojson

X, Y = 155_000.0, 463_000.0
pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name")


def _file(tmp_path: Path, geometry: dict[str, Any], **props: Any) -> Path:
    return write_geojson(tmp_path / "f.geojson", [feature(geometry, **props)], crs="EPSG:28992")


CASES = [
    # laag, properties, preset, override mapping, canonical column, value after override
    ("buurt", {"buurtcode": "BU03440101", "buurtnaam": "Oud", "naam_kort": "Kort"}, "cbs",
     {"buurtnaam": "naam_kort"}, "buurtnaam", "Kort"),
    ("riolering", {"GUID": "p1", "MateriaalLeiding": "Beton", "materiaal_oud": "Gres"}, "gwsw",
     {"materiaal": "materiaal_oud"}, "materiaal", "gres"),
    ("riolering", {"strengref": "s1", "breedte_mm": 300, "hoogte_mm": 400}, "sufrib",
     {"diameter_mm": "hoogte_mm"}, "diameter_mm", 400.0),
    ("groen", {"lokaalID": "G1", "bgt-status": "bestaand", "class": "groenvoorziening",
               "plus-fysiekVoorkomen": "gras- en kruidachtigen"}, "bgt",
     {"type": "plus-fysiekVoorkomen"}, "type", "gras- en kruidachtigen"),
    ("warmtenet", {"id": "w1", "esdl_type": "Pipe", "name": "Pipe_1", "label": "Noord"},
     "esdl", {"naam": "label"}, "naam", "Noord"),
    ("leefbaarometer", {"grid_id": "E1550N4630", "jaar": 2022, "lbm": 4.1, "kscore": 4,
                        "kafw": 6}, "lbm3", {"klasse": "kafw"}, "klasse", 6),
    ("boom", {"nummer": "17", "boomsoort": "Quercus", "wetenschappelijk": "Q. robur"},
     "generic", {"soort": "wetenschappelijk"}, "soort", "Q. robur"),
]
GEOMETRY = {"buurt": square(X, Y, 100), "riolering": line((X, Y), (X + 20, Y)),
            "groen": square(X, Y), "warmtenet": line((X, Y), (X + 20, Y)),
            "leefbaarometer": square(X, Y, 100),
            "boom": {"type": "Point", "coordinates": [X, Y]}}
VALUES = {"warmtenet": {"status": "gepland", "start_jaar": "2027"}}


@pytest.mark.parametrize(("laag", "props", "preset", "override", "column", "expected"), CASES,
                         ids=[c[2] for c in CASES])
def test_preset_named_and_mapping_overridable(
    tmp_path: Path, laag: str, props: dict[str, Any], preset: str, override: dict[str, str],
    column: str, expected: Any,
) -> None:
    path = _file(tmp_path, GEOMETRY[laag], **props)
    frame, report = read_layer(laag, path, values=VALUES.get(laag))
    assert report.preset == preset
    assert f"herkend als: {preset}" in report.to_text()
    assert frame[column].iloc[0] != expected
    frame, report = read_layer(laag, path, mapping=override, values=VALUES.get(laag))
    assert frame[column].iloc[0] == expected
    assert report.mapping[column] == override[column]


def _gpkg(path: Path, n: int) -> Path:
    geoms = shapely.linestrings([[(X + i, Y), (X + i, Y + 10)] for i in range(n)])
    gdf = gpd.GeoDataFrame({
        "GUID": [f"g{i % (n - 3)}" for i in range(n)],  # three ids occur twice
        "MateriaalLeiding": ["PVC-U", "Beton", None, "GRES"] * (n // 4),
        "Begindatum": ["1980-01-01", "onbekend", "1999", None] * (n // 4),
        "BreedteLeiding": [300.0] * n,
    }, geometry=geoms, crs="EPSG:28992")
    pyogrio.write_dataframe(gdf, path, layer="leiding")
    return path


def test_iter_layer_chunks_equal_read_layer(tmp_path: Path) -> None:
    path = _gpkg(tmp_path / "riool.gpkg", 1000)
    whole, report = read_layer("riolering", path)
    stream = iter_layer("riolering", path, batch_size=300)
    chunks = list(stream)
    assert [len(c) for c in chunks] == [300, 300, 300, 100]
    joined = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(pd.DataFrame(joined.drop(columns="geometry")),
                                  pd.DataFrame(whole.drop(columns="geometry")))
    assert shapely.equals(joined.geometry.values, whole.geometry.values).all()
    assert stream.report is not None
    for attribute in ("gelezen", "geladen", "overgeslagen", "genormaliseerd", "mapping",
                      "preset", "sha256", "crs_bron"):
        assert getattr(stream.report, attribute) == getattr(report, attribute), attribute
    assert any(m.startswith("dubbele id's: 3") for m in stream.report.meldingen)
    assert any(m.startswith("dubbele id's: 3") for m in report.meldingen)


def test_iter_layer_whole_file_sources_sliced(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "paden.geojson", [
        feature(line((X, Y), (X + 100, Y), (X + 100, Y + 50))),
        feature(line((X, Y), (X + 100, Y), (X + 200, Y))),
    ], crs="EPSG:28992")
    values = {"status": "gepland", "start_jaar": "2027"}
    stream = iter_layer("warmtenet", path, batch_size=2, values=values)
    chunks = list(stream)
    assert [len(c) for c in chunks] == [2, 1]
    assert stream.report is not None and stream.report.geladen == 3
    with pytest.raises(ImportRefused, match="Onbekende laag"):
        list(iter_layer("snelweg", path))


def test_iter_layer_bgt_layers_in_chunks(realdata: Path) -> None:
    path = realdata / "otterlo_bgt" / "otterlo_bgt_2017.gpkg"
    whole, report = read_layer("groen", path)
    stream = iter_layer("groen", path, batch_size=200)
    joined = pd.concat(list(stream), ignore_index=True)
    assert joined["id"].tolist() == whole["id"].tolist()
    assert stream.report is not None
    assert stream.report.overgeslagen == report.overgeslagen
    assert stream.report.gelezen == report.gelezen and stream.report.preset == "bgt"
