"""A timeline of the works in one buurt (or street) as a static SVG: no script, prints as is.

One row per work (heat works, other parties' works) and one row for the sewer (pipes due per
year); a year axis along the top; koppelkansen (R1, R5) are drawn as a solid line joining the
two rows where the works meet, knelpunten (R5b: the street opens twice) as a dashed line from
one work's year to the other's. Pure: plain data in, an SVG string out. The SVG uses only
presentation attributes (no <style>), so it passes the page's CSP inline and as an <img>.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

BREEDTE = 760
SMAL = 400        # the side panel of the map
RECHTS = 14
RIJ_HOOGTE = 30
KOP = 24          # title line
AS = 22           # year labels under the title
VOET = 26         # legend
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
KANS_KLEUR = "#1b7837"
KNELPUNT_KLEUR = "#c2182b"
NU_KLEUR = "#444444"


@dataclass(frozen=True)
class Balk:
    """A window [start, eind] (whole years, both included) on a row."""

    start: int
    eind: int
    titel: str = ""


@dataclass(frozen=True)
class Punt:
    """`aantal` things (e.g. pipes) in one year on a row; `titel` is the tooltip."""

    jaar: int
    aantal: int
    titel: str = ""


@dataclass(frozen=True)
class Rij:
    """One row of the timeline: a work (windows) or the sewer (points per year)."""

    sleutel: str
    label: str
    kleur: str
    balken: tuple[Balk, ...] = ()
    punten: tuple[Punt, ...] = ()


@dataclass(frozen=True)
class Koppeling:
    """Two rows meeting: a koppelkans (same year, one opening) or a knelpunt (two openings)."""

    rij_a: str
    jaar_a: int
    rij_b: str
    jaar_b: int
    knelpunt: bool = False
    aantal: int = 1


@dataclass(frozen=True)
class _As:
    van: int
    tot: int
    x0: float
    jaar_breedte: float
    breedte: int

    def x(self, jaar: float) -> float:
        """Left edge of a year's band."""
        return self.x0 + (jaar - self.van) * self.jaar_breedte

    def midden(self, jaar: int) -> float:
        """Middle of a year's band, a year outside the axis at its edge."""
        return self.x(min(max(jaar, self.van), self.tot) + 0.5)


def merge_koppelingen(koppelingen: Sequence[Koppeling]) -> list[Koppeling]:
    """Identical meetings (same rows, years and kind) as one, their counts summed; order kept."""
    merged: dict[tuple[str, int, str, int, bool], int] = {}
    for k in koppelingen:
        key = (k.rij_a, k.jaar_a, k.rij_b, k.jaar_b, k.knelpunt)
        merged[key] = merged.get(key, 0) + k.aantal
    return [Koppeling(a, ja, b, jb, kn, n) for (a, ja, b, jb, kn), n in merged.items()]


def year_range(rijen: Sequence[Rij], koppelingen: Sequence[Koppeling],
               peiljaar: int | None) -> tuple[int, int]:
    """First and last year to show: every window and meeting, and the peiljaar.

    Points (pipes due) do not widen the axis: a pipe due decades away would squeeze the works;
    they are drawn at the edge instead.
    """
    years = [y for r in rijen for b in r.balken for y in (b.start, b.eind)]
    years += [y for k in koppelingen for y in (k.jaar_a, k.jaar_b)]
    if peiljaar is not None:
        years.append(peiljaar)
    if not years:
        years = [p.jaar for r in rijen for p in r.punten] or [2000]
    return min(years), max(max(years), min(years) + 4)


def _label(text: str, max_tekens: int) -> str:
    return text if len(text) <= max_tekens else text[: max_tekens - 1].rstrip() + "…"


def _label_breedte(breedte: int) -> int:
    return max(110, round(breedte * 0.26))


def _text(x: float, y: float, body: str, *, size: float = 11, anchor: str = "start",
          weight: str = "normal", fill: str = "#111111") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(body)}</text>')


def build_tijdlijn_svg(
    rijen: Sequence[Rij],
    koppelingen: Sequence[Koppeling] = (),
    *,
    titel: str,
    peiljaar: int | None = None,
    van: int | None = None,
    tot: int | None = None,
    breedte: int = BREEDTE,
) -> str:
    """The timeline as a standalone SVG document (also fine inline in HTML).

    Years run from `van` to `tot` (default: `year_range`); windows, points and meetings outside
    are drawn at the edge. Meetings whose rows are not among `rijen` are left out. `breedte` is
    the width in SVG units at which text is 11 units high (`SMAL` for the map's side panel).
    """
    koppelingen = merge_koppelingen(
        [k for k in koppelingen if k.rij_a in {r.sleutel for r in rijen}
         and k.rij_b in {r.sleutel for r in rijen}]
    )
    auto_van, auto_tot = year_range(rijen, koppelingen, peiljaar)
    van = auto_van if van is None else van
    tot = max(auto_tot if tot is None else tot, van)
    n_jaren = tot - van + 1
    x0 = _label_breedte(breedte)
    as_ = _As(van, tot, x0, (breedte - x0 - RECHTS) / n_jaren, breedte)
    top = KOP + AS
    legenda, legenda_hoogte = _legend(top + max(len(rijen), 1) * RIJ_HOOGTE + 18, breedte)
    hoogte = top + max(len(rijen), 1) * RIJ_HOOGTE + legenda_hoogte + 6
    rij_y = {r.sleutel: top + i * RIJ_HOOGTE + RIJ_HOOGTE / 2 for i, r in enumerate(rijen)}
    n_kans = sum(k.aantal for k in koppelingen if not k.knelpunt)
    n_knel = sum(k.aantal for k in koppelingen if k.knelpunt)
    desc = (f"Tijdlijn {van}–{tot}: {len(rijen)} rijen, {n_kans} koppelkansen en "
            f"{n_knel} knelpunten waar de straat twee keer open zou gaan.")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {breedte} {hoogte:.0f}" '
        f'width="100%" role="img" aria-labelledby="tl-titel tl-desc" class="tijdlijn-svg" '
        f'font-family="{escape(FONT)}">',
        f'<title id="tl-titel">{escape(titel)}</title><desc id="tl-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{breedte}" height="{hoogte:.0f}" fill="#ffffff"/>',
        _text(4, 16, titel, size=13, weight="bold"),
    ]
    out += _axis(as_, top, len(rijen))
    if not rijen:
        out.append(_text(x0, top + RIJ_HOOGTE / 2 + 4,
                         "Geen geplande werken bekend.", fill="#555555"))
    for i, rij in enumerate(rijen):
        out += _row(rij, as_, top + i * RIJ_HOOGTE, i)
    if peiljaar is not None and van <= peiljaar <= tot:
        x = as_.x(peiljaar)
        bottom = top + max(len(rijen), 1) * RIJ_HOOGTE
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom:.1f}" '
                   f'stroke="{NU_KLEUR}" stroke-width="1.2" stroke-dasharray="2 3"/>')
        out.append(_text(x + 3, bottom - 3, "nu", size=9, fill=NU_KLEUR))
    for k in koppelingen:
        out += _meeting(k, as_, rij_y)
    out += legenda
    out.append("</svg>")
    return "\n".join(out)


def _axis(as_: _As, top: float, n_rijen: int) -> list[str]:
    # Year labels need about 30 units each.
    step = next(s for s in (1, 2, 5, 10, 20) if s * as_.jaar_breedte >= 30)
    bottom = top + max(n_rijen, 1) * RIJ_HOOGTE
    parts = []
    for jaar in range(as_.van, as_.tot + 1):
        x = as_.x(jaar)
        parts.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                     f'stroke="#e3e3e3" stroke-width="0.6"/>')
        if (jaar - as_.van) % step == 0:
            parts.append(_text(as_.x(jaar + 0.5), top - 6, str(jaar), size=10, anchor="middle",
                               fill="#333333"))
    parts.append(f'<line x1="{as_.x0:.1f}" y1="{top:.1f}" x2="{as_.x(as_.tot + 1):.1f}" '
                 f'y2="{top:.1f}" stroke="#777777" stroke-width="0.8"/>')
    return parts


def _row(rij: Rij, as_: _As, y0: float, index: int) -> list[str]:
    mid = y0 + RIJ_HOOGTE / 2
    parts = []
    if index % 2:
        parts.append(f'<rect x="0" y="{y0:.1f}" width="{as_.breedte}" height="{RIJ_HOOGTE}" '
                     f'fill="#f4f4f4"/>')
    label = _label(rij.label, int(as_.x0 / 6.2))
    parts.append(f'<g class="tl-rij" data-rij="{escape(rij.sleutel)}">')
    if label != rij.label:
        parts.append(f"<title>{escape(rij.label)}</title>")
    parts.append(_text(4, mid + 4, label))
    for balk in rij.balken:
        start = min(max(balk.start, as_.van), as_.tot)
        eind = min(max(balk.eind, start, as_.van), as_.tot)
        x1, x2 = as_.x(start) + 1, as_.x(eind + 1) - 1
        parts.append(
            f'<rect class="tl-balk" x="{x1:.1f}" y="{mid - 7:.1f}" width="{max(x2 - x1, 3):.1f}" '
            f'height="14" rx="3" fill="{escape(rij.kleur)}" fill-opacity="0.85">'
            f"<title>{escape(balk.titel or rij.label)}</title></rect>"
        )
    for punt in rij.punten:
        x = as_.midden(punt.jaar)
        r = min(3 + 1.6 * math.sqrt(max(punt.aantal, 1)), RIJ_HOOGTE / 2 - 2)
        buiten = "‹ " if punt.jaar < as_.van else " ›" if punt.jaar > as_.tot else ""
        parts.append(
            f'<circle class="tl-punt" cx="{x:.1f}" cy="{mid:.1f}" r="{r:.1f}" '
            f'fill="{escape(rij.kleur)}" fill-opacity="0.75">'
            f"<title>{escape(punt.titel or str(punt.jaar))}</title></circle>"
        )
        if punt.aantal > 1 or buiten:
            body = f"{punt.aantal}" if not buiten else (
                f"‹{punt.aantal}" if punt.jaar < as_.van else f"{punt.aantal}›")
            parts.append(_text(x, mid + 3.5, body, size=8.5, anchor="middle", weight="bold",
                               fill="#ffffff"))
    parts.append("</g>")
    return parts


def _meeting(k: Koppeling, as_: _As, rij_y: dict[str, float]) -> list[str]:
    xa, ya = as_.midden(k.jaar_a), rij_y[k.rij_a]
    xb, yb = as_.midden(k.jaar_b), rij_y[k.rij_b]
    kleur = KNELPUNT_KLEUR if k.knelpunt else KANS_KLEUR
    soort = "knelpunt" if k.knelpunt else "kans"
    dash = ' stroke-dasharray="4 3"' if k.knelpunt else ""
    if k.knelpunt:
        uitleg = (f"Knelpunt: de straat gaat in {k.jaar_a} en in {k.jaar_b} open"
                  f"{f' ({k.aantal}×)' if k.aantal > 1 else ''}")
    else:
        uitleg = (f"Koppelkans: samen in één keer rond {min(k.jaar_a, k.jaar_b)}"
                  f"{f' ({k.aantal}×)' if k.aantal > 1 else ''}")
    return [
        f'<g class="tl-{soort}"><title>{escape(uitleg)}</title>',
        f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="{kleur}" '
        f'stroke-width="1.8" stroke-opacity="0.85"{dash}/>',
        f'<circle cx="{xa:.1f}" cy="{ya:.1f}" r="4" fill="#ffffff" stroke="{kleur}" '
        f'stroke-width="2"/>',
        f'<circle cx="{xb:.1f}" cy="{yb:.1f}" r="4" fill="#ffffff" stroke="{kleur}" '
        f'stroke-width="2"/>',
        "</g>",
    ]


def _legend(y: float, breedte: int) -> tuple[list[str], float]:
    """The legend from baseline `y`, wrapped to `breedte`; its parts and its height."""
    items = (
        ("Koppelkans: werken samen in één keer", KANS_KLEUR, ' stroke-width="2.2"'),
        ("Knelpunt: straat gaat twee keer open", KNELPUNT_KLEUR,
         ' stroke-width="2.2" stroke-dasharray="4 3"'),
        ("nu (peiljaar)", NU_KLEUR, ' stroke-width="1.2" stroke-dasharray="2 3"'),
    )
    x, regel, parts = 4.0, 0, []
    for label, kleur, lijn in items:
        width = 27 + 5.6 * len(label)
        if x > 4 and x + width > breedte:
            x, regel = 4.0, regel + 1
        yy = y + regel * 16
        parts.append(f'<line x1="{x:.1f}" y1="{yy - 4:.1f}" x2="{x + 22:.1f}" y2="{yy - 4:.1f}" '
                     f'stroke="{kleur}"{lijn}/>')
        parts.append(_text(x + 27, yy, label, size=10))
        x += width + 16
    return parts, VOET + regel * 16
