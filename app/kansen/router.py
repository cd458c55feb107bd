"""Routes of the koppelkansen and knelpunten."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from app.auth.deps import EditorDep, ReaderDep
from app.deps import BBoxDep, PageDep, SessionDep, next_link
from app.geojson import feature_collection
from app.kansen import service
from app.kansen.schemas import BesluitRead, BesluitWrite, KansDetail, KansFeatureCollection
from app.kansen.service import KansFilter
from app.openapi import enum_items
from geo.schema import REGELS

router = APIRouter(prefix="/api/v1/koppelkansen", tags=["koppelkansen"], dependencies=[ReaderDep])
GEOJSON = "application/geo+json"


class GeoJSONResponse(JSONResponse):
    """JSON as application/geo+json; documents the routes' typed GeoJSON bodies under that type."""

    media_type = GEOJSON


@router.get("", response_class=GeoJSONResponse, responses={200: {"model": KansFeatureCollection}, 422: {}})
def list_kansen(
    request: Request,
    session: SessionDep,
    bbox: BBoxDep,
    page: PageDep,
    buurt: Annotated[list[str], Query(description="Alleen deze buurtcode(s); herhaal voor meer.")] = [],  # noqa: B006
    regel: Annotated[list[str], Query(description="Alleen deze regel(s): werk_met_werk, vergroenen, "
                                      "boomconflict, leefbaarheid, afkoppelen.",
                                      json_schema_extra=enum_items(REGELS))] = [],  # noqa: B006
    categorie: Annotated[Literal["kans", "knelpunt"] | None, Query(description="kans of knelpunt")] = None,
    actie_nodig: Annotated[bool | None, Query(description="true: alleen wat binnen het signaal valt")] = None,
) -> Any:
    """Koppelkansen en knelpunten van de laatste analyse als GeoJSON (EPSG:4326).

    Elke feature heeft de velden van RULES.md §4 (kans_id, regel, categorie, buurtcode, lengte_m,
    actie_nodig, toelichting) plus de kenmerken van de regel. Gepagineerd met limit/offset;
    `links` bevat een `next` zolang er meer is, `numberMatched` het totaal.
    """
    flt = KansFilter(buurt=buurt, regel=regel, categorie=categorie, actie_nodig=actie_nodig,
                     bbox=bbox)
    feats, total = service.list_kansen(session, flt=flt, page=page)
    body = feature_collection(feats, total=total,
                              links=next_link(request, page, len(feats), total))
    return JSONResponse(body, media_type=GEOJSON)


@router.get("/{kans_id}", response_class=GeoJSONResponse, responses={200: {"model": KansDetail}, 404: {}})
def get_kans(
    session: SessionDep,
    kans_id: str = Path(description="De vaste sleutel van het resultaat (16 tekens)"),
) -> Any:
    """Eén resultaat als GeoJSON-feature met de volledige uitleg onder `uitleg`.

    De uitleg noemt de regel en wat die betekent, de gebruikte parameters, de betrokken objecten
    met hun jaren (warmtenet, riool, bomen) en de gemeten grootheden, zodat een planner het
    resultaat met de hand kan nagaan.
    """
    return JSONResponse(service.get_kans(session, kans_id=kans_id), media_type=GEOJSON)


@router.put("/{kans_id}/besluit", response_model=BesluitRead, dependencies=[EditorDep],
            responses={401: {}, 403: {}, 404: {}, 422: {}})
def put_besluit(
    session: SessionDep,
    besluit: BesluitWrite,
    kans_id: str = Path(description="De vaste sleutel van het resultaat (16 tekens)"),
) -> Any:
    """Leg het besluit van het gebiedsteam over een resultaat vast (status en notitie).

    Het besluit hoort bij de kans_id en blijft staan na een nieuwe analyse met dezelfde invoer;
    het verschijnt dan als `besluit_status` en `besluit_notitie` bij het resultaat. Vraagt een
    API-sleutel met rol `editor` in de header `X-API-Key`.
    """
    return service.save_besluit(session, kans_id=kans_id, status=besluit.status,
                                notitie=besluit.notitie)
