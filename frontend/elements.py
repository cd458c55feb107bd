"""Custom map elements: a folium Map that links only local assets, and the widgets that load
the data layers from the API.

Each widget is a MacroElement whose template (frontend/templates/*.js.j2) passes its options to
static/koppelkansen/kaart.js through ``|tojson``; no JavaScript is built by string concatenation.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Figure, MacroElement
from folium.map import Layer
from jinja2 import Environment, PackageLoader, Template, select_autoescape

_env = Environment(
    loader=PackageLoader("frontend", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


def load_template(name: str) -> Template:
    """A template from frontend/templates."""
    return _env.get_template(name)


def local_assets(static_base: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (name, url) script and style links of the page, all under `static_base`."""
    base = static_base.rstrip("/")
    js = [
        ("leaflet", f"{base}/vendor/leaflet/leaflet.js"),
        ("koppelkansen", f"{base}/koppelkansen/kaart.js"),
        ("koppelkansen_panelen", f"{base}/koppelkansen/panelen.js"),
    ]
    css = [
        ("leaflet_css", f"{base}/vendor/leaflet/leaflet.css"),
        ("koppelkansen_css", f"{base}/koppelkansen/kaart.css"),
    ]
    return js, css


class KaartFigure(Figure):
    """The HTML document: Dutch, with a title, otherwise branca's Figure."""

    _template = load_template("figure.html")


class KaartMap(folium.Map):
    """A folium Map whose scripts and styles all come from the app (no CDN, no web fonts).

    folium links jQuery, Bootstrap, Font Awesome and awesome-markers by default; this page
    uses none of them, so only Leaflet and our own script and style are linked.
    """

    def __init__(self, *, static_base: str, title: str, **kwargs: Any) -> None:
        super().__init__(tiles=None, zoom_control=False, **kwargs)
        self.default_js, self.default_css = local_assets(static_base)
        KaartFigure(title=title).add_child(self)


class EmptyBaseLayer(Layer):
    """A base layer that draws nothing: the map without any tiles from outside."""

    _template = load_template("lege_laag.js.j2")

    def __init__(self, name: str, show: bool = False) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "EmptyBaseLayer"


class ApiLayer(Layer):
    """A GeoJSON overlay fetched from the API by URL when it is switched on.

    `options` go to ``KK.apiLayer``: kind (key in ``window.kkLayers``), url, pane, style
    (see frontend.styles), popup (``kans`` | ``buurt`` | ``velden``) and the like. A response
    with a ``links`` entry of rel ``next`` is followed until the last page.
    """

    _template = load_template("api_layer.js.j2")

    def __init__(self, *, name: str, show: bool, **options: Any) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "ApiLayer"
        self.options = {"name": name, **options}


class KaartApp(MacroElement):
    """Title and info box, status line, zoom buttons and the legend of the visible layers."""

    _template = load_template("kaart_app.js.j2")

    def __init__(self, **options: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KaartApp"
        self.options = options


class BuurtLijst(MacroElement):
    """Side list of one buurt's koppelkansen and knelpunten, built from the loaded layer."""

    _template = load_template("buurt_lijst.js.j2")

    def __init__(self, **options: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "BuurtLijst"
        self.options = options
