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
from data.importers import read_layer
from data.importers.dekking import read_dekking_file
from geo.analysis import Analysis, analyse
from geo.dekking import dekking_from_layers
from geo.params import RuleParams
from geo.schema import REGELS

PEILJAAR = 2026
GPKG_COLUMNS = {
    "buurt": {"buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam",
              "water", "aantal_inwoners"},
    "riolering": {"GUID", "Begindatum", "MateriaalLeiding", "BreedteLeiding", "VormLeiding",
                  "LengteLeiding", "Stelsel", "vervangingsjaar"},
    "groen": {"lokaalID", "bgt-fysiekVoorkomen", "plus-fysiekVoorkomen", "eindRegistratie"},
    "boom": {"lokaalID", "plus-type", "soortnaam", "eindRegistratie"},
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
    for laag in ("riolering", "warmtenet", "boom", "leefbaarometer"):
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
