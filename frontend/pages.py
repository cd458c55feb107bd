"""Small HTML pages around the map (no folium): the Dutch 'not found' page."""

from __future__ import annotations

from frontend.elements import load_template


def render_niet_gevonden(*, message: str, page_base: str = "/kaart") -> str:
    """A friendly Dutch 404 page with `message` (escaped) and a link back to the map."""
    return load_template("niet_gevonden.html").render(message=message, page_base=page_base)
