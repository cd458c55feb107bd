"""What changed since the run before, by kans_id (issue 8): new, gone and changed results.

A run records its differences while the previous results are still in place (just before the
swap), so nothing has to be kept of older runs but these rows. A result is `gewijzigd` when its
geometry, one of its years or actie_nodig changed; `wat` says which.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.errors import BadRequest, NotFound

VERANDERINGEN = ("nieuw", "vervallen", "gewijzigd")
VERANDERING_LABELS = {"nieuw": "Nieuw", "vervallen": "Vervallen", "gewijzigd": "Gewijzigd"}
# What of a result counts as a change, in words for people.
WAT_LABELS = {"geometrie": "ligging", "jaren": "jaren", "actie_nodig": "actie nodig"}
_YEARS = ("jaar", "start_jaar", "eind_jaar", "riool_due_jaar", "start_a", "eind_a", "start_b",
          "eind_b")
_COPIED = ("regel", "regelcode", "categorie", "buurtcode", "straatnaam", "jaar", "actie_nodig",
           "toelichting", "geom")


def _row(prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}.{c}" for c in _YEARS) + ")"


_GEOM_CHANGED = "NOT (n.geom = o.geom)"
_YEARS_CHANGED = f"{_row('n')} IS DISTINCT FROM {_row('o')}"
_ACTIE_CHANGED = "n.actie_nodig IS DISTINCT FROM o.actie_nodig"


def record_verschil(conn: Connection, new_table: str, run_id: int) -> int | None:
    """Store how the results in `new_table` differ from the published ones, as run `run_id`.

    Returns the run compared with, or None for the first run (nothing to compare). Must run
    before the new results replace the old ones.
    """
    vorige = conn.execute(text("SELECT max(id) FROM analyse_run WHERE id < :id"),
                          {"id": run_id}).scalar()
    if vorige is None:
        return None
    copied = ", ".join(f"COALESCE(n.{c}, o.{c})" for c in _COPIED)
    conn.execute(text(f"""
        INSERT INTO kans_verschil (run_id, vorige_run_id, kans_id, verandering, wat,
                                   {', '.join(_COPIED)})
        SELECT :run_id, :vorige, COALESCE(n.kans_id, o.kans_id),
               CASE WHEN o.kans_id IS NULL THEN 'nieuw'
                    WHEN n.kans_id IS NULL THEN 'vervallen' ELSE 'gewijzigd' END,
               CASE WHEN n.kans_id IS NULL OR o.kans_id IS NULL THEN ARRAY[]::text[]
                    ELSE array_remove(ARRAY[
                        CASE WHEN {_GEOM_CHANGED} THEN 'geometrie' END,
                        CASE WHEN {_YEARS_CHANGED} THEN 'jaren' END,
                        CASE WHEN {_ACTIE_CHANGED} THEN 'actie_nodig' END], NULL) END,
               {copied}
        FROM {new_table} n FULL JOIN koppelkans o ON o.kans_id = n.kans_id
        WHERE n.kans_id IS NULL OR o.kans_id IS NULL OR {_GEOM_CHANGED} OR {_YEARS_CHANGED}
              OR {_ACTIE_CHANGED}
        ORDER BY 3"""), {"run_id": run_id, "vorige": vorige})
    return int(vorige)


def check_verandering(values: list[str]) -> None:
    """Refuse unknown kinds of change in Dutch."""
    unknown = [v for v in values if v not in VERANDERINGEN]
    if unknown:
        raise BadRequest(f"Onbekende verandering {', '.join(unknown)}. Kies uit: "
                         f"{', '.join(VERANDERINGEN)}.")


def run_verschil(session: Session, *, run_id: int, verandering: list[str],
                 buurt: list[str]) -> dict[str, Any]:
    """The differences of one run with the run before, as GeoJSON features and counts."""
    check_verandering(verandering)
    run = session.execute(text("SELECT id, created_at FROM analyse_run WHERE id = :id"),
                          {"id": run_id}).mappings().first()
    if run is None:
        laatste = session.execute(text("SELECT max(id) FROM analyse_run")).scalar()
        hint = (f"De laatste analyse is {laatste}." if laatste
                else "Er is nog geen analyse gedraaid.")
        raise NotFound(f"Analyse {run_id} bestaat niet. {hint}")
    conditions = ["v.run_id = :run_id"]
    params: dict[str, Any] = {"run_id": run_id}
    if verandering:
        conditions.append("v.verandering = ANY(:verandering)")
        params["verandering"] = verandering
    if buurt:
        conditions.append("v.buurtcode = ANY(:buurt)")
        params["buurt"] = buurt
    where = " AND ".join(conditions)
    feats = list(session.execute(text(
        "SELECT ST_AsGeoJSON(t.*, 'geom', 7)::json FROM (SELECT v.kans_id, v.verandering, "
        "v.wat, v.regel, v.regelcode, v.categorie, v.buurtcode, v.straatnaam, v.jaar, "
        "v.actie_nodig, v.toelichting, ST_Transform(v.geom, 4326) AS geom FROM kans_verschil v "
        f"WHERE {where} ORDER BY v.verandering, v.straatnaam NULLS LAST, v.kans_id) t"),
        params).scalars())
    counts = {k: 0 for k in VERANDERINGEN}
    for feat in feats:
        counts[feat["properties"]["verandering"]] += 1
    vorige = session.execute(text("SELECT max(id) FROM analyse_run WHERE id < :id"),
                             {"id": run_id}).scalar()
    body: dict[str, Any] = {
        "type": "FeatureCollection", "analyse": run_id, "vorige_analyse": vorige,
        "aantallen": counts, "features": feats, "numberReturned": len(feats),
    }
    if vorige is None:
        body["melding"] = (f"Analyse {run_id} is de eerste: er is nog niets om mee te "
                           "vergelijken.")
    return body
