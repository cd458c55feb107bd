"""LEESMIJ.txt of the demo: what the files are, and what the rules find in them (Dutch)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import geopandas as gpd

from data.demo_lbm import DIM_SCHAAL, JAAR, KLASSE_GRENZEN, OUD_JAAR
from data.demo_town import BEDRIJF, GEMEENTECODE, GEMEENTENAAM, NAOORLOGS, NIEUW, OUD, WATER, Town
from data.demo_werk import GLASVEZEL_SET, PROEF_WARMTE, PROEFPAREN

GLASVEZEL_FILE = "glasvezel_planning.csv"


def routes_summary(warmtenet: gpd.GeoDataFrame) -> list[str]:
    """One Dutch line per heat route for LEESMIJ.txt."""
    lines = []
    for row in warmtenet.itertuples(index=False):
        eind = "" if pd.isna(row.eind_jaar) else f"-{int(row.eind_jaar)}"
        lines.append(f"  {row.id}  {row.Netnaam} ({row.Status}, {row.start_jaar}{eind})")
    return lines


def werk_summary(werk: gpd.GeoDataFrame) -> list[str]:
    """Dutch lines for LEESMIJ.txt: the works per party, then the proefparen with their years."""
    lines = []
    for (org, disc), group in werk.groupby(["organisatie", "discipline"], sort=False):
        vorm = "vlakken" if group.geom_type.str.contains("Polygon").all() else (
            "lijnen" if group.geom_type.str.contains("Line").all() else "lijnen en vlakken")
        lines.append(f"  {org:<36} {disc.lower():<17} {len(group):>3} {vorm}")
    by_id = werk.set_index("id")

    def jaren(wid: str) -> str:
        start, eind = by_id.at[wid, "startdatum"][:4], by_id.at[wid, "einddatum"][:4]
        return f"({start})" if start == eind else f"({start}-{eind})"

    lines += ["", "Proefparen (net binnen en net buiten de grenzen van de regels):"]
    for paar in PROEFPAREN:
        lines.append(f"  {paar.id_a:<10} {jaren(paar.id_a):<11} en {paar.id_b:<10} "
                     f"{jaren(paar.id_b):<11} {paar.naam:<22} -> {paar.regelcode or 'niets'}")
    for wid, rid, code in PROEF_WARMTE:
        if wid in by_id.index:
            lines.append(f"  {wid:<10} {jaren(wid):<11} langs tracé {rid} in dezelfde straat"
                         f"{'':<12} -> {code}")
    return lines


def write_leesmij(path: Path, town: Town, routes: list[str], werken: list[str],
                  counts: dict[str, int], *,
                  seed: int, scale: float, peiljaar: int, gemeenten: list[str]) -> None:
    """Write LEESMIJ.txt for the first town; `gemeenten` lists all towns when there are more."""
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
  nwb_wegvakken.gpkg        laag 'wegvakken', NWB-namen (wvk_id, stt_naam, wpsnaamnen, gme_id,
                            gme_naam, huisnummers e_hnr_lnks/l_hnr_lnks links en
                            e_hnr_rhts/l_hnr_rhts rechts; 0 = geen huisnummer)
                            ({counts['straat']} wegvakken)
  geplande_werken.gpkg      laag 'geplande_werken', planexport van andere partijen: id,
                            projectnaam, organisatie, discipline, status, startdatum en
                            einddatum (ISO-datum); lijnen en vlakken ({counts['werk']} werken)
  {GLASVEZEL_FILE:<25} planning van één partij als lijst (;-gescheiden, kolom WKT in
                            RD New, alleen een jaar); partij en soort staan er niet in. De demo
                            importeert hem naast de planexport, zoals met
                            koppelkansen import werk {GLASVEZEL_FILE} --map id=Projectcode
                            --set "partij={GLASVEZEL_SET['partij']}" --set soort=telecom

Straten: elk wegvak van het stratenplan heeft een straatnaam (NWB), met huisnummers oneven
links en even rechts; lange straten en hoofdwegen houden hun naam over meerdere wegvakken,
zijstraten heten naar een thema per buurt (bomen, bloemen, schilders, ...).

Werken van andere partijen (plannen; idee en afgerond tellen alleen als achtergrond):
{chr(10).join(werken)}

Klassen (kscore 1-9) zijn in deze demo afgeleid van afw met de grenzen {grenzen};
voor de dimensies (kfys, konv, ksoc, kvrz, kwon) dezelfde grenzen maal {DIM_SCHAAL}.

Wat de regels hier vinden: tracé WN-001 loopt door een buurt met zwakke leefbaarheid en
begint in kale straten (leefbaarheid, vergroenen); WN-002 is in uitvoering en loopt langs een
bomenrij (boomconflict, actie nodig); langs de tracés is een deel van de riolering gepland
rond de start van het warmtenet (werk met werk); oude gemengde riolen onder kale straten zijn
binnen tien jaar aan vervanging toe (afkoppelen). Een deel van de leidingen heeft geen
aanlegjaar en geen vervangingsjaar: daarvan is de vervangingsdatum onbekend.
Werken van andere partijen die elkaar, het warmtenet of de riolering raken binnen vijf jaar
zijn werk met werk (R5); liggen ze zes tot tien jaar uit elkaar, dan gaat de straat twee keer
open (dubbel open, R5b). Elk resultaat ligt aan een straat met een naam.
"""
    if gemeenten:
        text += (f"\nDe bestanden bevatten {len(gemeenten)} gemeenten naast elkaar (elk met "
                 "een eigen seed; tracés\nmet een id als WN0001-001 horen bij GM0001); de eerste "
                 f"is {GEMEENTENAAM}. Van elke\ngemeente loopt één tracé door tot in de gemeente "
                 "ten oosten ervan.\n" + "\n".join(gemeenten) + "\n")
    path.write_text(text, encoding="utf-8")
