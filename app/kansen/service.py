"""Reading koppelkansen and knelpunten with their explanations."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.analyse.facts import pair_conditions
from app.analyse.service import latest_run
from app.auth.service import hash_key
from app.deps import BBox, Page
from app.errors import BadRequest, NotFound
from app.geojson import bbox_condition, bbox_params, features
from app.kansen.schemas import (
    BESLUIT_LABELS,
    BESLUIT_STATUSSEN,
    GEEN_BESLUIT,
    GEKOPPELD,
    MAX_BESPAARDE_DAGEN,
    MAX_BESPARING_EURO,
)
from geo.regels import KLASSE_NAMEN, PARAMETER_LABELS, REGEL_INFO
from geo.schema import KANS_COLUMNS, REGELCODES, REGELS, WERK_SOORTEN

_SELECT = (
    "SELECT " + ", ".join(f"k.{c}" for c in KANS_COLUMNS)
    + ", b.status AS besluit_status, b.notitie AS besluit_notitie, "
    "ST_Transform(k.geom, 4326) AS geom "
    "FROM koppelkans k LEFT JOIN kans_besluit b USING (kans_id)"
)


@dataclass(frozen=True)
class KansFilter:
    """Which results: the filters of the results list and of the map (its tiles and clicks).

    An empty filter lets everything through.
    """

    buurt: Sequence[str] = ()
    regel: Sequence[str] = ()
    categorie: str | None = None
    actie_nodig: bool | None = None
    bbox: BBox | None = None
    # The year of a result (koppelkans.jaar, stored once by geo.results.finish_kansen).
    jaar_van: int | None = None
    jaar_tot: int | None = None
    # Decision statuses (BESLUIT_STATUSSEN) and/or GEEN_BESLUIT; needs kans_besluit joined.
    besluit: Sequence[str] = ()
    # RULES.md §9: rule codes (R1 and R5 share a regel), and the party or kind of either work
    # of a pair (R1 counts as warmtenet × riolering).
    regelcode: Sequence[str] = ()
    partij: Sequence[str] = ()
    soort: Sequence[str] = ()


def check_filter(flt: KansFilter) -> None:
    """Refuse unknown rules and decision statuses with a Dutch message (the router checks the
    category)."""
    unknown = [r for r in flt.regel if r not in REGELS]
    if unknown:
        raise BadRequest(f"Onbekende regel {', '.join(unknown)}. Kies uit: {', '.join(REGELS)}.")
    codes = [c for c in flt.regelcode if c not in REGELCODES]
    if codes:
        raise BadRequest(f"Onbekende regelcode {', '.join(repr(c[:8]) for c in codes)}. Kies "
                         f"uit: {', '.join(REGELCODES)}.")
    soorten = [s for s in flt.soort if s not in WERK_SOORTEN]
    if soorten:
        raise BadRequest(f"Onbekende soort {', '.join(repr(s[:40]) for s in soorten)}. Kies "
                         f"uit: {', '.join(WERK_SOORTEN)}.")
    check_besluit_filter(flt.besluit)


def check_besluit_filter(besluit: Sequence[str]) -> None:
    """Refuse a decision filter value that is no status and not `geen`, in Dutch."""
    keuzes = (*BESLUIT_STATUSSEN, GEEN_BESLUIT)
    unknown = [b for b in besluit if b not in keuzes]
    if unknown:
        raise BadRequest(
            f"Onbekend besluit {', '.join(repr(b[:40]) for b in unknown)}. Kies uit: "
            f"{', '.join(keuzes)} ('{GEEN_BESLUIT}' = nog geen besluit).")


def besluit_condition(besluit: Sequence[str], alias: str = "b") -> tuple[str, dict[str, Any]]:
    """SQL condition on the decision joined as `alias` (LEFT JOIN kans_besluit), or ('', {})."""
    if not besluit:
        return "", {}
    statussen = [b for b in besluit if b != GEEN_BESLUIT]
    parts = [f"{alias}.status = ANY(:besluit_statussen)"] if statussen else []
    if GEEN_BESLUIT in besluit:
        parts.append(f"{alias}.kans_id IS NULL")
    return "(" + " OR ".join(parts) + ")", {"besluit_statussen": statussen}


def kans_conditions(flt: KansFilter, alias: str = "k",
                    besluit_alias: str = "b") -> tuple[str, dict[str, Any]]:
    """SQL conditions on the results `alias` (each starting with AND) and their bound values.

    Refuses unknown values in Dutch first. A decision filter needs kans_besluit LEFT JOINed as
    `besluit_alias`.
    """
    check_filter(flt)
    conditions, params = pair_conditions(alias, regelcode=flt.regelcode, partij=flt.partij,
                                         soort=flt.soort)
    equal: list[tuple[str, str, Any]] = [
        ("buurtcode = ANY(:buurten)", "buurten", list(flt.buurt) or None),
        ("regel = ANY(:regels)", "regels", list(flt.regel) or None),
        ("categorie = :categorie", "categorie", flt.categorie),
        ("actie_nodig = :actie_nodig", "actie_nodig", flt.actie_nodig),
        ("jaar >= :jaar_van", "jaar_van", flt.jaar_van),
        ("jaar <= :jaar_tot", "jaar_tot", flt.jaar_tot),
    ]
    for condition, name, value in equal:
        if value is not None and value != "":
            conditions += f" AND {alias}.{condition}"
            params[name] = value
    if flt.bbox:
        conditions += " AND " + bbox_condition(f"{alias}.geom")
        params.update(bbox_params(flt.bbox))
    if flt.besluit:
        condition, values = besluit_condition(flt.besluit, besluit_alias)
        conditions += f" AND {condition}"
        params.update(values)
    return conditions, params


def list_kansen(session: Session, *, flt: KansFilter, page: Page) -> tuple[list[dict[str, Any]], int]:
    """One page of results as GeoJSON features, and how many match in total."""
    conditions, params = kans_conditions(flt)
    where = " WHERE " + conditions.removeprefix(" AND ") if conditions else ""
    join = " LEFT JOIN kans_besluit b USING (kans_id)" if flt.besluit else ""
    total = session.execute(text(f"SELECT count(*) FROM koppelkans k{join}{where}"),
                            params).scalar_one()
    select = (f"{_SELECT}{where} ORDER BY k.regel, k.kans_id LIMIT :limit OFFSET :offset")
    feats = features(session, select, {**params, "limit": page.limit, "offset": page.offset})
    return feats, total


def get_kans(session: Session, *, kans_id: str) -> dict[str, Any]:
    """One result as a GeoJSON feature with its full explanation under `uitleg`."""
    found = features(session, f"{_SELECT} WHERE k.kans_id = :kans_id", {"kans_id": kans_id})
    if not found:
        raise NotFound(
            f"Koppelkans '{kans_id}' bestaat niet (meer). Na een nieuwe analyse met andere "
            "invoer kan een resultaat verdwijnen; vraag de lijst op via /api/v1/koppelkansen."
        )
    feature = found[0]
    feature["uitleg"] = explain(session, feature["properties"])
    return feature


def explain(
    session: Session, props: dict[str, Any], *, run: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Why a result was found: rule, parameters, features involved, measured quantities.

    Pass the latest run when explaining many results, so it is looked up once.
    """
    info = REGEL_INFO[props["regel"]]
    run = run if run is not None else (latest_run(session) or {})
    used = run.get("parameters", {})
    parameters = [
        {"naam": name, "omschrijving": PARAMETER_LABELS[name], "waarde": used.get(name)}
        for name in info.parameters
    ]
    metingen = {
        key: props[key]
        for key in ("lengte_m", "gedeelde_lengte_m", "afstand_m", "groen_aandeel", "aantal_bomen",
                    "laagste_klasse", "zwakste_dimensie", "jaarverschil", "riool_due_jaar")
        if props.get(key) is not None
    }
    if props.get("laagste_klasse") is not None:
        metingen["laagste_klasse_naam"] = KLASSE_NAMEN.get(int(props["laagste_klasse"]))
    return {
        "regel": info.regel,
        "regel_naam": info.naam,
        "categorie": info.categorie,
        "betekenis": info.betekenis,
        "toelichting": props["toelichting"],
        "koppeling": props.get("koppeling"),
        "peiljaar": run.get("peiljaar"),
        "analyse_id": run.get("id"),
        "parameters": parameters,
        "metingen": metingen,
        "bronnen": _sources(session, props),
    }


def _sources(session: Session, props: dict[str, Any]) -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = []
    if props.get("warmtenet_id"):
        row = session.execute(
            text("SELECT id, naam, status, start_jaar, eind_jaar, "
                 "round(ST_Length(geom)::numeric, 1)::float AS lengte_m FROM warmtenet "
                 "WHERE id = :id"),
            {"id": props["warmtenet_id"]},
        ).mappings().first()
        if row:
            sources.append({"laag": "warmtenet", "sectie_id": props.get("sectie_id"), **row})
    if props.get("riool_id"):
        row = session.execute(
            text("SELECT id, stelseltype, materiaal, diameter_mm, aanlegjaar, vervangingsjaar, "
                 "round(ST_Length(geom)::numeric, 1)::float AS lengte_m FROM riolering "
                 "WHERE id = :id"),
            {"id": props["riool_id"]},
        ).mappings().first()
        if row:
            sources.append({"laag": "riolering", "riool_due_jaar": props.get("riool_due_jaar"),
                            **row})
    if props.get("boom_ids"):
        ids = props["boom_ids"].split(",")
        rows = session.execute(
            text("SELECT id, soort FROM boom WHERE id = ANY(:ids) ORDER BY id"), {"ids": ids}
        ).mappings()
        sources.extend({"laag": "boom", **r} for r in rows)
    return sources


@dataclass(frozen=True)
class Redacteur:
    """Who saves a decision: the editor key's number and naam (table api_key)."""

    api_key_id: int | None
    naam: str | None


def editor_of(session: Session, *, key: str | None) -> Redacteur:
    """The number and naam of a valid presented key (both None without one)."""
    if not key:
        return Redacteur(api_key_id=None, naam=None)
    row = session.execute(
        text("SELECT id, naam FROM api_key WHERE key_hash = :hash AND revoked_at IS NULL"),
        {"hash": hash_key(key)},
    ).first()
    return Redacteur(api_key_id=None, naam=None) if row is None else Redacteur(
        api_key_id=int(row[0]), naam=str(row[1]))


def check_besparing(status: str, besparing_euro: float | None,
                    bespaarde_dagen: int | None) -> None:
    """Savings only with `gekoppeld`, and never below zero; a Dutch message otherwise."""
    if status not in BESLUIT_STATUSSEN:
        raise BadRequest(f"Onbekende status '{status[:40]}'. Kies uit: "
                         f"{', '.join(BESLUIT_STATUSSEN)}.")
    given = besparing_euro is not None or bespaarde_dagen is not None
    if given and status != GEKOPPELD:
        raise BadRequest(
            f"Een besparing (besparing_euro, bespaarde_dagen) hoort alleen bij status "
            f"'{GEKOPPELD}'. Laat die velden leeg bij status '{status}'.")
    for name, value, top in (("besparing_euro", besparing_euro, MAX_BESPARING_EURO),
                             ("bespaarde_dagen", bespaarde_dagen, MAX_BESPAARDE_DAGEN)):
        if value is None:
            continue
        if not math.isfinite(value) or value < 0:
            raise BadRequest(f"'{name}' kan niet negatief zijn: vul 0 of meer in.")
        if value > top:
            hoogstens = f"{top:_}".replace("_", ".")  # 10.000.000.000, as Dutch readers write it
            raise BadRequest(f"'{name}' is te groot: vul hoogstens {hoogstens} in.")


def save_besluit(
    session: Session,
    *,
    kans_id: str,
    status: str,
    notitie: str | None,
    besparing_euro: float | None = None,
    bespaarde_dagen: int | None = None,
    door: Redacteur | None = None,
) -> dict[str, Any]:
    """Store a decision on a result and keep it in the history (who, when, what).

    The decision is kept across re-runs because kans_id is stable; it remembers the run it was
    made against and the result's buurt and gemeente, so its savings still count per area
    when a later run no longer has the result.
    """
    check_besparing(status, besparing_euro, bespaarde_dagen)
    kans = session.execute(
        text("SELECT k.buurtcode, k.run_id, bu.gemeentecode FROM koppelkans k "
             "LEFT JOIN buurt bu ON bu.buurtcode = k.buurtcode WHERE k.kans_id = :id"),
        {"id": kans_id}).mappings().first()
    if kans is None:
        raise NotFound(f"Koppelkans '{kans_id}' bestaat niet; een besluit kan alleen op een "
                       "bestaand resultaat.")
    door = door or Redacteur(api_key_id=None, naam=None)
    values = {"id": kans_id, "status": status, "notitie": notitie, "euro": besparing_euro,
              "dagen": bespaarde_dagen, "door": door.naam, "key_id": door.api_key_id,
              "buurtcode": kans["buurtcode"], "gemeentecode": kans["gemeentecode"],
              "run_id": kans["run_id"]}
    row = session.execute(
        text("INSERT INTO kans_besluit (kans_id, status, notitie, besparing_euro, "
             "bespaarde_dagen, door, buurtcode, gemeentecode, run_id) "
             "VALUES (:id, :status, :notitie, :euro, :dagen, :door, :buurtcode, :gemeentecode, "
             ":run_id) "
             "ON CONFLICT (kans_id) DO UPDATE SET status = EXCLUDED.status, "
             "notitie = EXCLUDED.notitie, besparing_euro = EXCLUDED.besparing_euro, "
             "bespaarde_dagen = EXCLUDED.bespaarde_dagen, door = EXCLUDED.door, "
             "buurtcode = EXCLUDED.buurtcode, gemeentecode = EXCLUDED.gemeentecode, "
             "run_id = EXCLUDED.run_id, "
             "updated_at = now() "
             "RETURNING kans_id, status, notitie, besparing_euro::float AS besparing_euro, "
             "bespaarde_dagen, door, run_id AS analyse_id, updated_at"),
        values,
    ).mappings().one()
    session.execute(
        text("INSERT INTO kans_besluit_historie (kans_id, status, notitie, besparing_euro, "
             "bespaarde_dagen, door, api_key_id, run_id) VALUES (:id, :status, :notitie, "
             ":euro, :dagen, :door, :key_id, :run_id)"),
        values)
    session.commit()
    return dict(row)


def vervallen_tekst(analyse_id: int | None) -> str:
    """How the history says that a result is gone: 'vervallen na analyse 7'."""
    return "vervallen" if analyse_id is None else f"vervallen na analyse {analyse_id}"


def list_besluiten(session: Session, *, kans_id: str) -> dict[str, Any]:
    """Every decision on kans_id, newest first, and whether the latest run still has it.

    A result gone from the latest run is "vervallen" since the latest run that recorded it as
    gone (kans_verschil, app.verschil); when it comes back, it is no longer vervallen.
    """
    state = session.execute(
        text("SELECT EXISTS (SELECT 1 FROM koppelkans k WHERE k.kans_id = :id) AS bestaat, "
             "(SELECT max(v.run_id) FROM kans_verschil v WHERE v.kans_id = :id "
             "AND v.verandering = 'vervallen') AS vervallen_na"),
        {"id": kans_id}).mappings().one()
    rows = session.execute(
        text("SELECT status, notitie, besparing_euro::float AS besparing_euro, bespaarde_dagen, "
             "door, created_at AS tijdstip, run_id AS analyse_id FROM kans_besluit_historie "
             "WHERE kans_id = :id ORDER BY id DESC"),
        {"id": kans_id}).mappings().all()
    bestaat = bool(state["bestaat"])
    if not rows and not bestaat:
        raise NotFound(f"Over koppelkans '{kans_id}' is geen besluit vastgelegd, en de laatste "
                       "analyse kent dit resultaat niet. Vraag de lijst op via "
                       "/api/v1/koppelkansen.")
    na = None if bestaat else state["vervallen_na"]
    return {
        "kans_id": kans_id,
        "bestaat": bestaat,
        "vervallen_na_analyse": na,
        "vervallen": None if bestaat else vervallen_tekst(na),
        "besluiten": [{**r, "status_label": BESLUIT_LABELS.get(r["status"], r["status"])}
                      for r in rows],
        "statussen": [{"status": s, "label": BESLUIT_LABELS[s]} for s in BESLUIT_STATUSSEN],
    }
