"""The handout for a residents' evening: one buurt on two A4 pages in plain Dutch (B1).

No ids, codes, thresholds or parameters: a map with street names and numbered places, then per
street what is planned when and what could be combined, then what residents can do. The
sentences are built here from a result's regelcode and years (pure functions, no I/O).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontend import styles
from frontend.elements import load_template

# RULES.md §3 R3: the suggested coupling per weakest dimension, as geo.toelichting.KOPPELING
# says it, in words a resident reads at once.
KOPPELING_EENVOUDIG: dict[str, str] = {
    "fys": "de straat mooier inrichten",
    "onv": "betere verlichting en meer overzicht",
    "soc": "plekken om elkaar te ontmoeten",
    "vrz": "voorzieningen, zoals een speelplek of een bankje",
    "won": "woningen opknappen tegelijk met de aansluiting",
}
# RULES.md §9 soorten: what a party does (with its name) ...
WERK_ACTIEF: dict[str, str] = {
    "riolering": "vervangt het riool",
    "warmtenet": "legt het warmtenet aan",
    "weg": "richt de weg opnieuw in",
    "water": "werkt aan de waterleiding",
    "elektriciteit": "verzwaart het elektriciteitsnet",
    "gas": "werkt aan de gasleiding",
    "telecom": "legt nieuwe kabels voor internet en telefoon",
    "groen": "legt nieuw groen aan",
    "klimaatadaptatie": "maakt de straat klaar voor hevige regen en hitte",
    "woningen": "bouwt of vernieuwt woningen",
    "overig": "werkt in de straat",
}
# ... and what happens when no party is named (heat works and pipes have none).
WERK_PASSIEF: dict[str, str] = {
    "riolering": "het riool wordt vervangen",
    "warmtenet": "het warmtenet wordt aangelegd",
    "weg": "de weg wordt opnieuw ingericht",
    "water": "er wordt gewerkt aan de waterleiding",
    "elektriciteit": "het elektriciteitsnet wordt verzwaard",
    "gas": "er wordt gewerkt aan de gasleiding",
    "telecom": "er komen nieuwe kabels voor internet en telefoon",
    "groen": "er komt nieuw groen",
    "klimaatadaptatie": "de straat wordt klaargemaakt voor hevige regen en hitte",
    "woningen": "er worden woningen gebouwd of vernieuwd",
    "overig": "er wordt gewerkt in de straat",
}
# What a work is called in a short sentence (R5b: "het riool (2031)").
WERK_NAAM: dict[str, str] = {
    "riolering": "het riool",
    "warmtenet": "het warmtenet",
    "weg": "de weg",
    "water": "de waterleiding",
    "elektriciteit": "het elektriciteitsnet",
    "gas": "de gasleiding",
    "telecom": "de kabels voor internet en telefoon",
    "groen": "het groen",
    "klimaatadaptatie": "het werk tegen wateroverlast en hitte",
    "woningen": "de woningen",
    "overig": "ander werk",
}
# What a line on the residents' map means, per regelcode.
KAART_LABELS: dict[str, str] = {
    "R1": "Warmtenet en riool in één keer",
    "R2": "Kans op meer groen",
    "R2b": "Bomen dicht bij het werk",
    "R3": "Kans op een prettigere buurt",
    "R4": "Regenwater apart, meer groen",
    "R5": "Twee werken in één keer",
    "R5b": "Straat gaat twee keer open",
}
MAX_STRATEN = 10
# At most this many sentences about pairs of works (R5) per street.
MAX_PAREN = 1
# The street list may take this many printed lines (about 85 characters each) so that the
# handout stays within two A4 pages with the map on the first.
MAX_REGELS = 44
TEKENS_PER_REGEL = 85
_HET = ("plein", "pad", "hof", "erf", "plantsoen", "veld", "park", "eiland", "terrein")
_DE = ("straat", "laan", "weg", "dreef", "singel", "gracht", "kade", "markt", "baan", "dijk",
       "steeg", "dam", "wal", "ring", "allee", "boulevard", "straatweg", "zijde", "haven",
       "brink", "poort", "gang", "hoek", "wetering", "vaart", "sloot", "kant")
_HUISNUMMERS = re.compile(r"(\d+)\D+(\d+)|(\d+)")
# Heat-based rules: the section's window is that of the heat work.
_WARMTE = ("R1", "R2", "R2b", "R3")


@dataclass
class Groep:
    """The results of one street (or, without a street name, of one place) in the buurt."""

    naam: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    nummer: int | None = None

    @property
    def actie(self) -> bool:
        """Any result whose earliest year is near: the team must act soon."""
        return any(bool(r.get("actie_nodig")) for r in self.rows)

    @property
    def jaar(self) -> int | None:
        """The earliest year of any of its results."""
        years = [int(r["jaar"]) for r in self.rows if r.get("jaar") is not None]
        return min(years) if years else None

    def sort_key(self) -> tuple[bool, int, int, str]:
        """Most urgent first: action needed, then the earliest year, then most results."""
        return (not self.actie, self.jaar if self.jaar is not None else 9999, -len(self.rows),
                self.naam or "~")


def group_kansen(rows: Iterable[dict[str, Any]]) -> list[Groep]:
    """Results grouped by straatnaam, unnamed ones by their `plek` (a cluster number), most
    urgent group first."""
    groups: dict[tuple[str, object], Groep] = {}
    for row in rows:
        naam = row.get("straatnaam") or None
        key = ("straat", naam) if naam else ("plek", row.get("plek"))
        groups.setdefault(key, Groep(naam)).rows.append(row)
    return sorted(groups.values(), key=Groep.sort_key)


def huisnummers(values: Iterable[str | None]) -> str | None:
    """The house numbers of a street from its results' 'van–tot' texts: lowest–highest."""
    numbers: list[int] = []
    for value in values:
        for m in _HUISNUMMERS.finditer(value or ""):
            numbers += [int(g) for g in m.groups() if g is not None]
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    return str(low) if low == high else f"{low}–{high}"


def straat_met_lidwoord(naam: str | None) -> str:
    """'de Lindelaan', 'het Marktplein'; 'de straat' when the article cannot be told."""
    if not naam:
        return "de straat"
    last = naam.split()[-1].lower()
    if last.endswith(_HET):
        return f"het {naam}"
    if last.endswith(_DE):
        return f"de {naam}"
    return "de straat"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _periode(start: int, eind: int, peiljaar: int | None) -> str:
    if peiljaar is not None and start <= peiljaar <= eind:
        return "nu"
    return f"in {start}" if start == eind else f"tussen {start} en {eind}"


def werk_zin(partij: str | None, soort: str | None) -> str:
    """One party's work as a clause: 'Liander verzwaart het elektriciteitsnet'."""
    soort = soort if soort in WERK_PASSIEF else "overig"
    if partij:
        return f"{partij} {WERK_ACTIEF[soort]}"
    return WERK_PASSIEF[soort]


def _years(rows: Sequence[dict[str, Any]], key: str) -> list[int]:
    return sorted({int(r[key]) for r in rows if r.get(key) is not None})


def _en(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"


def groep_zinnen(groep: Groep, *, peiljaar: int | None = None) -> list[str]:
    """What is planned when in the street, and what could be combined; plain Dutch, short.

    In this order: when the street opens, what can be done in one go, what else can come
    along, what to watch out for.
    """
    by_code: dict[str, list[dict[str, Any]]] = {}
    for row in groep.rows:
        by_code.setdefault(str(row.get("regelcode")), []).append(row)
    straat = straat_met_lidwoord(groep.naam)
    zinnen: list[str] = []
    warmte = [r for code in _WARMTE for r in by_code.get(code, [])]
    starts, einden = _years(warmte, "start_jaar"), _years(warmte, "eind_jaar")
    if starts:
        periode = _periode(starts[0], max(einden or starts), peiljaar)
        zinnen.append(f"{_cap(periode)} gaat {straat} open voor het warmtenet.")
    if "R1" in by_code:
        zinnen.append("Het riool is dan ook aan vervanging toe. Dat kan in één keer.")
    if "R4" in by_code and "R1" not in by_code:
        due = _years(by_code["R4"], "riool_due_jaar")
        zinnen.append("Het riool is hier aan vervanging toe." if not due
                      or (peiljaar is not None and due[0] <= peiljaar)
                      else f"Rond {due[0]} is het riool hier aan vervanging toe.")
    zinnen += _paar_zinnen(by_code.get("R5", []), knelpunt=False, peiljaar=peiljaar)[:MAX_PAREN]
    erbij = []
    if "R2" in by_code:
        erbij.append("meer groen")
    if "R3" in by_code:
        dimensies = {r.get("zwakste_dimensie") for r in by_code["R3"]}
        erbij += [KOPPELING_EENVOUDIG[d] for d in KOPPELING_EENVOUDIG if d in dimensies][:1]
    if "R4" in by_code:
        erbij.append("regenwater apart afvoeren naar het groen")
    if erbij:
        zinnen.append(f"Als de straat toch open is, kan er meer: {_en(erbij)}.")
    if "R2b" in by_code:
        zinnen.append("Er staan bomen dicht bij het werk: die willen we sparen.")
    zinnen += _paar_zinnen(by_code.get("R5b", []), knelpunt=True, peiljaar=peiljaar,
                           met_r1="R1" in by_code)[:1]
    return zinnen


def _wanneer(jaar: int | None, soort: str | None, peiljaar: int | None) -> str:
    if jaar is None:
        return ""
    if soort == "riolering" and peiljaar is not None and jaar < peiljaar:
        return "nu al aan de beurt"
    return str(jaar)


def _werk_kort(partij: str | None, soort: str | None, jaar: str) -> str:
    naam = WERK_NAAM.get(soort or "", WERK_NAAM["overig"])
    extra = ", ".join(x for x in (partij, jaar) if x)
    return f"{naam} ({extra})" if extra else naam


def _ander_riool(r: dict[str, Any], peiljaar: int | None) -> str | None:
    """R5b heat work × pipe where R1 already said the sewer goes along: about the other pipe."""
    soorten = {r.get("soort_a"): r.get("start_a"), r.get("soort_b"): r.get("start_b")}
    if set(soorten) != {"warmtenet", "riolering"} or r.get("partij_a") or r.get("partij_b"):
        return None
    jaar, warmte = soorten["riolering"], soorten["warmtenet"]
    if jaar is None or warmte is None:
        return None
    if peiljaar is not None and jaar < peiljaar:
        wanneer = "is nu al aan de beurt"
    else:
        wanneer = f"is al in {jaar} aan de beurt" if jaar < warmte else (
            f"is pas in {jaar} aan de beurt")
    return (f"Let op: een ander stuk riool in deze straat {wanneer}. Zo gaat de straat binnen "
            "een paar jaar twee keer open: we proberen dat samen te voegen.")


def _paar_zinnen(rows: Sequence[dict[str, Any]], *, knelpunt: bool,
                 peiljaar: int | None = None, met_r1: bool = False) -> list[str]:
    """One sentence per pair of works (R5, R5b), the earliest first. `met_r1`: the street's
    text already says the sewer goes along with the heat work."""
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (min(r.get("start_a") or 9999, r.get("start_b") or 9999),
                                         r.get("gap_jaar") or 0)):
        a = werk_zin(r.get("partij_a"), r.get("soort_a"))
        b = werk_zin(r.get("partij_b"), r.get("soort_b"))
        pairs.setdefault((a, b), r)
    zinnen = []
    for (a, b), r in pairs.items():
        start_a, start_b = r.get("start_a"), r.get("start_b")
        ander = _ander_riool(r, peiljaar) if knelpunt and met_r1 else None
        if ander:
            zinnen.append(ander)
        elif knelpunt:
            wa = _werk_kort(r.get("partij_a"), r.get("soort_a"),
                            _wanneer(start_a, r.get("soort_a"), peiljaar))
            wb = _werk_kort(r.get("partij_b"), r.get("soort_b"),
                            _wanneer(start_b, r.get("soort_b"), peiljaar))
            zinnen.append(f"Let op: {wa} en {wb} zijn niet tegelijk gepland. Zo gaat de straat "
                          "binnen een paar jaar twee keer open: we proberen dat samen te voegen.")
        else:
            samen = max(start_a, start_b) if start_a and start_b else None
            wanneer = f" (rond {samen})" if samen else ""
            zinnen.append(f"{_cap(a)} en {b}{wanneer}: dat kan in één keer.")
    return zinnen


def _jaren(years: Sequence[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    return f"{years[0]}–{years[-1]}"


def label_point(rows: Sequence[dict[str, Any]]) -> tuple[float, float] | None:
    """Where a group's number goes on the map: the result point nearest their mean."""
    points = [(float(r["x"]), float(r["y"])) for r in rows
              if r.get("x") is not None and r.get("y") is not None]
    if not points:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    return min(points, key=lambda p: math.hypot(p[0] - mx, p[1] - my))


def _upright(azimut: float) -> float:
    """SVG rotation of text along a line with this azimut (degrees from north, clockwise),
    turned so that it never reads upside down."""
    hoek = azimut - 90.0
    while hoek > 90:
        hoek -= 180
    while hoek <= -90:
        hoek += 180
    return round(hoek, 1)


def street_labels(labels: Sequence[dict[str, Any]], *, eenheid: float, genoemd: set[str],
                  nummers: Sequence[tuple[float, float]] = (),
                  max_labels: int = 30) -> list[dict[str, Any]]:
    """Street names to print on the map: the listed streets first, then the longest; a name
    is left out where it is much longer than its street. Each goes to the first of its
    `plekken` (x, y, azimut triples) clear of the numbered circles at `nummers`."""
    size = 2.1 * eenheid
    vrij = 3.5 * eenheid
    chosen = []
    for lab in sorted(labels, key=lambda lab: (lab["straatnaam"] not in genoemd,
                                                -float(lab["lengte"]))):
        breedte = 0.55 * size * len(lab["straatnaam"])
        if lab["straatnaam"] not in genoemd and breedte > 1.3 * float(lab["lengte"]):
            continue
        flat = [float(v) for v in (lab.get("plekken") or []) if v is not None]
        plekken = [(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat) - 2, 3)]
        plekken = plekken or [(float(lab["x"]), float(lab["y"]), float(lab["azimut"]))]
        x, y, azimut = next(
            (p for p in plekken
             if all(math.hypot(p[0] - nx, p[1] - ny) > vrij for nx, ny in nummers)),
            plekken[0])
        chosen.append({**lab, "x": round(x, 1), "y": round(y, 1), "hoek": _upright(azimut),
                       "grootte": round(size, 1)})
        if len(chosen) >= max_labels:
            break
    return chosen


def regels(straat: dict[str, Any]) -> float:
    """About how many printed lines a street takes in the list: heading, text and spacing."""
    tekst = " ".join(straat["zinnen"])
    return 1.5 + max(1, math.ceil(len(tekst) / TEKENS_PER_REGEL))


def select_straten(straten: Sequence[dict[str, Any]], *, max_straten: int = MAX_STRATEN,
                   max_regels: int = MAX_REGELS) -> list[dict[str, Any]]:
    """The first streets (most urgent first) that fit in the line budget; at least one."""
    chosen: list[dict[str, Any]] = []
    used = 0.0
    for straat in straten[:max_straten]:
        if chosen and used + regels(straat) > max_regels:
            break
        chosen.append(straat)
        used += regels(straat)
    return chosen


def render_bewoners(
    *, data: dict[str, Any], static_base: str = "/static", page_base: str = "/kaart",
    max_straten: int = MAX_STRATEN, max_regels: int = MAX_REGELS, today: dt.date | None = None,
) -> str:
    """The handout of one buurt from `bewoners_data` (app.kaart.bewoners)."""
    buurt, kaart = data["buurt"], data["kaart"]
    peiljaar = buurt.get("peiljaar")
    groepen = group_kansen(data["kansen"])
    alle = [{
        "groep": g, "naam": g.naam,
        "huisnummers": huisnummers(r.get("huisnummers") for r in g.rows) if g.naam else None,
        "zinnen": groep_zinnen(g, peiljaar=peiljaar), "actie": g.actie,
    } for g in groepen]
    straten = select_straten(alle, max_straten=max_straten, max_regels=max_regels)
    nummers = []
    for nummer, straat in enumerate(straten, start=1):
        straat["nummer"] = nummer
        point = label_point(straat["groep"].rows)
        if point is not None:
            nummers.append({"nummer": nummer, "x": point[0], "y": point[1]})
    shown = {id(r) for straat in straten for r in straat["groep"].rows}
    lijnen = [{**r, "kleur": styles.REGELCODE_COLORS.get(r["regelcode"], styles.ONBEKEND_COLOR),
               "genoemd": id(r) in shown} for r in data["kansen"]]
    codes = [c for c in KAART_LABELS if any(r["regelcode"] == c for r in data["kansen"])]
    genoemd = {straat["naam"] for straat in straten if straat["naam"]}
    return load_template("bewoners.html").render(
        buurt=buurt, buurtnaam=buurt.get("buurtnaam") or "uw buurt",
        gemeente=buurt.get("gemeentenaam") or "", straten=straten,
        meer=len(alle) - len(straten), kaart=kaart, lijnen=lijnen, nummers=nummers,
        labels=street_labels(kaart["labels"], eenheid=kaart["eenheid"], genoemd=genoemd,
                             nummers=[(n["x"], n["y"]) for n in nummers]),
        legenda=[{"naam": KAART_LABELS[c], "kleur": styles.REGELCODE_COLORS.get(c, "#999"),
                  "knelpunt": c in ("R2b", "R5b")} for c in codes],
        warmtenet_kleur=styles.WARMTENET_COLORS["gepland"], static_base=static_base,
        page_base=page_base, datum=_maand(today or dt.date.today()),
    )


_MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
            "september", "oktober", "november", "december")


def _maand(day: dt.date) -> str:
    return f"{_MAANDEN[day.month - 1]} {day.year}"
