"""Vectorised green shares, due years, afkoppel candidates and buurt texts (issue 10) give
bit for bit what the plain per-row definitions give, and shared work is done once a run."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import shapely
from shapely import LineString, Point, Polygon, box

import geo.analysis
import geo.green
import geo.rules
from geo.dekking import BUITEN_DEKKING, LAAG_LEEG, buurt_text, buurt_texts
from geo.green import corridor_green, green_areas, green_polygons, prepare_green
from geo.params import RuleParams
from geo.riool import due_explanations, due_years
from geo.rules import afkoppel_candidates, r2_vergroenen, r4_afkoppelen
from tests.geo.builders import empty, layer, overal, pijp, werk
from tests.geo.test_analysis import town

P = 2026


def _green_layer(rng: np.random.Generator, n: int) -> Any:
    rows: list[dict[str, Any]] = []
    for i in range(n):
        x, y = rng.uniform(0, 400, 2)
        w, h = rng.uniform(2, 60, 2)
        geom: Any = box(x, y, x + w, y + h)
        if i % 7 == 0:  # a bow tie: make_valid gives two triangles
            geom = Polygon([(x, y), (x + w, y + h), (x + w, y), (x, y + h)])
        if i % 11 == 0:  # a multipolygon whose parts overlap
            geom = shapely.MultiPolygon([box(x, y, x + w, y + h), box(x + 1, y + 1, x + w + 5, y + 3)])
        rows.append({"id": f"G{i}", "type": "park", "geometry": geom})
    rows.append({"id": "L", "type": "park", "geometry": shapely.GeometryCollection(
        [box(0, 0, 5, 5), LineString([(0, 0), (9, 9)]), Point(3, 3)])})
    return layer("groen", rows)


def _polygons_per_row(groen: Any) -> np.ndarray:
    """The definition: per geometry, made valid, the union of its parts with area."""
    geoms = groen.geometry.to_numpy()
    geoms = np.where(shapely.is_valid(geoms), geoms, shapely.make_valid(geoms))
    return np.asarray([shapely.union_all([p for p in shapely.get_parts(g) if p.area > 0])
                       for g in geoms], dtype=object)


def _areas_per_corridor(corridors: np.ndarray, green: np.ndarray) -> np.ndarray:
    """The definition of RULES.md R2: area(corridor ∩ ⋃green), one corridor at a time."""
    tree = shapely.STRtree(green)
    out = np.zeros(len(corridors))
    for i, c in enumerate(corridors):
        near = tree.query(c, predicate="intersects")
        if len(near) == 1:
            out[i] = shapely.area(shapely.intersection(c, green[near[0]]))
        elif len(near):
            out[i] = shapely.area(shapely.union_all(shapely.intersection(c, green[near])))
    return out


def test_green_polygons_and_areas_equal_the_per_row_definition_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    groen = _green_layer(rng, 300)
    got = green_polygons(groen)
    want = _polygons_per_row(groen)
    assert shapely.to_wkb(got).tolist() == shapely.to_wkb(want).tolist()
    lines = np.asarray([LineString([tuple(rng.uniform(0, 400, 2)), tuple(rng.uniform(0, 400, 2))])
                        for _ in range(200)], dtype=object)
    corridors = shapely.buffer(lines, 25, quad_segs=16)
    areas = green_areas(corridors, prepare_green(groen))
    assert areas.tolist() == _areas_per_corridor(corridors, want).tolist()
    # Overlapping green counts once: below the sum of the pieces where polygons overlap.
    assert (areas <= shapely.area(corridors) + 1e-6).all()


def test_overlapping_green_counts_once() -> None:
    line = np.asarray([LineString([(0, 0), (100, 0)])], dtype=object)
    same = layer("groen", [{"id": f"G{i}", "type": "park", "geometry": box(0, -10, 50, 10)}
                           for i in range(3)])
    strook, groen_m2 = corridor_green(line, same, 25, 16)
    assert groen_m2[0] == pytest.approx(1000.0)
    assert strook[0] > 5000


def test_r2_and_r4_take_the_prepared_green_with_the_same_result() -> None:
    layers = town()
    params = RuleParams()
    green = prepare_green(layers["groen"])
    sec = geo.analysis.split_sections(layers["warmtenet"], params.sectie_m)
    pd.testing.assert_frame_equal(r2_vergroenen(sec, green, params),
                                  r2_vergroenen(sec, layers["groen"], params))
    cand = afkoppel_candidates(layers["riolering"], params, peiljaar=P)
    pd.testing.assert_frame_equal(
        r4_afkoppelen(layers["riolering"], green, params, peiljaar=P, candidates=cand),
        r4_afkoppelen(layers["riolering"], layers["groen"], params, peiljaar=P))


def test_a_run_builds_green_and_afkoppel_candidates_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"green": 0, "cand": 0}

    def counted(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(geo.green, "green_polygons", counted("green", geo.green.green_polygons))
    cand = counted("cand", geo.rules.afkoppel_candidates)
    monkeypatch.setattr(geo.rules, "afkoppel_candidates", cand)
    monkeypatch.setattr(geo.analysis, "afkoppel_candidates", cand)
    result = geo.analysis.analyse(**town(), dekking=overal(), params=RuleParams(), peiljaar=P)
    assert set(result.kansen["regel"]) >= {"vergroenen", "afkoppelen"}
    assert calls == {"green": 1, "cand": 1}


def test_due_years_and_texts_equal_the_per_pipe_definition() -> None:
    rng = np.random.default_rng(3)
    materials: list[Any] = [None, "beton", " Beton ", "PVC", "gres", "onbekend spul", "", float("nan")]
    rows = []
    for i in range(400):
        aanleg = None if i % 5 == 0 else int(rng.integers(1900, 2020))
        vervanging = int(rng.integers(2020, 2080)) if i % 3 == 0 else None
        rows.append(pijp(f"R{i}", [(0.0, 0.0), (10.0, 0.0)], materiaal=materials[i % 8],
                         aanleg=aanleg, vervanging=vervanging))
    pipes = layer("riolering", rows)
    pipes.index = pd.RangeIndex(1000, 1400)
    params = RuleParams(levensduur={"beton": 70, "pvc": 55}, levensduur_overig=61)
    years, texts = due_years(pipes, params), due_explanations(pipes, params)
    for (idx, row), year, text in zip(pipes.iterrows(), years, texts, strict=True):
        m = row["materiaal"]
        m = None if m is None or pd.isna(m) else str(m).strip().lower()
        a, v = row["aanlegjaar"], row["vervangingsjaar"]
        if pd.notna(v):
            assert (year, text) == (int(v), f"vervanging gepland {int(v)}"), idx
        elif pd.notna(a):
            life = params.lifetime(m)
            assert (year, text) == (int(a) + life,
                                    f"aanleg {int(a)} + levensduur {life} = {int(a) + life}")
        else:
            assert pd.isna(year) and text == "vervangingsjaar onbekend"
    assert years.index.equals(pipes.index) and texts.index.equals(pipes.index)


@pytest.mark.parametrize("reden", [LAAG_LEEG, BUITEN_DEKKING, None])
def test_buurt_texts_equal_buurt_text(reden: str | None) -> None:
    rng = np.random.default_rng(5)
    meters = np.r_[0.0, -3.0, 0.4, 0.5, 1.5, 2.5, 999.5, 1234.4, 123456789.5, np.nan,
                   rng.uniform(0, 1e7, 2000), rng.integers(0, 100000, 500) + 0.5]
    for regel in ("vergroenen", "boomconflict", "leefbaarheid", "afkoppelen"):
        want = [buurt_text(regel, float(m), reden) for m in meters]
        assert buurt_texts(regel, meters, reden).tolist() == want


def test_niet_beoordeeld_per_buurt_joins_the_rules_in_order() -> None:
    layers = {**town(), "groen": empty("groen")}
    layers["warmtenet"] = layer("warmtenet", [werk("WN1", [(0, 110), (250, 110)])])
    result = geo.analysis.analyse(**layers, dekking={}, params=RuleParams(), peiljaar=P)
    first = result.buurtscores.set_index("buurtcode").loc["BU00000001", "niet_beoordeeld"]
    assert first.split("; ")[0].startswith("Vergroenen: 250 m niet beoordeeld (geen groenlaag")
    assert [t.split(":")[0] for t in first.split("; ")] == [
        "Vergroenen", "Boomconflict", "Leefbaarheid", "Afkoppelen"]
