"""What lies under a click on the map: nearest results, source features and the buurt.

The map draws vector tiles without any click handling of their own (Leaflet.VectorGrid's
canvas click code breaks on Leaflet 1.8+, and stacked canvases hide each other's features);
one query here answers a click for every layer at once, with a tolerance in screen pixels.
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.analyse.facts import LBM_LATEST, RIOOL_DUE_COLUMN, RIOOL_DUE_JOIN
from app.errors import BadRequest
from app.kansen.service import KansFilter, kans_conditions
from app.tiles.layers import HALF_WORLD, TILE_SIZE
from geo.regels import REGEL_INFO, REGELCODE_NAMEN

# Ground metres per pixel at zoom 0 on the equator for 256-pixel web-mercator tiles.
_M_PER_PX_Z0 = 2 * HALF_WORLD / TILE_SIZE
# The source layers a click can ask about; the map page gets this list in its options.
Bronlaag = Literal["warmtenet", "riolering", "groen", "boom", "leefbaarometer", "werk"]
BRONLAGEN: tuple[str, ...] = get_args(Bronlaag)
# The years the result filters accept (jaar_van, jaar_tot); the page ignores others.
JAAR_MIN = 1800
JAAR_MAX = 2300
_POINT = "ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 28992)"
_BRON_SQL: dict[str, str] = {
    "warmtenet": "SELECT id, naam, status, start_jaar, eind_jaar{d} FROM warmtenet t",
    "riolering": "SELECT id, stelseltype, materiaal, diameter_mm, breedte_mm, hoogte_mm, aanlegjaar, "
                 "vervangingsjaar, "
                 f"{RIOOL_DUE_COLUMN}{{d}} FROM {RIOOL_DUE_JOIN}",
    "groen": "SELECT id, type{d} FROM groen t",
    "boom": "SELECT id, soort{d} FROM boom t",
    "leefbaarometer": "SELECT grid_id, jaar, klasse, lbm, fys, onv, soc, vrz, won{d} "
                      "FROM leefbaarometer t",
    "werk": "SELECT id, naam, partij, soort, status, start_jaar, eind_jaar{d} FROM werk t",
}
_BRON_WHERE: dict[str, str] = {"leefbaarometer": f" AND {LBM_LATEST}"}


def metres_per_pixel(lat: float, zoom: float) -> float:
    """Ground resolution of a web-mercator map at `lat` (degrees) and `zoom`."""
    return _M_PER_PX_Z0 * math.cos(math.radians(lat)) / (2 ** zoom)


def werk_conditions(flt: KansFilter) -> tuple[str, dict[str, Any]]:
    """SQL conditions (starting with AND) and bound values of the partij and soort filters on
    the works `t`: the map draws only the works of the chosen partijen and soorten."""
    sql = ""
    params: dict[str, Any] = {}
    if flt.partij:
        sql += " AND t.partij = ANY(:partijen)"
        params["partijen"] = list(flt.partij)
    if flt.soort:
        sql += " AND t.soort = ANY(:soorten)"
        params["soorten"] = list(flt.soort)
    return sql, params


def query_point(
    session: Session, *, lon: float, lat: float, zoom: float, tolerantie_px: float,
    flt: KansFilter, lagen: list[str], api_base: str = "/api/v1",
) -> dict[str, Any]:
    """Results within the tolerance (nearest first), source features of `lagen`, the buurt."""
    unknown = [laag for laag in lagen if laag not in BRONLAGEN]
    if unknown:
        raise BadRequest(f"Onbekende laag {', '.join(unknown)}. Kies uit: {', '.join(BRONLAGEN)}.")
    tol = tolerantie_px * metres_per_pixel(lat, zoom)
    base: dict[str, Any] = {"lon": lon, "lat": lat, "tol": tol}
    where, params = kans_conditions(flt, "t")
    rows = session.execute(
        text(
            "SELECT t.kans_id, t.regel, t.regelcode, t.categorie, t.buurtcode, t.actie_nodig, "
            "t.start_jaar, t.eind_jaar, t.riool_due_jaar, t.jaar, t.straatnaam, t.huisnummers, "
            "t.partij_a, t.soort_a, t.partij_b, t.soort_b, t.toelichting, "
            f"round(ST_Distance(t.geom, {_POINT})::numeric, 1)::float AS afstand_m "
            f"FROM koppelkans t WHERE ST_DWithin(t.geom, {_POINT}, :tol){where} "
            "ORDER BY afstand_m, t.categorie DESC, t.kans_id LIMIT 10"
        ),
        {**base, **params},
    ).mappings()
    kansen = [
        {**r, "regel_naam": REGEL_INFO[r["regel"]].naam,
         "regelcode_naam": REGELCODE_NAMEN.get(r["regelcode"], REGEL_INFO[r["regel"]].naam),
         "href": f"{api_base}/koppelkansen/{r['kans_id']}"}
        for r in rows
    ]
    bronnen: list[dict[str, Any]] = []
    for laag in lagen:
        dist = f", round(ST_Distance(t.geom, {_POINT})::numeric, 1)::float AS afstand_m"
        extra, bound = werk_conditions(flt) if laag == "werk" else ("", {})
        sql = (_BRON_SQL[laag].replace("{d}", dist) + f" WHERE ST_DWithin(t.geom, {_POINT}, :tol)"
               + _BRON_WHERE.get(laag, "") + extra + " ORDER BY afstand_m LIMIT 3")
        for r in session.execute(text(sql), {**base, **bound}).mappings():
            props = dict(r)
            bronnen.append({"laag": laag, "afstand_m": props.pop("afstand_m"),
                            "eigenschappen": props})
    buurt = session.execute(
        text("SELECT b.buurtcode, b.buurtnaam, s.score, s.rang, s.n_kansen, s.n_knelpunt "
             "FROM buurt b LEFT JOIN buurtscore s ON s.buurtcode = b.buurtcode "
             f"WHERE ST_Intersects(b.geom, {_POINT}) ORDER BY b.buurtcode LIMIT 1"),
        base,
    ).mappings().first()
    return {
        "lon": lon, "lat": lat, "zoom": zoom, "tolerantie_m": round(tol, 2),
        "kansen": kansen, "bronnen": bronnen, "buurt": dict(buurt) if buurt else None,
    }
