"""The demo municipality: real source formats, deterministic, scalable, and every rule fires."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pyogrio
import shapely

from data.demo import DemoFiles, generate_demo
from data.demo_werk import PROEF_WARMTE, PROEFPAREN
from data.importers import read_layer
from data.importers.dekking import read_dekking_file
from geo.analysis import Analysis, analyse
from geo.dekking import dekking_from_layers
from geo.params import RuleParams
from geo.schema import REGELS
from geo.werk import split_eenheid

PEILJAAR = 2026
GPKG_COLUMNS = {
    "buurt": {"buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam",
              "water", "aantal_inwoners"},
    "riolering": {"GUID", "Begindatum", "MateriaalLeiding", "BreedteLeiding", "VormLeiding",
                  "LengteLeiding", "Stelsel", "vervangingsjaar"},
    "groen": {"lokaalID", "bgt-fysiekVoorkomen", "plus-fysiekVoorkomen", "eindRegistratie"},
    "boom": {"lokaalID", "plus-type", "soortnaam", "eindRegistratie"},
    "straat": {"wvk_id", "stt_naam", "wpsnaamnen", "e_hnr_lnks", "l_hnr_lnks", "e_hnr_rhts",
               "l_hnr_rhts", "gme_id", "gme_naam"},
    "werk": {"id", "projectnaam", "organisatie", "discipline", "status", "startdatum",
             "einddatum"},
}
LBM_COLUMNS = ["grid_id", "jaar", "lbm", "afw", "fys", "onv", "soc", "vrz", "won", "kscore"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """The default demo (seed 42, scale 1)."""
    return generate_demo(tmp_path_factory.mktemp("demo"), peiljaar=PEILJAAR)


@pytest.fixture(scope="module")
def analysis(demo: DemoFiles) -> Analysis:
    """The demo through the real importers and the rules engine with default parameters."""
    layers = {}
    for laag, path in demo.paths.items():
        layers[laag], _report = read_layer(laag, path, source_layer=demo.source_layers.get(laag))
    for extra in demo.extra:  # a second source, imported next to the first
        more, _report = read_layer(extra.laag, extra.path, mapping=extra.mapping,
                                   values=extra.values)
        layers[extra.laag] = pd.concat([layers[extra.laag], more], ignore_index=True)
    return analyse(**layers, dekking=demo_dekking(demo, layers), params=RuleParams(),
                   peiljaar=PEILJAAR)


def demo_dekking(demo: DemoFiles, layers: dict[str, Any]) -> dict[str, Any]:
    """The dekking the demo import gives (RULES.md §8): the gemeentegrens for the layers that
    come with it, the features' own coverage (Leefbaarometer: its cells) for the others."""
    assert demo.dekking is not None
    dekking = dekking_from_layers(layers)
    grens = read_dekking_file(demo.dekking)
    return {**dekking, **dict.fromkeys(demo.dekking_lagen, grens)}


def _read(files: DemoFiles, laag: str) -> pd.DataFrame:
    path = files.paths[laag]
    if path.suffix == ".csv":
        return pd.read_csv(path)
    frame = pyogrio.read_dataframe(path, layer=files.source_layers.get(laag))
    return pd.DataFrame(frame.drop(columns="geometry")).assign(
        wkb=shapely.to_wkb(frame.geometry.values))


def test_same_seed_gives_same_data(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", seed=7, scale=0.5)
    second = generate_demo(tmp_path / "b", seed=7, scale=0.5)
    for laag in first.paths:
        pd.testing.assert_frame_equal(_read(first, laag), _read(second, laag))
    for laag in ("warmtenet", "leefbaarometer"):  # text formats: byte for byte
        assert first.paths[laag].read_bytes() == second.paths[laag].read_bytes()


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", seed=7, scale=0.5)
    other = generate_demo(tmp_path / "b", seed=8, scale=0.5)
    for laag in ("riolering", "warmtenet", "boom", "leefbaarometer", "straat", "werk"):
        a, b = _read(first, laag), _read(other, laag)
        assert len(a) != len(b) or not a.equals(b), laag


def test_scale_grows_counts(tmp_path: Path) -> None:
    small = generate_demo(tmp_path / "s", scale=0.5)
    large = generate_demo(tmp_path / "l", scale=2.0)
    for laag in small.paths:
        assert large.counts[laag] > 2 * small.counts[laag], laag
    with pytest.raises(ValueError):
        generate_demo(tmp_path / "x", scale=0)


def test_files_have_source_names_and_crs(demo: DemoFiles) -> None:
    for laag, columns in GPKG_COLUMNS.items():
        info = pyogrio.read_info(demo.paths[laag], layer=demo.source_layers[laag])
        assert info["crs"] == "EPSG:28992", laag
        assert columns <= set(info["fields"]), laag
        assert info["features"] == demo.counts[laag], laag
    info = pyogrio.read_info(demo.paths["warmtenet"])
    assert info["crs"] == "EPSG:4326"
    assert {"id", "Netnaam", "Status", "start_jaar", "eind_jaar", "Netbeheerder"} <= set(
        info["fields"])
    lbm = pd.read_csv(demo.paths["leefbaarometer"])
    assert list(lbm.columns[: len(LBM_COLUMNS)]) == LBM_COLUMNS
    assert set(lbm["jaar"]) == {2020, 2022}
    assert lbm["grid_id"].str.fullmatch(r"E\d{4}N\d{4}").all()
    assert lbm["kscore"].between(1, 9).all()
    assert (demo.paths["buurt"].parent / "LEESMIJ.txt").read_text(encoding="utf-8")


def test_attribute_values_look_real(demo: DemoFiles) -> None:
    buurt = pyogrio.read_dataframe(demo.paths["buurt"], layer="buurten")
    assert len(buurt) >= 10
    assert buurt["buurtcode"].str.fullmatch(r"BU\d{8}").all()
    assert buurt["wijkcode"].str.fullmatch(r"WK\d{6}").all()
    assert buurt["gemeentecode"].nunique() == 1
    assert buurt["gemeentecode"].str.fullmatch(r"GM\d{4}").all()
    assert buurt["buurtcode"].is_unique and buurt["buurtnaam"].is_unique
    assert 1 <= (buurt["aantal_inwoners"] == -99999999).sum() <= 2
    assert set(buurt["water"]) <= {"JA", "NEE"}
    # The buurten tile the town: no overlaps.
    assert shapely.union_all(buurt.geometry.values).area == pytest.approx(buurt.area.sum())

    riool = pyogrio.read_dataframe(demo.paths["riolering"], layer="leidingen")
    assert riool["LengteLeiding"].between(30, 80).all()
    years = pd.to_numeric(riool["Begindatum"].str[:4], errors="coerce")
    assert years.min() >= 1930 and years.max() <= 2015 and years.isna().any()
    assert {"PVC-U", "BET", "Gres"} <= set(riool["MateriaalLeiding"])
    assert {"GemengdStelsel", "VuilwaterStelsel", "HemelwaterStelsel"} <= set(riool["Stelsel"])
    assert riool["Stelsel"].isna().any()

    warmte = pyogrio.read_dataframe(demo.paths["warmtenet"])
    assert set(warmte["Status"]) == {"Bestaand", "Gepland", "In uitvoering"}
    assert warmte["eind_jaar"].isna().any()

    groen = pyogrio.read_dataframe(demo.paths["groen"], layer="begroeidterreindeel")
    assert groen["eindRegistratie"].notna().sum() > 0
    assert groen["eindRegistratie"].isna().mean() > 0.9
    boom = pyogrio.read_dataframe(demo.paths["boom"], layer="vegetatieobject")
    assert set(boom["plus-type"]) == {"boom"}
    assert boom["soortnaam"].nunique() > 5


def test_import_skips_history(demo: DemoFiles) -> None:
    groen, report = read_layer("groen", demo.paths["groen"], source_layer="begroeidterreindeel")
    source = pyogrio.read_dataframe(demo.paths["groen"], layer="begroeidterreindeel")
    assert len(groen) == source["eindRegistratie"].isna().sum()


def test_every_rule_fires_and_most_cases_do_not(analysis: Analysis) -> None:
    kansen = analysis.kansen
    counts = kansen["regel"].value_counts()
    for regel in REGELS:
        assert counts.get(regel, 0) > 0, regel
    secties = analysis.secties
    for regel in ("vergroenen", "boomconflict", "leefbaarheid"):
        assert counts[regel] < len(secties), regel  # plenty of sections where it does not fire
    assert kansen["actie_nodig"].any() and not kansen["actie_nodig"].all()
    assert analysis.buurtscores["riool_onbekend"].sum() > 0
    assert (analysis.buurtscores["score"] > 0).sum() >= 5


def test_guaranteed_cases(analysis: Analysis) -> None:
    """Route WN-001 starts in bare streets of a weak buurt; WN-002 (in uitvoering) has trees."""
    kansen = analysis.kansen
    first = kansen[kansen["sectie_id"] == "WN-001#0"]
    assert {"vergroenen", "leefbaarheid"} <= set(first["regel"])
    trees = kansen[(kansen["regel"] == "boomconflict") & (kansen["warmtenet_id"] == "WN-002")]
    assert len(trees) > 0 and trees["actie_nodig"].all()
    r1 = kansen[kansen["regel"] == "werk_met_werk"]
    assert r1["actie_nodig"].any()


def test_demo_pipe_lifetimes_come_from_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo has no lifetime table of its own: it follows geo.params (RULES.md §2)."""
    from data.demo_riool import MATERIALEN, lifetime
    from geo.params import DEFAULT_LEVENSDUUR

    materials = np.array([*MATERIALEN, "onbekend"])
    rules = RuleParams()
    assert lifetime(materials).tolist() == [rules.lifetime(m) for m in materials]
    monkeypatch.setitem(DEFAULT_LEVENSDUUR, "gres", 7)
    assert lifetime(np.array(["gres"])).tolist() == [7]
    custom = RuleParams(levensduur={"beton": 45}, levensduur_overig=33)
    assert lifetime(np.array(["beton", "pvc"]), custom).tolist() == [45, 33]


def test_demo_dekking_covers_the_town_for_groen_and_bomen(analysis: Analysis) -> None:
    """RULES.md §8: the demo's BGT layers come with the gemeentegrens (plus margin) as dekking,
    so every section and pipe is judged for them; the Leefbaarometer covers only its cells."""
    for regel in ("vergroenen", "boomconflict", "afkoppelen"):
        assert analysis.beoordeling[regel].niet_beoordeeld == 0, regel
    lbm = analysis.beoordeling["leefbaarheid"]
    assert lbm.beoordeeld > 0 and lbm.niet_beoordeeld > 0


# --- Streets (RULES.md §7) and works of other parties (§9) ---------------------------------

WERK_STATUS = {"Gepland", "In uitvoering"}  # the export's words for werk_status
STRAAT_WOORD = (r"(?i).*(straat|laan|weg|hof|dreef|plein|singel|gracht|markt|baan|akker|kamp|veld"
                r"|weide|hoeve|kade|pad)")


def _rd(files: DemoFiles, laag: str) -> Any:
    frame = pyogrio.read_dataframe(files.paths[laag], layer=files.source_layers.get(laag))
    return frame.to_crs("EPSG:28992")


def test_straat_has_nwb_names_along_every_route_and_pipe(demo: DemoFiles) -> None:
    straat = _rd(demo, "straat")
    assert straat["wvk_id"].is_unique and (straat["gme_id"] == 999).all()
    assert set(straat["wpsnaamnen"]) == {"LINDEWAARDE"}
    assert straat["stt_naam"].str.fullmatch(STRAAT_WOORD).all()
    per_name = straat["stt_naam"].value_counts()
    assert len(per_name) >= 60 and per_name.max() >= 8 and (per_name >= 2).mean() > 0.6
    # House numbers: odd left, even right, first ≤ last, 0 on both ends where a side has none.
    for side, parity in (("lnks", 1), ("rhts", 0)):
        first, last = straat[f"e_hnr_{side}"], straat[f"l_hnr_{side}"]
        has = first > 0
        assert ((first == 0) == (last == 0)).all() and (first[has] <= last[has]).all()
        assert (first[has] % 2 == parity).all() and (last[has] % 2 == parity).all()
        assert 0.1 < (~has).mean() < 0.9, side
    # Every street the heat routes and sewers follow has a name within 15 m (issue 8).
    within = shapely.union_all(straat.geometry.values).buffer(15.0)
    for laag in ("warmtenet", "riolering"):
        lines = _rd(demo, laag).geometry.values
        assert shapely.length(shapely.difference(lines, within)).max() < 0.01, laag
    werk = _rd(demo, "werk")
    assert shapely.intersects(werk.geometry.values, within).all()


def test_werk_is_a_plan_export_of_many_parties(demo: DemoFiles) -> None:
    werk = _rd(demo, "werk")
    assert werk["id"].is_unique and werk["organisatie"].nunique() >= 5
    assert {"Liander", "Vitens", "Gemeente Lindewaarde – wegbeheer", "Woonstichting De Linde",
            "Klimaatproject Lindewaarde"} <= set(werk["organisatie"])
    assert {"Elektriciteit", "Gas", "Water", "Weg", "Woningen", "Klimaatadaptatie"} <= set(
        werk["discipline"])
    kinds = werk.geom_type
    assert kinds.isin(["LineString", "Polygon"]).all()
    assert set(werk.loc[kinds == "Polygon", "discipline"]) == {"Woningen", "Klimaatadaptatie"}
    assert (werk.loc[werk["discipline"] == "Klimaatadaptatie"].geom_type.nunique()) == 2
    counts = werk["status"].value_counts()
    assert set(counts.index) == {"Gepland", "In uitvoering", "Idee", "Afgerond"}
    assert counts[list(WERK_STATUS)].sum() > 0.8 * len(werk)
    start, eind = pd.to_datetime(werk["startdatum"]), pd.to_datetime(werk["einddatum"])
    assert werk["startdatum"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all() and (start <= eind).all()
    assert len(werk) < 200  # small enough for `koppelkansen demo` to stay fast


def test_glasvezel_list_is_a_second_werk_source(demo: DemoFiles) -> None:
    """One party's own list: ;-separated, WKT, a year only, no party or discipline in it."""
    (extra,) = demo.extra
    lijst = pd.read_csv(extra.path, sep=";")
    assert list(lijst.columns) == ["Projectcode", "Omschrijving", "Jaar", "Status", "WKT"]
    assert len(lijst) == extra.count and 5 <= extra.count <= 40
    lines = shapely.from_wkt(lijst["WKT"].to_numpy())
    assert (shapely.get_type_id(lines) == 1).all() and shapely.is_valid(lines).all()
    werk, report = read_layer("werk", extra.path, mapping=extra.mapping, values=extra.values)
    assert len(werk) == extra.count and set(werk["soort"]) == {"telecom"}
    assert set(werk["partij"]) == {"Delta Fiber Netwerk"}
    assert set(werk["id"]) == set(lijst["Projectcode"])
    assert not set(werk["id"]) & set(_rd(demo, "werk")["id"])


def _units(demo: DemoFiles) -> Any:
    """The works and heat routes as RULES.md §9 units, read by hand (RD, whole features)."""
    werk = _rd(demo, "werk")
    units = pd.DataFrame({
        "id": werk["id"], "partij": werk["organisatie"], "soort": werk["discipline"].str.lower(),
        "actief": werk["status"].isin(WERK_STATUS),
        "start": werk["startdatum"].str[:4].astype(int),
        "eind": werk["einddatum"].str[:4].astype(int), "geom": werk.geometry.values})
    warmte = _rd(demo, "warmtenet")
    heat = pd.DataFrame({
        "id": warmte["id"], "partij": None, "soort": "warmtenet",
        "actief": warmte["Status"] != "Bestaand", "start": warmte["start_jaar"].astype(int),
        "eind": warmte["eind_jaar"].fillna(warmte["start_jaar"]).astype(int),
        "geom": warmte.geometry.values})
    return pd.concat([units, heat], ignore_index=True).set_index("id")


def _by_hand(a: Any, b: Any, afstand: float = 10.0) -> tuple[float, float, int]:
    """Distance, shared extent (m of the line within `afstand` of the other unit; m² for two
    polygons) and time gap of two units, as RULES.md §9 defines them."""
    ga, gb = a["geom"], b["geom"]
    gap = max(0, b["start"] - a["eind"], a["start"] - b["eind"])
    if ga.geom_type == gb.geom_type == "Polygon":
        return ga.distance(gb), ga.intersection(gb).area, gap
    line, other = (gb, ga) if ga.geom_type == "Polygon" else (ga, gb)
    return ga.distance(gb), line.intersection(other.buffer(afstand)).length, gap


def _regelcode(a: Any, b: Any) -> str | None:
    """What RULES.md §9 gives for two whole units that each are one section or polygon."""
    afstand, shared, gap = _by_hand(a, b)
    polygons = a["geom"].geom_type == b["geom"].geom_type == "Polygon"
    meets = afstand <= 10.0 and shared >= (100.0 if polygons else 10.0)
    differ = (a["partij"], a["soort"]) != (b["partij"], b["soort"])
    if not (meets and differ and a["actief"] and b["actief"]):
        return None
    return "R5" if gap <= 5 else "R5b" if gap <= 10 else None


def test_proefparen_sit_on_the_thresholds_by_hand(demo: DemoFiles) -> None:
    """Plain shapely, no rules engine: the designed pairs lie just inside and just outside
    each threshold of RULES.md §9, and give what LEESMIJ.txt says they give."""
    units = _units(demo)
    measured = {}
    for paar in PROEFPAREN:
        a, b = units.loc[paar.id_a], units.loc[paar.id_b]
        for u in (a, b):  # one section each (sectie_m 100), so the whole line is the unit
            assert u["geom"].geom_type == "Polygon" or u["geom"].length <= 100.0
        measured[paar.naam] = _by_hand(a, b)
        assert _regelcode(a, b) == paar.regelcode, paar.naam
    gaps = {naam: m[2] for naam, m in measured.items()}
    assert [gaps[f"gat {n} jaar"] for n in (5, 6, 10, 11)] == [5, 6, 10, 11]
    assert measured["9,5 m uit elkaar"][0] == pytest.approx(9.5, abs=0.02)
    assert measured["10,5 m uit elkaar"][0] == pytest.approx(10.5, abs=0.02)
    # Only the distance keeps the 10.5 m pair apart: at 11 m they would share 90 m.
    a, b = units.loc["LIA-E-0003"], units.loc["VIT-0005"]
    assert _by_hand(a, b, afstand=11.0)[1] == pytest.approx(90.0, abs=0.5)
    assert measured["vlakken 150 m² overlap"][1] == pytest.approx(150.0, abs=1.0)
    assert measured["vlakken 80 m² overlap"][1] == pytest.approx(80.0, abs=1.0)
    for wid, rid, code in PROEF_WARMTE:
        assert _regelcode(units.loc[wid], units.loc[rid]) == code, wid
    # Beyond the proefparen the random plans meet each other too, inside and outside the margin.
    found: set[str | None] = set()
    actief = units[units["actief"]]
    tree = shapely.STRtree(actief["geom"].values)
    for i, j in zip(*tree.query(actief["geom"].values, predicate="dwithin", distance=10.0),
                    strict=True):
        if i < j:
            found.add(_regelcode(actief.iloc[i], actief.iloc[j]))
    assert {"R5", "R5b"} <= found


def test_analyse_finds_r5_r5b_and_names_every_street(analysis: Analysis) -> None:
    """RULES.md §7 and §9 on the demo: works of other parties fire R5 and R5b, the proefparen
    give exactly their designed result, and every result lies on a named street (issue 8)."""
    kansen = analysis.kansen
    codes = kansen["regelcode"].value_counts()
    assert codes.get("R5", 0) > 20 and codes.get("R5b", 0) > 20
    assert kansen["straatnaam"].notna().all()
    assert kansen["huisnummers"].notna().mean() > 0.5
    pairs = kansen[kansen["regelcode"].isin(["R5", "R5b"])]
    # A unit is '<laag>:<id>' and a section '<work id>#<n>': compare the work ids.
    a = pairs["eenheid_a"].map(lambda e: split_eenheid(e)[1].split("#")[0])
    b = pairs["eenheid_b"].map(lambda e: split_eenheid(e)[1].split("#")[0])
    for paar in PROEFPAREN:
        hit = pairs[((a == paar.id_a) & (b == paar.id_b)) | ((a == paar.id_b) & (b == paar.id_a))]
        assert list(hit["regelcode"]) == ([paar.regelcode] if paar.regelcode else []), paar.naam
    for wid, rid, code in PROEF_WARMTE:
        hit = pairs[((a == wid) & (b == rid)) | ((a == rid) & (b == wid))]
        assert len(hit) > 0 and set(hit["regelcode"]) == {code}, wid
    polygon = pairs[pairs["oppervlak_m2"].notna()]
    assert len(polygon) >= 1 and polygon["lengte_m"].isna().all()
    soorten = set(pairs["soort_a"]) | set(pairs["soort_b"])
    assert {"warmtenet", "riolering", "water", "weg", "woningen", "telecom"} <= soorten
    assert "Delta Fiber Netwerk" in set(pairs["partij_a"]) | set(pairs["partij_b"])


def test_gemeenten_get_their_own_streets_and_works(tmp_path: Path) -> None:
    drie = generate_demo(tmp_path, seed=7, scale=0.5, peiljaar=PEILJAAR, gemeenten=3)
    straat, werk = _rd(drie, "straat"), _rd(drie, "werk")
    assert straat["wvk_id"].is_unique and werk["id"].is_unique
    assert straat["gme_naam"].nunique() == 3 and werk["organisatie"].nunique() >= 9
    assert werk["id"].str.fullmatch(r"(\d{4}-)?[A-Z]+(-[A-Z])?-\d{4}").all()
    # The heat line into the next town runs along a named road between the towns.
    within = shapely.union_all(straat.geometry.values).buffer(15.0)
    warmte = _rd(drie, "warmtenet").geometry.values
    assert shapely.length(shapely.difference(warmte, within)).max() < 0.01
    assert straat["stt_naam"].str.endswith("seweg").any()
