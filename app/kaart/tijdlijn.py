"""The works of one buurt (or one street in it) on a timeline: what the SVG builder draws.

Rows: the heat works (warmtenet, status gepland or in_uitvoering), the sewer (pipes with their
due year as the analysis stored it in riool_due, per year), and other parties' works (werk, with
a status that takes part in the rules). Meetings: the koppelkansen R1 and R5 and the knelpunten
R5b of the buurt (or street), joined to the rows of their two units.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.analyse.facts import RIOOL_DUE_COLUMN, RIOOL_DUE_JOIN
from app.analyse.service import latest_run
from app.errors import NotFound
from frontend import styles
from frontend.tijdlijn import BREEDTE, Balk, Koppeling, Punt, Rij, build_tijdlijn_svg
from geo.params import DEFAULT_WERK_STATUS
from geo.werk import split_eenheid

RIOOL = "riool"
# The axis shows at least this many years around the peiljaar, and at most this far out.
_VOOR, _NA = 2, 12
_MAX_VOOR, _MAX_NA = 10, 30
MAX_WERK_RIJEN = 12
MAX_WARMTE_RIJEN = 8
RIOOL_KLEUR = "#6a3d9a"
_STRAAT_BUFFER_M = 15.0
_AREA_BUURT = "SELECT geom FROM buurt WHERE buurtcode = :c"
# A street in the buurt: its segments and the results named after it, widened a little.
_AREA_STRAAT = (
    "SELECT ST_Buffer(ST_Collect(g), :buf) AS geom FROM ("
    "SELECT s.geom AS g FROM straat s JOIN buurt b ON ST_Intersects(s.geom, b.geom) "
    "WHERE b.buurtcode = :c AND s.straatnaam = :s "
    "UNION ALL SELECT k.geom FROM koppelkans k WHERE k.buurtcode = :c AND k.straatnaam = :s"
    ") parts HAVING count(*) > 0"
)


def _unit_base(eenheid: str | None) -> str:
    # A unit is '<laag>:<id>' (geo.werk); a section id is '<work id>#<n>' (RULES.md §2, §9),
    # a pipe or polygon work is its own id.
    return split_eenheid(eenheid or "")[1].split("#", 1)[0]


def _unit_row(eenheid: str | None, soort: str | None, warmte: set[str],
              werk: set[str]) -> str | None:
    laag = split_eenheid(eenheid or "")[0]
    base = _unit_base(eenheid)
    if laag in (None, "werk") and base in werk:
        return f"werk:{base}"
    if laag in (None, "warmtenet") and base in warmte:
        return f"wn:{base}"
    if laag == "riolering" or (laag is None and soort == "riolering"):
        return RIOOL
    return None


def _clamp(jaar: int, start: int | None, eind: int | None) -> int:
    if start is None:
        return jaar
    return min(max(jaar, start), eind if eind is not None else start)


def meetings(rows: Iterable[dict[str, Any]], *, warmte: set[str],
             werk: set[str]) -> list[Koppeling]:
    """R1, R5 and R5b results as meetings of two rows (unknown units are left out)."""
    out: list[Koppeling] = []
    for k in rows:
        if k["regelcode"] == "R1":
            if k["riool_due_jaar"] is None or k["start_jaar"] is None:
                continue
            due = int(k["riool_due_jaar"])
            out.append(Koppeling(f"wn:{k['warmtenet_id']}",
                                 _clamp(due, k["start_jaar"], k["eind_jaar"]), RIOOL, due))
            continue
        a = _unit_row(k["eenheid_a"], k["soort_a"], warmte, werk)
        b = _unit_row(k["eenheid_b"], k["soort_b"], warmte, werk)
        if a is None or b is None or k["start_a"] is None or k["start_b"] is None:
            continue
        if k["regelcode"] == "R5b":
            out.append(Koppeling(a, int(k["start_a"]), b, int(k["start_b"]), knelpunt=True))
        else:
            samen = max(int(k["start_a"]), int(k["start_b"]))
            out.append(Koppeling(a, _clamp(samen, k["start_a"], k["eind_a"]),
                                 b, _clamp(samen, k["start_b"], k["eind_b"])))
    return out


def _werk_label(w: dict[str, Any]) -> str:
    soort = styles.WERK_SOORT_LABELS.get(w["soort"], w["soort"]).lower()
    # The soort first: a long party name is cut short on the row, the soort must stay.
    if w["partij"]:
        return f"{soort.capitalize()}: {w['partij']}"
    return w["naam"] or soort.capitalize()


def _warmte_label(w: dict[str, Any]) -> str:
    naam = w["naam"] or w["id"]
    return naam if str(naam).lower().startswith("warmtenet") else f"Warmtenet {naam}"


def tijdlijn_rows(
    session: Session, *, buurtcode: str, straat: str | None = None
) -> tuple[list[Rij], list[Koppeling], int | None, tuple[int, int]]:
    """Rows, meetings, peiljaar and (van, tot) of the buurt's timeline (or of one street).

    NotFound for an unknown buurt, or a street with no segment and no result in the buurt.
    """
    if session.execute(text("SELECT 1 FROM buurt WHERE buurtcode = :c"),
                       {"c": buurtcode}).first() is None:
        raise NotFound(f"Buurt '{buurtcode}' bestaat niet in de geladen buurten.")
    run = latest_run(session)
    werk_status = (run or {}).get("parameters", {}).get("werk_status") or DEFAULT_WERK_STATUS
    params: dict[str, Any] = {"c": buurtcode, "s": straat, "buf": _STRAAT_BUFFER_M,
                              "werk_status": list(werk_status)}
    area = _AREA_STRAAT if straat else _AREA_BUURT
    if straat and session.execute(text(area), params).first() is None:
        raise NotFound(f"Straat '{straat}' ligt niet in deze buurt of heeft geen resultaten.")
    kans_where = "k.buurtcode = :c" + (" AND k.straatnaam = :s" if straat else "")
    kansen = [dict(r) for r in session.execute(text(
        "SELECT regelcode, warmtenet_id, start_jaar, eind_jaar, riool_due_jaar, eenheid_a, "
        "soort_a, start_a, eind_a, eenheid_b, soort_b, start_b, eind_b FROM koppelkans k "
        f"WHERE {kans_where} AND regelcode IN ('R1', 'R5', 'R5b')"), params).mappings()]
    # Units the meetings name: their works get a row even when they only touch the area.
    genoemd = {_unit_base(k[col]) for k in kansen for col in ("eenheid_a", "eenheid_b")}
    genoemd |= {k["warmtenet_id"] for k in kansen if k["warmtenet_id"]}
    params["genoemd"] = sorted(genoemd)
    warmte = [dict(r) for r in session.execute(text(
        f"WITH a AS ({area}) SELECT w.id, w.naam, w.status, w.start_jaar, "
        "COALESCE(w.eind_jaar, w.start_jaar) AS eind_jaar FROM warmtenet w, a "
        "WHERE w.status IN ('gepland', 'in_uitvoering') AND w.start_jaar IS NOT NULL "
        "AND (ST_Intersects(w.geom, a.geom) OR w.id = ANY(:genoemd)) "
        "ORDER BY w.start_jaar, w.naam, w.id"), params).mappings()]
    werken = [dict(r) for r in session.execute(text(
        f"WITH a AS ({area}) SELECT w.id, w.naam, w.partij, w.soort, w.status, w.start_jaar, "
        "COALESCE(w.eind_jaar, w.start_jaar) AS eind_jaar FROM werk w, a "
        "WHERE w.status = ANY(:werk_status) AND w.start_jaar IS NOT NULL "
        "AND (ST_Intersects(w.geom, a.geom) OR w.id = ANY(:genoemd)) "
        "ORDER BY w.start_jaar, w.partij NULLS LAST, w.soort, w.id"), params).mappings()]
    pipes = session.execute(text(
        f"WITH a AS ({area}) SELECT riool_due_jaar, count(*) AS n, sum(lengte) AS m FROM ("
        f"SELECT {RIOOL_DUE_COLUMN}, ST_Length(t.geom) AS lengte FROM {RIOOL_DUE_JOIN}, a "
        "WHERE ST_Intersects(t.geom, a.geom)) p WHERE riool_due_jaar IS NOT NULL "
        "GROUP BY riool_due_jaar ORDER BY riool_due_jaar"), params).all()

    rijen = [Rij(f"wn:{w['id']}", _warmte_label(w),
                 styles.WARMTENET_COLORS.get(w["status"], styles.ONBEKEND_COLOR),
                 (Balk(w["start_jaar"], w["eind_jaar"],
                       f"{_warmte_label(w)}: {w['start_jaar']}–{w['eind_jaar']}"),))
             for w in warmte[:MAX_WARMTE_RIJEN]]
    if pipes:
        rijen.append(Rij(RIOOL, "Riool aan vervanging toe", RIOOL_KLEUR, punten=tuple(
            Punt(int(jaar), int(n), f"{jaar}: {n} leiding{'en' if n != 1 else ''}, "
                                    f"{round(float(m))} m")
            for jaar, n, m in pipes)))
    rijen += [Rij(f"werk:{w['id']}", _werk_label(w),
                  styles.WERK_SOORT_COLORS.get(w["soort"], styles.ONBEKEND_COLOR),
                  (Balk(w["start_jaar"], w["eind_jaar"],
                        f"{w['naam'] or _werk_label(w)}: {w['start_jaar']}–{w['eind_jaar']}"),))
              for w in werken[:MAX_WERK_RIJEN]]
    koppelingen = meetings(kansen, warmte={w["id"] for w in warmte},
                           werk={w["id"] for w in werken})
    peiljaar = int(run["peiljaar"]) if run else None
    return rijen, koppelingen, peiljaar, axis_years(rijen, koppelingen, peiljaar)


def axis_years(rijen: list[Rij], koppelingen: list[Koppeling],
               peiljaar: int | None) -> tuple[int, int]:
    """(van, tot): the works and meetings, a few years around the peiljaar, not too far out."""
    years = [y for r in rijen for b in r.balken for y in (b.start, b.eind)]
    years += [y for k in koppelingen for y in (k.jaar_a, k.jaar_b)]
    if peiljaar is None:
        years += [p.jaar for r in rijen for p in r.punten]
        return (min(years), max(years)) if years else (2000, 2010)
    van = max(min([*years, peiljaar - _VOOR]), peiljaar - _MAX_VOOR)
    tot = min(max([*years, peiljaar + _NA]), peiljaar + _MAX_NA)
    return van, tot


def tijdlijn_svg(session: Session, *, buurtcode: str, straat: str | None = None,
                 titel: str | None = None, breedte: int = BREEDTE) -> str:
    """The timeline of the buurt (or street) as an SVG document `breedte` units wide."""
    rijen, koppelingen, peiljaar, (van, tot) = tijdlijn_rows(session, buurtcode=buurtcode,
                                                             straat=straat)
    if titel is None:
        naam = session.execute(text("SELECT buurtnaam FROM buurt WHERE buurtcode = :c"),
                               {"c": buurtcode}).scalar_one_or_none() or buurtcode
        titel = f"Tijdlijn van de werken: {straat + ', ' if straat else ''}{naam}"
    return build_tijdlijn_svg(rijen, koppelingen, titel=titel, peiljaar=peiljaar, van=van,
                              tot=tot, breedte=breedte)
