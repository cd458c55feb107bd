"""SUFRIB 2.1 .RIB files read directly: one file, a folder, a zip; duplicates removed once."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import pyogrio
import shapely

from data.importers import ImportRefused, read_layer
from geo.schema import LAYER_COLUMNS

DUPLICATE = "dubbel in de SUFRIB-bestanden (zelfde streng en putten)"
pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name")


def _raw(folder: Path) -> list[list[str]]:
    """*RIOO records split on '|' (Latin-1), counted here without the importer."""
    rows = []
    for path in sorted(folder.glob("*")):
        for line in path.read_text(encoding="latin-1").splitlines():
            if line.startswith("*RIOO|"):
                rows.append([f.strip() for f in line.split("|")])
    return rows


@pytest.fixture(scope="module")
def raw_folder(realdata: Path) -> Path:
    return realdata / "almere_riolering_sufrib" / "raw_sufrib"


def test_folder_of_rib_files_deduplicated(raw_folder: Path, realdata: Path) -> None:
    rows = _raw(raw_folder)
    unique = {(r[1], tuple(sorted((r[4], r[6])))) for r in rows}
    no_coords = {r[1] for r in rows if not r[5] or not r[7]}
    frame, report = read_layer("riolering", raw_folder)
    assert list(frame.columns) == [*LAYER_COLUMNS["riolering"], "geometry"]
    assert report.preset == "sufrib"
    assert report.gelezen == len(rows) == 982
    assert report.overgeslagen[DUPLICATE] == (
        len(rows) - len(unique)) == 12
    assert report.overgeslagen["geen coördinaten voor begin- of eindput"] == len(no_coords) == 2
    assert len(frame) == len(unique) - len(no_coords) == 968
    assert frame["id"].is_unique and set(frame.geom_type) == {"LineString"}
    assert frame.crs.to_epsg() == 28992
    # the converted GeoJSON (made from the same files) agrees pipe by pipe
    converted = pyogrio.read_dataframe(
        realdata / "almere_riolering_sufrib" / "almere_rioolstrengen.geojson")
    both = frame.merge(converted, left_on="id", right_on="strengref", suffixes=("", "_conv"))
    assert len(both) == len(converted) == 968
    assert (both["aanlegjaar"] == both["jaar_ingebruikname"].astype(int)).all()
    assert (both["diameter_mm"] == both["breedte_mm"]).all()
    expected_material = both["materiaal_conv"].map({"PVC-U": "pvc", "PE": "pe"})
    assert (both["materiaal"] == expected_material).all()
    assert (both["stelseltype"] == "vuilwater").sum() == converted["stelseltype"].notna().sum()
    assert set(both["stelseltype"]) == {"vuilwater", "onbekend"}
    assert shapely.equals(both.geometry.values, both["geometry_conv"].values).all()
    assert frame["vervangingsjaar"].isna().all()


def test_single_rib_file_and_zip_of_files(raw_folder: Path, tmp_path: Path) -> None:
    one = raw_folder / "224-4_DWA.rib"
    frame, report = read_layer("riolering", one)
    assert len(frame) == report.gelezen == len(_raw_file(one)) == 25
    assert report.sha256 and report.bestand == one.name
    archive = tmp_path / "rib.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(raw_folder.glob("*")):
            zf.write(path, f"inspecties/{path.name}")
        zf.write(one, "kopie van 224-4_DWA.rib")  # the same pipes once more
    zipped, zreport = read_layer("riolering", archive)
    from_folder, _ = read_layer("riolering", raw_folder)
    assert sorted(zipped["id"]) == sorted(from_folder["id"])
    assert zreport.overgeslagen[DUPLICATE] == 12 + 25


def _raw_file(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="latin-1").splitlines()
            if ln.startswith("*RIOO|")]


def test_header_line_defines_the_layout_and_codes_reported(tmp_path: Path) -> None:
    """A `#RIOO` line names the fields; unknown material codes are left empty and reported."""
    lines = [
        "*ALGE|SUFRIB2.1|Gemeente Test",
        "#RIOO|AAA|AAD|AAE|AAF|AAG|ACD|ACC|ACK|ACN|ABF",
        "*RIOO|S1|P1|155000.00/463000.00|P2|155040.00/463000.00|AX|300|A|19xx|2010-01-01",
        "*RIOO|S2|P2|155040.00/463000.00|P3||ZZ|400|Q|1975|2010-01-01",
        "*PUT|P3|155040.00/463030.00",
        "*RIOO|S1|P2|155040.00/463000.00|P1|155000.00/463000.00|AX|300|A|1980|2012-05-05",
    ]
    path = tmp_path / "test.RIB"
    path.write_bytes("\r\n".join(lines).encode("latin-1"))
    frame, report = read_layer("riolering", path)
    assert frame["id"].tolist() == ["S2", "S1"]  # S1 twice (reversed): the latest inspection
    assert frame["aanlegjaar"].tolist() == [1975, 1980]
    assert frame["materiaal"].isna().tolist() == [True, False]
    assert frame["stelseltype"].tolist() == ["onbekend", "vuilwater"]
    corner = shapely.LineString([(155040, 463000), (155040, 463030)])  # from the *PUT
    assert frame.geometry.iloc[0].equals(corner)
    assert any("ZZ (1×)" in m for m in report.meldingen)
    mapped, mreport = read_layer("riolering", path, mapping={"materiaal": "materiaal_code"})
    assert mapped["materiaal"].tolist() == ["zz", "ax"]  # the raw codes, lowercased
    assert mreport.mapping["materiaal"] == "materiaal_code"


def test_rib_without_pipes_refused(tmp_path: Path) -> None:
    path = tmp_path / "leeg.rib"
    path.write_text("*ALGE|SUFRIB2.1|Gemeente Test\n*PUT|P1|1.0/2.0\n", encoding="latin-1")
    with pytest.raises(ImportRefused, match=r"\*RIOO"):
        read_layer("riolering", path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notities.txt").write_text("niets")
    with pytest.raises(ImportRefused, match="SUFRIB-bestanden"):
        read_layer("riolering", tmp_path / "sub")


def test_years_and_unparsable_years_counted(raw_folder: Path) -> None:
    frame, report = read_layer("riolering", raw_folder)
    assert frame["aanlegjaar"].dtype == "Int64"
    assert frame["aanlegjaar"].between(1985, 2008).all()
    assert "aanlegjaar onleesbaar → leeg" not in report.genormaliseerd
    assert pd.api.types.is_float_dtype(frame["diameter_mm"])
