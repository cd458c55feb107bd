"""Demo data: a fictional Dutch municipality, written in the real source formats.

`generate_demo` builds the town "Lindewaarde" from a seed and writes one file per layer as the
real sources publish them (CBS buurten GeoPackage, supplier GeoJSON in WGS84, GWSW sewer
export, BGT green and trees, Leefbaarometer 3.0 grid CSV), so the demo goes through the same
importers as real data. The same seed gives the same attribute values and geometries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import pyogrio
import shapely

from data.demo_groen import boom_frame, groen_frame
from data.demo_lbm import DIM_SCHAAL, JAAR, KLASSE_GRENZEN, OUD_JAAR, leefbaarometer_frame
from data.demo_riool import riolering_frame
from data.demo_routes import plan_routes, warmtenet_frame
from data.demo_town import (
    BEDRIJF,
    GEMEENTECODE,
    GEMEENTENAAM,
    NAOORLOGS,
    NIEUW,
    OUD,
    WATER,
    Town,
    build_town,
)

FILES = {
    "buurt": ("buurten.gpkg", "buurten"),
    "warmtenet": ("warmtenet.geojson", None),
    "riolering": ("riolering.gpkg", "leidingen"),
    "groen": ("bgt_groen.gpkg", "begroeidterreindeel"),
    "boom": ("bgt_bomen.gpkg", "vegetatieobject"),
    "leefbaarometer": ("leefbaarometer_grid.csv", None),
}
DEKKING_FILE = "gemeentegrens.gpkg"
DEKKING_MARGE_M = 100.0
CBS_GEHEIM = -99999999
_DENSITY = {OUD: 7000, NAOORLOGS: 6000, NIEUW: 4500, BEDRIJF: 150, WATER: 20}  # per km²


@dataclass(frozen=True)
class DemoFiles:
    """Where the demo files are: laag -> path, and laag -> layer name inside a GeoPackage."""

    paths: dict[str, Path]
    source_layers: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    # RULES.md §8: the BGT (groen, bomen) covers the whole gemeente, so those imports get the
    # gemeentegrens plus DEKKING_MARGE_M as dekking; the Leefbaarometer keeps its own cells
    # (no cell, no score).
    dekking: Path | None = None
    dekking_lagen: tuple[str, ...] = ()


def generate_demo(out_dir: Path, *, seed: int = 42, scale: float = 1.0,
                  peiljaar: int = 2026) -> DemoFiles:
    """Write the demo municipality to `out_dir` (created if needed); return the file locations.

    `scale` 1.0 gives about 12 buurten; counts grow roughly linearly with it. Geometry is written
    in EPSG:28992, except the heat network (GeoJSON, WGS84 as RFC 7946 demands).
    """
    if scale <= 0:
        raise ValueError("scale moet groter dan 0 zijn.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]
    town = build_town(rngs[0], scale)
    routes = plan_routes(rngs[1], town, scale, peiljaar)
    frames: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {
        "buurt": buurt_frame(rngs[2], town),
        "warmtenet": warmtenet_frame(town, routes),
        "riolering": riolering_frame(rngs[3], town, routes, peiljaar),
        "groen": groen_frame(rngs[4], town),
        "boom": boom_frame(rngs[5], town),
        "leefbaarometer": leefbaarometer_frame(rngs[6], town),
    }
    paths: dict[str, Path] = {}
    layers: dict[str, str] = {}
    for laag, (name, layer) in FILES.items():
        path = out_dir / name
        path.unlink(missing_ok=True)
        frame = frames[laag]
        if isinstance(frame, gpd.GeoDataFrame):
            if laag == "warmtenet":
                pyogrio.write_dataframe(frame, path, driver="GeoJSON",
                                        layer_options={"RFC7946": "YES"})
            else:
                pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
        else:
            frame.to_csv(path, index=False, float_format="%.4f", lineterminator="\n")
        paths[laag] = path
        if layer is not None:
            layers[laag] = layer
    counts = {laag: len(f) for laag, f in frames.items()}
    dekking = out_dir / DEKKING_FILE
    dekking.unlink(missing_ok=True)
    # The BGT is exported for the gemeente plus a margin, so the ring road just outside the
    # outer buurten is covered too.
    grens = shapely.union_all(np.asarray(list(town.buurt_geom), dtype=object)).buffer(
        DEKKING_MARGE_M)
    pyogrio.write_dataframe(gpd.GeoDataFrame({"naam": [GEMEENTENAAM]}, geometry=[grens],
                                             crs="EPSG:28992"), dekking, driver="GPKG")
    _write_leesmij(out_dir / "LEESMIJ.txt", town, routes_summary(frames["warmtenet"]), counts,
                   seed=seed, scale=scale, peiljaar=peiljaar)
    return DemoFiles(paths=paths, source_layers=layers, counts=counts, dekking=dekking,
                     dekking_lagen=("groen", "boom"))


def buurt_frame(rng: np.random.Generator, town: Town) -> gpd.GeoDataFrame:
    """CBS Wijk- en Buurtkaart style buurten; one or two inhabitant counts are secret."""
    area_km2 = np.array([g.area for g in town.buurt_geom]) / 1e6
    density = np.array([_DENSITY[k] for k in town.buurt_kind], dtype=float)
    density[town.buurt_weak] *= 1.2
    inwoners = np.round(area_km2 * density * rng.uniform(0.8, 1.2, len(density)) / 5) * 5
    inwoners = inwoners.astype(np.int64)
    secret = list(np.flatnonzero(np.isin(town.buurt_kind, [WATER, BEDRIJF]))[:2])
    if not secret:
        secret = [len(inwoners) - 1]
    inwoners[secret] = CBS_GEHEIM
    return gpd.GeoDataFrame(
        {
            "buurtcode": town.buurt_code,
            "buurtnaam": town.buurt_name,
            "wijkcode": town.wijk_code,
            "wijknaam": town.wijk_name,
            "gemeentecode": GEMEENTECODE,
            "gemeentenaam": GEMEENTENAAM,
            "water": np.where(town.buurt_kind == WATER, "JA", "NEE"),
            "aantal_inwoners": inwoners,
        },
        geometry=list(town.buurt_geom),
        crs="EPSG:28992",
    )


def routes_summary(warmtenet: gpd.GeoDataFrame) -> list[str]:
    """One Dutch line per heat route for LEESMIJ.txt."""
    lines = []
    for row in warmtenet.itertuples(index=False):
        eind = "" if pd.isna(row.eind_jaar) else f"-{int(row.eind_jaar)}"
        lines.append(f"  {row.id}  {row.Netnaam} ({row.Status}, {row.start_jaar}{eind})")
    return lines


def _write_leesmij(path: Path, town: Town, routes: list[str], counts: dict[str, int], *,
                   seed: int, scale: float, peiljaar: int) -> None:
    soort = {OUD: "vooroorlogs", NAOORLOGS: "naoorlogs", NIEUW: "nieuwbouw",
             BEDRIJF: "bedrijventerrein", WATER: "water"}
    buurten = [
        f"  {c}  {n:<28} {soort[int(k)]}{', zwakke leefbaarheid' if w else ''}"
        for c, n, k, w in zip(town.buurt_code, town.buurt_name, town.buurt_kind,
                              town.buurt_weak, strict=True)
    ]
    grenzen = ", ".join(f"{g:+.2f}" for g in KLASSE_GRENZEN)
    text = f"""Demodata koppelkansen: de fictieve gemeente {GEMEENTENAAM} ({GEMEENTECODE})
{'=' * 72}
Gemaakt met seed {seed}, schaal {scale}, peiljaar {peiljaar}. Alles is verzonnen; dezelfde
seed geeft dezelfde gegevens. De bestanden hebben de vorm van echte bronnen, zodat de demo
door dezelfde importfuncties gaat als echte gegevens.

{GEMEENTENAAM} ligt rond x 155 000, y 463 000 (RD New). Het centrum is vooroorlogs met een
gemengd riool en weinig groen; daaromheen liggen naoorlogse wijken (deels gescheiden stelsel)
en aan de rand nieuwbouw met een gescheiden stelsel en brede groene bermen. Het stratenplan is
een onregelmatig raster met hoofdwegen (lanen met bomen) om de vijf straten.

Buurten ({len(buurten)}):
{chr(10).join(buurten)}

Warmtenet (plannen van de warmtebedrijven):
{chr(10).join(routes)}

Bestanden:
  buurten.gpkg              laag 'buurten', CBS-namen (buurtcode, aantal_inwoners, water);
                            -99999999 = geheim ({counts['buurt']} buurten)
  warmtenet.geojson         GeoJSON in WGS84 (RFC 7946), velden id, Netnaam, Status,
                            start_jaar, eind_jaar, Netbeheerder ({counts['warmtenet']} tracés)
  riolering.gpkg            laag 'leidingen', GWSW-namen (Begindatum, MateriaalLeiding,
                            BreedteLeiding, Stelsel, ...) plus vervangingsjaar uit het
                            beheersysteem ({counts['riolering']} leidingen)
  bgt_groen.gpkg            laag 'begroeidterreindeel', BGT-namen; objecten met een
                            eindRegistratie zijn historisch en horen niet mee te tellen
                            ({counts['groen']} objecten)
  bgt_bomen.gpkg            laag 'vegetatieobject', plus-type boom, soortnaam
                            ({counts['boom']} bomen, ook enkele gekapte met eindRegistratie)
  leefbaarometer_grid.csv   Leefbaarometer 3.0, cellen van 100 m (grid_id = linkeronderhoek in
                            hectometers), jaar {JAAR} voor alle cellen en {OUD_JAAR} voor de
                            westelijke helft ({counts['leefbaarometer']} rijen)

Klassen (kscore 1-9) zijn in deze demo afgeleid van afw met de grenzen {grenzen};
voor de dimensies (kfys, konv, ksoc, kvrz, kwon) dezelfde grenzen maal {DIM_SCHAAL}.

Wat de regels hier vinden: tracé WN-001 loopt door een buurt met zwakke leefbaarheid en
begint in kale straten (leefbaarheid, vergroenen); WN-002 is in uitvoering en loopt langs een
bomenrij (boomconflict, actie nodig); langs de tracés is een deel van de riolering gepland
rond de start van het warmtenet (werk met werk); oude gemengde riolen onder kale straten zijn
binnen tien jaar aan vervanging toe (afkoppelen). Een deel van de leidingen heeft geen
aanlegjaar en geen vervangingsjaar: daarvan is de vervangingsdatum onbekend.
"""
    path.write_text(text, encoding="utf-8")
