"""Response schemas of the buurt ranking."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class BuurtScoreRead(BaseModel):
    """One buurt's place in the ranking and the metrics behind its score (RULES.md §5)."""

    buurtcode: str = Field(examples=["BU03070000"])
    buurtnaam: str | None
    score: float = Field(description="0–100; gewogen som van m_r1..m_r4, elk gedeeld door het maximum")
    rang: int = Field(description="1 = hoogste score; gelijke scores op buurtcode")
    m_r1: float = Field(description="Meters werk met werk (unie van R1-geometrieën in de buurt)")
    m_r2: float = Field(description="Meters vergroenen")
    m_r3: float = Field(description="Meters leefbaarheid")
    m_r4: float = Field(description="Meters afkoppelen")
    n_knelpunt: int = Field(description="Aantal boomconflicten met deze buurtcode")
    laag_aandeel: float = Field(description="Deel van de buurt met Leefbaarometer-klasse ≤ klasse_max")
    riool_onbekend: int = Field(description="Leidingen zonder aanlegjaar en vervangingsjaar")
    n_kansen: int = Field(description="Aantal resultaten (kansen en knelpunten) in de buurt")


class AnalyseRunRead(BaseModel):
    """The analysis run the figures come from."""

    id: int
    created_at: datetime
    peiljaar: int
    duur_s: float


class BuurtRanking(BaseModel):
    """All buurten, best first."""

    analyse: AnalyseRunRead
    buurten: list[BuurtScoreRead]


class BuurtDetail(BaseModel):
    """One buurt: its data, score and metrics, and results per rule."""

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
