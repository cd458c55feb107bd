"""Custom map elements: a folium Map that links only local assets, vector-tile overlays and the
page application around the map.

Each widget is a MacroElement whose template (frontend/templates/*.js.j2) passes its options to
static/koppelkansen/kaart.js through ``|tojson``; no JavaScript is built by string concatenation.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from jinja2 import Environment, PackageLoader, Template, select_autoescape

_env = Environment(
    loader=PackageLoader("frontend", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)
_INLINE_TAG = re.compile(r"<(script|style)(?=[\s>])")


def with_nonce(html: str, nonce: str | None) -> str:
    """`html` with `nonce` on every <script> and <style> tag, for the page's CSP.

    Only for markup the app and folium write themselves (the page header: links, folium's
    setup script and styles); never for anything holding user data, which would gain the
    nonce's power too.
    """
    if not nonce:
        return html
    if not re.fullmatch(r"[A-Za-z0-9_-]+", nonce):
        raise ValueError("een nonce bestaat alleen uit letters, cijfers, - en _")
    return _INLINE_TAG.sub(rf'<\1 nonce="{nonce}"', html)


_env.filters["with_nonce"] = with_nonce


def load_template(name: str) -> Template:
    """A template from frontend/templates."""
    return _env.get_template(name)


def local_assets(static_base: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (name, url) script and style links of the page, all under `static_base`."""
    base = static_base.rstrip("/")
    js = [
        ("leaflet", f"{base}/vendor/leaflet/leaflet.js"),
        ("vectorgrid", f"{base}/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js"),
        ("koppelkansen", f"{base}/koppelkansen/kaart.js"),
        ("koppelkansen_panelen", f"{base}/koppelkansen/panelen.js"),
        ("koppelkansen_uitleg", f"{base}/koppelkansen/uitleg.js"),
        ("koppelkansen_besluiten", f"{base}/koppelkansen/besluiten.js"),
        ("koppelkansen_tellingen", f"{base}/koppelkansen/tellingen.js"),
        ("koppelkansen_verschil", f"{base}/koppelkansen/verschil.js"),
        ("koppelkansen_zijpaneel", f"{base}/koppelkansen/zijpaneel.js"),
        ("koppelkansen_staat", f"{base}/koppelkansen/staat.js"),
    ]
    css = [
        ("leaflet_css", f"{base}/vendor/leaflet/leaflet.css"),
        ("koppelkansen_css", f"{base}/koppelkansen/kaart.css"),
    ]
    return js, css


def favicon_link(static_base: str) -> str:
    """The <link> to the page's icon, an SVG served by the app (no request leaves it)."""
    href = f"{static_base.rstrip('/')}/koppelkansen/favicon.svg"
    return f'<link rel="icon" type="image/svg+xml" href="{escape(href)}" />'


class KaartFigure(Figure):
    """The HTML document: Dutch, with a title, otherwise branca's Figure."""

    _template = load_template("figure.html")


# folium's viewport forbids zooming the page (maximum-scale=1.0, user-scalable=no), which
# fails WCAG 1.4.4: people who need large text must be able to pinch-zoom.
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />'
_FOLIUM_VIEWPORT = re.compile(r'<meta\s+name="viewport"[^>]*>')


class KaartMap(folium.Map):
    """A folium Map whose scripts and styles all come from the app (no CDN, no web fonts).

    folium links jQuery, Bootstrap, Font Awesome and awesome-markers by default; this page
    uses none of them, so only Leaflet and our own script and style are linked. The page may
    be zoomed (folium's viewport meta forbids it).
    """

    def __init__(self, *, static_base: str, title: str, **kwargs: Any) -> None:
        super().__init__(tiles=None, zoom_control=False, **kwargs)
        self.default_js, self.default_css = local_assets(static_base)
        figure = KaartFigure(title=title)
        figure.add_child(self)
        figure.header.add_child(Element(favicon_link(static_base)), name="favicon")

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render as folium does, then put our viewport meta in place of folium's."""
        super().render(**kwargs)
        figure = self.get_root()
        assert isinstance(figure, Figure)
        header = self._template.module.__dict__["header"](self, kwargs)
        fixed, n = _FOLIUM_VIEWPORT.subn(VIEWPORT, str(header))
        if n != 1:
            raise RuntimeError("folium's viewport meta is not where KaartMap expects it")
        figure.header.add_child(Element(fixed), name=self.get_name())


class EmptyBaseLayer(Layer):
    """A base layer that draws nothing: the map without any tiles from outside."""

    _template = load_template("lege_laag.js.j2")

    def __init__(self, name: str) -> None:
        super().__init__(name=name, overlay=False, control=True, show=False)
        self._name = "EmptyBaseLayer"


class VectorTileLayer(Layer):
    """An overlay of vector tiles (/tiles/{laag}/{z}/{x}/{y}.pbf) drawn by Leaflet.VectorGrid.

    The folium counterpart is ``folium.plugins.VectorGridProtobuf``; this one links the
    vendored script instead of a CDN and styles features with our symbology and filters
    (``KK.tileLayer`` in static/koppelkansen/kaart.js). Options: kind (layer name, also the
    MVT layer inside), url, pane, style (see frontend.styles), minZoom, idField, filtered,
    visible (shown when the URL does not say otherwise). The layer is added to the map by
    the page script once the view is known, never by folium, so no tile of the wrong view is
    requested first.
    """

    _template = load_template("vector_tile_layer.js.j2")

    def __init__(self, *, name: str, **options: Any) -> None:
        super().__init__(name=name, overlay=True, control=True, show=False)
        self._name = "VectorTileLayer"
        self.options = {"name": name, **options}


class KaartApp(MacroElement):
    """The page around the map: side panel (filters, ranking, details), legend, URL state.

    Must be added after every layer and after the layer control: it decides the view, the
    basemap and the visible overlays (from the URL, else from its options) and only then
    lets the layers load.
    """

    _template = load_template("kaart_app.js.j2")

    def __init__(self, **options: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KaartApp"
        self.options = options
