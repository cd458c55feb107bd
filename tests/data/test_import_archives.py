"""Zips are read whatever the case of their name (BOMEN.ZIP) and of their members."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import read_layer

X, Y = 155_000, 463_000
CSV = f"boomnummer;soortnaam;x;y\n1;Quercus robur;{X};{Y}\n2;Tilia;{X + 10};{Y}\n"
RIB = (
    "#RIOO|AAA|AAD|AAE|AAF|AAG|ACN|ACD\n"
    f"*RIOO|R1|P1|{X}/{Y}|P2|{X + 20}/{Y}|1975|AX\n"
    f"*RIOO|R2|P2|{X + 20}/{Y}|P3|{X + 40}/{Y}|1980|AV\n"
)
ESDL = """<?xml version="1.0" encoding="UTF-8"?>
<esdl:EnergySystem xmlns:esdl="http://www.tno.nl/esdl"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="test">
  <instance><area>
    <asset xsi:type="esdl:Pipe" id="p1" name="Pipe_1">
      <geometry xsi:type="esdl:Line">
        <point xsi:type="esdl:Point" lat="52.0" lon="5.1"/>
        <point xsi:type="esdl:Point" lat="52.001" lon="5.1"/>
      </geometry>
    </asset>
  </area></instance>
</esdl:EnergySystem>
"""
PLAN = {"status": "gepland", "start_jaar": "2027"}


def _gpkg(tmp_path: Path) -> bytes:
    path = tmp_path / "bomen.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(
        {"boomnummer": ["1", "2"]}, geometry=[shapely.Point(X, Y), shapely.Point(X + 10, Y)],
        crs="EPSG:28992"), path, layer="bomen")
    return path.read_bytes()


@pytest.mark.parametrize("member_case", [str.lower, str.upper], ids=["leden-klein",
                                                                      "leden-groot"])
@pytest.mark.parametrize(("laag", "member", "expected"), [
    ("boom", "bomen.csv", ["1", "2"]),
    ("riolering", "streng.rib", ["R1", "R2"]),
    ("warmtenet", "net.esdl", ["p1"]),
    ("boom", "bomen.gpkg", ["1", "2"]),
], ids=["csv", "rib", "esdl", "gpkg"])
def test_upper_case_zip_of_each_kind(
    tmp_path: Path, laag: str, member: str, expected: list[str], member_case: object,
) -> None:
    assert callable(member_case)
    content = {"csv": CSV.encode(), "rib": RIB.encode("latin-1"), "esdl": ESDL.encode(),
               "gpkg": b""}[member.rsplit(".", 1)[1]]
    if member.endswith(".gpkg"):
        content = _gpkg(tmp_path)
    archive = tmp_path / "kaart.zip" / "BOMEN.ZIP"  # a folder may be called *.zip too
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export/" + member_case(member), content)
    frame, report = read_layer(laag, archive, values=PLAN if laag == "warmtenet" else None)
    assert sorted(frame["id"]) == expected
    assert report.bestand == "BOMEN.ZIP"
