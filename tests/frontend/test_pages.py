"""The Dutch 'not found' page."""

from __future__ import annotations

from frontend.pages import render_niet_gevonden


def test_niet_gevonden_is_dutch_and_escaped() -> None:
    html = render_niet_gevonden(message="Buurt <b>BU1</b> bestaat niet.", page_base="/kaart")
    assert '<html lang="nl">' in html
    assert "niet gevonden" in html
    assert "&lt;b&gt;BU1&lt;/b&gt;" in html
    assert 'href="/kaart"' in html
    assert "<script" not in html and "http" not in html
