"""Running an analysis: layers from PostGIS through geo.analyse, results back into PostGIS."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from app.bulk import copy_frame
from app.layers.dekking import layer_dekking
from app.layers.service import imported_ids, read_layers
from geo.analysis import analyse
from geo.params import RuleParams, params_from_dict
from geo.riool import due_years
from geo.rules import latest_cells
from geo.schema import BUURTSCORE_COLUMNS, KANS_COLUMNS

ANALYSE_LOCK = 0x6B6B_616E  # advisory lock key: "kkan"


@dataclass(frozen=True)
class AnalyseSummary:
    """What one run produced, for the CLI and the API."""

    run_id: int
    peiljaar: int
    duur_s: float
    aantallen: dict[str, Any]
    # RULES.md §8 per rule: laag, eenheid, beoordeeld, niet_beoordeeld, reden, per_reden, tekst
    beoordeling: dict[str, dict[str, Any]]

    def niet_beoordeeld_teksten(self) -> list[str]:
        """One Dutch line per rule that left units unjudged."""
        return [t for b in self.beoordeling.values() if (t := b.get("tekst"))]


def run_analysis(
    engine: Engine,
    *,
    params: RuleParams,
    peiljaar: int,
    progress: Callable[[str], None] | None = None,
) -> AnalyseSummary:
    """Analyse all loaded layers and replace the stored results in one transaction."""
    say = progress or (lambda _: None)
    started = time.perf_counter()
    say("lagen lezen uit de database")
    # One snapshot for the layers and the list of imports they came from.
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, \
            conn.begin():
        layers = read_layers(conn)
        import_ids = imported_ids(conn)
        # RULES.md §8: always the real coverage of the loaded imports, never "everywhere".
        dekking = layer_dekking(conn)
    say("regels toepassen (" + ", ".join(f"{len(f)} {k}" for k, f in layers.items()) + ")")
    result = analyse(**layers, dekking=dekking, params=params, peiljaar=peiljaar)
    kansen, scores = result.kansen, result.buurtscores
    # Facts the rules derived, stored once so that no reader restates them (STYLE.md).
    riool_due = pd.DataFrame({"riolering_id": layers["riolering"]["id"].astype(str).to_numpy(),
                              "due_jaar": due_years(layers["riolering"], params).to_numpy()})
    lbm_jaar, _ = latest_cells(layers["leefbaarometer"])
    beoordeling = {regel: b.to_dict() for regel, b in result.beoordeling.items()}
    counts: dict[str, Any] = {
        "per_regel": {str(k): int(v) for k, v in kansen["regel"].value_counts().items()},
        "kansen": int((kansen["categorie"] == "kans").sum()),
        "knelpunten": int((kansen["categorie"] == "knelpunt").sum()),
        "secties": len(result.secties),
        "buurten": len(scores),
        "invoer": {k: len(f) for k, f in layers.items()},
        "niet_beoordeeld": {regel: b["niet_beoordeeld"] for regel, b in beoordeling.items()},
    }
    say("resultaten opslaan")
    with engine.begin() as conn:
        # Runs at the same time take turns here, so the last one's results stand whole.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ANALYSE_LOCK})
        conn.execute(text("DELETE FROM koppelkans"))
        conn.execute(text("DELETE FROM buurtscore"))
        conn.execute(text("DELETE FROM riool_due"))
        run_id = conn.execute(
            text("INSERT INTO analyse_run (peiljaar, parameters, import_ids, aantallen, duur_s, "
                 "beoordeling, lbm_jaar) VALUES (:peiljaar, :parameters, :import_ids, :aantallen, 0, "
                 ":beoordeling, :lbm_jaar) RETURNING id")
            .bindparams(bindparam("parameters", type_=JSONB), bindparam("import_ids", type_=JSONB),
                        bindparam("aantallen", type_=JSONB), bindparam("beoordeling", type_=JSONB)),
            {"peiljaar": peiljaar, "parameters": params.to_dict(),
             "import_ids": import_ids, "aantallen": counts, "beoordeling": beoordeling,
             "lbm_jaar": lbm_jaar},
        ).scalar_one()
        copy_frame(conn, "koppelkans", kansen.assign(run_id=run_id), [*KANS_COLUMNS, "run_id"])
        copy_frame(conn, "buurtscore", scores.assign(run_id=run_id),
                   [*BUURTSCORE_COLUMNS, "run_id"])
        conn.execute(text("INSERT INTO riool_due (riolering_id, due_jaar, run_id) "
                          "SELECT i, d, :run_id FROM unnest(CAST(:ids AS text[]), "
                          "CAST(:dues AS int[])) AS u(i, d)"),
                     {"run_id": run_id, "ids": riool_due["riolering_id"].tolist(),
                      "dues": [None if pd.isna(d) else int(d) for d in riool_due["due_jaar"]]})
        duur = round(time.perf_counter() - started, 2)
        conn.execute(text("UPDATE analyse_run SET duur_s = :d WHERE id = :id"),
                     {"d": duur, "id": run_id})
    return AnalyseSummary(run_id=run_id, peiljaar=peiljaar, duur_s=duur, aantallen=counts,
                          beoordeling=beoordeling)


def latest_run(engine_or_conn: Any) -> dict[str, Any] | None:
    """The latest analysis run as a dict, or None when nothing was analysed yet."""
    row = engine_or_conn.execute(
        text("SELECT id, created_at, peiljaar, parameters, import_ids, aantallen, duur_s, "
             "beoordeling FROM analyse_run ORDER BY id DESC LIMIT 1")
    ).mappings().first()
    return dict(row) if row else None


def current_params(session: Any) -> RuleParams:
    """The rule parameters of the latest analysis, or the defaults before the first one."""
    run = latest_run(session)
    return params_from_dict(run["parameters"]) if run else RuleParams()
