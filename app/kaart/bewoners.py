"""What the residents' handout of one buurt shows: its results by street and a map to print.

The map is SVG path data from PostGIS (ST_AsSVG in RD metres, y flipped), with the street
network and names from `straat`, so the page needs no script, no tiles and no network.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.buurten.service import get_buurt
from app.kaart.afdruk import SVG_BOX, buurt_svg

# Results without a street name are grouped into places: those within this distance of each
# other are one place on the handout.
PLEK_AFSTAND_M = 30.0
_KANSEN = (
    "SELECT k.regelcode, k.regel, k.categorie, k.straatnaam, k.huisnummers, k.actie_nodig, "
    "k.jaar, k.start_jaar, k.eind_jaar, k.riool_due_jaar, k.zwakste_dimensie, k.partij_a, "
    "k.soort_a, k.start_a, k.eind_a, k.partij_b, k.soort_b, k.start_b, k.eind_b, k.gap_jaar, "
    "ST_AsSVG(k.geom, 0, 1) AS d, ST_Dimension(k.geom) = 2 AS vlak, "
    "ST_X(ST_PointOnSurface(k.geom)) AS x, -ST_Y(ST_PointOnSurface(k.geom)) AS y, "
    "CASE WHEN k.straatnaam IS NULL THEN "
    "ST_ClusterDBSCAN(k.geom, eps => :plek, minpoints => 1) "
    "OVER (PARTITION BY k.straatnaam IS NULL) END AS plek "
    "FROM koppelkans k WHERE k.buurtcode = :c ORDER BY k.actie_nodig DESC, k.jaar, k.kans_id"
)
# Where along a street's longest stretch its name may go, in order of preference.
_LABEL_PLEKKEN = (0.5, 0.3, 0.7, 0.15, 0.85)
_PLEK_SQL = ", ".join(
    f"ST_X(ST_LineInterpolatePoint(g, {f})), -ST_Y(ST_LineInterpolatePoint(g, {f})), "
    f"degrees(ST_Azimuth(ST_LineInterpolatePoint(g, {max(f - 0.1, 0)}), "
    f"ST_LineInterpolatePoint(g, {min(f + 0.1, 1)})))"
    for f in _LABEL_PLEKKEN
)
# Per street name in the buurt its longest stretch: where and at what angle to print the name
# (x, y, azimut at the middle; `plekken` holds (x, y, azimut) at each of _LABEL_PLEKKEN).
_LABELS = (
    "WITH b AS (SELECT geom FROM buurt WHERE buurtcode = :c), "
    "s AS (SELECT s.straatnaam, (ST_Dump(ST_LineMerge(ST_CollectionExtract("
    "ST_Collect(ST_Intersection(s.geom, b.geom)), 2)))).geom AS g "
    "FROM straat s, b WHERE s.straatnaam IS NOT NULL AND ST_Intersects(s.geom, b.geom) "
    "GROUP BY s.straatnaam) "
    "SELECT DISTINCT ON (straatnaam) straatnaam, ST_Length(g) AS lengte, "
    "ST_X(ST_LineInterpolatePoint(g, 0.5)) AS x, -ST_Y(ST_LineInterpolatePoint(g, 0.5)) AS y, "
    "degrees(ST_Azimuth(ST_LineInterpolatePoint(g, 0.4), ST_LineInterpolatePoint(g, 0.6))) "
    f"AS azimut, ARRAY[{_PLEK_SQL}] AS plekken "
    "FROM s WHERE ST_Length(g) > 0 ORDER BY straatnaam, ST_Length(g) DESC"
)


def bewoners_map(session: Session, *, buurtcode: str) -> dict[str, Any]:
    """SVG data of the buurt, its neighbours, streets with names, and planned heat works."""
    frame, rows = buurt_svg(session, buurtcode, pad=0.04)
    return {
        **frame,
        "straten": rows(f"SELECT ST_AsSVG(ST_Intersection(geom, {SVG_BOX}), 0, 1) AS d "
                        f"FROM straat WHERE geom && {SVG_BOX}"),
        "labels": rows(_LABELS),
        "warmtenet": rows(f"SELECT ST_AsSVG(ST_Intersection(geom, {SVG_BOX}), 0, 1) AS d "
                          f"FROM warmtenet WHERE status IN ('gepland', 'in_uitvoering') "
                          f"AND geom && {SVG_BOX}"),
    }


def bewoners_data(session: Session, *, buurtcode: str) -> dict[str, Any]:
    """Buurt, results and map of the handout; NotFound / NotReady as the buurt API raises them."""
    buurt = get_buurt(session, buurtcode=buurtcode)
    kansen = [dict(r) for r in session.execute(
        text(_KANSEN), {"c": buurtcode, "plek": PLEK_AFSTAND_M}).mappings()]
    return {"buurt": buurt, "kansen": kansen, "kaart": bewoners_map(session, buurtcode=buurtcode)}
