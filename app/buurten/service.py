"""The buurt ranking and one buurt's score, metrics and counts per rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.analyse.service import latest_run
from app.errors import NotFound, NotReady
from app.geojson import features
from app.kansen.schemas import GEKOPPELD
from geo.dekking import buurt_text
from geo.schema import BUURTSCORE_COLUMNS, NIET_BEOORDEELD_COLUMNS, REGELS

_COLUMNS = ", ".join(f"s.{c}" for c in BUURTSCORE_COLUMNS)
# RULES.md §10: rang counts within a gemeente, so every list of buurtscores is ordered per
# gemeente (by code; buurten without one last, as "Zonder gemeente"), then by rang. The one
# place of this order: the API, the exports and the map use it.
RANKING_ORDER = "gemeentecode ASC NULLS LAST, rang, buurtcode"


def ranking_group(session: Session, score: dict[str, Any]) -> tuple[int, str | None]:
    """How many buurten the buurt of `score` is ranked among (its gemeente, RULES.md §10), and
    the words that say where ("in Ede", "zonder gemeente"), None when the run has one gemeente.
    """
    code = score.get("gemeentecode")
    row = session.execute(text(
        "SELECT count(*) FILTER (WHERE gemeentecode IS NOT DISTINCT FROM :g), "
        "count(DISTINCT coalesce(gemeentecode, '')) FROM buurtscore"), {"g": code}).one()
    total, groups = int(row[0]), int(row[1])
    if groups <= 1:
        return total, None
    if code is None:
        return total, "zonder gemeente"
    return total, f"in {score.get('gemeentenaam') or code}"


def _require_run(session: Session) -> dict[str, Any]:
    run = latest_run(session)
    if run is None:
        raise NotReady(
            "Er is nog geen analyse gedraaid, dus er is geen rangorde. Importeer de lagen en "
            "draai 'koppelkansen analyse'."
        )
    return run


def run_summary(run: dict[str, Any]) -> dict[str, Any]:
    """The run with, per rule, what was not judged and why, also in words (RULES.md §8)."""
    beoordeling = run.get("beoordeling")
    teksten = [t for b in (beoordeling or {}).values() if (t := b.get("tekst"))]
    return {**run, "beoordeling": beoordeling, "niet_beoordeeld": teksten}


def _with_texts(row: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """A buurtscore row with its niet-beoordeeld lines in Dutch."""
    beoordeling = run.get("beoordeling") or {}
    lines = [
        t for regel, column in NIET_BEOORDEELD_COLUMNS.items()
        if (t := buurt_text(regel, float(row.get(column) or 0.0),
                            (beoordeling.get(regel) or {}).get("reden")))
    ]
    return {**row, "niet_beoordeeld": lines}


def _where(session: Session, gemeentecode: str | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause for one gemeente (all buurten when None); NotFound for an unknown one."""
    if gemeentecode is None:
        return "", {}
    code = gemeentecode.strip()
    known = list(session.execute(text(
        "SELECT DISTINCT gemeentecode FROM buurtscore WHERE gemeentecode IS NOT NULL "
        "ORDER BY gemeentecode")).scalars())
    if code not in known:
        raise NotFound(
            f"Gemeente '{code[:20]}' komt niet voor in de laatste analyse. Gebruik een "
            f"gemeentecode uit de rangorde: {', '.join(known[:20]) or 'geen'}"
            f"{' …' if len(known) > 20 else ''}.")
    return " WHERE s.gemeentecode = :gemeentecode", {"gemeentecode": code}


def list_ranking(session: Session, *, gemeentecode: str | None = None,
                 ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The latest run and every buurt's score, per gemeente best first (RANKING_ORDER)."""
    run = _require_run(session)
    where, params = _where(session, gemeentecode)
    rows = session.execute(
        text(f"SELECT {_COLUMNS} FROM buurtscore s{where} ORDER BY {RANKING_ORDER}"), params,
    ).mappings()
    return run_summary(run), [_with_texts(dict(r), run) for r in rows]


def ranking_features(session: Session, *, gemeentecode: str | None = None,
                     ) -> list[dict[str, Any]]:
    """The ranking as GeoJSON features (buurt polygons in WGS84)."""
    _require_run(session)
    where, params = _where(session, gemeentecode)
    return features(
        session,
        f"SELECT {_COLUMNS}, ST_Transform(s.geom, 4326) AS geom FROM buurtscore s{where} "
        f"ORDER BY {RANKING_ORDER}",
        params,
    )


def get_buurt(session: Session, *, buurtcode: str) -> dict[str, Any]:
    """Score, metrics and counts per rule of one buurt, or NotFound."""
    buurt = session.execute(
        text("SELECT buurtcode, buurtnaam, gemeentenaam, inwoners, water, "
             "round((ST_Area(geom) / 10000)::numeric, 2)::float AS oppervlakte_ha "
             "FROM buurt WHERE buurtcode = :code"),
        {"code": buurtcode},
    ).mappings().first()
    if buurt is None:
        raise NotFound(
            f"Buurt '{buurtcode}' bestaat niet in de geladen buurten (CBS-codes zijn 'BU' met "
            "acht cijfers); de lijst staat op /api/v1/buurten."
        )
    run = _require_run(session)
    score = session.execute(
        text(f"SELECT {_COLUMNS} FROM buurtscore s WHERE s.buurtcode = :code"), {"code": buurtcode}
    ).mappings().first()
    counts = dict.fromkeys(REGELS, 0)
    rows = session.execute(
        text("SELECT regel, count(*) FROM koppelkans WHERE buurtcode = :code GROUP BY regel"),
        {"code": buurtcode},
    )
    counts.update({regel: n for regel, n in rows})
    return {
        **dict(buurt),
        "analyse_id": run["id"],
        "peiljaar": run["peiljaar"],
        "score": _with_texts(dict(score), run) if score else None,
        "aantal_per_regel": counts,
        **buurt_besparing(session, buurtcode=buurtcode),
    }


# The savings of `gekoppeld` decisions. A decision keeps the buurt and gemeente its result had
# when it was saved, so its savings still count after a later run no longer has the result.
_SOM = ("coalesce(sum(b.besparing_euro), 0)::float AS besparing_euro, "
        "coalesce(sum(b.bespaarde_dagen), 0)::bigint AS bespaarde_dagen, "
        "count(*)::int AS n_gekoppeld")


def buurt_besparing(session: Session, *, buurtcode: str) -> dict[str, Any]:
    """Sum of the savings recorded with `gekoppeld` decisions in one buurt."""
    row = session.execute(
        text(f"SELECT {_SOM} FROM kans_besluit b WHERE b.status = :status "
             "AND b.buurtcode = :code"),
        {"status": GEKOPPELD, "code": buurtcode}).mappings().one()
    return dict(row)


def gemeente_besparing(session: Session, *, gemeentecode: str) -> dict[str, Any]:
    """Sum of the recorded savings in one gemeente, and per buurt; NotFound for an unknown one."""
    code = gemeentecode.strip()
    naam = session.execute(
        text("SELECT gemeentenaam FROM buurt WHERE gemeentecode = :g "
             "ORDER BY gemeentenaam NULLS LAST LIMIT 1"), {"g": code}).first()
    if naam is None and session.execute(
            text("SELECT 1 FROM kans_besluit WHERE gemeentecode = :g LIMIT 1"),
            {"g": code}).first() is None:
        raise NotFound(f"Gemeente '{code[:20]}' komt niet voor in de geladen buurten. Gebruik "
                       "een CBS-gemeentecode zoals GM0307 (zie /api/v1/buurten).")
    params = {"status": GEKOPPELD, "g": code}
    totaal = session.execute(
        text(f"SELECT {_SOM} FROM kans_besluit b WHERE b.status = :status "
             "AND b.gemeentecode = :g"), params).mappings().one()
    buurten = session.execute(
        text(f"SELECT b.buurtcode, min(bu.buurtnaam) AS buurtnaam, {_SOM} FROM kans_besluit b "
             "LEFT JOIN buurt bu ON bu.buurtcode = b.buurtcode WHERE b.status = :status "
             "AND b.gemeentecode = :g AND b.buurtcode IS NOT NULL GROUP BY b.buurtcode "
             "ORDER BY besparing_euro DESC, bespaarde_dagen DESC, b.buurtcode"),
        params).mappings()
    return {"gemeentecode": code, "gemeentenaam": naam[0] if naam else None, **totaal,
            "buurten": [dict(r) for r in buurten]}
