"""The attributes of every result that the map's filters read, without geometry.

The page counts per buurt and per regelcode what its filters let through (ranking, legend,
"N resultaten"); these few columns are all it needs, so the count never waits for geometry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# The attributes KK.passes (static/koppelkansen/kaart.js) filters on, plus the buurt; the
# team's decision is not in the tiles, so the page looks it up here by kans_id.
VELDEN: tuple[str, ...] = (
    "kans_id", "buurtcode", "regelcode", "regel", "categorie", "actie_nodig", "jaar",
    "partij_a", "partij_b", "soort_a", "soort_b",
)
_SQL = text(f"SELECT {', '.join('k.' + v for v in VELDEN)}, b.status AS besluit_status "
            "FROM koppelkans k LEFT JOIN kans_besluit b USING (kans_id) ORDER BY k.kans_id")


def result_kenmerken(session: Session) -> dict[str, Any]:
    """{velden, rijen}: one row per result of the latest analysis, in the order of `velden`."""
    rows = [list(r) for r in session.execute(_SQL).all()]
    return {"velden": [*VELDEN, "besluit_status"], "rijen": rows}
