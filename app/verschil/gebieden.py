"""Areas a team follows (buurten or a drawn polygon) and the changes inside them."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DataError, InternalError
from sqlalchemy.orm import Session

from app.errors import BadRequest, NotFound

BUURTCODE = re.compile(r"^BU\d{8}$")
# The latest runs a feed or CSV looks back over.
MAX_RUNS = 50


def _check_buurten(session: Session, codes: list[str]) -> list[str]:
    codes = sorted({c.strip().upper() for c in codes if c.strip()})
    bad = [c for c in codes if not BUURTCODE.match(c)]
    if bad:
        raise BadRequest(f"Geen geldige buurtcode: {', '.join(bad[:5])}. Een buurtcode is BU "
                         "met acht cijfers, bijvoorbeeld BU03070000.")
    known = set(session.execute(text("SELECT buurtcode FROM buurt WHERE buurtcode = ANY(:c)"),
                                {"c": codes}).scalars())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise BadRequest(f"Onbekende buurt(en): {', '.join(unknown[:5])}. Gebruik codes uit de "
                         "geladen buurtlaag (zie /api/v1/buurten).")
    return codes


def create_gebied(session: Session, *, naam: str, buurtcodes: list[str] | None,
                  geometrie: dict[str, Any] | None) -> dict[str, Any]:
    """Save an area: buurten from the loaded layer, or a (Multi)Polygon in WGS84 (GeoJSON)."""
    if (buurtcodes is None) == (geometrie is None):
        raise BadRequest("Geef het gebied als buurtcodes óf als geometrie (een polygoon in "
                         "GeoJSON, WGS84), niet allebei en niet geen van beide.")
    params: dict[str, Any] = {"naam": naam.strip(), "buurtcodes": None, "geom": None}
    if buurtcodes is not None:
        params["buurtcodes"] = _check_buurten(session, buurtcodes)
        if not params["buurtcodes"]:
            raise BadRequest("Geef minstens één buurtcode.")
    else:
        assert geometrie is not None
        if geometrie.get("type") not in ("Polygon", "MultiPolygon"):
            raise BadRequest("De geometrie van een gebied moet een Polygon of MultiPolygon zijn "
                             "(GeoJSON, WGS84).")
        params["geom"] = json.dumps(geometrie)
    try:
        with session.begin_nested():
            gebied_id = session.execute(text(
                "INSERT INTO gebied (naam, buurtcodes, geom) VALUES (:naam, :buurtcodes, "
                "ST_Multi(ST_MakeValid(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:geom), 4326), "
                "28992)))) RETURNING id"), params).scalar_one()
    except (DataError, InternalError) as exc:
        raise BadRequest("De geometrie van het gebied is geen geldige GeoJSON-polygoon in "
                         "WGS84 (lengte, breedte).") from exc
    session.commit()
    return get_gebied(session, gebied_id)


def get_gebied(session: Session, gebied_id: int) -> dict[str, Any]:
    """One saved area, 404 in Dutch when unknown."""
    row = session.execute(text(
        "SELECT id, naam, buurtcodes, created_at, geom IS NOT NULL AS getekend FROM gebied "
        "WHERE id = :id"), {"id": gebied_id}).mappings().first()
    if row is None:
        raise NotFound(f"Gebied {gebied_id} bestaat niet (meer). Zie /api/v1/gebieden.")
    return dict(row)


def list_gebieden(session: Session) -> list[dict[str, Any]]:
    """Every saved area, oldest first."""
    return [dict(r) for r in session.execute(text(
        "SELECT id, naam, buurtcodes, created_at, geom IS NOT NULL AS getekend FROM gebied "
        "ORDER BY id")).mappings()]


def delete_gebied(session: Session, gebied_id: int) -> None:
    """Remove a saved area; its feed stops."""
    get_gebied(session, gebied_id)
    session.execute(text("DELETE FROM gebied WHERE id = :id"), {"id": gebied_id})
    session.commit()


def gebied_changes(session: Session, gebied_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The area and its changes over the latest MAX_RUNS runs, newest run first."""
    gebied = get_gebied(session, gebied_id)
    rows = session.execute(text(
        "SELECT v.run_id, r.created_at, v.kans_id, v.verandering, v.wat, v.regel, v.regelcode, "
        "v.categorie, v.buurtcode, v.straatnaam, v.jaar, v.actie_nodig, v.toelichting "
        "FROM kans_verschil v JOIN analyse_run r ON r.id = v.run_id JOIN gebied g ON g.id = :id "
        "WHERE v.run_id IN (SELECT id FROM analyse_run ORDER BY id DESC LIMIT :n) "
        "AND (v.buurtcode = ANY(g.buurtcodes) OR ST_Intersects(v.geom, g.geom)) "
        "ORDER BY v.run_id DESC, v.verandering, v.straatnaam NULLS LAST, v.kans_id"),
        {"id": gebied_id, "n": MAX_RUNS}).mappings()
    return gebied, [dict(r) for r in rows]
