"""Decide the source CRS (declared, inferred or given) and bring geometries to EPSG:28992."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import geopandas as gpd
import shapely
from pyproj import CRS as ProjCRS
from pyproj.exceptions import CRSError

from data.importers.errors import ImportRefused
from geo.schema import CRS

# Ranges from DATA.md: where numbers are unambiguously RD New or WGS84 degrees.
RD_RANGE = (0.0, 289_000.0, 300_000.0, 629_000.0)
WGS84_RANGE = (3.2, 50.7, 7.3, 53.7)
# Features whose geometry does not touch this box are "buiten Nederland" (RD New validity).
NL_BOX = shapely.box(-7_000.0, 289_000.0, 300_000.0, 629_000.0)


@dataclass
class CrsDecision:
    """Which CRS the numbers are in and how we know."""

    source: str  # CRS to interpret the coordinates in
    declared: str | None
    inferred: bool
    melding: str | None = None
    overridden: bool = False  # the user named the CRS: the coordinates are not checked


def _within(bounds: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return bool(minx >= box[0] and miny >= box[1] and maxx <= box[2] and maxy <= box[3])


def _guess(bounds: np.ndarray) -> str | None:
    if _within(bounds, RD_RANGE):
        return CRS
    if _within(bounds, WGS84_RANGE):
        return "EPSG:4326"
    return None


def _parse(crs: str, what: str) -> ProjCRS:
    try:
        return ProjCRS.from_user_input(crs)
    except CRSError as exc:
        raise ImportRefused(f"{what} '{crs}' is geen bekend coördinatenstelsel ({exc}).") from exc


def _describe(bounds: np.ndarray) -> str:
    minx, miny, maxx, maxy = (round(float(v), 3) for v in bounds)
    return f"x {minx} – {maxx}, y {miny} – {maxy}"


def decide_crs(geoms: gpd.GeoSeries, declared: str | None, override: str | None) -> CrsDecision:
    """Choose the CRS of the coordinates, refusing contradictions and ambiguous cases."""
    present = geoms[~(geoms.isna() | geoms.is_empty)]
    bounds = np.asarray(present.total_bounds) if len(present) else None
    if override:
        _parse(override, "Opgegeven CRS")
        melding = None
        if declared and not _same(declared, override):
            melding = f"CRS van het bestand ({declared}) vervangen door opgegeven {override}."
        return CrsDecision(source=override, declared=declared, inferred=False, melding=melding,
                           overridden=True)
    if bounds is None:
        return CrsDecision(source=declared or CRS, declared=declared, inferred=declared is None)
    guess = _guess(bounds)
    if declared is None:
        if guess is None:
            raise ImportRefused(
                "Het bestand noemt geen coördinatenstelsel en de coördinaten "
                f"({_describe(bounds)}) zijn niet eenduidig RD New (x 0–300 000, "
                "y 289 000–629 000) of WGS84 (lengte 3,2–7,3, breedte 50,7–53,7). "
                "Geef het stelsel op met --crs, bijvoorbeeld --crs EPSG:28992."
            )
        name = "RD New (EPSG:28992)" if guess == CRS else "WGS84 (EPSG:4326)"
        return CrsDecision(
            source=guess, declared=None, inferred=True,
            melding=f"Geen CRS in het bestand; afgeleid uit de coördinaten: {name}.",
        )
    _check_declared(declared, present)
    return CrsDecision(source=declared, declared=declared, inferred=False)


def _rows_within(bounds: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return np.asarray((bounds[:, 0] >= box[0]) & (bounds[:, 1] >= box[1])
                      & (bounds[:, 2] <= box[2]) & (bounds[:, 3] <= box[3]))


def _check_declared(declared: str, present: gpd.GeoSeries) -> None:
    """Refuse when any feature contradicts the declared CRS (judged per feature, so a file read
    in chunks is judged exactly like the whole file)."""
    parsed = _parse(declared, "CRS van het bestand")
    bounds = shapely.bounds(np.asarray(present.values))
    if parsed.is_geographic:
        rd = _rows_within(bounds, RD_RANGE)
        if rd.any():
            raise _contradiction(declared, "RD New (EPSG:28992)", _union(bounds[rd]))
        bad = (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1)
        bad |= (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
        if bad.any():
            raise _contradiction(declared, "geen geldige lengte-/breedtegraden",
                                 _union(bounds[bad]))
    elif _same(declared, CRS):
        wgs = _rows_within(bounds, WGS84_RANGE)
        if wgs.any():
            raise _contradiction(declared, "WGS84 (EPSG:4326)", _union(bounds[wgs]))


def _union(bounds: np.ndarray) -> np.ndarray:
    return np.array([bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(),
                     bounds[:, 3].max()])


def check_later_part(decision: CrsDecision, geoms: gpd.GeoSeries) -> None:
    """Refuse a later chunk or table whose coordinates contradict the CRS decided on the first.

    Together with the decision on the first part this refuses exactly what decide_crs refuses
    on the whole file: inferred coordinates must all lie in the inferred range, and no feature
    may contradict a declared CRS.
    """
    present = geoms[~(geoms.isna() | geoms.is_empty)]
    if decision.overridden or not len(present):
        return
    bounds = np.asarray(present.total_bounds)
    if decision.inferred:
        if _guess(bounds) != decision.source:
            name = "RD New (EPSG:28992)" if decision.source == CRS else "WGS84 (EPSG:4326)"
            raise ImportRefused(
                "Het bestand noemt geen coördinatenstelsel. De eerste objecten zijn gelezen als "
                f"{name} (afgeleid uit de coördinaten), maar objecten verderop in het bestand "
                f"hebben coördinaten ({_describe(bounds)}) die daar niet bij passen. Eén bestand "
                "hoort één stelsel te hebben: controleer de bron, of geef het stelsel op met "
                "--crs, bijvoorbeeld --crs EPSG:28992."
            )
        return
    if decision.declared is not None:
        _check_declared(decision.declared, present)


def _contradiction(declared: str, looks_like: str, bounds: np.ndarray) -> ImportRefused:
    return ImportRefused(
        f"Het bestand zegt {declared}, maar de coördinaten ({_describe(bounds)}) zijn "
        f"{looks_like}. Controleer de bron; weet u welk stelsel klopt, geef het dan op met "
        "--crs (bijvoorbeeld --crs EPSG:28992)."
    )


def _same(a: str, b: str) -> bool:
    try:
        return ProjCRS.from_user_input(a).equals(ProjCRS.from_user_input(b), ignore_axis_order=True)
    except CRSError:
        return a == b


def to_rd(geoms: gpd.GeoSeries, source: str) -> gpd.GeoSeries:
    """Geometries in `source` reprojected to EPSG:28992."""
    series = gpd.GeoSeries(geoms.values, index=geoms.index)
    series = series.set_crs(source, allow_override=True)
    if _same(source, CRS):
        return series.set_crs(CRS, allow_override=True)
    return series.to_crs(CRS)
