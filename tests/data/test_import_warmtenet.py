"""Heat networks: overlapping model routes merged into one network; ESDL supply/return twins."""

from __future__ import annotations

from pathlib import Path

import pytest

import geopandas as gpd
import pyogrio
import shapely

from data.importers import ImportRefused, read_layer
from geo.schema import LAYER_COLUMNS
from tests.data.conftest import feature, line, write_geojson

X, Y = 155_000.0, 463_000.0
PLAN = {"status": "gepland", "start_jaar": "2027", "eind_jaar": "2029", "naam": "Warmtenet"}


def test_overlapping_paths_merged_into_network_edges(tmp_path: Path) -> None:
    """Three building paths over one street: the shared part counts once, split at junctions."""
    path = write_geojson(tmp_path / "paden.geojson", [
        feature(line((X, Y), (X + 100, Y), (X + 100, Y + 50)), vraag="a"),
        feature(line((X, Y), (X + 100, Y), (X + 200, Y)), vraag="b"),
        feature(line((X, Y), (X + 50, Y)), vraag="c"),  # ends on the street without a vertex
    ], crs="EPSG:28992")
    frame, report = read_layer("warmtenet", path, values=PLAN)
    assert list(frame.columns) == [*LAYER_COLUMNS["warmtenet"], "geometry"]
    assert frame.length.sum() == pytest.approx(250.0)  # not 150 + 200 + 50
    assert len(frame) == 3  # the street to the junction at X+100, then the two branches
    assert frame["id"].is_unique and frame["id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert set(frame["status"]) == {"gepland"} and set(frame["eind_jaar"]) == {2029}
    assert set(frame["naam"]) == {"Warmtenet"}
    assert any("3 paden werden 3 netwerkdelen" in m for m in report.meldingen)
    again, _ = read_layer("warmtenet", path, values=PLAN)
    assert sorted(again["id"]) == sorted(frame["id"])  # stable ids


def test_separate_lines_not_merged(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "net.geojson", [
        feature(line((X, Y), (X + 100, Y)), id="n1", status="gepland", start_jaar=2027),
        feature(line((X, Y), (X, Y + 100)), id="n2", status="bestaand", start_jaar=1990),
    ], crs="EPSG:28992")
    frame, report = read_layer("warmtenet", path)
    assert frame["id"].tolist() == ["n1", "n2"]
    assert any("niet samengevoegd" in m for m in report.meldingen)


def test_friesland_model_routes_merged(realdata: Path) -> None:
    """2871 per-building paths become one network; shared streets count once per town."""
    path = realdata / "friesland_warmtenet_model" / "warmtenet_full.geojson"
    source = pyogrio.read_dataframe(path).to_crs(28992)
    paths = source[(source["layer"] == "leiding") & (source.geom_type == "LineString")]
    values = {k: v for k, v in PLAN.items() if k != "naam"}
    frame, report = read_layer("warmtenet", path, values=values, mapping={"naam": "woonplaats"})
    assert report.gelezen == len(source) == 5802
    assert report.overgeslagen == {"geometrietype Point hoort niet in laag warmtenet": 2931}
    assert frame.length.sum() < 0.05 * paths.length.sum()  # 4280 km of paths, ~97 km of streets
    assert 300 < len(frame) < len(paths) == 2871
    assert frame["id"].is_unique and set(frame.geom_type) == {"MultiLineString"}
    assert any(f"{len(paths)} paden werden {len(frame)} netwerkdelen" in m
               for m in report.meldingen)
    # the union of the inputs, computed independently for the smaller towns (the full union
    # takes a minute): the merged edges named after the town have the same length
    sizes = paths["woonplaats"].value_counts()
    for town in sizes[sizes <= 60].index:
        union = shapely.union_all(paths.loc[paths["woonplaats"] == town].geometry.values)
        merged = frame.loc[frame["naam"] == town].length.sum()
        assert merged == pytest.approx(union.length, rel=1e-3, abs=0.5), town
    assert frame["naam"].notna().all()


def test_nijmegen_esdl_twins_count_once(realdata: Path) -> None:
    folder = realdata / "nijmegen_warmtenet_esdl"
    converted = pyogrio.read_dataframe(folder / "nijmegen_cluster1_heatnetwork.geojson")
    pipes = converted[converted["esdl_type"] == "Pipe"]
    supply = pipes[~pipes["name"].str.endswith("_ret")]
    with pytest.raises(ImportRefused, match="--set status"):
        read_layer("warmtenet", folder / "cluster1merged_pipes.esdl")
    frame, report = read_layer("warmtenet", folder / "cluster1merged_pipes.esdl",
                               values={"status": "gepland", "start_jaar": "2027"})
    assert report.preset == "esdl"
    assert len(frame) == len(supply) == 11  # one trench per supply pipe
    assert report.overgeslagen == {"retourleiding in dezelfde sleuf als de aanvoerleiding": 11}
    assert set(frame["id"]) == set(supply["id"])
    assert set(frame["naam"]) == set(supply["name"])
    expected = gpd.GeoSeries(supply.geometry.values, index=supply["id"].values,
                             crs=converted.crs).to_crs(28992)
    for ident, geom in zip(frame["id"], frame.geometry, strict=True):
        assert shapely.hausdorff_distance(geom, expected[ident]) < 0.01
    assert frame.length.sum() == pytest.approx(supply["length"].astype(float).sum(), rel=0.01)


def test_nijmegen_geojson_twins_merged_by_overlap(realdata: Path) -> None:
    """The converted file has supply and return as separate lines: they overlap, so merged."""
    path = realdata / "nijmegen_warmtenet_esdl" / "nijmegen_cluster1_heatnetwork.geojson"
    source = pyogrio.read_dataframe(path)
    supply = source[(source["esdl_type"] == "Pipe") & ~source["name"].str.endswith("_ret")]
    frame, report = read_layer("warmtenet", path, values=PLAN)
    assert frame.length.sum() == pytest.approx(supply.to_crs(28992).length.sum(), rel=1e-3)
    assert any("22 paden werden" in m for m in report.meldingen)


def test_esdl_pairing_by_route_when_names_differ(tmp_path: Path) -> None:
    ns = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xmlns:esdl="http://www.tno.nl/esdl"')

    def pipe(ident: str, name: str, carrier: str, lon: float) -> str:
        return (f'<asset xsi:type="esdl:Pipe" id="{ident}" name="{name}">'
                f'<geometry xsi:type="esdl:Line">'
                f'<point xsi:type="esdl:Point" lon="{lon}" lat="51.83"/>'
                f'<point xsi:type="esdl:Point" lon="{lon + 0.002}" lat="51.83"/></geometry>'
                f'<port xsi:type="esdl:InPort" id="p{ident}" carrier="{carrier}"/></asset>')

    text = (f'<?xml version="1.0"?><esdl:EnergySystem {ns}><instance><area>'
            + pipe("a", "Leiding A", "Supply_carrier", 5.80)
            + pipe("b", "Leiding B", "Return_carrier", 5.80000002)  # same trench
            + pipe("c", "Leiding C", "Return_carrier", 5.81)  # return without a supply
            + "</area></instance></esdl:EnergySystem>")
    path = tmp_path / "net.esdl"
    path.write_text(text, encoding="utf-8")
    frame, report = read_layer("warmtenet", path, values=PLAN)
    assert sorted(frame["id"]) == ["a", "c"]
    assert any("zonder aanvoerleiding" in m for m in report.meldingen)
    bad = tmp_path / "kapot.esdl"
    bad.write_text("<esdl:EnergySystem", encoding="utf-8")
    with pytest.raises(ImportRefused, match="ESDL"):
        read_layer("warmtenet", bad, values=PLAN)


def test_merged_per_status_and_years_not_per_name(tmp_path: Path) -> None:
    """As the module says: names do not split the network, status and years do."""
    from data.importers import network

    assert "merged per (status, start_jaar, eind_jaar)" in " ".join(
        (network.__doc__ or "").split())
    assert "name)" not in (network.__doc__ or "")
    path = write_geojson(tmp_path / "paden.geojson", [
        feature(line((X, Y), (X + 100, Y), (X + 100, Y + 50)), naam="Noord", status="gepland",
                start_jaar=2027),
        feature(line((X, Y), (X + 100, Y), (X + 200, Y)), naam="Noord", status="gepland",
                start_jaar=2027),
        feature(line((X, Y), (X + 100, Y)), naam="Zuid", status="gepland", start_jaar=2027),
        feature(line((X, Y), (X + 100, Y)), naam="Oud", status="bestaand", start_jaar=1990),
    ], crs="EPSG:28992")
    frame, _ = read_layer("warmtenet", path)
    planned = frame[frame["status"] == "gepland"]
    assert planned.length.sum() == pytest.approx(250.0)  # Zuid's street is Noord's street
    assert set(planned["naam"]) == {"Noord"}  # most common name on the shared street
    existing = frame[frame["status"] == "bestaand"]
    assert existing.length.sum() == pytest.approx(100.0) and set(existing["naam"]) == {"Oud"}
