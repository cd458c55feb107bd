"""Exports carry the map's style for QGIS: `layer_styles` in the GeoPackage, a .qml per shapefile."""

from __future__ import annotations

import io
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import pyogrio

from app.exports.fields import LAYER_FIELDS
from app.exports.service import export_layer
from frontend.styles import REGELCODE_COLORS, REGELCODE_LABELS, SCORE_RAMP
from geo.schema import REGELCODES

pytestmark = pytest.mark.db

# The symbol QGIS needs for each geometry type as a GeoPackage or a shapefile declares it.
SYMBOL_FOR = {"MULTILINESTRING": "line", "MULTIPOLYGON": "fill",
              "LineString": "line", "Polygon": "fill"}


def _rgb(hex_color: str) -> str:
    return ",".join(str(int(hex_color[i:i + 2], 16)) for i in (1, 3, 5))


def _symbols(renderer: ET.Element) -> dict[str, tuple[str, str]]:
    """Symbol name -> (symbol type, 'r,g,b' of its main colour)."""
    found = {}
    symbols = renderer.find("symbols")
    assert symbols is not None
    for symbol in symbols:
        options = {o.get("name"): o.get("value") for o in symbol.iter("Option")}
        color = options.get("line_color") or options["color"]
        found[symbol.get("name", "")] = (symbol.get("type", ""), color.rsplit(",", 1)[0])
    return found


def _read_qml(text: str) -> dict[str, Any]:
    """What a QGIS style says: renderer type and attribute, its classes and the aliases."""
    root = ET.fromstring(text)
    assert root.tag == "qgis" and root.get("version", "").startswith("3.22")
    renderer = root.find("renderer-v2")
    assert renderer is not None
    symbols = _symbols(renderer)
    if renderer.get("type") == "categorizedSymbol":
        classes = {c.get("value"): (c.get("label"), *symbols[c.get("symbol", "")])
                   for c in renderer.iter("category")}
    else:
        classes = {(float(r.get("lower", "")), float(r.get("upper", ""))):
                   (r.get("label"), *symbols[r.get("symbol", "")]) for r in renderer.iter("range")}
    aliases = {a.get("field"): a.get("name") for a in root.iter("alias")}
    return {"type": renderer.get("type"), "attr": renderer.get("attr"), "classes": classes,
            "aliases": aliases, "geometry": root.findtext("layerGeometryType")}


def _check_kans_style(style: dict[str, Any], symbol: str) -> None:
    assert style["type"] == "categorizedSymbol"
    assert style["classes"] == {code: (REGELCODE_LABELS[code], symbol, _rgb(REGELCODE_COLORS[code]))
                                for code in REGELCODES}


def _check_buurt_style(style: dict[str, Any], symbol: str) -> None:
    assert style["type"] == "graduatedSymbol"
    lowers = [0.0] + [upper for upper, _ in SCORE_RAMP[:-1]]
    assert style["classes"] == {
        (lower, upper): (f"{lower:.0f}–{upper:.0f}", symbol, _rgb(color))
        for lower, (upper, color) in zip(lowers, SCORE_RAMP, strict=True)}


CHECKS = {"koppelkansen": _check_kans_style, "buurtscores": _check_buurt_style}


def _gpkg_styles(path: Path) -> dict[str, tuple[str, str, str, int]]:
    """Layer -> (geometry type, geometry column as in the style row, QML, useAsDefault)."""
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = "
                          "'layer_styles'").fetchall() == [("attributes",)]
        rows = db.execute(
            "SELECT s.f_table_name, g.geometry_type_name, s.f_geometry_column, g.column_name, "
            "s.styleQML, s.useAsDefault FROM layer_styles s LEFT JOIN gpkg_geometry_columns g "
            "ON g.table_name = s.f_table_name").fetchall()
        layers = {name for (name,) in db.execute("SELECT table_name FROM gpkg_geometry_columns")}
    assert sorted(row[0] for row in rows) == sorted(layers)
    for name, _, style_column, column, _, _ in rows:
        assert style_column == column, name
    return {row[0]: (row[1], row[2], row[4], row[5]) for row in rows}


def test_geopackage_opens_with_the_maps_style(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "uit.gpkg"
    response = client.get("/api/v1/export?format=gpkg")
    assert response.status_code == 200
    path.write_bytes(response.content)
    styles = _gpkg_styles(path)
    # The demo has an R5 result that is an area: a layer of its own, one geometry type each.
    assert {layer: geometry for layer, (geometry, *_) in styles.items()} == {
        "koppelkansen": "MULTILINESTRING", "koppelkansen_vlak": "MULTIPOLYGON",
        "buurtscores": "MULTIPOLYGON"}
    for layer, (geometry, _, qml, default) in styles.items():
        assert default == 1
        style = _read_qml(qml)
        fields = pyogrio.read_info(path, layer=layer)["fields"]
        assert style["attr"] in fields
        fields_of = LAYER_FIELDS[export_layer(layer)]
        CHECKS[export_layer(layer)](style, SYMBOL_FOR[geometry])
        assert style["aliases"] == {full: label for full, (_, label) in fields_of.items()}
        assert set(style["aliases"]) <= set(fields)


def test_shapefile_zip_has_a_qml_beside_every_shapefile(client: TestClient, tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=shp").content))
    archive.extractall(tmp_path)
    shapefiles = sorted(tmp_path.glob("*.shp"))
    assert {p.stem for p in shapefiles} == {"koppelkansen_lijn", "koppelkansen_vlak",
                                            "buurtscores_vlak"}
    for shp in shapefiles:
        layer = shp.stem.rsplit("_", 1)[0]
        style = _read_qml(shp.with_suffix(".qml").read_text("utf-8"))
        info = pyogrio.read_info(shp)
        # The renderer and aliases name the .dbf's own (shortened) fields.
        assert style["attr"] in info["fields"]
        assert set(style["aliases"]) == set(info["fields"])
        assert style["aliases"] == {short: label for short, label in LAYER_FIELDS[layer].values()}
        CHECKS[layer](style, SYMBOL_FOR[info["geometry_type"]])
        assert style["geometry"] == {"LineString": "1", "Polygon": "2"}[info["geometry_type"]]
