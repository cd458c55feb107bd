"""ESDL energy-system files (*.esdl, XML): the pipes of a heat network as trenches.

Each esdl:Pipe has an esdl:Line geometry of esdl:Point elements (lat/lon, WGS84 unless the
geometry names another CRS). A heat network is modelled as a supply pipe plus a return twin in
the same trench; the twin is paired with its supply pipe (by name `…_ret`, else by route within
`TWIN_TOLERANCE_M`) and left out, so each trench counts once.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from data.importers.errors import ImportRefused
from data.importers.readers import Table

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
TWIN_TOLERANCE_M = 5.0
TWIN = "retourleiding in dezelfde sleuf als de aanvoerleiding"


def _type(element: ET.Element) -> str:
    return element.get(XSI_TYPE, "").split(":")[-1]


def _is_return(pipe: ET.Element) -> bool:
    name, ident = pipe.get("name", ""), pipe.get("id", "")
    carriers = {p.get("carrier", "").lower() for p in pipe if _type(p).endswith("Port")}
    return (name.lower().endswith("_ret") or ident.lower().startswith("ret")
            or any("return" in c or c.startswith("ret") for c in carriers if c))


def _line(pipe: ET.Element) -> tuple[shapely.LineString | None, str | None]:
    geometry = next((g for g in pipe if g.tag.split("}")[-1] == "geometry"), None)
    if geometry is None or _type(geometry) != "Line":
        return None, None
    coords = []
    for point in geometry:
        try:
            coords.append((float(point.get("lon", "nan")), float(point.get("lat", "nan"))))
        except ValueError:
            return None, None
    coords = [c for c in coords if np.isfinite(c).all()]
    crs = geometry.get("CRS")
    return (shapely.LineString(coords) if len(coords) >= 2 else None), crs


def read_esdl(raw: bytes, name: str) -> Table:
    """The esdl:Pipe assets of an ESDL file, return twins paired with their supply and left out."""
    try:
        root = ET.fromstring(raw)  # expat: no external entities, entity expansion is capped
    except ET.ParseError as exc:
        raise ImportRefused(f"{name} is geen leesbaar ESDL/XML-bestand: {exc}") from exc
    pipes = [a for a in root.iter() if a.tag.split("}")[-1] == "asset" and _type(a) == "Pipe"]
    if not pipes:
        types = sorted({_type(a) for a in root.iter() if a.tag.split("}")[-1] == "asset"})
        raise ImportRefused(f"{name} bevat geen esdl:Pipe-leidingen (wel: "
                            f"{', '.join(types) or 'niets'}). Er is geen warmtenet in te lezen.")
    rows, geoms, crss = [], [], set()
    for pipe in pipes:
        line, crs = _line(pipe)
        crss.add(crs or "WGS84")
        geoms.append(line)
        rows.append({"id": pipe.get("id"), "name": pipe.get("name"),
                     "length": pipe.get("length"), "diameter": pipe.get("diameter"),
                     "esdl_type": "Pipe", "retour": _is_return(pipe)})
    if len(crss) > 1:
        raise ImportRefused(f"{name}: leidingen in verschillende CRS'en ({', '.join(crss)}).")
    crs = crss.pop()
    declared = "EPSG:4326" if crs.upper() in ("WGS84", "EPSG:4326") else crs
    frame = pd.DataFrame(rows)
    geometry = gpd.GeoSeries(geoms, index=frame.index, crs=declared)
    twins = _pair_twins(frame, geometry)
    meldingen = [f"ESDL: {len(frame)} leidingen gelezen ({int(frame['retour'].sum())} retour); "
                 f"{len(twins)} retourleidingen gekoppeld aan hun aanvoerleiding en niet apart "
                 "geladen (één sleuf)."]
    lonely = frame.index[frame["retour"] & ~frame.index.isin(list(twins))]
    if len(lonely):
        meldingen.append(f"{len(lonely)} retourleidingen zonder aanvoerleiding in dezelfde sleuf "
                         f"zijn wel geladen: {', '.join(frame.loc[lonely, 'name'].astype(str))}.")
    keep = ~frame.index.isin(list(twins))
    frame = frame.loc[keep].drop(columns="retour")
    twin_of = {supply: rows[ret]["id"] for ret, supply in twins.items()}
    frame["retour_id"] = [twin_of.get(i) for i in frame.index]
    return Table(frame=frame, geometry=geometry.loc[keep], crs=declared, layer=None,
                 meldingen=meldingen, overgeslagen={TWIN: len(twins)} if twins else {})


def _pair_twins(frame: pd.DataFrame, geometry: gpd.GeoSeries) -> dict[int, int]:
    """Return pipe index -> supply pipe index, by name first, then by route."""
    metric = geometry.to_crs("EPSG:28992") if geometry.crs is not None else geometry
    supply = frame.index[~frame["retour"]]
    by_name = {str(frame.at[i, "name"]).lower(): i for i in supply}
    pairs: dict[int, int] = {}
    for i in frame.index[frame["retour"]]:
        name = str(frame.at[i, "name"]).lower()
        base = name[:-4] if name.endswith("_ret") else None
        match = by_name.get(base) if base else None
        if match is None and metric[i] is not None:
            free = [s for s in supply if s not in pairs.values() and metric[s] is not None]
            dist = [shapely.hausdorff_distance(metric[i], metric[s]) for s in free]
            if dist and min(dist) <= TWIN_TOLERANCE_M:
                match = free[int(np.argmin(dist))]
        if match is not None and match not in pairs.values():
            pairs[int(i)] = int(match)
    return pairs
