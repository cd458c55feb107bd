"""File → canonical GeoDataFrame import (no database): read, map, validate, normalise."""

from data.importers.core import read_layer
from data.importers.errors import ImportRefused
from data.importers.report import ImportReport
from data.importers.stream import LayerStream, iter_layer

__all__ = ["ImportRefused", "ImportReport", "LayerStream", "iter_layer", "read_layer"]
