"""Data coverage (RULES.md §8): no result from missing data.

A context layer only says something where it was collected. Its *dekking* (coverage) is a
polygon; a rule that needs the layer judges a unit (a section, or a pipe for R4) only when the
unit lies within that polygon buffered by TOLERANCE_M. Other units are *niet beoordeeld*: no
result, and they are counted, with the reason, per rule and per buurt.

Choices kept here (one place):
- "lies within" = the whole unit is covered by the dekking buffered by TOLERANCE_M.
- An empty context layer judges nothing (reason LAAG_LEEG), whatever dekking is given.
- A layer with features but no (or an empty) dekking covers nothing (reason BUITEN_DEKKING).
- R4's units are the pipes R4 would test for green: stelsel gemengd/onbekend, due within the
  horizon. Other pipes are not counted, since R4 never judges them on green.
- Without a given polygon, an import's dekking is the convex hull of its features
  (leefbaarometer: the union of its cells); a hull that is a point or a line covers nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo._common import QUAD_SEGS, fmt_num, usable

TOLERANCE_M = 0.5
LAAG_LEEG = "laag leeg"
BUITEN_DEKKING = "buiten dekking"
REDENEN = (LAAG_LEEG, BUITEN_DEKKING)
CONTEXT_LAYERS = ("groen", "boom", "leefbaarometer")

# Per layer the dekking polygon (EPSG:28992), or None when nothing is known to be covered.
Dekking = Mapping[str, shapely.Geometry | None]


@dataclass(frozen=True)
class RegelDekking:
    """Which context layer a rule needs, which unit it judges, and how to say it in Dutch."""

    laag: str
    eenheid: str        # plural: "secties" | "leidingen"
    eenheid_een: str    # singular
    naam: str           # the rule as a planner reads it


RULE_DEKKING: dict[str, RegelDekking] = {
    "vergroenen": RegelDekking("groen", "secties", "sectie", "Vergroenen"),
    "boomconflict": RegelDekking("boom", "secties", "sectie", "Boomconflict"),
    "leefbaarheid": RegelDekking("leefbaarometer", "secties", "sectie", "Leefbaarheid"),
    "afkoppelen": RegelDekking("groen", "leidingen", "leiding", "Afkoppelen"),
}

LAAG_WOORD: dict[str, str] = {
    "groen": "groenlaag",
    "boom": "bomenlaag",
    "leefbaarometer": "Leefbaarometerlaag",
}

HINT = ("Importeer de ontbrekende laag, of geef bij de import de echte dekking met --dekking "
        "BESTAND of --dekking-buurten CODE,... als de laag een groter gebied beslaat dan de "
        "objecten laten zien.")


def reden_text(laag: str, reden: str) -> str:
    """'geen groenlaag geladen' or 'buiten de dekking van de groenlaag'."""
    woord = LAAG_WOORD.get(laag, f"laag {laag}")
    return f"geen {woord} geladen" if reden == LAAG_LEEG else f"buiten de dekking van de {woord}"


@dataclass(frozen=True)
class Beoordeling:
    """How many units one rule judged, and which it did not and why (one run)."""

    regel: str
    beoordeeld: int
    niet_beoordeeld: int
    reden: str | None                     # LAAG_LEEG, BUITEN_DEKKING, or None when all judged
    niet_beoordeeld_geoms: np.ndarray = field(repr=False, compare=False)
    # The ids of those units, ascending; the geometries are in this order.
    niet_beoordeeld_ids: np.ndarray = field(repr=False, compare=False,
                                            default_factory=lambda: np.zeros(0, dtype=object))

    def to_dict(self) -> dict[str, object]:
        """JSON-able record for the analysis run (without the geometries)."""
        info = RULE_DEKKING[self.regel]
        per_reden = dict.fromkeys(REDENEN, 0)
        if self.reden is not None:
            per_reden[self.reden] = self.niet_beoordeeld
        return {
            "laag": info.laag, "eenheid": info.eenheid, "beoordeeld": self.beoordeeld,
            "niet_beoordeeld": self.niet_beoordeeld, "reden": self.reden,
            "per_reden": per_reden, "tekst": self.text(),
        }

    def text(self) -> str | None:
        """'Vergroenen: 39 secties niet beoordeeld: geen groenlaag geladen', or None."""
        if not self.niet_beoordeeld or self.reden is None:
            return None
        info = RULE_DEKKING[self.regel]
        eenheid = info.eenheid_een if self.niet_beoordeeld == 1 else info.eenheid
        return (f"{info.naam}: {self.niet_beoordeeld} {eenheid} niet beoordeeld: "
                f"{reden_text(info.laag, self.reden)}")


def buurt_text(regel: str, meters: float, reden: str | None) -> str | None:
    """'Vergroenen: 350 m niet beoordeeld (geen groenlaag geladen)', or None for 0 m."""
    if meters <= 0:
        return None
    info = RULE_DEKKING[regel]
    why = f" ({reden_text(info.laag, reden)})" if reden else ""
    return f"{info.naam}: {fmt_num(meters, 0)} m niet beoordeeld{why}"


def buurt_texts(regel: str, meters: np.ndarray, reden: str | None) -> np.ndarray:
    """buurt_text for many buurten at once: an object array of texts, None where 0 m."""
    meters = np.asarray(meters, dtype=float)
    out = np.full(len(meters), None, dtype=object)
    show = ~(meters <= 0)  # as buurt_text: NaN is shown
    finite = show & np.isfinite(meters)
    if finite.any():
        info = RULE_DEKKING[regel]
        why = f" ({reden_text(info.laag, reden)})" if reden else ""
        # fmt_num(m, 0) without a loop: round half to even as format() does, dots per thousand.
        whole = pd.Series(np.rint(meters[finite]).astype(np.int64)).astype(str)
        grouped = whole.str.replace(r"\B(?=(\d{3})+(?!\d))", ".", regex=True)
        out[finite] = (f"{info.naam}: " + grouped + f" m niet beoordeeld{why}").to_numpy(
            dtype=object)
    for i in np.flatnonzero(show & ~finite):  # inf/NaN: never from real lengths; as buurt_text
        out[i] = buurt_text(regel, float(meters[i]), reden)
    return out


def polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """Only the areas of a geometry, made valid; None when it has no area."""
    if geom is None or shapely.is_missing(geom) or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom if geom.area > 0 else None
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")
             and p.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def within_tolerance(units: np.ndarray, area: shapely.Geometry) -> np.ndarray:
    """True for each unit covered by `area` buffered by TOLERANCE_M (round, QUAD_SEGS).

    Buffering a large dekking (a Leefbaarometer grid of many cells with holes) takes long, so
    units inside a part of `area` pass at once, and for the others only the part of `area`
    within 1 m of the unit is buffered: a point lies within TOLERANCE_M of `area` exactly when it lies
    within TOLERANCE_M of that part.
    """
    if len(units) == 0:
        return np.zeros(0, dtype=bool)
    # Per part through a tree: a prepared many-part MultiPolygon is slow. A unit inside the
    # union but in no single part (through a point where two parts touch) is caught below.
    parts = shapely.get_parts(area)
    tree = shapely.STRtree(parts)
    inside, _ = tree.query(units, predicate="covered_by")
    mask = np.zeros(len(units), dtype=bool)
    mask[inside] = True
    rest = np.flatnonzero(~mask)
    margin = 2 * TOLERANCE_M
    for i in rest:
        minx, miny, maxx, maxy = shapely.bounds(units[i])
        rect = (minx - margin, miny - margin, maxx + margin, maxy + margin)
        near = tree.query(shapely.box(*rect))
        if len(near) == 0:
            continue
        local = shapely.union_all(shapely.clip_by_rect(parts[near], *rect))
        zone = shapely.buffer(local, TOLERANCE_M, quad_segs=QUAD_SEGS)
        mask[i] = bool(shapely.covered_by(units[i], zone))
    return mask


def judge(regel: str, units: np.ndarray, ids: np.ndarray, layer: gpd.GeoDataFrame,
          dekking: Dekking | None, *, laag_leeg: bool | None = None
          ) -> tuple[np.ndarray, Beoordeling]:
    """A mask of the units `regel` may judge, and the record of what it may not (RULES.md §8).

    `ids` names the units; the record lists the unjudged ones by ascending id. `laag_leeg`
    says whether the whole layer is empty, for a partition that holds only part of it
    (default: whether `layer` is).
    """
    units = np.asarray(units, dtype=object)
    laag = RULE_DEKKING[regel].laag
    if laag_leeg is None:
        laag_leeg = len(usable(layer)) == 0
    if laag_leeg:
        mask = np.zeros(len(units), dtype=bool)
        reden: str | None = LAAG_LEEG
    else:
        area = polygonal((dekking or {}).get(laag))
        mask = np.zeros(len(units), dtype=bool) if area is None else within_tolerance(units, area)
        reden = BUITEN_DEKKING
    n_not = int((~mask).sum())
    unjudged = np.flatnonzero(~mask)
    names = np.asarray(ids, dtype=object)[unjudged].astype(str)
    order = np.argsort(names, kind="stable")
    return mask, Beoordeling(regel=regel, beoordeeld=int(mask.sum()), niet_beoordeeld=n_not,
                             reden=reden if n_not else None,
                             niet_beoordeeld_geoms=units[unjudged[order]],
                             niet_beoordeeld_ids=names[order].astype(object))


def import_dekking(laag: str, geoms: Iterable[shapely.Geometry | None]) -> shapely.Geometry | None:
    """The dekking of one import without a given polygon: hull, or the union of LBM cells."""
    acc = DekkingAccumulator(laag)
    acc.add(np.asarray(list(geoms), dtype=object))
    return acc.result()


def cells_union(cells: np.ndarray) -> shapely.Geometry:
    """Union of grid cells: fast when they tile (the same cell of several years counts once).

    GEOS's general union takes minutes for a large grid; a coverage union takes seconds but is
    only right when the cells do not overlap, which the area check confirms (else the slow way).
    """
    cells = shapely.from_wkb(np.unique(shapely.to_wkb(shapely.make_valid(
        np.asarray(cells, dtype=object)))))
    if len(cells) == 1:
        return cells[0]
    fast = shapely.coverage_union_all(cells)
    if fast.is_valid and abs(fast.area - float(shapely.area(cells).sum())) <= 1e-6 * fast.area:
        return fast
    return shapely.union_all(cells)


@dataclass
class DekkingAccumulator:
    """Builds an import's dekking batch by batch, so a big file never has to be held whole.

    The convex hull of all features equals the hull of the hulls of the batches. Leefbaarometer
    cells are kept once each (not the file: one WKB per distinct cell) and united at the end.
    """

    laag: str
    _acc: shapely.Geometry | None = None
    _cells: set[bytes] = field(default_factory=set)

    def add(self, geoms: np.ndarray) -> None:
        """Take in one batch of geometries (EPSG:28992)."""
        geoms = np.asarray(geoms, dtype=object)
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        if len(geoms) == 0:
            return
        if self.laag == "leefbaarometer":
            # Keep each distinct cell once (a few MB even for the whole country); their union
            # is taken once at the end, where the fast coverage union applies.
            self._cells.update(shapely.to_wkb(shapely.make_valid(geoms)))
        else:
            part = shapely.convex_hull(shapely.GeometryCollection(list(geoms)))
            both = [part] if self._acc is None else [self._acc, part]
            self._acc = shapely.convex_hull(shapely.GeometryCollection(both))

    def result(self) -> shapely.Geometry | None:
        """The dekking polygon, or None when the features span no area (a point or a line)."""
        if self._cells:
            cells = shapely.from_wkb(np.asarray(sorted(self._cells), dtype=object))
            return polygonal(cells_union(cells))
        return polygonal(self._acc)


def dekking_from_layers(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, shapely.Geometry | None]:
    """Each context layer's dekking as if it were one import without a given polygon."""
    return {laag: import_dekking(laag, usable(layers[laag]).geometry.to_numpy())
            for laag in CONTEXT_LAYERS if laag in layers}
