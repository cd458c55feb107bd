"""Routes of the source layers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from app.db import SessionDep
from app.deps import BBoxDep, PageDep, next_link
from app.geojson import feature_collection
from app.layers.query import layer_page

router = APIRouter(prefix="/api/v1/lagen", tags=["lagen"])


@router.get("/{laag}", responses={200: {"content": {"application/geo+json": {}}}, 422: {}})
def get_layer(
    request: Request,
    session: SessionDep,
    bbox: BBoxDep,
    page: PageDep,
    laag: str = Path(description="buurt, warmtenet, riolering, groen, boom of leefbaarometer"),
) -> Any:
    """Een bronlaag als GeoJSON (EPSG:4326), binnen een bbox in WGS84, gepagineerd.

    `limit` mag tot 100 000. Riolering heeft ook `riool_due_jaar`: het jaar waarin de leiding
    aan vervanging toe is (vervangingsjaar, anders aanlegjaar plus levensduur van het materiaal).
    """
    feats, total = layer_page(session, laag=laag, bbox=bbox, page=page)
    body = feature_collection(feats, total=total,
                              links=next_link(request, page, len(feats), total))
    return JSONResponse(body, media_type="application/geo+json")
