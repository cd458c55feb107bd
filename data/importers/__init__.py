"""File → canonical GeoDataFrame import (no database): read, map, validate, normalise."""

from data.importers.core import read_layer
from data.importers.errors import ImportRefused
from data.importers.report import ImportReport

__all__ = ["ImportRefused", "ImportReport", "read_layer"]
