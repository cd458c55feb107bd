"""The progress of the latest analysis, for a planning tool or a map that waits for it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import text

from app.auth.deps import ReaderDep
from app.deps import SessionDep
from app.errors import NotReady

router = APIRouter(prefix="/api/v1/analyse", tags=["analyse"], dependencies=[ReaderDep])


class Voortgang(BaseModel):
    """Where the latest analysis is: per phase how many of its parts are done."""

    id: int
    status: Literal["bezig", "klaar", "mislukt"]
    fase: str = Field(description="voorbereiden, regels per partitie, rangorde per gemeente of "
                                  "klaar")
    klaar: int = Field(description="Delen van deze fase die klaar zijn")
    totaal: int = Field(description="Delen in deze fase (partities, of gemeenten)")
    gestart: datetime
    bijgewerkt: datetime
    run_id: int | None = Field(description="De analyse die het opleverde, als hij klaar is")
    melding: str | None = Field(description="Waarom hij mislukte; de vorige uitkomst staat dan "
                                            "nog")


@router.get("/voortgang", response_model=Voortgang, responses={409: {}})
def voortgang(session: SessionDep) -> Any:
    """Voortgang van de laatst gestarte analyse (`koppelkansen analyse`)."""
    row = session.execute(text(
        "SELECT id, status, fase, klaar, totaal, gestart, bijgewerkt, run_id, melding "
        "FROM analyse_voortgang ORDER BY id DESC LIMIT 1")).mappings().first()
    if row is None:
        raise NotReady("Er is nog geen analyse gestart. Start er een met 'koppelkansen analyse'.")
    return dict(row)
