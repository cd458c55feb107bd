"""Routes of what changed: per run, and per saved area as Atom feed and CSV."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from app.auth.deps import EditorDep, ReaderDep
from app.deps import SessionDep
from app.geojson import GEOJSON_MEDIA_TYPE
from app.verschil import gebieden, service
from app.verschil.feed import atom_feed, changes_csv

router = APIRouter(prefix="/api/v1", tags=["verschil"])

RUN_ID = Path(alias="analyse", description="Nummer van de analyse", ge=1, le=2**31 - 1)
GEBIED_ID = Path(alias="gebied", description="Nummer van het gebied", ge=1, le=2**31 - 1)


class GebiedWrite(BaseModel):
    """A saved area: buurten, or a drawn polygon in WGS84."""

    naam: str = Field(min_length=1, max_length=200, examples=["Lindewaarde-Noord"])
    buurtcodes: list[str] | None = Field(
        None, max_length=5000, description="Buurten uit de geladen buurtlaag",
        examples=[["BU99990001", "BU99990002"]])
    geometrie: dict[str, Any] | None = Field(
        None, description="Of: een getekend gebied, GeoJSON Polygon of MultiPolygon in WGS84")


class GebiedRead(BaseModel):
    """A saved area and where its changes can be followed."""

    id: int
    naam: str
    buurtcodes: list[str] | None
    getekend: bool = Field(description="Het gebied is een getekende polygoon")
    feed: str = Field(description="Atom-feed met de veranderingen per analyse")
    csv: str = Field(description="Dezelfde veranderingen als CSV")


def _read(request: Request, row: dict[str, Any]) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/") + f"/api/v1/gebieden/{row['id']}"
    return {**row, "feed": f"{base}/feed.atom", "csv": f"{base}/verschil.csv"}


@router.get("/analyses/{analyse}/verschil", dependencies=[ReaderDep],
            responses={200: {"content": {GEOJSON_MEDIA_TYPE: {}}}, 404: {}, 422: {}})
def get_verschil(
    session: SessionDep,
    run_id: int = RUN_ID,
    verandering: Annotated[list[str], Query(
        description="nieuw, vervallen of gewijzigd (herhaalbaar)")] = [],  # noqa: B006
    buurt: Annotated[list[str], Query(
        description="Alleen deze buurtcodes (herhaalbaar)")] = [],  # noqa: B006
) -> Any:
    """Wat is er veranderd in deze analyse ten opzichte van de vorige, per kans_id.

    `nieuw`: het resultaat is er nu wel en was er eerst niet; `vervallen`: het was er en is
    er niet meer (met de gegevens van de vorige analyse); `gewijzigd`: ligging, jaren of actie
    nodig zijn anders (`wat` zegt welke). Een GeoJSON FeatureCollection in WGS84 met de
    aantallen per soort verandering. De eerste analyse heeft niets om mee te vergelijken.
    """
    body = service.run_verschil(session, run_id=run_id, verandering=verandering, buurt=buurt)
    return Response(content=_json(body), media_type=GEOJSON_MEDIA_TYPE)


def _json(body: Any) -> bytes:
    return json.dumps(jsonable_encoder(body), ensure_ascii=False).encode("utf-8")


@router.post("/gebieden", status_code=201, response_model=GebiedRead, dependencies=[EditorDep],
             responses={401: {}, 403: {}, 422: {}})
def post_gebied(request: Request, session: SessionDep, gebied: GebiedWrite) -> Any:
    """Bewaar een gebied om te volgen: buurten of een getekende polygoon.

    Het antwoord geeft de adressen van de Atom-feed (voor Outlook of een Teams-connector) en
    van de CSV met de veranderingen in het gebied. Vraagt een sleutel met rol `editor`.
    """
    row = gebieden.create_gebied(session, naam=gebied.naam, buurtcodes=gebied.buurtcodes,
                                 geometrie=gebied.geometrie)
    return _read(request, row)


@router.get("/gebieden", response_model=list[GebiedRead], dependencies=[ReaderDep])
def get_gebieden(request: Request, session: SessionDep) -> Any:
    """Alle bewaarde gebieden met hun feed en CSV."""
    return [_read(request, row) for row in gebieden.list_gebieden(session)]


@router.delete("/gebieden/{gebied}", status_code=204, dependencies=[EditorDep],
               responses={401: {}, 403: {}, 404: {}})
def delete_gebied(session: SessionDep, gebied_id: int = GEBIED_ID) -> Response:
    """Verwijder een bewaard gebied; de feed stopt."""
    gebieden.delete_gebied(session, gebied_id)
    return Response(status_code=204)


@router.get("/gebieden/{gebied}/feed.atom", dependencies=[ReaderDep],
            responses={200: {"content": {"application/atom+xml": {}}}, 404: {}})
def gebied_feed(request: Request, session: SessionDep, gebied_id: int = GEBIED_ID) -> Response:
    """De veranderingen in het gebied als Atom-feed: één bericht per analyse met veranderingen.

    Te abonneren in Outlook (RSS-feeds) of met een Teams-connector, zodat een team op tijd
    hoort dat een partij haar plan verschoof.
    """
    gebied, rows = gebieden.gebied_changes(session, gebied_id)
    kaart = str(request.base_url).rstrip("/") + "/kaart"
    body = atom_feed(gebied, rows, self_url=str(request.url), kaart_url=kaart)
    return Response(content=body, media_type="application/atom+xml; charset=utf-8")


@router.get("/gebieden/{gebied}/verschil.csv", dependencies=[ReaderDep],
            responses={200: {"content": {"text/csv": {}}}, 404: {}})
def gebied_csv(session: SessionDep, gebied_id: int = GEBIED_ID) -> Response:
    """De veranderingen in het gebied als CSV (UTF-8 met BOM, ';'), nieuwste analyse eerst."""
    gebied, rows = gebieden.gebied_changes(session, gebied_id)
    return Response(content=changes_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="veranderingen_gebied_{gebied["id"]}.csv"'})
