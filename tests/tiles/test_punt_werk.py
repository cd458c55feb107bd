"""The point query's filters on regelcode, partij and soort (RULES.md §9), and the werk layer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _mid(feature: dict[str, Any]) -> tuple[float, float]:
    coords = feature["geometry"]["coordinates"]
    while isinstance(coords[0][0], list):
        coords = coords[0]
    (x0, y0), (x1, y1) = coords[0][:2], coords[1][:2]
    return (x0 + x1) / 2, (y0 + y1) / 2


def _r5(client: TestClient) -> dict[str, Any]:
    feats = client.get("/api/v1/koppelkansen?regel=werk_met_werk&limit=1000").json()["features"]
    r5 = [f for f in feats if f["properties"]["regelcode"] == "R5"
          and f["geometry"]["type"] in ("LineString", "MultiLineString")]
    assert r5, "de demo heeft geen R5-resultaat als lijn"
    return dict(r5[0])


def _ids(client: TestClient, query: str) -> list[str]:
    body = client.get(query).json()
    return [k["kans_id"] for k in body["kansen"]]


def test_regelcode_partij_and_soort_filter_clicks(client: TestClient) -> None:
    kans = _r5(client)
    p = kans["properties"]
    lon, lat = _mid(kans)
    base = f"/api/v1/punt?lon={lon}&lat={lat}&zoom=18"
    hit = next(k for k in client.get(base).json()["kansen"] if k["kans_id"] == p["kans_id"])
    assert hit["regelcode"] == "R5"
    assert hit["regelcode_naam"] == "Werk met werk: werken van partijen"
    assert p["kans_id"] in _ids(client, base + "&regelcode=R5&regelcode=R5b")
    assert p["kans_id"] not in _ids(client, base + "&regelcode=R1")
    assert p["kans_id"] in _ids(client, base + f"&partij={p['partij_b'] or p['partij_a']}")
    assert p["kans_id"] not in _ids(client, base + "&partij=Geen%20partij%20met%20deze%20naam")
    assert p["kans_id"] in _ids(client, base + f"&soort={p['soort_a']}")
    other = next(s for s in ("woningen", "telecom", "gas") if s not in (p["soort_a"], p["soort_b"]))
    assert p["kans_id"] not in _ids(client, base + f"&soort={other}")


def test_r1_counts_as_warmtenet_and_riolering(client: TestClient) -> None:
    feats = client.get("/api/v1/koppelkansen?regel=werk_met_werk&limit=1000").json()["features"]
    kans = next(f for f in feats if f["properties"]["regelcode"] == "R1")
    lon, lat = _mid(kans)
    base = f"/api/v1/punt?lon={lon}&lat={lat}&zoom=18"
    kid = kans["properties"]["kans_id"]
    assert kid in _ids(client, base + "&soort=riolering")
    assert kid in _ids(client, base + "&soort=warmtenet")
    assert kid not in _ids(client, base + "&soort=telecom")


def test_unknown_regelcode_is_refused_in_dutch(client: TestClient) -> None:
    r = client.get("/api/v1/punt?lon=5.3&lat=52&zoom=14&regelcode=R9")
    assert r.status_code == 400
    assert "Onbekende regelcode 'R9'" in r.json()["detail"]


def test_click_on_a_work_names_partij_and_years(client: TestClient) -> None:
    werk = client.get("/api/v1/lagen/werk?limit=1").json()["features"][0]
    geom = werk["geometry"]
    if "Line" in geom["type"]:
        lon, lat = _mid(werk)
    else:  # a corner of the area lies on it
        ring = geom["coordinates"][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0]
        lon, lat = ring[0][:2]
    base = f"/api/v1/punt?lon={lon}&lat={lat}&zoom=18&laag=werk"
    bronnen = client.get(base).json()["bronnen"]
    found = [b for b in bronnen if b["eigenschappen"]["id"] == werk["properties"]["id"]]
    assert found and found[0]["laag"] == "werk"
    e = found[0]["eigenschappen"]
    assert {"naam", "partij", "soort", "status", "start_jaar", "eind_jaar"} <= set(e)
    assert e["partij"] == werk["properties"]["partij"]
    # The partij and soort filters choose the works too.
    none = client.get(base + "&partij=Geen%20partij%20met%20deze%20naam").json()["bronnen"]
    assert werk["properties"]["id"] not in [b["eigenschappen"]["id"] for b in none]
