"""Limits of one import, as plain constants.

Kept apart from the importers so that app.config (and so the command line's start-up) can name
them without loading pandas, geopandas or GDAL.
"""

from __future__ import annotations

MAX_UNPACKED_BYTES = 2 * 1024**3  # declared unpacked size of a zip
MAX_FILES = 1000  # entries in a zip or folder
# Unpacked : packed size of one zip entry. Real geodata packs 3-35x (BGT GML, shapefiles);
# a zip bomb of repeated text packs about 1000x. Checked for entries over RATIO_FROM_BYTES.
MAX_RATIO = 200
RATIO_FROM_BYTES = 64 * 1024**2
BATCH_ROWS = 100_000  # features per chunk: bounds the memory of an import
