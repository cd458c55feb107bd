"""`demo --gemeenten N`: N towns side by side, each its own gemeente (issue 10)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

import pyogrio
import shapely

from app.analyse.service import run_analysis
from app.layers.service import import_file
from data.demo import RD_GRENZEN, DemoFiles, gemeente_centres, generate_demo
from geo.params import RuleParams

PEILJAAR = 2026
# Content hashes of `generate_demo(seed=7, scale=0.5, peiljaar=2026)` made with the generator
# as it was before --gemeenten existed: one gemeente must give exactly the same data (text
# files byte for byte; GeoPackages by their rows, as the file holds a write timestamp).
BEFORE = {
    "buurt": "39dcee9167bd37e2d5845a57562e51bdc8f27bf78d3b3713eb94f604176b77a0",
    "warmtenet": "595bc3e5d02f85c77625c5a8ae712a35a7a2888f45f7776ecfd7790c0a8cf3c5",
    "riolering": "e03ae510be3c49b4d2deef91c0f504f092eadd12375c3d2bd346a8d0b68a3d50",
    "groen": "ed85eae240ec065aacbfb6d0cfacbbf85e8addb1171b34a8cb3919e667409db9",
    "boom": "c3a54c82cf7e585f3c42b12bbe292d589ba7fea8f8cff8a5d7bb9de300d40804",
    "leefbaarometer": "86645b165bc0d67c9c117b9529c7fb333a31e1858278d681119aeacafb8303c9",
    # LEESMIJ.txt as it is since it describes the straat and werk layers too
    "leesmij": "df4d3058da70fdbd3a9f55e704c1e530800cc7cef18d1ab90d1211c4ccd13c45",
    "dekking": "4225bb3279243ffef54b9592eb85bea97ea491713750059ccc1765015fe83cd6",
}
ID_COLUMN = {"warmtenet": "id", "riolering": "GUID", "groen": "lokaalID", "boom": "lokaalID"}


def _hashes(files: DemoFiles) -> dict[str, str]:
    out = {}
    for laag, path in files.paths.items():
        if laag not in BEFORE:  # straat and werk came later, from generators of their own
            continue
        if path.suffix == ".gpkg":
            frame = pyogrio.read_dataframe(path, layer=files.source_layers[laag])
            table = pd.DataFrame(frame.drop(columns="geometry")).assign(
                wkb=shapely.to_wkb(frame.geometry.values))
            data = pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes()
        else:
            data = path.read_bytes()
        out[laag] = hashlib.sha256(data).hexdigest()
    out["leesmij"] = hashlib.sha256((files.paths["buurt"].parent / "LEESMIJ.txt")
                                    .read_bytes()).hexdigest()
    assert files.dekking is not None
    grens = pyogrio.read_dataframe(files.dekking).geometry.to_numpy()
    out["dekking"] = hashlib.sha256(shapely.to_wkb(grens[0])).hexdigest()
    return out


@pytest.fixture(scope="module")
def drie(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate_demo(tmp_path_factory.mktemp("drie"), seed=7, scale=0.5, peiljaar=PEILJAAR,
                         gemeenten=3)


def _read(files: DemoFiles, laag: str) -> pd.DataFrame:
    path = files.paths[laag]
    if path.suffix == ".csv":
        return pd.read_csv(path)
    return pyogrio.read_dataframe(path, layer=files.source_layers.get(laag))


def test_one_gemeente_is_todays_demo(tmp_path: Path) -> None:
    assert _hashes(generate_demo(tmp_path / "a", seed=7, scale=0.5, peiljaar=PEILJAAR)) == BEFORE
    assert _hashes(generate_demo(tmp_path / "b", seed=7, scale=0.5, peiljaar=PEILJAAR,
                                 gemeenten=1)) == BEFORE


def test_three_gemeenten_have_own_codes_and_unique_ids(drie: DemoFiles) -> None:
    buurt = _read(drie, "buurt")
    per_gemeente = buurt.groupby("gemeentecode")["gemeentenaam"].unique()
    assert len(per_gemeente) == 3 and all(len(n) == 1 for n in per_gemeente)
    assert buurt.drop_duplicates("gemeentecode")["gemeentenaam"].is_unique
    assert buurt["gemeentecode"].str.fullmatch(r"GM\d{4}").all()
    assert buurt["buurtcode"].str.fullmatch(r"BU\d{8}").all() and buurt["buurtcode"].is_unique
    assert (buurt["buurtcode"].str[2:6] == buurt["gemeentecode"].str[2:]).all()
    for laag, column in ID_COLUMN.items():
        ids = _read(drie, laag)[column]
        assert ids.notna().all() and ids.is_unique, laag
    lbm = _read(drie, "leefbaarometer")
    assert not lbm.duplicated(["grid_id", "jaar"]).any()
    # The towns do not overlap, differ from each other, and are counted in full.
    geoms = {code: shapely.union_all(g.geometry.values) for code, g in buurt.groupby("gemeentecode")}
    codes = sorted(geoms)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            assert not geoms[a].intersects(geoms[b])
    sizes = buurt.groupby("gemeentecode")["aantal_inwoners"].apply(tuple)
    assert sizes.nunique() == 3
    assert drie.counts["buurt"] == len(buurt) and drie.counts["riolering"] == len(
        _read(drie, "riolering"))


def test_a_heat_line_crosses_a_gemeente_border(drie: DemoFiles) -> None:
    buurt = _read(drie, "buurt")
    towns = [shapely.union_all(g.geometry.values) for _c, g in buurt.groupby("gemeentecode")]
    warmte = _read(drie, "warmtenet").to_crs("EPSG:28992")
    crossing = [row.id for row in warmte.itertuples()
                if sum(shapely.intersects(t, row.geometry) for t in towns) >= 2]
    assert crossing


def test_towns_stay_inside_the_netherlands_and_wrap_into_rows() -> None:
    xmin, ymin, xmax, ymax = RD_GRENZEN
    centres = gemeente_centres(400, 1.0)
    assert len(set(centres)) == 400
    assert len({y for _x, y in centres}) > 1  # more than one row
    for x, y in centres:
        assert xmin + 2000 < x < xmax - 2000 and ymin + 2000 < y < ymax - 2000
    with pytest.raises(ValueError, match="hoogstens"):
        gemeente_centres(5000, 50.0)
    with pytest.raises(ValueError):
        gemeente_centres(0, 1.0)


def test_three_gemeenten_import_and_rank_per_gemeente(drie: DemoFiles,
                                                      scratch_engine: Engine) -> None:
    for laag, path in drie.paths.items():
        import_file(scratch_engine, laag=laag, path=path,
                    source_layer=drie.source_layers.get(laag), replace=True,
                    dekking=drie.dekking if laag in drie.dekking_lagen else None)
    run_analysis(scratch_engine, params=RuleParams(), peiljaar=PEILJAAR)
    with scratch_engine.connect() as conn:
        buurten: dict[str, int] = dict(conn.execute(text(
            "SELECT gemeentecode, count(*) FROM buurt GROUP BY gemeentecode")).all())
        eerste: dict[str, int] = dict(conn.execute(text(
            "SELECT gemeentecode, count(*) FROM buurtscore WHERE rang = 1 "
            "GROUP BY gemeentecode")).all())
        warmte = conn.execute(text("SELECT count(*) FROM warmtenet")).scalar_one()
    assert len(buurten) == 3 and sum(buurten.values()) == drie.counts["buurt"]
    assert set(eerste) == set(buurten)
    assert warmte == drie.counts["warmtenet"]


def test_cli_refuses_an_impossible_number_in_dutch(scratch_url: str) -> None:
    import os
    import subprocess

    from tests.support import ROOT

    env = {**os.environ, "DATABASE_URL": scratch_url}
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "koppelkansen"), "demo", "--gemeenten",
                           "0"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Fout: gemeenten moet minstens 1 zijn." in done.stderr and "Traceback" not in done.stderr


def test_the_demo_bounds_lie_within_what_the_importer_takes_as_wgs84() -> None:
    from pyproj import Transformer

    from data.importers.crs import WGS84_RANGE

    to_wgs84 = Transformer.from_crs(28992, 4326, always_xy=True)
    xmin, ymin, xmax, ymax = RD_GRENZEN
    lo_lon, lo_lat, hi_lon, hi_lat = WGS84_RANGE
    for x in (xmin, (xmin + xmax) / 2, xmax):
        for y in (ymin, (ymin + ymax) / 2, ymax):
            lon, lat = to_wgs84.transform(x, y)
            assert lo_lon <= lon <= hi_lon and lo_lat <= lat <= hi_lat, (x, y, lon, lat)
