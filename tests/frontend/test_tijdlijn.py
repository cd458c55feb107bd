"""The timeline SVG builder (frontend/tijdlijn.py) and how results become meetings of rows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.kaart.tijdlijn import RIOOL, axis_years, meetings
from frontend.tijdlijn import (
    BREEDTE,
    SMAL,
    Balk,
    Koppeling,
    Punt,
    Rij,
    build_tijdlijn_svg,
    merge_koppelingen,
    year_range,
)

NS = {"s": "http://www.w3.org/2000/svg"}
WARMTE = Rij("wn:WN1", "Warmtenet Noord", "#e08214", (Balk(2028, 2030),))
RIOOL_RIJ = Rij(RIOOL, "Riool aan vervanging toe", "#6a3d9a",
                punten=(Punt(2029, 3), Punt(2060, 2), Punt(1990, 1)))
LIANDER = Rij("werk:LIA-1", "Liander: elektriciteit", "#e6ab02", (Balk(2031, 2031),))


def _svg(*args: object, **kwargs: object) -> ET.Element:
    return ET.fromstring(build_tijdlijn_svg(*args, **kwargs))  # type: ignore[arg-type]


def _rows(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-rij", ""): g for g in root.iterfind(".//s:g[@class='tl-rij']", NS)}


def _bar(row: ET.Element) -> tuple[float, float]:
    rect = row.find("s:rect[@class='tl-balk']", NS)
    assert rect is not None
    return float(rect.get("x", "nan")), float(rect.get("width", "nan"))


def test_rows_bars_and_axis_are_placed_by_year() -> None:
    root = _svg([WARMTE, RIOOL_RIJ, LIANDER], titel="Tijdlijn", peiljaar=2026, van=2026,
                tot=2035)
    assert root.get("viewBox", "").startswith(f"0 0 {BREEDTE} ")
    rows = _rows(root)
    assert list(rows) == ["wn:WN1", RIOOL, "werk:LIA-1"]
    x_w, w_w = _bar(rows["wn:WN1"])
    x_l, w_l = _bar(rows["werk:LIA-1"])
    year = w_l + 2  # a bar leaves 1 unit free at either end of its years
    assert w_w + 2 == pytest.approx(3 * year)  # 2028–2030: three years
    assert x_l - x_w == pytest.approx(3 * year)
    years = [t.text for t in root.iterfind("s:text", NS) if (t.text or "").isdigit()]
    assert years[0] == "2026" and years[-1] == "2035"
    # the 'nu' line stands at the left edge of the peiljaar's band, the axis start here
    nu = [ln for ln in root.iterfind("s:line", NS) if ln.get("stroke-dasharray") == "2 3"]
    assert float(nu[0].get("x1", "nan")) == pytest.approx(x_w - 1 - 2 * year)


def test_points_outside_the_axis_sit_at_the_edges_with_their_count() -> None:
    root = _svg([RIOOL_RIJ], titel="t", peiljaar=2026, van=2026, tot=2035)
    row = _rows(root)[RIOOL]
    xs = [float(c.get("cx", "nan")) for c in row.iterfind("s:circle", NS)]
    assert xs[1] == max(xs) and xs[2] == min(xs)  # 2060 right, 1990 left
    labels = [t.text for t in row.iterfind("s:text", NS)]
    assert "3" in labels and "2›" in labels and "‹1" in labels
    titles = [t.text for t in row.iterfind("s:circle/s:title", NS)]
    assert titles == ["2029", "2060", "1990"]


def test_meetings_join_the_rows_at_their_years() -> None:
    kans = Koppeling("wn:WN1", 2029, RIOOL, 2029)
    knel = Koppeling("wn:WN1", 2028, "werk:LIA-1", 2031, knelpunt=True)
    root = _svg([WARMTE, RIOOL_RIJ, LIANDER], [kans, kans, knel], titel="t", peiljaar=2026)
    kansen = root.findall(".//s:g[@class='tl-kans']", NS)
    knelpunten = root.findall(".//s:g[@class='tl-knelpunt']", NS)
    assert len(kansen) == 1 and len(knelpunten) == 1  # the two identical ones merged
    assert "(2×)" in (kansen[0].findtext("s:title", namespaces=NS) or "")
    line = kansen[0].find("s:line", NS)
    assert line is not None and line.get("x1") == line.get("x2")  # same year: vertical
    assert float(line.get("y1", "0")) < float(line.get("y2", "0"))  # heat row above sewer
    dashed = knelpunten[0].find("s:line", NS)
    assert dashed is not None and dashed.get("stroke-dasharray")
    assert float(dashed.get("x2", "0")) > float(dashed.get("x1", "0"))  # 2031 right of 2028
    desc = root.findtext("s:desc", namespaces=NS) or ""
    assert "2 koppelkansen en 1 knelpunten" in desc


def test_meetings_of_rows_not_drawn_are_left_out() -> None:
    root = _svg([WARMTE], [Koppeling("wn:WN1", 2029, RIOOL, 2029)], titel="t")
    assert root.findall(".//s:g[@class='tl-kans']", NS) == []


def test_text_is_escaped_and_long_labels_shortened() -> None:
    rij = Rij("werk:<x>", "Partij <&> met een heel erg lange naam: woningen", "#000",
              (Balk(2027, 2028),))
    svg = build_tijdlijn_svg([rij], titel="A & B <c>", peiljaar=2026)
    root = ET.fromstring(svg)  # well-formed despite <, & and > in the data
    assert root.findtext("s:title", namespaces=NS) == "A & B <c>"
    row = _rows(root)["werk:<x>"]
    shown = row.findtext("s:text", namespaces=NS) or ""
    assert shown.endswith("…") and len(shown) < len(rij.label)
    assert row.findtext("s:title", namespaces=NS) == rij.label  # full label as tooltip


def test_empty_timeline_says_so() -> None:
    root = _svg([], titel="Leeg", peiljaar=2026)
    texts = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert "Geen geplande werken bekend." in texts


def test_narrow_layout_wraps_the_legend_and_stays_inside() -> None:
    root = _svg([WARMTE, RIOOL_RIJ], titel="t", peiljaar=2026, breedte=SMAL)
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert width == SMAL
    wide = _svg([WARMTE, RIOOL_RIJ], titel="t", peiljaar=2026)
    assert height > float(wide.get("viewBox", "").split()[3])  # legend on more lines
    for rect in root.iterfind(".//s:rect[@class='tl-balk']", NS):
        assert float(rect.get("x", "0")) + float(rect.get("width", "0")) <= width


def test_year_range_and_merge() -> None:
    assert year_range([WARMTE, LIANDER], [], 2026) == (2026, 2031)
    # points alone do not widen the axis
    assert year_range([WARMTE, RIOOL_RIJ], [], None) == (2028, 2032)
    merged = merge_koppelingen([Koppeling("a", 1, "b", 1), Koppeling("a", 1, "b", 1, aantal=2),
                                Koppeling("a", 1, "b", 1, knelpunt=True)])
    assert [(k.knelpunt, k.aantal) for k in merged] == [(False, 3), (True, 1)]


def test_axis_years_bounds_the_axis_around_the_peiljaar() -> None:
    far = Rij("werk:x", "x", "#000", (Balk(2070, 2072),))
    assert axis_years([WARMTE], [], 2026) == (2024, 2038)
    assert axis_years([far], [], 2026) == (2024, 2056)


def _kans(**values: object) -> dict[str, object]:
    base: dict[str, object] = dict.fromkeys(
        ("regelcode", "warmtenet_id", "start_jaar", "eind_jaar", "riool_due_jaar", "eenheid_a",
         "soort_a", "start_a", "eind_a", "eenheid_b", "soort_b", "start_b", "eind_b"))
    return {**base, **values}


def test_results_become_meetings_of_their_units_rows() -> None:
    rows = [
        # R1: the pipe is due before the heat work starts: it meets the work at its start
        _kans(regelcode="R1", warmtenet_id="WN1", start_jaar=2028, eind_jaar=2030,
              riool_due_jaar=2026),
        # R5 heat section × werk section: they meet when both have started
        _kans(regelcode="R5", eenheid_a="WN1#3", soort_a="warmtenet", start_a=2028,
              eind_a=2030, eenheid_b="LIA-1#0", soort_b="elektriciteit", start_b=2029,
              eind_b=2029),
        # R5b werk × pipe (a pipe is its own id, soort riolering)
        _kans(regelcode="R5b", eenheid_a="LIA-1#2", soort_a="elektriciteit", start_a=2029,
              eind_a=2029, eenheid_b="7215d1a4-5fc0", soort_b="riolering", start_b=2037,
              eind_b=2037),
        # a unit of a work that is not drawn: left out
        _kans(regelcode="R5", eenheid_a="ONBEKEND#1", soort_a="gas", start_a=2029,
              eind_a=2029, eenheid_b="LIA-1#0", soort_b="elektriciteit", start_b=2029,
              eind_b=2029),
    ]
    assert meetings(rows, warmte={"WN1"}, werk={"LIA-1"}) == [
        Koppeling("wn:WN1", 2028, RIOOL, 2026),
        Koppeling("wn:WN1", 2029, "werk:LIA-1", 2029),
        Koppeling("werk:LIA-1", 2029, RIOOL, 2037, knelpunt=True),
    ]
