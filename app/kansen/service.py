"""Reading koppelkansen and knelpunten with their explanations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.analyse.service import latest_run
from app.deps import BBox, Page
from app.errors import BadRequest, NotFound
from app.geojson import bbox_condition, bbox_params, features
from geo.regels import KLASSE_NAMEN, PARAMETER_LABELS, REGEL_INFO
from geo.schema import KANS_COLUMNS, REGELS

_SELECT = (
    "SELECT " + ", ".join(f"k.{c}" for c in KANS_COLUMNS)
    + ", b.status AS besluit_status, b.notitie AS besluit_notitie, "
    "ST_Transform(k.geom, 4326) AS geom "
    "FROM koppelkans k LEFT JOIN kans_besluit b USING (kans_id)"
)


@dataclass(frozen=True)
class KansFilter:
    """Which results to return."""

    buurt: list[str]
    regel: list[str]
    categorie: str | None
    actie_nodig: bool | None
    bbox: BBox | None


def check_filter(flt: KansFilter) -> None:
    """Refuse unknown rules with a Dutch message (the router checks the category)."""
    unknown = [r for r in flt.regel if r not in REGELS]
    if unknown:
        raise BadRequest(f"Onbekende regel {', '.join(unknown)}. Kies uit: {', '.join(REGELS)}.")


def _where(flt: KansFilter) -> tuple[str, dict[str, Any]]:
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if flt.buurt:
        conditions.append("k.buurtcode = ANY(:buurten)")
        params["buurten"] = flt.buurt
    if flt.regel:
        conditions.append("k.regel = ANY(:regels)")
        params["regels"] = flt.regel
    if flt.categorie:
        conditions.append("k.categorie = :categorie")
        params["categorie"] = flt.categorie
    if flt.actie_nodig is not None:
        conditions.append("k.actie_nodig = :actie_nodig")
        params["actie_nodig"] = flt.actie_nodig
    if flt.bbox:
        conditions.append(bbox_condition("k.geom"))
        params.update(bbox_params(flt.bbox))
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def list_kansen(session: Session, *, flt: KansFilter, page: Page) -> tuple[list[dict[str, Any]], int]:
    """One page of results as GeoJSON features, and how many match in total."""
    check_filter(flt)
    where, params = _where(flt)
    total = session.execute(text(f"SELECT count(*) FROM koppelkans k{where}"), params).scalar_one()
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


def save_besluit(session: Session, *, kans_id: str, status: str, notitie: str | None) -> dict[str, Any]:
    """Store a decision on a result (kept across re-runs because kans_id is stable)."""
    exists = session.execute(text("SELECT 1 FROM koppelkans WHERE kans_id = :id"),
                             {"id": kans_id}).first()
    if exists is None:
        raise NotFound(f"Koppelkans '{kans_id}' bestaat niet; een besluit kan alleen op een "
                       "bestaand resultaat.")
    row = session.execute(
        text("INSERT INTO kans_besluit (kans_id, status, notitie) VALUES (:id, :status, :notitie) "
             "ON CONFLICT (kans_id) DO UPDATE SET status = EXCLUDED.status, "
             "notitie = EXCLUDED.notitie, updated_at = now() "
             "RETURNING kans_id, status, notitie, updated_at"),
        {"id": kans_id, "status": status, "notitie": notitie},
    ).mappings().one()
    session.commit()
    return dict(row)
