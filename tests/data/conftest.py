"""Helpers for the importer tests: tiny generated files (`realdata` comes from tests/conftest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_geojson(path: Path, features: list[dict[str, Any]], crs: str | None = None) -> Path:
    """A FeatureCollection, with an old-style `crs` member when `crs` is given."""
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def feature(geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    """One GeoJSON feature."""
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def line(*coords: tuple[float, float]) -> dict[str, Any]:
    """A GeoJSON LineString."""
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def square(x: float, y: float, size: float = 10.0) -> dict[str, Any]:
    """A GeoJSON Polygon: axis-parallel square with lower-left corner (x, y)."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}
