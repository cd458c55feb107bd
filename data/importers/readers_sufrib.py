"""SUFRIB 2.1 sewer inspection files (*.RIB): the *RIOO pipe records as one table.

A RIB file is Latin-1 text of pipe-delimited records; the first field names the record type
(*ALGE header, *RIOO pipe, *PUT manhole, *WAAR observation). The field order per record type is
fixed by the SUFRIB 2.1 specification; a file may also declare it in a line like
`#RIOO|AAA|AAB|…`, which then wins. Pipes appear in every file that inspected them, so a set of
files is deduplicated on pipe reference plus its two manholes (in either order).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.errors import ImportRefused
from data.importers.readers import Member, Table

# Position (after the record type) of the SUFRIB 2.1 fields we use, for files without a
# `#RIOO` line. Checked against the Almere files: 49 fields, ACR/ACS last.
RIOO_LAYOUT = {"AAA": 1, "AAD": 4, "AAE": 5, "AAF": 6, "AAG": 7, "AAJ": 10, "ABF": 18,
               "ABQ": 25, "ACA": 26, "ACB": 27, "ACC": 28, "ACD": 29, "ACJ": 35, "ACK": 36,
               "ACN": 39, "ACR": 47, "ACS": 48}
PUT_LAYOUT = {"CAA": 1, "CAB": 2}
# Code tables: only codes confirmed on real files are decoded; others are reported.
MATERIAAL = {"AX": "PVC-U", "AV": "PE"}
STELSEL = {"A": "vuilwater (DWA)"}
VORM = {"A": "rond"}
SOORT = {"A": "vrijverval"}
DUPLICATE = "dubbel in de SUFRIB-bestanden (zelfde streng en putten)"
NO_COORDS = "geen coördinaten voor begin- of eindput"
SHORT = "onvolledig *RIOO-record"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # the SUFRIB encoding; never fails


def _records(
    text: str, kind: str, layout: dict[str, int],
) -> tuple[list[list[str]], dict[str, int]]:
    """Split records of `kind` ('*RIOO'); a `#RIOO|…` line replaces the default layout."""
    rows, marker, header = [], kind + "|", "#" + kind[1:] + "|"
    for line in text.splitlines():
        if line.startswith(header):
            codes = [c.strip().upper() for c in line.split("|")]
            layout = {c: i for i, c in enumerate(codes) if c}
        elif line.startswith(marker):
            rows.append([f.strip() for f in line.split("|")])
    return rows, layout


def _point(text: object) -> tuple[float, float] | None:
    if not isinstance(text, str):
        return None
    try:
        x, y = text.split("/")
        return float(x), float(y)
    except ValueError:
        return None


def read_sufrib(members: dict[str, Member], name: str) -> Table:
    """All *RIOO records of the given RIB files as one deduplicated table (EPSG:28992)."""
    rows: list[dict[str, str | None]] = []
    nodes: dict[str, tuple[float, float]] = {}
    short = 0
    for file_name, target in sorted(members.items()):
        text = _decode(target.read_bytes())
        records, layout = _records(text, "*RIOO", RIOO_LAYOUT)
        puts, put_layout = _records(text, "*PUT", PUT_LAYOUT)
        for rec in puts:
            if len(rec) > max(put_layout.values()):
                point = _point(rec[put_layout["CAB"]])
                if point is not None:
                    nodes.setdefault(rec[put_layout["CAA"]], point)
        width = max(layout.values())
        for rec in records:
            if len(rec) <= width or not rec[layout["AAA"]]:
                short += 1
                continue
            row: dict[str, str | None] = {c: rec[i] or None for c, i in layout.items()
                                          if c in RIOO_LAYOUT}
            row["bronbestand"] = file_name
            rows.append(row)
    if not rows:
        raise ImportRefused(
            f"{name} bevat geen leesbare SUFRIB *RIOO-records (strengen). Is dit een SUFRIB "
            "2.1-inspectiebestand (.rib)?"
        )
    raw = pd.DataFrame(rows)
    table = _to_table(raw, nodes)
    if short:
        table.overgeslagen[SHORT] = short
    table.meldingen.insert(0, f"SUFRIB 2.1: {len(members)} bestand(en), {len(rows) + short} "
                              f"*RIOO-records gelezen; coördinaten in RD New (EPSG:28992).")
    return table


def _to_table(raw: pd.DataFrame, nodes: dict[str, tuple[float, float]]) -> Table:
    raw = raw.reindex(columns=[*RIOO_LAYOUT, "bronbestand"])
    meldingen: list[str] = []
    # duplicates: same pipe reference and the same two manholes, in either order
    a, b = raw["AAD"].fillna(""), raw["AAF"].fillna("")
    pair = np.where(a <= b, a + "|" + b, b + "|" + a)
    key = raw["AAA"] + "|" + pair
    date = pd.to_datetime(raw["ABF"], errors="coerce", format="%Y-%m-%d")
    order = raw.assign(_key=key, _date=date, _pos=np.arange(len(raw)))
    order = order.sort_values(["_key", "_date", "_pos"], ascending=[True, False, True],
                              na_position="last")
    keep = ~order["_key"].duplicated()
    dup = int((~keep).sum())
    raw = order.loc[keep].sort_values("_pos").drop(columns=["_key", "_date", "_pos"])
    if dup:
        meldingen.append(f"{dup} dubbele strengen verwijderd (zelfde strengreferentie en putten "
                         "in meer dan één bestand); de laatst geïnspecteerde is bewaard.")
    start = [_point(v) for v in raw["AAE"]]
    end = [_point(v) for v in raw["AAG"]]
    start = [s or nodes.get(str(n)) for s, n in zip(start, raw["AAD"], strict=True)]
    end = [e or nodes.get(str(n)) for e, n in zip(end, raw["AAF"], strict=True)]
    geoms = [shapely.LineString([s, e]) if s and e and s != e else None
             for s, e in zip(start, end, strict=True)]
    missing = [str(r) for r, g in zip(raw["AAA"], geoms, strict=True) if g is None]
    if missing:
        meldingen.append(f"{len(missing)} strengen zonder bruikbare coördinaten van begin- of "
                         f"eindput (ook niet in de *PUT-records): {', '.join(missing[:10])}.")
    frame = pd.DataFrame({
        "strengref": raw["AAA"], "beginput": raw["AAD"], "eindput": raw["AAF"],
        "straatnaam": raw["AAJ"], "inspectiedatum": raw["ABF"], "lengte_m": raw["ABQ"],
        "vorm": _decoded(raw["ACA"], VORM), "hoogte_mm": raw["ACB"], "breedte_mm": raw["ACC"],
        "materiaal_code": raw["ACD"], "materiaal": _decoded(raw["ACD"], MATERIAAL),
        "stelsel_code": raw["ACK"], "stelseltype": _decoded(raw["ACK"], STELSEL),
        "soort": _decoded(raw["ACJ"], SOORT), "jaar_ingebruikname": raw["ACN"],
        "bob_begin_nap": raw["ACR"], "bob_eind_nap": raw["ACS"],
        "bronbestand": raw["bronbestand"],
    }).reset_index(drop=True)
    for column, table in (("materiaal_code", MATERIAAL), ("stelsel_code", STELSEL)):
        unknown = Counter(v for v in frame[column].dropna() if v not in table)
        if unknown:
            meldingen.append(
                f"SUFRIB-code(s) voor {column.split('_')[0]} niet herkend, waarde leeg gelaten: "
                + ", ".join(f"{c} ({n}×)" for c, n in unknown.most_common())
                + f". Koppel zo nodig --map {column.split('_')[0]}={column}."
            )
    geometry = gpd.GeoSeries(geoms, index=frame.index)
    skipped = {DUPLICATE: dup} if dup else {}
    if missing:
        keep_geom = geometry.notna()
        frame, geometry = frame.loc[keep_geom], geometry.loc[keep_geom]
        skipped[NO_COORDS] = len(missing)
    return Table(frame=frame, geometry=geometry, crs="EPSG:28992", layer=None,
                 meldingen=meldingen, overgeslagen=skipped)


def _decoded(codes: pd.Series, table: dict[str, str]) -> pd.Series:
    return codes.map(table).astype(object).where(codes.isin(list(table)), None)
