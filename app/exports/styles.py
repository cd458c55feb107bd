"""QGIS layer styles (QML) for the exported layers, drawn as the map draws them.

Colours, classes and labels come from frontend/styles.py, the map's own legend. The documents
follow QGIS 3.22 (Debian bookworm), which also newer QGIS versions read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, Literal

from app.exports.fields import LAYER_FIELDS
from frontend.styles import buurt_style, kans_style

SymbolKind = Literal["line", "fill", "marker"]

QGIS_VERSION = "3.22.16-Białowieża"
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
# The map's style of each exported layer.
LAYER_STYLES: dict[str, Callable[[], dict[str, Any]]] = {
    "koppelkansen": kans_style, "buurtscores": buurt_style}
# Leaflet sizes are screen pixels; QGIS calls that unit "Pixel".
_UNIT = "Pixel"
_LEAFLET_WEIGHT = 3  # Leaflet's default stroke weight
_SYMBOL_FOR: dict[str, SymbolKind] = {"POINT": "marker", "LINESTRING": "line", "POLYGON": "fill"}
# QGIS's geometry type of a layer (QgsWkbTypes::GeometryType) drawn with each symbol type.
_GEOMETRY_TYPE: dict[SymbolKind, str] = {"marker": "0", "line": "1", "fill": "2"}


def symbol_kind(geometry_type: str) -> SymbolKind:
    """The QGIS symbol type for a geometry type name (as OGR or GeoPackage spell it)."""
    return _SYMBOL_FOR[geometry_type.upper().replace("MULTI", "")]


def layer_qml(layer: str, kind: SymbolKind, *, shapefile: bool = False) -> str:
    """The QML document styling an exported layer like the map, with Dutch field aliases.

    `shapefile`: the fields have their short (10-character) shapefile names.
    """
    style = LAYER_STYLES[layer]()
    fields = LAYER_FIELDS[layer]
    names = {full: short if shapefile else full for full, (short, _) in fields.items()}
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="AllStyleCategories")
    root.append(_renderer(style, names[style["field"]], kind))
    aliases = ET.SubElement(root, "aliases")
    for full, (_, label) in fields.items():
        ET.SubElement(aliases, "alias", field=names[full], name=label)
    # The geometry type the style is for, as QGIS writes it in a QML of its own.
    ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_TYPE[kind]
    ET.indent(root)
    return _DOCTYPE + ET.tostring(root, encoding="unicode")


def _renderer(style: dict[str, Any], attr: str, kind: SymbolKind) -> ET.Element:
    renderer = ET.Element("renderer-v2", attr=attr, symbollevels="0", forceraster="0",
                          enableorderby="0", referencescale="-1")
    symbols = ET.Element("symbols")
    if style["type"] == "categorical":
        renderer.set("type", "categorizedSymbol")
        items = ET.SubElement(renderer, "categories")
        for i, cls in enumerate(style["classes"]):
            ET.SubElement(items, "category", value=str(cls["value"]), symbol=str(i),
                          label=cls["label"], render="true")
    elif style["type"] == "bins":
        renderer.set("type", "graduatedSymbol")
        renderer.set("graduatedMethod", "GraduatedColor")
        items = ET.SubElement(renderer, "ranges")
        for i, cls in enumerate(style["classes"]):
            ET.SubElement(items, "range", lower=f"{cls['min']:.15f}", upper=f"{cls['max']:.15f}",
                          symbol=str(i), label=cls["label"], render="true")
    else:
        raise ValueError(f"no QGIS renderer for style type {style['type']!r}")
    for i, cls in enumerate(style["classes"]):
        symbols.append(_symbol(str(i), kind, cls, style["path"]))
    renderer.append(symbols)
    if style["type"] == "bins":
        method = ET.SubElement(renderer, "classificationMethod", id="EqualInterval")
        ET.SubElement(method, "symmetricMode", enabled="0", symmetrypoint="0", astride="0")
        ET.SubElement(method, "labelFormat", format="%1 - %2", labelprecision="0",
                      trimtrailingzeroes="1")
    ET.SubElement(renderer, "rotation")
    ET.SubElement(renderer, "sizescale")
    return renderer


def _symbol(name: str, kind: SymbolKind, cls: dict[str, Any],
            path: dict[str, Any]) -> ET.Element:
    """One symbol as the map draws a class: its colour, the layer's stroke and fill."""
    color = cls["color"]
    opacity = path.get("opacity", 1.0)
    stroke = _rgba(path.get("color", color), opacity)
    fill = _rgba(color, path.get("fillOpacity", 1.0))
    weight = float(path.get("weight", _LEAFLET_WEIGHT))
    dash = cls.get("dash")
    options: dict[str, str]
    if kind == "line":
        layer_class = "SimpleLine"
        options = {"line_color": _rgba(color, opacity), "line_style": "solid",
                   "line_width": _number(weight), "line_width_unit": _UNIT,
                   "capstyle": "flat" if path.get("lineCap") == "butt" else "round",
                   "joinstyle": "round", "use_custom_dash": "1" if dash else "0",
                   "customdash": ";".join(dash.split()) if dash else "5;2",
                   "customdash_unit": _UNIT}
    elif kind == "fill":
        layer_class = "SimpleFill"
        options = {"color": fill, "style": "solid", "outline_color": stroke,
                   "outline_style": "dash" if dash else "solid", "outline_width": _number(weight),
                   "outline_width_unit": _UNIT, "joinstyle": "round"}
    else:
        layer_class = "SimpleMarker"
        options = {"name": "circle", "color": fill, "outline_color": stroke,
                   "outline_style": "solid", "outline_width": "1",
                   "outline_width_unit": _UNIT, "size": _number(2 * weight),
                   "size_unit": _UNIT}
    symbol = ET.Element("symbol", type=kind, name=name, alpha="1", clip_to_extent="1",
                        force_rhr="0")
    symbol_layer = ET.SubElement(symbol, "layer", {"class": layer_class, "enabled": "1",
                                                   "locked": "0", "pass": "0"})
    option_map = ET.SubElement(symbol_layer, "Option", type="Map")
    for key, value in options.items():
        ET.SubElement(option_map, "Option", name=key, value=value, type="QString")
    return symbol


def _rgba(hex_color: str, opacity: float) -> str:
    """'#1f4e9e' with an opacity 0–1 as QGIS writes a colour: 'r,g,b,a' (0–255)."""
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{round(opacity * 255)}"


def _number(value: float) -> str:
    return f"{value:g}"
