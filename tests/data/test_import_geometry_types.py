"""Every loaded geometry has exactly the type of its layer's column, whatever the file mixes."""

from __future__ import annotations

from pathlib import Path

import pytest

import shapely

from data.importers import ImportRefused, read_layer
from data.importers.geometry import LAYER_TYPE
from geo.schema import LAYER_COLUMNS

X, Y = 155_000, 463_000
LINE = f"LINESTRING ({X} {Y}, {X + 20} {Y})"
LINE2 = f"LINESTRING ({X} {Y + 50}, {X + 20} {Y + 50})"
POINT = f"POINT ({X + 5} {Y + 5})"


def _square(x: float, y: float, size: float = 10) -> str:
    return f"(({x} {y}, {x + size} {y}, {x + size} {y + size}, {x} {y + size}, {x} {y}))"


SQUARE, SQUARE2 = f"POLYGON {_square(X, Y)}", f"POLYGON {_square(X + 50, Y)}"
CELL = f"POLYGON {_square(121_300, 487_900, 100)}"
CELL2 = f"POLYGON {_square(121_400, 487_900, 100)}"

# laag -> (wkt rows, rows loaded, collections reduced, collections without usable parts)
MIXED: dict[str, tuple[list[str], int, int, int]] = {
    "riolering": ([
        LINE,
        f"MULTILINESTRING (({X} {Y + 10}, {X + 10} {Y + 10}), ({X + 10} {Y + 10}, {X + 20} "
        f"{Y + 10}))",  # touching: merged into one pipe
        f"MULTILINESTRING (({X} {Y + 20}, {X + 10} {Y + 20}), ({X + 15} {Y + 20}, {X + 20} "
        f"{Y + 20}))",  # apart: two pipes
        f"LINEARRING ({X} {Y + 30}, {X + 10} {Y + 30}, {X + 10} {Y + 40}, {X} {Y + 30})",
        f"GEOMETRYCOLLECTION ({LINE2}, {POINT})",
        f"GEOMETRYCOLLECTION (GEOMETRYCOLLECTION ({LINE}), MULTILINESTRING (({X} {Y + 60}, "
        f"{X + 5} {Y + 60})))",
        f"GEOMETRYCOLLECTION ({POINT})",
        POINT,
    ], 8, 2, 1),
    "warmtenet": ([
        LINE,
        f"MULTILINESTRING (({X} {Y + 20}, {X + 10} {Y + 20}), ({X + 15} {Y + 20}, {X + 20} "
        f"{Y + 20}))",
        f"LINEARRING ({X} {Y + 30}, {X + 10} {Y + 30}, {X + 10} {Y + 40}, {X} {Y + 30})",
        f"GEOMETRYCOLLECTION ({LINE2}, {SQUARE2}, {POINT})",
        f"GEOMETRYCOLLECTION ({POINT})",
        POINT,
    ], 4, 1, 1),
    "groen": ([
        SQUARE,
        f"MULTIPOLYGON ({_square(X, Y + 20)}, {_square(X + 20, Y + 20)})",
        f"GEOMETRYCOLLECTION ({SQUARE2}, {LINE})",
        f"GEOMETRYCOLLECTION (POLYGON {_square(X, Y + 40)}, POLYGON {_square(X + 20, Y + 40)})",
        f"GEOMETRYCOLLECTION ({LINE}, {POINT})",
        LINE,
    ], 4, 2, 1),
    "buurt": ([
        SQUARE,
        f"MULTIPOLYGON ({_square(X, Y + 20)}, {_square(X + 20, Y + 20)})",
        f"GEOMETRYCOLLECTION ({SQUARE2}, {LINE}, {POINT})",
        f"GEOMETRYCOLLECTION ({LINE})",
        POINT,
    ], 3, 1, 1),
    "boom": ([
        POINT,
        f"MULTIPOINT ({X + 1} {Y + 1})",
        f"GEOMETRYCOLLECTION (POINT ({X + 2} {Y + 2}), {LINE})",
        f"GEOMETRYCOLLECTION (POINT ({X + 3} {Y + 3}), POINT ({X + 4} {Y + 4}))",  # two trees?
        f"GEOMETRYCOLLECTION ({LINE})",
        LINE,
    ], 3, 2, 1),
    "leefbaarometer": ([
        CELL,
        f"MULTIPOLYGON ({_square(121_300, 488_000, 100)})",
        f"GEOMETRYCOLLECTION ({CELL2}, POINT (121350 487950))",
        "GEOMETRYCOLLECTION (POINT (121350 487950))",
        "LINESTRING (121300 487900, 121400 487900)",
    ], 3, 1, 1),
}
EXTRA = {"buurt": "buurtcode", "leefbaarometer": "klasse"}
VALUES = {"warmtenet": {"status": "gepland", "start_jaar": "2027"}}
WANT = {"riolering": "lijnen", "warmtenet": "lijnen", "groen": "vlakken", "buurt": "vlakken",
        "boom": "punten", "leefbaarometer": "vlakken"}


def _csv(path: Path, laag: str, rows: list[str]) -> Path:
    extra = EXTRA.get(laag)
    header = ["id", "wkt"] + ([extra] if extra else [])
    lines = [";".join(header)]
    for i, wkt in enumerate(rows):
        value = {"buurtcode": f"BU0344{i:04d}", "klasse": "5"}.get(extra or "", "")
        lines.append(";".join([f"f{i}", wkt] + ([value] if extra else [])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("laag", list(MIXED))
def test_mixed_geometries_load_as_the_column_type(tmp_path: Path, laag: str) -> None:
    rows, loaded, reduced, unusable = MIXED[laag]
    frame, report = read_layer(laag, _csv(tmp_path / f"{laag}.csv", laag, rows),
                               values=VALUES.get(laag))
    assert list(frame.columns) == [*LAYER_COLUMNS[laag], "geometry"]
    assert len(frame) == loaded == report.geladen
    assert set(frame.geom_type) == {LAYER_TYPE[laag]}
    assert shapely.is_valid(frame.geometry.values).all()
    assert not frame.geometry.is_empty.any()
    want = WANT[laag]
    assert report.genormaliseerd[f"geometrieverzameling teruggebracht tot {want}"] == reduced
    assert report.overgeslagen[f"geometrieverzameling zonder {want}"] == unusable
    assert any("GeometryCollection" in m for m in report.meldingen)


def test_collections_without_usable_parts_refuse_the_file(tmp_path: Path) -> None:
    path = _csv(tmp_path / "punten.csv", "riolering",
                [f"GEOMETRYCOLLECTION ({POINT})", f"GEOMETRYCOLLECTION ({SQUARE})", POINT])
    with pytest.raises(ImportRefused, match=r"verwacht lijnen, maar het bestand bevat "
                                            r"GeometryCollection \(2\), Point \(1\)"):
        read_layer("riolering", path)
