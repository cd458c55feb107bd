"""The JSON list of results filtered by regelcode, partij and soort (RULES.md §9), on the demo."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

pytestmark = pytest.mark.db


def _count(engine: Engine, where: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM koppelkans k WHERE {where}"),
                                params).scalar_one())


def _matched(client: TestClient, **query: object) -> int:
    response = client.get("/api/v1/koppelkansen", params={**query, "limit": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["numberMatched"])


def test_filters_by_regelcode_partij_and_soort(client: TestClient, demo_engine: Engine) -> None:
    r5 = _count(demo_engine, "regelcode = 'R5'")
    assert r5 > 0 and _matched(client, regelcode="R5") == r5
    assert _matched(client, regelcode=["R5", "R5b"]) == _count(
        demo_engine, "regelcode IN ('R5', 'R5b')")
    liander = _count(demo_engine, "'Liander' IN (partij_a, partij_b)")
    assert liander > 0 and _matched(client, partij="Liander") == liander
    # R1 pairs a heat section with a pipe: it counts for soort warmtenet and riolering.
    riool = _count(demo_engine, "'riolering' IN (soort_a, soort_b) OR regelcode = 'R1'")
    assert _matched(client, soort="riolering") == riool > _count(demo_engine, "regelcode = 'R1'")
    both = _count(demo_engine, "regelcode = 'R5b' AND 'Liander' IN (partij_a, partij_b)")
    assert _matched(client, regelcode="R5b", partij="Liander") == both


def test_unknown_codes_and_kinds_are_refused_in_dutch(client: TestClient) -> None:
    for query, words in (({"regelcode": "R9"}, "Onbekende regelcode"),
                         ({"soort": "kabels"}, "Onbekende soort")):
        response = client.get("/api/v1/koppelkansen", params=query)
        assert response.status_code == 400 and words in response.json()["detail"], response.text
