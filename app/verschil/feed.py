"""The changes of a saved area as an Atom feed (RFC 4287) and as CSV, in Dutch."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from itertools import groupby
from typing import Any
from xml.etree import ElementTree as ET

from app.verschil.service import VERANDERING_LABELS, VERANDERINGEN, WAT_LABELS
from geo.regels import REGELCODE_NAMEN

ATOM = "http://www.w3.org/2005/Atom"
CSV_COLUMNS = ("analyse", "datum", "verandering", "wat", "straat", "buurtcode", "regel", "jaar",
               "actie_nodig", "toelichting", "kans_id")


def _line(row: dict[str, Any]) -> str:
    """'Nieuw · Lindelaan · Werk met werk: werken van partijen (2028) · actie nodig'."""
    parts = [VERANDERING_LABELS[row["verandering"]]]
    if row["wat"]:
        parts[0] += " (" + ", ".join(WAT_LABELS.get(w, w) for w in row["wat"]) + ")"
    parts.append(row["straatnaam"] or "straat onbekend")
    naam = REGELCODE_NAMEN.get(row["regelcode"], row["regel"])
    parts.append(f"{naam} ({row['jaar']})" if row["jaar"] is not None else naam)
    if row["actie_nodig"]:
        parts.append("actie nodig")
    return " · ".join(parts)


def _summary(rows: list[dict[str, Any]]) -> str:
    counts = {k: sum(r["verandering"] == k for r in rows) for k in VERANDERINGEN}
    return ", ".join(f"{n} {k}" for k, n in counts.items() if n)


def atom_feed(gebied: dict[str, Any], rows: list[dict[str, Any]], *, self_url: str,
              kaart_url: str) -> bytes:
    """One entry per run with changes in the area, newest first; rows from gebied_changes."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "nl"})

    def add(parent: ET.Element, tag: str, value: str | None = None,
            **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if value is not None:
            element.text = value
        return element

    add(feed, "id", f"urn:koppelkansen:gebied:{gebied['id']}")
    add(feed, "title", f"Koppelkansen: wat is er veranderd in {gebied['naam']}")
    newest = rows[0]["created_at"] if rows else gebied["created_at"]
    add(feed, "updated", _iso(newest))
    add(add(feed, "author"), "name", "Koppelkansenplanner")
    add(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    add(feed, "link", rel="alternate", href=kaart_url, type="text/html")
    for run_id, group in groupby(rows, key=lambda r: r["run_id"]):
        items = list(group)
        entry = add(feed, "entry")
        add(entry, "id", f"urn:koppelkansen:gebied:{gebied['id']}:analyse:{run_id}")
        add(entry, "title", f"Analyse {run_id}: {_summary(items)} in {gebied['naam']}")
        add(entry, "updated", _iso(items[0]["created_at"]))
        add(entry, "link", rel="alternate", href=kaart_url, type="text/html")
        add(entry, "summary", _summary(items))
        add(entry, "content", "\n".join(_line(r) for r in items), type="text")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _cell(value: object) -> object:
    """A text cell that Excel would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def changes_csv(rows: list[dict[str, Any]]) -> str:
    """The changes as CSV for Excel: UTF-8 with BOM, ';' between fields, Dutch words."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([_cell(v) for v in (
            r["run_id"], f"{r['created_at']:%d-%m-%Y %H:%M}",
            VERANDERING_LABELS[r["verandering"]],
            ", ".join(WAT_LABELS.get(w, w) for w in r["wat"]), r["straatnaam"] or "",
            r["buurtcode"] or "", REGELCODE_NAMEN.get(r["regelcode"], r["regel"]),
            "" if r["jaar"] is None else r["jaar"], "ja" if r["actie_nodig"] else "nee",
            r["toelichting"], r["kans_id"],
        )])
    return out.getvalue()
