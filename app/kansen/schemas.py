"""Request and response schemas of the decisions on results."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

BesluitStatus = Literal["open", "in_overleg", "gekoppeld", "afgewezen"]


class BesluitWrite(BaseModel):
    """A team's decision on a koppelkans or knelpunt."""

    status: BesluitStatus = Field(description="open, in_overleg, gekoppeld of afgewezen")
    notitie: str | None = Field(None, max_length=2000, description="Vrije toelichting van het team")


class BesluitRead(BesluitWrite):
    """A stored decision; it stays attached to the kans_id across new analyses."""

    kans_id: str
    updated_at: datetime
