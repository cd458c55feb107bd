"""Request and response schemas of the decisions on results."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, Field

from app.result_schema import result_model
from geo.schema import KANS

# The statuses of a team's decision, declared once: the API, the filters, the exports and the
# map's panel (which reads them from /besluiten) take them from here.
BesluitStatus = Literal["open", "in_overleg", "gekoppeld", "afgewezen", "niet_haalbaar"]
BESLUIT_STATUSSEN: tuple[str, ...] = get_args(BesluitStatus)
BESLUIT_LABELS: dict[str, str] = {
    "open": "Open",
    "in_overleg": "In overleg",
    "gekoppeld": "Gekoppeld",
    "afgewezen": "Afgewezen",
    "niet_haalbaar": "Niet haalbaar",
}
if tuple(BESLUIT_LABELS) != BESLUIT_STATUSSEN:
    raise RuntimeError("BESLUIT_LABELS moet elke besluitstatus één keer noemen, op volgorde")
# Only this status records savings (besparing_euro, bespaarde_dagen).
GEKOPPELD = "gekoppeld"
# The filter value for results without any decision yet.
GEEN_BESLUIT = "geen"
# Upper bounds of a recorded saving (the columns hold up to 10^12 euro).
MAX_BESPARING_EURO = 10_000_000_000
MAX_BESPAARDE_DAGEN = 100_000
STATUS_TEKST = ", ".join(BESLUIT_STATUSSEN[:-1]) + " of " + BESLUIT_STATUSSEN[-1]


class BesluitWrite(BaseModel):
    """A team's decision on a koppelkans or knelpunt."""

    status: BesluitStatus = Field(description=STATUS_TEKST)
    notitie: str | None = Field(None, max_length=2000, description="Vrije toelichting van het team")
    # The bounds are checked by the service (app.kansen.service.check_besparing), with a Dutch
    # message; here they are documented.
    besparing_euro: float | None = Field(
        None, allow_inf_nan=False,
        json_schema_extra={"minimum": 0, "maximum": MAX_BESPARING_EURO},
        description="Alleen bij gekoppeld: verwachte besparing in euro door het koppelen")
    bespaarde_dagen: int | None = Field(
        None, json_schema_extra={"minimum": 0, "maximum": MAX_BESPAARDE_DAGEN},
        description="Alleen bij gekoppeld: dagen dat de straat minder lang open ligt")


class BesluitRead(BesluitWrite):
    """A stored decision; it stays attached to the kans_id across new analyses."""

    kans_id: str
    updated_at: datetime
    door: str | None = Field(None, description="Naam van de API-sleutel waarmee het is vastgelegd")
    analyse_id: int | None = Field(None, description="De analyse waarop het besluit is genomen")


class BesluitWijziging(BaseModel):
    """One change in the history of a decision."""

    status: BesluitStatus
    status_label: str = Field(description="De status in woorden")
    notitie: str | None
    besparing_euro: float | None
    bespaarde_dagen: int | None
    door: str | None = Field(description="Naam van de API-sleutel; null bij besluiten van vóór "
                                         "de historie")
    tijdstip: datetime
    analyse_id: int | None = Field(description="De analyse waarop het besluit is genomen")


class StatusKeuze(BaseModel):
    """One status a team can choose, with its Dutch label."""

    status: BesluitStatus
    label: str


class BesluitHistorie(BaseModel):
    """Every decision on one kans_id, newest first, and whether the result still exists."""

    kans_id: str
    bestaat: bool = Field(description="true als de laatste analyse dit resultaat nog heeft")
    vervallen_na_analyse: int | None = Field(
        description="De eerste analyse zonder dit resultaat (null zolang het bestaat, of als "
                    "dat niet bekend is)")
    vervallen: str | None = Field(
        description="Bv. 'vervallen na analyse 7'; null zolang het resultaat bestaat")
    besluiten: list[BesluitWijziging]
    statussen: list[StatusKeuze] = Field(description="Alle statussen met hun naam, op volgorde")


if TYPE_CHECKING:
    _KansKolommen = BaseModel
else:
    # One field per koppelkans column declared in geo/schema.py.
    _KansKolommen = result_model("_KansKolommen", "", KANS, __name__)


class KansEigenschappen(_KansKolommen):
    """The properties of a result as a GeoJSON feature: its columns and the team's decision."""

    besluit_status: BesluitStatus | None = Field(
        None, description=f"Besluit van het team ({STATUS_TEKST}), of null")
    besluit_notitie: str | None = Field(None, description="Toelichting van het team bij het besluit")


class KansFeature(BaseModel):
    """A result as a GeoJSON feature (EPSG:4326)."""

    type: Literal["Feature"]
    geometry: dict[str, Any] = Field(description="Lijn of multilijn in WGS84")
    properties: KansEigenschappen


class KansDetail(KansFeature):
    """A result with its full explanation: rule, parameters, sources, measured quantities."""

    uitleg: dict[str, Any] = Field(description="Waarom dit resultaat gevonden is")


class KansFeatureCollection(BaseModel):
    """One page of results as a GeoJSON FeatureCollection with OGC API counts and links."""

    type: Literal["FeatureCollection"]
    features: list[KansFeature]
    numberReturned: int  # OGC API names
    numberMatched: int
    links: list[dict[str, str]]
