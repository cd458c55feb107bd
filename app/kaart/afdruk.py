"""What the print view of one buurt shows: rank, metrics, results with explanations, a map.

The map is an SVG drawn from PostGIS (ST_AsSVG in RD metres), so the printed page needs no
script, no tiles and no network, and stays sharp on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.analyse.service import latest_run
from app.buurten.service import get_buurt, ranking_group
from app.kaart.tijdlijn import tijdlijn_svg
from app.kansen.service import explain
from geo.schema import KANS_COLUMNS, REGELS

_ORDER = ("array_position(CAST(:regels AS text[]), CAST(k.regel AS text)), k.actie_nodig DESC, "
          "k.lengte_m DESC, k.kans_id")


def svg_extent(session: Session, buurtcode: str, *, pad: float = 0.06) -> dict[str, float]:
    """The buurt's box in RD with `pad` (a share of its longest side, at least 50 m) around."""
    row = session.execute(
        text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
             "(SELECT ST_Extent(geom)::geometry AS e FROM buurt WHERE buurtcode = :c) s"),
        {"c": buurtcode},
    ).one()
    minx, miny, maxx, maxy = (float(v) for v in row)
    rand = pad * max(maxx - minx, maxy - miny, 50.0)
    return {"minx": minx - rand, "miny": miny - rand, "maxx": maxx + rand, "maxy": maxy + rand}


SVG_BOX = "ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 28992)"
Rows = Callable[[str], list[dict[str, Any]]]


def buurt_svg(session: Session, buurtcode: str, *, pad: float = 0.06,
              **params: Any) -> tuple[dict[str, Any], Rows]:
    """The frame of a buurt map in SVG (y flipped, RD metres): viewbox, unit, the buurt and its
    neighbours; and a reader of more rows with the box (SVG_BOX), :tol, :c and `params` bound."""
    ext = svg_extent(session, buurtcode, pad=pad)
    width, height = ext["maxx"] - ext["minx"], ext["maxy"] - ext["miny"]
    bound = {**ext, "tol": max(width, height) / 1500, "c": buurtcode, **params}

    def rows(sql: str) -> list[dict[str, Any]]:
        return [dict(r) for r in session.execute(text(sql), bound).mappings()]

    return {
        "viewbox": f"{ext['minx']:.1f} {-ext['maxy']:.1f} {width:.1f} {height:.1f}",
        "eenheid": max(width, height) / 100,
        "buurt": rows("SELECT ST_AsSVG(ST_Simplify(geom, :tol), 0, 1) AS d FROM buurt "
                      "WHERE buurtcode = :c"),
        "buren": rows(f"SELECT ST_AsSVG(ST_Simplify(geom, :tol), 0, 1) AS d FROM buurt "
                      f"WHERE buurtcode <> :c AND geom && {SVG_BOX}"),
    }, rows


def print_map(session: Session, *, buurtcode: str) -> dict[str, Any]:
    """SVG path data (y flipped, RD metres) of the buurt, its neighbours, heat network, results."""
    frame, rows = buurt_svg(session, buurtcode, regels=list(REGELS))
    return {
        **frame,
        "warmtenet": rows(f"SELECT ST_AsSVG(ST_Intersection(geom, {SVG_BOX}), 0, 1) AS d, "
                          f"status FROM warmtenet WHERE geom && {SVG_BOX}"),
        "kansen": rows(
            "SELECT k.kans_id, k.regel, k.categorie, ST_AsSVG(k.geom, 0, 1) AS d, "
            "ST_X(ST_PointOnSurface(k.geom)) AS x, -ST_Y(ST_PointOnSurface(k.geom)) AS y "
            f"FROM koppelkans k WHERE k.buurtcode = :c ORDER BY {_ORDER}"
        ),
    }


def print_data(session: Session, *, buurtcode: str) -> dict[str, Any]:
    """Everything the print view shows; NotFound / NotReady as the buurt API raises them."""
    buurt = get_buurt(session, buurtcode=buurtcode)
    # RULES.md §10: the rang counts within the buurt's gemeente.
    # Without a score the page shows no rang, so nothing needs counting.
    total, rang_in = ranking_group(session, buurt["score"]) if buurt["score"] else (None, None)
    columns = ", ".join(f"k.{c}" for c in KANS_COLUMNS)
    rows = session.execute(
        text(f"SELECT {columns} FROM koppelkans k WHERE k.buurtcode = :c ORDER BY {_ORDER}"),
        {"c": buurtcode, "regels": list(REGELS)},
    ).mappings()
    run = latest_run(session) or {}
    kansen = [{**row, "uitleg": explain(session, dict(row), run=run)} for row in rows]
    kaart = print_map(session, buurtcode=buurtcode)
    # The timeline travels with the map: the print template reads it as kaart.tijdlijn.
    kaart["tijdlijn"] = tijdlijn_svg(session, buurtcode=buurtcode)
    return {"buurt": buurt, "aantal_buurten": total, "rang_in": rang_in, "kansen": kansen,
            "kaart": kaart}
