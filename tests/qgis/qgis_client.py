"""QGIS as a client: open layers the way a GIS colleague would, and report what QGIS sees.

Run by Debian's Python (python3-qgis, QGIS 3.22) without a screen, never by the project's venv:
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_client.py < requests.json > answers.json
Each request is {"name", "provider": "OAPIF"|"ogr"|"vectortile", "uri", optional "subset"
(a QGIS expression), "key" (the attribute that names a feature), "attributes" (to report),
"extent": [west, south, east, north] to draw a vector tile layer}; each answer holds what
QGIS made of it: validity, CRS, fields, features (geometry as WKT), the renderer of the layer's
default style, or for a vector tile layer how many pixels it painted.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def renderer(layer: QgsVectorLayer) -> dict[str, Any]:
    """The type of the layer's renderer and, for a categorised one, its categories."""
    current = layer.renderer()
    if current is None:
        return {"type": None}
    answer: dict[str, Any] = {"type": current.type()}
    if current.type() == "categorizedSymbol":
        answer["attribute"] = current.classAttribute()
        answer["categories"] = [
            {"value": c.value(), "label": c.label(), "color": c.symbol().color().name()}
            for c in current.categories()]
    if current.type() == "graduatedSymbol":
        answer["attribute"] = current.classAttribute()
        answer["ranges"] = [
            {"lower": r.lowerValue(), "upper": r.upperValue(), "label": r.label(),
             "color": r.symbol().color().name()} for r in current.ranges()]
    return answer


def vector_layer(request: dict[str, Any]) -> dict[str, Any]:
    layer = QgsVectorLayer(request["uri"], request["name"], request["provider"])
    if not layer.isValid():
        # No layer.error() here: after an HTTP error QGIS 3.22 crashes reading it.
        return {"valid": False}
    if request.get("subset") and not layer.setSubsetString(request["subset"]):
        return {"valid": True, "error": f"subset refused: {request['subset']}"}
    key = request.get("key")
    wanted = request.get("attributes", [])
    features = []
    for feature in layer.getFeatures():
        item = {name: _plain(feature[name]) for name in wanted}
        if key:
            item["key"] = _plain(feature[key])
        item["wkt"] = feature.geometry().asWkt(3)
        features.append(item)
    fields = layer.fields()
    return {
        "valid": True,
        "crs": layer.crs().authid(),
        "fields": [field.name() for field in fields],
        "aliases": {field.name(): field.alias() for field in fields if field.alias()},
        "features": features,
        "renderer": renderer(layer),
    }


def vector_tile(request: dict[str, Any]) -> dict[str, Any]:
    """A vector tile layer (an XYZ URL template) drawn by QGIS over `extent` (lon/lat box).

    QGIS 3.22's Python has no tile decoder; what it fetched shows in the pixels it painted.
    """
    layer = QgsVectorTileLayer(f"type=xyz&url={request['uri']}&zmin={request.get('zmin', 0)}"
                               f"&zmax={request.get('zmax', 22)}", request["name"])
    if not layer.isValid():
        return {"valid": False}
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    to_mercator = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), mercator,
                                         QgsProject.instance())
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(mercator)
    settings.setExtent(to_mercator.transformBoundingBox(QgsRectangle(*request["extent"])))
    settings.setOutputSize(QSize(512, 512))
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    painted = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
                  if QColor.fromRgba(image.pixel(x, y)).alpha() > 0)
    return {"valid": True, "painted": painted, "min_zoom": layer.sourceMinZoom(),
            "max_zoom": layer.sourceMaxZoom()}


def _plain(value: Any) -> Any:
    """A QVariant as JSON: NULL as None, everything else as Python gives it."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def main() -> None:
    requests = json.load(sys.stdin)
    app = QgsApplication([], False)
    app.initQgis()
    answers = {}
    for request in requests:
        handler = vector_tile if request["provider"] == "vectortile" else vector_layer
        answers[request["name"]] = handler(request)
    sys.stdout.write(json.dumps(answers))
    sys.stdout.flush()
    # Exiting QGIS with layers alive can crash (QGIS 3.22): the answers are out, leave at once.
    os._exit(0)


if __name__ == "__main__":
    main()
