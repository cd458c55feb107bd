"""Routes of the koppelkansen and knelpunten."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from app.auth.deps import KeyHeader, ReaderDep, require_editor
from app.deps import BBoxDep, PageDep, SessionDep, next_link
from app.geojson import GEOJSON_MEDIA_TYPE, feature_collection
from app.kansen import service
from app.kansen.schemas import (
    BESLUIT_STATUSSEN,
    GEEN_BESLUIT,
    BesluitHistorie,
    BesluitRead,
    BesluitWrite,
    KansDetail,
    KansFeatureCollection,
)
from app.kansen.service import KansFilter, Redacteur
from app.openapi import enum_items
from geo.schema import REGELCODES, REGELS, WERK_SOORTEN

router = APIRouter(prefix="/api/v1/koppelkansen", tags=["koppelkansen"], dependencies=[ReaderDep])
BESLUIT_KEUZES = (*BESLUIT_STATUSSEN, GEEN_BESLUIT)
KANS_PATH = Path(alias="kans", description="De vaste sleutel van het resultaat (kans_id, 16 tekens)")
BESLUIT_QUERY = Query(
    description=f"Alleen resultaten met dit besluit: {', '.join(BESLUIT_STATUSSEN)}, of "
                f"'{GEEN_BESLUIT}' voor nog geen besluit; herhaal voor meer.",
    json_schema_extra=enum_items(BESLUIT_KEUZES))


def editor(session: SessionDep, x_api_key: KeyHeader = None) -> Redacteur:
    """An editor key is required; gives its number and naam, for the history of decisions."""
    require_editor(session, x_api_key)
    return service.editor_of(session, key=x_api_key)


EditorRedacteur = Annotated[Redacteur, Depends(editor)]


class GeoJSONResponse(JSONResponse):
    """JSON as application/geo+json; documents the routes' typed GeoJSON bodies under that type."""

    media_type = GEOJSON_MEDIA_TYPE


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
    actie_nodig: Annotated[bool | None, Query(
        alias="actieNodig", description="true: alleen wat binnen het signaal valt")] = None,
    besluit: Annotated[list[str], BESLUIT_QUERY] = [],  # noqa: B006
    regelcode: Annotated[list[str], Query(
        description="Alleen deze regelcode(s) (R1 en R5 heten allebei werk_met_werk)",
        json_schema_extra=enum_items(REGELCODES))] = [],  # noqa: B006
    partij: Annotated[list[str], Query(
        description="Alleen paren waarvan een van beide werken van deze partij is")] = [],  # noqa: B006
    soort: Annotated[list[str], Query(
        description="Alleen paren waarvan een van beide werken van deze soort is (R1: warmtenet "
                    "en riolering)", json_schema_extra=enum_items(WERK_SOORTEN))] = [],  # noqa: B006
) -> Any:
    """Koppelkansen en knelpunten van de laatste analyse als GeoJSON (EPSG:4326).

    Elke feature heeft de velden van RULES.md §4 (kans_id, regel, categorie, buurtcode, lengte_m,
    actie_nodig, toelichting) plus de kenmerken van de regel en het besluit van het team
    (`besluit_status`, `besluit_notitie`; filter met `besluit`). Gepagineerd met limit/offset;
    `links` bevat een `next` zolang er meer is, `numberMatched` het totaal.
    """
    flt = KansFilter(buurt=buurt, regel=regel, categorie=categorie, actie_nodig=actie_nodig,
                     bbox=bbox, besluit=besluit, regelcode=regelcode, partij=partij, soort=soort)
    feats, total = service.list_kansen(session, flt=flt, page=page)
    body = feature_collection(feats, total=total,
                              links=next_link(request, page, len(feats), total))
    return JSONResponse(body, media_type=GEOJSON_MEDIA_TYPE)


@router.get("/{kans}", response_class=GeoJSONResponse, responses={200: {"model": KansDetail}, 404: {}})
def get_kans(
    session: SessionDep,
    kans_id: str = KANS_PATH,
) -> Any:
    """Eén resultaat als GeoJSON-feature met de volledige uitleg onder `uitleg`.

    De uitleg noemt de regel en wat die betekent, de gebruikte parameters, de betrokken objecten
    met hun jaren (warmtenet, riool, bomen) en de gemeten grootheden, zodat een planner het
    resultaat met de hand kan nagaan.
    """
    return JSONResponse(service.get_kans(session, kans_id=kans_id), media_type=GEOJSON_MEDIA_TYPE)


@router.put("/{kans}/besluit", response_model=BesluitRead,
            responses={401: {}, 403: {}, 404: {}, 422: {}})
def put_besluit(
    session: SessionDep,
    besluit: BesluitWrite,
    door: EditorRedacteur,
    kans_id: str = KANS_PATH,
) -> Any:
    """Leg het besluit van het gebiedsteam over een resultaat vast.

    Status: open, in_overleg, gekoppeld, afgewezen of niet_haalbaar, met een notitie. Bij
    `gekoppeld` kan het team de verwachte besparing vastleggen: `besparing_euro` (euro) en
    `bespaarde_dagen` (dagen dat de straat minder lang open ligt), elk 0 of meer; bij een andere
    status zijn die velden niet toegestaan (422). Elke wijziging blijft bewaard in de historie
    (`GET .../besluiten`) met de naam van de API-sleutel en het tijdstip. Het besluit hoort bij
    de kans_id en blijft staan na een nieuwe analyse; het verschijnt als `besluit_status` en
    `besluit_notitie` bij het resultaat. Vraagt een API-sleutel met rol `editor` in de header
    `X-API-Key`.
    """
    return service.save_besluit(session, kans_id=kans_id, status=besluit.status,
                                notitie=besluit.notitie, besparing_euro=besluit.besparing_euro,
                                bespaarde_dagen=besluit.bespaarde_dagen, door=door)


@router.get("/{kans}/besluiten", response_model=BesluitHistorie, responses={404: {}})
def get_besluiten(
    session: SessionDep,
    kans_id: str = KANS_PATH,
) -> Any:
    """De historie van het besluit over een resultaat, nieuwste eerst.

    Per wijziging: status (met naam), notitie, besparing bij `gekoppeld`, de naam van de
    API-sleutel, het tijdstip en de analyse waarop het besluit genomen is. Werkt ook voor een
    resultaat dat de laatste analyse niet meer heeft: dan is `bestaat` false en zegt `vervallen`
    sinds wanneer ("vervallen na analyse 7"). `statussen` noemt alle keuzes met hun naam. 404
    als er geen besluit is en het resultaat niet bestaat.
    """
    return service.list_besluiten(session, kans_id=kans_id)
