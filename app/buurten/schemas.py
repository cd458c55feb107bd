"""Response schemas of the buurt ranking."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from app.result_schema import result_model
from geo.schema import BUURTSCORE

_SCORE_DOC = "One buurt's place in the ranking and the metrics behind its score (RULES.md §5)."

if TYPE_CHECKING:
    class BuurtScoreRead(BaseModel):
        """One buurt's place in the ranking (fields: geo.schema.BUURTSCORE)."""
else:
    # One field per buurtscore column declared in geo/schema.py.
    BuurtScoreRead = result_model("BuurtScoreRead", _SCORE_DOC, BUURTSCORE, __name__)


class RegelBeoordeling(BaseModel):
    """What one rule judged in the run, and what it did not and why (RULES.md §8)."""

    laag: str = Field(description="De contextlaag die de regel nodig heeft")
    eenheid: str = Field(description="secties of leidingen")
    beoordeeld: int
    niet_beoordeeld: int
    reden: str | None = Field(description="laag leeg, buiten dekking, of null als alles beoordeeld is")
    per_reden: dict[str, int]
    tekst: str | None


class AnalyseRunRead(BaseModel):
    """The analysis run the figures come from."""

    id: int
    created_at: datetime
    peiljaar: int
    duur_s: float
    beoordeling: dict[str, RegelBeoordeling] | None = Field(
        None, description="Per regel die een contextlaag nodig heeft: eenheden beoordeeld en "
                          "niet beoordeeld, met de reden (RULES.md §8)")
    niet_beoordeeld: list[str] = Field(
        default_factory=list,
        description="In woorden, bv. 'Vergroenen: 39 secties niet beoordeeld: geen groenlaag "
                    "geladen'")


class BuurtRanking(BaseModel):
    """All buurten, best first."""

    analyse: AnalyseRunRead
    buurten: list[BuurtScoreRead]


class Besparing(BaseModel):
    """The savings the teams recorded with `gekoppeld` decisions in one area.

    A decision counts for the buurt and gemeente its result had when it was saved, also when a
    later run no longer has the result.
    """

    besparing_euro: float = Field(description="Som van de verwachte besparing in euro, bij "
                                              "besluit gekoppeld")
    bespaarde_dagen: int = Field(description="Som van de dagen dat de straat minder lang open "
                                             "ligt, bij besluit gekoppeld")
    n_gekoppeld: int = Field(description="Aantal resultaten met besluit gekoppeld")


class BuurtDetail(Besparing):
    """One buurt: its data, score and metrics, results per rule, and the recorded savings."""

    buurtcode: str
    buurtnaam: str | None
    gemeentenaam: str | None
    inwoners: int | None
    water: bool | None
    oppervlakte_ha: float
    analyse_id: int
    peiljaar: int
    score: BuurtScoreRead | None
    aantal_per_regel: dict[str, int] = Field(description="Aantal resultaten per regel")


class BuurtBesparing(Besparing):
    """The recorded savings in one buurt."""

    buurtcode: str
    buurtnaam: str | None


class GemeenteBesparing(Besparing):
    """The recorded savings in one gemeente, and per buurt with at least one `gekoppeld`."""

    gemeentecode: str
    gemeentenaam: str | None
    buurten: list[BuurtBesparing] = Field(description="Per buurt, grootste besparing eerst")
