"""OGC API Features (Part 1 Core, Part 2 CRS, Part 3 Filtering) under /ogc/v1, on our own SQL."""
