"""Request and response schemas of the decisions on results."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from app.result_schema import result_model
from geo.schema import KANS

BesluitStatus = Literal["open", "in_overleg", "gekoppeld", "afgewezen"]


class BesluitWrite(BaseModel):
    """A team's decision on a koppelkans or knelpunt."""

    status: BesluitStatus = Field(description="open, in_overleg, gekoppeld of afgewezen")
    notitie: str | None = Field(None, max_length=2000, description="Vrije toelichting van het team")


class BesluitRead(BesluitWrite):
    """A stored decision; it stays attached to the kans_id across new analyses."""

    kans_id: str
    updated_at: datetime


if TYPE_CHECKING:
    _KansKolommen = BaseModel
else:
    # One field per koppelkans column declared in geo/schema.py.
    _KansKolommen = result_model("_KansKolommen", "", KANS, __name__)


class KansEigenschappen(_KansKolommen):
    """The properties of a result as a GeoJSON feature: its columns and the team's decision."""

    besluit_status: BesluitStatus | None = Field(None, description="Besluit van het team, of null")
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
