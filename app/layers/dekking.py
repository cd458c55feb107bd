"""Dekking (coverage, RULES.md §8) of imports and layers in PostGIS.

An import's dekking is stored in import_run.dekking (MULTIPOLYGON, EPSG:28992): the polygon
the user gave (a file, or buurten of the loaded buurt layer), else the convex hull of the
import's features (leefbaarometer: the union of its cells). An empty MULTIPOLYGON means the
features span no area. A layer's dekking is the union over the imports whose features are
still loaded; imports made before dekking existed (NULL) count with the hull of their loaded
features (leefbaarometer: their cells).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text

import shapely

from app.errors import BadRequest
from geo.dekking import CONTEXT_LAYERS, polygonal

SRID = 28992


def parse_buurtcodes(value: str | list[str] | None) -> list[str]:
    """'BU1,BU2' (or several such values) as a list of codes; [] when none given."""
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    codes = [c.strip().upper() for v in values for c in v.replace(";", ",").split(",")]
    return list(dict.fromkeys(c for c in codes if c))


def buurten_dekking(conn: Connection, codes: list[str]) -> shapely.Geometry:
    """The union of these buurten of the loaded buurt layer; unknown codes are refused."""
    rows = conn.execute(
        text("SELECT buurtcode, ST_AsBinary(geom) AS wkb FROM buurt "
             "WHERE buurtcode = ANY(:codes)"), {"codes": codes},
    ).all()
    unknown = sorted(set(codes) - {r.buurtcode for r in rows})
    if unknown:
        shown = ", ".join(unknown[:10]) + (", …" if len(unknown) > 10 else "")
        raise BadRequest(
            f"Onbekende buurtcode(s) bij de dekking: {shown}. Ze staan niet in de geladen "
            "buurtlaag; importeer eerst de buurten, of controleer de codes (BU en acht cijfers, "
            "gescheiden door komma's).")
    area = polygonal(shapely.union_all([shapely.from_wkb(r.wkb) for r in rows]))
    if area is None:
        raise BadRequest("De gekozen buurten hebben samen geen oppervlakte; kies andere buurten.")
    return area


def given_dekking(conn: Connection, *, dekking: Path | None,
                  dekking_buurten: list[str]) -> shapely.Geometry | None:
    """The dekking the user gave for an import (file or buurten), or None for the default."""
    from data.importers.dekking import read_dekking_file

    if dekking is not None and dekking_buurten:
        raise BadRequest("Geef de dekking als bestand of als buurtcodes, niet allebei.")
    if dekking is not None:
        return read_dekking_file(dekking)
    if dekking_buurten:
        return buurten_dekking(conn, dekking_buurten)
    return None


def record_dekking(conn: Connection, *, import_id: int, dekking: shapely.Geometry | None) -> None:
    """Store the dekking on the import run `import_id`."""
    area = polygonal(dekking)
    wkb = shapely.to_wkb(area) if area is not None else None
    conn.execute(
        text("UPDATE import_run SET dekking = CASE WHEN CAST(:wkb AS bytea) IS NULL "
             "THEN ST_GeomFromText('MULTIPOLYGON EMPTY', :srid) "
             "ELSE ST_Multi(ST_GeomFromWKB(:wkb, :srid)) END "
             "WHERE id = :id"),
        {"wkb": wkb, "srid": SRID, "id": import_id},
    )


def _fallback_sql(laag: str) -> str:
    agg = "ST_Union(g.geom)" if laag == "leefbaarometer" else "ST_ConvexHull(ST_Collect(g.geom))"
    return (f"SELECT {agg} AS d FROM {laag} g LEFT JOIN import_run i ON i.id = g.import_id "
            "WHERE i.dekking IS NULL GROUP BY g.import_id")


def layer_dekking(conn: Connection) -> dict[str, shapely.Geometry | None]:
    """Per context layer the union of the dekking of its loaded imports (None: nothing)."""
    out: dict[str, shapely.Geometry | None] = {}
    for laag in CONTEXT_LAYERS:
        wkb = conn.execute(text(
            "SELECT ST_AsBinary(ST_Union(d)) FROM ("
            "SELECT i.dekking AS d FROM import_run i "
            f"WHERE i.dekking IS NOT NULL AND i.id IN (SELECT DISTINCT import_id FROM {laag}) "
            f"UNION ALL {_fallback_sql(laag)}) s WHERE d IS NOT NULL AND NOT ST_IsEmpty(d)"
        )).scalar_one()
        out[laag] = polygonal(shapely.from_wkb(bytes(wkb))) if wkb is not None else None
    return out


def dekking_melding(area: shapely.Geometry | None, *, given: object) -> str:
    """One line for the import report: which dekking this import got (RULES.md §8)."""
    if area is None:
        return ("Dekking: geen. De objecten liggen op één punt of lijn, dus deze import dekt "
                "geen gebied; regels die deze laag nodig hebben beoordelen daar niets. Geef de "
                "dekking met --dekking BESTAND of --dekking-buurten CODE,...")
    km2 = f"{area.area / 1e6:.2f}".replace(".", ",")
    if given:
        return f"Dekking: opgegeven gebied van {km2} km²."
    return (f"Dekking: het gebied rond de objecten (convexe omhullende, {km2} km²; "
            "Leefbaarometer: de cellen zelf). Is de laag over een groter gebied ingewonnen, geef "
            "dat dan met --dekking BESTAND of --dekking-buurten CODE,...")
