"""`analyse --gewijzigd`: recompute only the partitions that imports since the latest run
touched, with results equal to a whole run.

Choices kept here (one place):
- What an import touched is the box around what it added (its features, found by import_id)
  and around what it removed (import_run.verwijderd_gebied). The imports a run has seen are
  every import_run in its snapshot (not "ids up to the highest": an import still running
  when the snapshot was taken commits later with a lower id).
- A partition is recomputed when it is new, or when a touched box meets its read box now or
  then, or the area it read context from then (analyse_partitie). Every feature a partition's
  results depend on lies in those, so the others' stored results still hold.
- Where a layer's dekking changed, the box around the difference counts as touched.
- Anything else the whole run shares — parameters, peiljaar, partitioning, empty layers,
  Leefbaarometer year — must be unchanged (`grondslag`); otherwise the run is whole.
- The ranking per gemeente is always recomputed: it is cheap and reads every partition.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

import shapely

from geo.dekking import Dekking
from geo.params import RuleParams
from geo.partition import Box, Partitie, intersect
from geo.schema import LAYERS


def grondslag(*, params: RuleParams, peiljaar: int, plan: dict[str, Any],
              laag_leeg: dict[str, bool], lbm_jaar: int | None) -> str:
    """A fingerprint of what a run shares over all its partitions (but the dekking)."""
    return hashlib.sha256(json.dumps(
        {"params": params.to_dict(), "peiljaar": peiljaar, "plan": plan,
         "laag_leeg": laag_leeg, "lbm_jaar": lbm_jaar}, sort_keys=True).encode()).hexdigest()


def store_dekking(conn: Connection, run_id: int, dekking: Dekking) -> None:
    """Keep the dekking a run used, to see later where it changed."""
    conn.execute(text("DELETE FROM analyse_dekking"))
    for laag, area in sorted(dekking.items()):
        conn.execute(text("INSERT INTO analyse_dekking (laag, run_id, geom) VALUES "
                          "(:laag, :run_id, ST_GeomFromWKB(CAST(:wkb AS bytea), 28992))"),
                     {"laag": laag, "run_id": run_id,
                      "wkb": None if area is None else shapely.to_wkb(area)})


def _dekking_changes(conn: Connection, dekking: Dekking) -> list[Box] | None:
    """Boxes around where each layer's dekking differs from the latest run's; None when the
    latest run kept no dekking."""
    rows = conn.execute(text("SELECT laag, ST_AsBinary(geom) AS wkb FROM analyse_dekking")).all()
    if not rows:
        return None
    before = {r.laag: None if r.wkb is None else shapely.from_wkb(bytes(r.wkb)) for r in rows}
    boxes: list[Box] = []
    for laag in sorted(set(before) | set(dekking)):
        old, new = before.get(laag), dekking.get(laag)
        if old is None and new is None:
            continue
        if old is None or new is None:
            diff = old if new is None else new
        elif shapely.equals_exact(old, new, 0.0):
            continue
        else:
            diff = shapely.symmetric_difference(old, new)
        if diff is not None and not diff.is_empty:
            boxes.append(tuple(float(v) for v in diff.bounds))  # type: ignore[arg-type]
    return boxes


@dataclass
class Keuze:
    """Which partitions a run of changed partitions computes, and which it keeps."""

    opnieuw: list[Partitie]
    bewaard: list[dict[str, Any]] = field(default_factory=list)
    tekst: str = ""


def _touched(conn: Connection, seen: list[int]) -> list[Box]:
    """Boxes around what the imports not `seen` by the latest run added and removed."""
    parts = [f"SELECT ST_Extent(geom) AS b FROM {laag} WHERE import_id <> ALL(:seen)"
             for laag in LAYERS]
    parts.append("SELECT ST_Extent(verwijderd_gebied) AS b FROM import_run "
                 "WHERE id <> ALL(:seen)")
    rows = conn.execute(text(
        "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM ("
        + " UNION ALL ".join(parts) + ") u WHERE b IS NOT NULL"), {"seen": seen}).all()
    return [tuple(float(v) for v in row) for row in rows]  # type: ignore[misc]


def _meets(box: Any, touched: list[Box]) -> bool:
    return box is not None and any(intersect(tuple(box), t) is not None for t in touched)


def choose_partities(conn: Connection, partities: list[Partitie], facts: dict[str, Any],
                     dekking: Dekking) -> Keuze:
    """Split the planned partitions into those to compute and those whose stored results hold
    (with their stored counts, as the rules phase would return them)."""
    run = conn.execute(text("SELECT grondslag, imports_gezien FROM analyse_run "
                            "ORDER BY id DESC LIMIT 1")).first()
    if run is None:
        return Keuze(partities, tekst="Volledige analyse: er is nog geen eerdere analyse.")
    if run.grondslag != facts["grondslag"] or run.imports_gezien is None:
        return Keuze(partities, tekst=(
            "Volledige analyse: sinds de vorige analyse zijn de parameters, het peiljaar, de "
            "tegelgrootte, het Leefbaarometerjaar of de lege lagen veranderd."))
    changed = _dekking_changes(conn, dekking)
    if changed is None:
        return Keuze(partities, tekst="Volledige analyse: de vorige analyse bewaarde geen dekking.")
    touched = _touched(conn, [int(i) for i in run.imports_gezien]) + changed
    stored = {r.sleutel: r for r in conn.execute(text(
        "SELECT sleutel, gemeentecode, aantallen, ST_XMin(leesgebied) AS x0, "
        "ST_YMin(leesgebied) AS y0, ST_XMax(leesgebied) AS x1, ST_YMax(leesgebied) AS y1 "
        "FROM analyse_partitie"))}
    keuze = Keuze([])
    for p in partities:
        old = stored.get(p.key)
        lees = None if old is None or old.x0 is None else (old.x0, old.y0, old.x1, old.y1)
        if (old is None or _meets(p.box, touched) or _meets(old.aantallen.get("box"), touched)
                or _meets(lees, touched)):
            keuze.opnieuw.append(p)
        else:
            keuze.bewaard.append({"sleutel": p.key, "gemeentecode": old.gemeentecode,
                                  "leesgebied": lees, **old.aantallen})
    keuze.tekst = (f"Alleen gewijzigde delen: {len(keuze.opnieuw)} van {len(partities)} "
                   "partities opnieuw berekend, de andere ongewijzigd overgenomen.")
    return keuze
