"""GeoJSON built by PostGIS: features in WGS84 from any select that has a `geom` column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

if TYPE_CHECKING:  # app.deps uses the media type below
    from app.deps import BBox

GEOJSON_MEDIA_TYPE = "application/geo+json"
# GeoJSON's own coordinate reference system: WGS84, longitude before latitude.
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def bbox_condition(column: str = "geom") -> str:
    """SQL condition: column (EPSG:28992) intersects the WGS84 box of bbox_params."""
    return (f"ST_Intersects({column}, "
            "ST_Transform(ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326), 28992))")


def bbox_params(bbox: BBox | None) -> dict[str, float]:
    """Bound values for bbox_condition."""
    if bbox is None:
        return {}
    return {"minx": bbox.minx, "miny": bbox.miny, "maxx": bbox.maxx, "maxy": bbox.maxy}


def features(session: Session, select_sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run a select (EPSG:28992 `geom` column) and return its rows as GeoJSON features in WGS84."""
    rows = session.execute(
        text(f"SELECT ST_AsGeoJSON(t.*, 'geom', 7)::json FROM ({select_sql}) t"), params
    ).scalars()
    return list(rows)


def feature_collection(
    feats: list[dict[str, Any]], *, total: int | None = None, links: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """A FeatureCollection with OGC API counts and links."""
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
    collection["numberReturned"] = len(feats)
    if total is not None:
        collection["numberMatched"] = total
    if links is not None:
        collection["links"] = links
    return collection
