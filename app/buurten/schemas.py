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
    nb_r2_m: float = Field(0.0, description="Meters secties niet beoordeeld voor vergroenen "
                           "(buiten de dekking van de groenlaag, of geen groenlaag)")
    nb_r2b_m: float = Field(0.0, description="Meters secties niet beoordeeld voor boomconflict")
    nb_r3_m: float = Field(0.0, description="Meters secties niet beoordeeld voor leefbaarheid")
    nb_r4_m: float = Field(0.0, description="Meters leidingen niet beoordeeld voor afkoppelen")
    niet_beoordeeld: list[str] = Field(
        default_factory=list,
        description="Per regel in woorden wat in deze buurt niet beoordeeld is en waarom "
                    "(RULES.md §8), bv. 'Vergroenen: 350 m niet beoordeeld (geen groenlaag "
                    "geladen)'")


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
