"""Routes of the buurt ranking."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from app.auth.deps import ReaderDep
from app.buurten import service
from app.buurten.schemas import BuurtDetail, BuurtRanking, GemeenteBesparing
from app.deps import SessionDep
from app.geojson import GEOJSON_MEDIA_TYPE, feature_collection

router = APIRouter(prefix="/api/v1/buurten", tags=["buurten"], dependencies=[ReaderDep])
gemeenten_router = APIRouter(prefix="/api/v1/gemeenten", tags=["buurten"],
                             dependencies=[ReaderDep])

BUURTCODE = Path(description="CBS-buurtcode: BU en acht cijfers", examples=["BU03070000"])


@router.get("", response_model=BuurtRanking,
            responses={200: {"content": {GEOJSON_MEDIA_TYPE: {}}}, 404: {}, 409: {}})
def list_buurten(
    session: SessionDep,
    format: Literal["json", "geojson"] = Query(
        "json", description="json: de rangorde; geojson: dezelfde cijfers als FeatureCollection "
        "met de buurtvlakken in WGS84 (voor een kaart)."),
    gemeentecode: str | None = Query(
        None, max_length=64, examples=["GM0307"],
        description="Alleen de buurten van deze gemeente (CBS-gemeentecode). Een code die niet "
        "in de laatste analyse voorkomt: 404 met de bekende codes."),
) -> Any:
    """Rangorde van de buurten uit de laatste analyse, per gemeente, meest kansrijk eerst.

    Elke buurt staat erin, ook buurten met score 0. De score (0–100) is de gewogen som van de
    meters per regel (m_r1..m_r4), elk gedeeld door het maximum binnen de gemeente; de rang telt
    ook binnen de gemeente, dus elke gemeente heeft een rang 1 (RULES.md §5 en §10). Volgorde:
    op gemeentecode (buurten zonder gemeentecode als laatste, samen gerangschikt), dan op rang.
    Zonder analyse: 409 met uitleg.
    """
    if format == "geojson":
        return JSONResponse(
            feature_collection(service.ranking_features(session, gemeentecode=gemeentecode)),
            media_type=GEOJSON_MEDIA_TYPE)
    run, rows = service.list_ranking(session, gemeentecode=gemeentecode)
    return {"analyse": run, "buurten": rows}


@router.get("/{buurtcode}", response_model=BuurtDetail, responses={404: {}, 409: {}})
def get_buurt(session: SessionDep, buurtcode: str = BUURTCODE) -> Any:
    """Score, metrics en aantal resultaten per regel van één buurt; 404 bij een onbekende buurt.

    Met de besparing die de teams vastlegden bij besluit `gekoppeld`: `besparing_euro`,
    `bespaarde_dagen` en `n_gekoppeld` (ook van resultaten die een latere analyse niet meer
    heeft).
    """
    return service.get_buurt(session, buurtcode=buurtcode)


@gemeenten_router.get("/{gemeentecode}/besparing", response_model=GemeenteBesparing,
                      responses={404: {}})
def get_gemeente_besparing(
    session: SessionDep,
    gemeentecode: str = Path(max_length=64, description="CBS-gemeentecode", examples=["GM0307"]),
) -> Any:
    """De besparing die de teams vastlegden bij besluit `gekoppeld`, in één gemeente.

    Som van `besparing_euro` (euro) en `bespaarde_dagen` (dagen dat de straat minder lang open
    ligt) en het aantal resultaten met besluit gekoppeld, voor de gemeente en per buurt (grootste
    besparing eerst). Een besluit telt mee bij de buurt en gemeente van zijn resultaat op het
    moment van het besluit, ook als een latere analyse het resultaat niet meer heeft. 404 bij
    een onbekende gemeente.
    """
    return service.gemeente_besparing(session, gemeentecode=gemeentecode)
