"""Running an analysis: per partition from PostGIS through geo, results back into PostGIS.

A run reads every layer in one exported snapshot, computes the rules per partition
(geo.partition) and then the ranking per gemeente (RULES.md §10), each part as a task that
reads only its area and COPYs into the run's staging tables (app.analyse.partities). The staged
results replace the stored ones in one transaction at the end, so readers see the previous run
whole until then. Tasks run here one by one, or on Dask (app.analyse.werkers).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

import shapely

from app.analyse.gewijzigd import choose_partities, grondslag, store_dekking
from app.analyse.partities import Opdracht, ranking_task, rules_task
from app.analyse.staging import Staging
from app.analyse.werkers import Mapper, uitvoerder
from app.layers.dekking import layer_dekking
from app.layers.service import imported_ids
from app.verschil.service import record_verschil
from geo.dekking import (
    BUITEN_DEKKING,
    CONTEXT_LAYERS,
    LAAG_LEEG,
    RULE_DEKKING,
    Beoordeling,
    Dekking,
)
from geo.params import RuleParams, params_from_dict
from geo.partition import DEFAULT_TEGEL_M, Partitie, plan_partities, split_busy, tiles_of_boxes
from geo.ranking import gemeente_groups
from geo.schema import LAYERS
from geo.sections import WERK_STATUSES

ANALYSE_LOCK = 0x6B6B_616E  # advisory lock key: "kkan"
# (phase, done, total) of long work, for a progress bar.
Stap = Callable[[str, int, int], None]


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
    stap: Stap | None = None,
    werkers: int = 0,
    scheduler: str | None = None,
    tegel_m: float | None = DEFAULT_TEGEL_M,
    per_gemeente: bool = True,
    gewijzigd: bool = False,
) -> AnalyseSummary:
    """Analyse all loaded layers and replace the stored results in one transaction.

    `werkers` 0 runs every part here, one by one; more starts a local Dask cluster with that
    many processes; `scheduler` uses an existing Dask cluster instead. `tegel_m` and
    `per_gemeente` choose the partitions (geo.partition); the results do not depend on them.
    `gewijzigd` recomputes only the partitions that imports since the latest run touched
    (app.analyse.gewijzigd), with the same results as a whole run.
    """
    say = progress or (lambda _: None)
    started = time.perf_counter()
    if scheduler is not None and engine.url.host in (None, "localhost", "127.0.0.1", "::1"):
        say("Let op: de werkers van het Dask-cluster lezen de database op dit adres "
            f"({engine.url.host or 'socket'}); staan ze op een andere machine, geef dan in "
            "DATABASE_URL een adres dat zij ook bereiken.")
    with engine.begin() as conn:
        voortgang_id = conn.execute(text(
            "INSERT INTO analyse_voortgang (status, fase) VALUES ('bezig', 'voorbereiden') "
            "RETURNING id")).scalar_one()
    staging = Staging(voortgang_id)
    tracker = _Voortgang(engine, voortgang_id, stap)
    try:
        with engine.begin() as conn:
            staging.create(conn)
        # Workers start first: they import the engine while this process plans the run.
        with uitvoerder(werkers, scheduler) as run_tasks:
            say("lagen lezen uit de database")
            done = _compute(engine, run_tasks, staging, tracker, say, params=params,
                            peiljaar=peiljaar, tegel_m=tegel_m, per_gemeente=per_gemeente,
                            gewijzigd=gewijzigd)
        say("resultaten opslaan")
        summary = _publish(engine, staging, done, params=params, peiljaar=peiljaar,
                           started=started)
    except BaseException as exc:
        with engine.begin() as conn:
            staging.drop(conn)
            conn.execute(text("UPDATE analyse_voortgang SET status = 'mislukt', melding = :m, "
                              "bijgewerkt = now() WHERE id = :id"),
                         {"m": str(exc)[:500] or type(exc).__name__, "id": voortgang_id})
        raise
    return summary


@dataclass(frozen=True)
class _Gerekend:
    """What both phases left for publishing, besides the staged rows."""

    delen: list[dict[str, Any]]        # per partition: counts and areas (analyse_partitie)
    beoordeling: dict[str, Beoordeling]
    facts: dict[str, Any]
    dekking: Dekking
    berekend: int                      # partitions computed; the others were kept


def _compute(engine: Engine, run_tasks: Mapper, staging: Staging, tracker: _Voortgang,
             say: Callable[[str], None], *, params: RuleParams, peiljaar: int,
             tegel_m: float | None, per_gemeente: bool, gewijzigd: bool) -> _Gerekend:
    """Both phases into staging, every task in one snapshot held open until the last has read."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as snap, \
            snap.begin():
        snapshot = snap.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        # RULES.md §8: always the real coverage of the loaded imports, never "everywhere".
        dekking = layer_dekking(snap)
        facts = _run_facts(snap, params=params, peiljaar=peiljaar,
                           plan={"tegel_m": tegel_m, "per_gemeente": per_gemeente})
        partities, groepen = _plan(snap, tegel_m, per_gemeente, params)
        kept: list[dict[str, Any]] = []
        if gewijzigd:
            keuze = choose_partities(snap, partities, facts, dekking)
            say(keuze.tekst)
            partities, kept = keuze.opnieuw, keuze.bewaard
            with engine.begin() as conn:
                staging.keep(conn, [d["sleutel"] for d in kept])
        opdracht = Opdracht(
            database_url=engine.url.render_as_string(hide_password=False),
            snapshot=snapshot, staging=staging, params=params, peiljaar=peiljaar,
            lbm_jaar=facts["lbm_jaar"], laag_leeg=facts["laag_leeg"], dekking=dekking,
            werk_geladen=facts["invoer"]["werk"] > 0)
        say(f"regels toepassen in {len(partities)} partitie(s) "
            "(" + ", ".join(f"{n} {k}" for k, n in facts["invoer"].items()) + ")")
        delen = kept + tracker.follow("regels per partitie", len(partities),
                                      run_tasks(rules_task, opdracht, partities))
        beoordeling = _beoordeling(delen, facts["laag_leeg"])
        with engine.begin() as conn:
            staging.index(conn)
        redenen = {regel: b.reden for regel, b in beoordeling.items()}
        say(f"buurten rangschikken in {len(groepen)} gemeente(n)")
        tracker.follow("rangorde per gemeente", len(groepen),
                       run_tasks(ranking_task, opdracht, groepen, redenen))
    return _Gerekend(delen, beoordeling, facts, dekking, berekend=len(partities))


class _Voortgang:
    """Progress of a run: to the caller's bar, and in its record at most once a second."""

    def __init__(self, engine: Engine, voortgang_id: int, stap: Stap | None) -> None:
        self.engine, self.id, self.stap = engine, voortgang_id, stap

    def _record(self, fase: str, klaar: int, totaal: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("UPDATE analyse_voortgang SET fase = :f, klaar = :k, totaal = :t, "
                              "bijgewerkt = now() WHERE id = :id"),
                         {"f": fase, "k": klaar, "t": totaal, "id": self.id})

    def follow(self, fase: str, totaal: int, results: Any) -> list[Any]:
        """Collect the results of one phase while reporting each one done."""
        self._record(fase, 0, totaal)
        if self.stap:
            self.stap(fase, 0, totaal)
        out, last = [], time.monotonic()
        for result in results:
            out.append(result)
            if self.stap:
                self.stap(fase, len(out), totaal)
            if time.monotonic() - last >= 1.0:
                self._record(fase, len(out), totaal)
                last = time.monotonic()
        self._record(fase, len(out), totaal)
        return out


def _run_facts(conn: Connection, *, params: RuleParams, peiljaar: int,
               plan: dict[str, Any]) -> dict[str, Any]:
    """What the whole run shares: imports, input counts, empty layers, the Leefbaarometer year,
    and (in `grondslag`) everything a run of changed partitions must find unchanged."""
    invoer = {laag: int(conn.execute(text(f"SELECT count(*) FROM {laag}")).scalar_one())
              for laag in LAYERS}
    laag_leeg = {laag: invoer[laag] == 0 for laag in CONTEXT_LAYERS}
    # geo.rules.latest_cells over the whole layer: every stored cell has a geometry.
    lbm_jaar = conn.execute(text("SELECT max(jaar) FROM leefbaarometer")).scalar()
    return {
        "import_ids": imported_ids(conn),
        "invoer": invoer,
        "laag_leeg": laag_leeg,
        "lbm_jaar": lbm_jaar,
        "imports_gezien": list(conn.execute(text("SELECT id FROM import_run ORDER BY id"))
                               .scalars()),
        "grondslag": grondslag(params=params, peiljaar=peiljaar, plan=plan,
                               laag_leeg=laag_leeg, lbm_jaar=lbm_jaar),
    }


def _plan(conn: Connection, tegel_m: float | None, per_gemeente: bool,
          params: RuleParams) -> tuple[list[Partitie], list[list[str]]]:
    """The partitions of the rules phase, and the buurtcodes of each gemeente to rank.

    The units are heat works, pipes and the works of other parties that take part (§9).
    """
    statuses = ", ".join(f"'{s}'" for s in WERK_STATUSES)
    # Four arrays in one row: a row object per unit would cost more than the query.
    columns = conn.execute(text(
        "SELECT array_agg(ST_XMin(geom)), array_agg(ST_YMin(geom)), array_agg(ST_XMax(geom)), "
        f"array_agg(ST_YMax(geom)) FROM (SELECT geom FROM warmtenet WHERE status IN ({statuses}) "
        "UNION ALL SELECT geom FROM riolering "
        "UNION ALL SELECT geom FROM werk WHERE status = ANY(:werk_status)) u"),
        {"werk_status": list(params.werk_status)}).one()
    bounds = np.column_stack([np.asarray(c or [], dtype=float) for c in columns]).reshape(-1, 4)
    buurten = pd.DataFrame(conn.execute(text(
        "SELECT buurtcode, gemeentecode, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, "
        'ST_XMax(geom) AS x1, ST_YMax(geom) AS y1 FROM buurt ORDER BY buurtcode COLLATE "C"'
    )).mappings().all(), columns=["buurtcode", "gemeentecode", "x0", "y0", "x1", "y1"])
    groep = gemeente_groups(buurten)
    groepen = [list(codes) for _, codes in buurten.groupby(groep, sort=True)["buurtcode"]]
    if len(bounds) == 0:
        return [], groepen
    extent = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
    gemeenten = None
    if per_gemeente:
        boxes = buurten[groep != ""].groupby(groep[groep != ""]).agg(
            x0=("x0", "min"), y0=("y0", "min"), x1=("x1", "max"), y1=("y1", "max"))
        gemeenten = {str(code): (r.x0, r.y0, r.x1, r.y1) for code, r in boxes.iterrows()}
    centres = (bounds[:, :2] + bounds[:, 2:]) / 2
    tiles = split_busy(tiles_of_boxes(bounds, tegel_m), tegel_m, centres)
    return plan_partities(tiles, tegel_m, extent, gemeenten), groepen


def _beoordeling(delen: list[dict[str, Any]], laag_leeg: dict[str, bool]) -> dict[str, Beoordeling]:
    """RULES.md §8 for the whole run: the partitions' counts added up, and the reason."""
    out: dict[str, Beoordeling] = {}
    for regel, info in RULE_DEKKING.items():
        ja = sum(d["beoordeling"].get(regel, [0, 0])[0] for d in delen)
        nee = sum(d["beoordeling"].get(regel, [0, 0])[1] for d in delen)
        reden = (LAAG_LEEG if laag_leeg[info.laag] else BUITEN_DEKKING) if nee else None
        out[regel] = Beoordeling(regel=regel, beoordeeld=ja, niet_beoordeeld=nee, reden=reden,
                                 niet_beoordeeld_geoms=np.zeros(0, dtype=object))
    return out


def _publish(engine: Engine, staging: Staging, done: _Gerekend, *, params: RuleParams,
             peiljaar: int, started: float) -> AnalyseSummary:
    """Swap the staged results in as a new run, in one transaction."""
    delen, facts = done.delen, done.facts
    record = {regel: b.to_dict() for regel, b in done.beoordeling.items()}
    with engine.begin() as conn:
        # Runs at the same time take turns here, so the last one's results stand whole.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ANALYSE_LOCK})
        per_regel: dict[str, int] = {str(r): int(n) for r, n in conn.execute(text(
            f"SELECT regel, count(*) FROM {staging.kans} GROUP BY regel ORDER BY regel"))}
        # R1 and R5 share the regel werk_met_werk; per regelcode they are apart.
        per_code: dict[str, int] = {str(r): int(n) for r, n in conn.execute(text(
            f"SELECT regelcode, count(*) FROM {staging.kans} GROUP BY regelcode "
            "ORDER BY regelcode"))}
        categorie: dict[str, int] = {str(c): int(n) for c, n in conn.execute(text(
            f"SELECT categorie, count(*) FROM {staging.kans} GROUP BY categorie"))}
        counts: dict[str, Any] = {
            "per_regel": per_regel,
            "per_regelcode": per_code,
            "kansen": int(categorie.get("kans", 0)),
            "knelpunten": int(categorie.get("knelpunt", 0)),
            "secties": sum(d["secties"] for d in delen),
            "buurten": int(conn.execute(text(f"SELECT count(*) FROM {staging.score}"))
                           .scalar_one()),
            "invoer": facts["invoer"],
            "niet_beoordeeld": {regel: b["niet_beoordeeld"] for regel, b in record.items()},
            "partities": len(delen),
            # Partitions computed in this run; the others were kept (--gewijzigd).
            "partities_berekend": done.berekend,
        }
        run_id = conn.execute(
            text("INSERT INTO analyse_run (peiljaar, parameters, import_ids, aantallen, duur_s, "
                 "beoordeling, lbm_jaar, grondslag, imports_gezien) VALUES (:peiljaar, "
                 ":parameters, :import_ids, :aantallen, 0, :beoordeling, :lbm_jaar, :grondslag, "
                 ":gezien) RETURNING id")
            .bindparams(*(bindparam(name, type_=JSONB) for name in (
                "parameters", "import_ids", "aantallen", "beoordeling", "gezien"))),
            {"peiljaar": peiljaar, "parameters": params.to_dict(),
             "import_ids": facts["import_ids"], "aantallen": counts, "beoordeling": record,
             "lbm_jaar": facts["lbm_jaar"], "grondslag": facts["grondslag"],
             "gezien": facts["imports_gezien"]},
        ).scalar_one()
        # What changed since the run before, while its results are still in place (issue 8).
        record_verschil(conn, staging.kans, run_id)
        staging.publish(conn, run_id)
        store_dekking(conn, run_id, done.dekking)
        conn.execute(text("DELETE FROM analyse_partitie"))
        conn.execute(
            text("INSERT INTO analyse_partitie (sleutel, run_id, gemeentecode, leesgebied, "
                 "aantallen) SELECT s, :run_id, g, ST_GeomFromWKB(w, 28992), CAST(a AS jsonb) "
                 "FROM unnest(CAST(:s AS text[]), CAST(:g AS text[]), CAST(:w AS bytea[]), "
                 "CAST(:a AS text[])) AS u(s, g, w, a)"),
            {"run_id": run_id, "s": [d["sleutel"] for d in delen],
             "g": [d["gemeentecode"] for d in delen],
             "w": [None if d["leesgebied"] is None
                   else shapely.to_wkb(shapely.box(*d["leesgebied"])) for d in delen],
             "a": [json.dumps({k: d[k] for k in ("secties", "kansen", "beoordeling", "box")})
                   for d in delen]})
        duur = round(time.perf_counter() - started, 2)
        conn.execute(text("UPDATE analyse_run SET duur_s = :d WHERE id = :id"),
                     {"d": duur, "id": run_id})
        conn.execute(text("UPDATE analyse_voortgang SET status = 'klaar', fase = 'klaar', "
                          "run_id = :run_id, bijgewerkt = now() WHERE id = :id"),
                     {"run_id": run_id, "id": staging.voortgang_id})
        staging.drop(conn)
    return AnalyseSummary(run_id=run_id, peiljaar=peiljaar, duur_s=duur, aantallen=counts,
                          beoordeling=record)


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
