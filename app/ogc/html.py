"""Simple Dutch HTML pages of the OGC API (f=html, or a browser's Accept: text/html).

One small Jinja template with autoescaping: a title, a line of text, links and tables. No
script and no CDN; the one style element carries the answer's CSP nonce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape

_PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ page.title }} — Koppelkansen OGC API</title>
<style nonce="{{ nonce }}">
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
         color: #222; background: #f4f5f7; margin: 0; }
  main { max-width: 1100px; margin: 24px auto; background: #fff; padding: 24px 32px;
         border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  nav { font-size: 14px; margin-bottom: 12px; }
  h1 { font-size: 22px; margin: 0 0 12px; }
  h2 { font-size: 17px; margin: 20px 0 8px; }
  p, li { line-height: 1.5; }
  a { color: #1f4e9e; }
  table { border-collapse: collapse; font-size: 13px; width: 100%; }
  th, td { border-bottom: 1px solid #e3e5ea; padding: 4px 6px; text-align: left;
           vertical-align: top; }
  th { background: #f0f1f4; }
  .wrap { overflow-x: auto; }
  code { background: #f0f1f4; padding: 1px 4px; border-radius: 3px; word-break: break-all; }
</style>
</head>
<body>
<main>
  <nav>{% for href, label in page.crumbs %}<a href="{{ href }}">{{ label }}</a>
    {%- if not loop.last %} › {% endif %}{% endfor %}</nav>
  <h1>{{ page.title }}</h1>
  {% for line in page.lines %}<p>{{ line }}</p>{% endfor %}
  {% if page.links %}<ul>
  {% for href, label in page.links %}<li><a href="{{ href }}">{{ label }}</a></li>
  {% endfor %}</ul>{% endif %}
  {% for table in page.tables %}
  <h2>{{ table.caption }}</h2>
  <div class="wrap"><table>
    <tr>{% for header in table.headers %}<th>{{ header }}</th>{% endfor %}</tr>
    {% for row in table.rows %}<tr>{% for text, href in row %}<td>
      {%- if href %}<a href="{{ href }}">{{ text }}</a>{% else %}{{ text }}{% endif -%}
    </td>{% endfor %}</tr>
    {% endfor %}
  </table></div>
  {% endfor %}
</main>
</body>
</html>
"""

_env = Environment(loader=DictLoader({"ogc.html": _PAGE}), autoescape=select_autoescape(["html"]))

Cell = tuple[str, str | None]


@dataclass
class Table:
    """A table on a page: a caption, headers and rows of (text, link or None)."""

    caption: str
    headers: list[str]
    rows: list[list[Cell]]


@dataclass
class Page:
    """What one page shows."""

    title: str
    crumbs: list[tuple[str, str]]
    lines: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def render(page: Page, *, nonce: str) -> str:
    """The page as HTML."""
    return _env.get_template("ogc.html").render(page=page, nonce=nonce)


def cell(value: Any) -> Cell:
    """A table cell showing a property value the Dutch way (ja/nee, empty for null)."""
    if value is None:
        return ("", None)
    if isinstance(value, bool):
        return ("ja" if value else "nee", None)
    return (str(value), None)


_KINDS = {"text": "tekst", "int": "geheel getal", "float": "getal", "bool": "ja/nee"}


def _crumbs(base: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [(f"{base}?f=html", "OGC API"), *extra]


def _links(body: dict[str, Any], *skip: str) -> list[tuple[str, str]]:
    return [(str(x["href"]), str(x["title"])) for x in body.get("links", [])
            if x["rel"] not in skip]


def landing_page(body: dict[str, Any]) -> Page:
    """The landing page."""
    return Page(title=str(body["title"]), crumbs=[], lines=[
        str(body["description"]),
        "In QGIS: Kaartlagen → Laag toevoegen → WFS/OGC API-Features; kies een nieuwe "
        "verbinding en vul de URL van deze pagina in (zonder ?f=html).",
    ], links=[(x["href"], x["title"]) for x in body["links"] if x["rel"] != "self"])


def conformance_page(base: str, body: dict[str, Any]) -> Page:
    """The conformance classes."""
    return Page(title="Conformance", crumbs=_crumbs(base),
                lines=["Deze API voldoet aan de volgende OGC-conformanceklassen."],
                links=[(uri, uri) for uri in body["conformsTo"]])


def collections_page(base: str, body: dict[str, Any]) -> Page:
    """The list of collections."""
    rows = [[(c["title"], f"{base}/collections/{c['id']}?f=html"), (c["id"], None),
             ("objecten", f"{base}/collections/{c['id']}/items?f=html")]
            for c in body["collections"]]
    return Page(title="Collecties", crumbs=_crumbs(base),
                lines=["Alle geometrie is opgeslagen in RD New (EPSG:28992)."],
                tables=[Table("Collecties", ["Titel", "Naam", "Objecten"], rows)])


def collection_page(base: str, item: Any, body: dict[str, Any]) -> Page:
    """One collection."""
    extent = body.get("extent", {}).get("spatial", {}).get("bbox", [None])[0]
    lines = [str(body["description"]), f"Opslag: {body['storageCrs']}.",
             "Omvang (CRS84): " + (", ".join(str(v) for v in extent) if extent else "leeg") + "."]
    rows: list[list[Cell]] = [[(p.name, None), (_KINDS[p.kind], None), (p.title, None)]
                             for p in item.properties]
    links = [(f"{base}/collections/{item.id}?f=json", "Deze collectie als JSON"),
             *_links(body, "self", "alternate")]
    return Page(title=str(body["title"]),
                crumbs=_crumbs(base, (f"{base}/collections?f=html", "Collecties")),
                lines=lines, links=links,
                tables=[Table("Eigenschappen", ["Naam", "Soort", "Betekenis"], rows),
                        Table("Coördinatenstelsels (crs)", ["URI"],
                              [[(uri, None)] for uri in body["crs"]])])


def queryables_page(base: str, item: Any, body: dict[str, Any]) -> Page:
    """The queryables of a collection."""
    rows: list[list[Cell]] = [[(name, None), (str(spec.get("type") or spec.get("format")), None),
             (str(spec.get("title", "")), None)] for name, spec in body["properties"].items()]
    return Page(title=f"Queryables van {item.title}",
                crumbs=_crumbs(base, (f"{base}/collections?f=html", "Collecties"),
                               (f"{base}/collections/{item.id}?f=html", item.title)),
                lines=["Op deze eigenschappen werkt de parameter filter (CQL2), bijvoorbeeld "
                       "filter=jaar BETWEEN 2027 AND 2030."],
                tables=[Table("Eigenschappen", ["Naam", "Type", "Betekenis"], rows)])


def items_page(base: str, item: Any, body: dict[str, Any], offset: int) -> Page:
    """A page of features as a table."""
    names = [p.name for p in item.properties]
    rows = []
    for feature in body["features"]:
        fid = str(feature["id"])
        geometry = feature.get("geometry") or {}
        rows.append([(fid, f"{base}/collections/{item.id}/items/{fid}?f=html"),
                     (str(geometry.get("type", "")), None),
                     *(cell(feature["properties"].get(n)) for n in names)])
    shown = body["numberReturned"]
    first = offset + 1 if shown else offset
    lines = [f"Objecten {first}–{offset + shown} van {body['numberMatched']}."]
    links = [(x["href"], x["title"]) for x in body["links"]
             if x["rel"] in ("next", "prev", "alternate", "collection")]
    return Page(title=f"Objecten van {item.title}",
                crumbs=_crumbs(base, (f"{base}/collections?f=html", "Collecties"),
                               (f"{base}/collections/{item.id}?f=html", item.title)),
                lines=lines, links=links,
                tables=[Table("Objecten", ["id", "geometrie", *names], rows)])


def item_page(base: str, item: Any, feature: dict[str, Any], here: str) -> Page:
    """One feature."""
    rows: list[list[Cell]] = [[(str(name), None), cell(value)]
                             for name, value in feature["properties"].items()]
    geometry = feature.get("geometry") or {}
    return Page(title=f"{item.title}: {feature['id']}",
                crumbs=_crumbs(base, (f"{base}/collections?f=html", "Collecties"),
                               (f"{base}/collections/{item.id}?f=html", item.title),
                               (f"{base}/collections/{item.id}/items?f=html", "Objecten")),
                lines=[f"Geometrie: {geometry.get('type', 'geen')}."],
                links=[(f"{here}?f=json", "Dit object als GeoJSON")],
                tables=[Table("Eigenschappen", ["Naam", "Waarde"], rows)])


def tile_matrix_sets_page(base: str, body: dict[str, Any]) -> Page:
    """The list of tile matrix sets."""
    return Page(title="Tegelmatrixsets", crumbs=_crumbs(base),
                lines=["De tegelindelingen waarin deze API vectortegels levert."],
                links=[(f"{t['links'][0]['href']}?f=html", f"{t['id']}: {t['title']}")
                       for t in body["tileMatrixSets"]])


def tile_matrix_set_page(base: str, body: dict[str, Any]) -> Page:
    """One tile matrix set with its levels."""
    rows: list[list[Cell]] = [
        [(m["id"], None), (f"{m['scaleDenominator']:.4f}", None), (f"{m['cellSize']:.6f}", None),
         (f"{m['matrixWidth']} × {m['matrixHeight']}", None)] for m in body["tileMatrices"]]
    return Page(title=f"{body['id']}: {body['title']}",
                crumbs=_crumbs(base, (f"{base}/tileMatrixSets?f=html", "Tegelmatrixsets")),
                lines=[str(body["description"]), f"Coördinatenstelsel: {body['crs']}.",
                       f"URI: {body['uri']}."],
                links=[(f"{_self(body)}?f=json", "Als JSON")],
                tables=[Table("Tegelmatrices", ["Id (zoom)", "Schaalgetal", "Celgrootte (m)",
                                                "Tegels"], rows)])


def _self(body: dict[str, Any]) -> str:
    return next(str(x["href"]) for x in body["links"] if x["rel"] == "self")


def _tiles_crumbs(base: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    geodata = next((x for x in body.get("links", []) if x["rel"].endswith("/geodata")), None)
    if geodata is None:
        return _crumbs(base)
    return _crumbs(base, (f"{base}/collections?f=html", "Collecties"),
                   (f"{geodata['href']}?f=html", str(geodata["title"])))


def tilesets_page(base: str, body: dict[str, Any]) -> Page:
    """The tilesets of a collection or of the dataset."""
    rows: list[list[Cell]] = []
    for tileset in body["tilesets"]:
        rows.append([(str(tileset["title"]), f"{_self(tileset)}?f=html"), ("vector", None),
                     (str(tileset["tileMatrixSetURI"]), None)])
    crumbs = _tiles_crumbs(base, body["tilesets"][0])
    return Page(title="Vectortegels", crumbs=crumbs,
                lines=["De tegelsets, als Mapbox Vector Tiles."],
                tables=[Table("Tegelsets", ["Titel", "Soort", "Tegelmatrixset"], rows)])


def tileset_page(base: str, body: dict[str, Any]) -> Page:
    """One tileset: its tile URL, levels and layers."""
    template = next(str(x["href"]) for x in body["links"] if x["rel"] == "item")
    qgis = (template.replace("{tileMatrix}", "{z}").replace("{tileRow}", "{y}")
            .replace("{tileCol}", "{x}"))
    limits = body["tileMatrixSetLimits"]
    rows: list[list[Cell]] = [
        [(str(x["id"]), None), (str(x["title"]), None),
         (str(x["geometryType"]).replace("Geometry", "gemengd"), None),
         (f"{x['minTileMatrix']} tot en met {x['maxTileMatrix']}", None)] for x in body["layers"]]
    return Page(title=f"Vectortegels: {body['title']}", crumbs=_tiles_crumbs(base, body),
                lines=[str(body["description"]),
                       f"Tegels (Mapbox Vector Tile) op tegelmatrix {limits[0]['tileMatrix']} tot "
                       f"en met {limits[-1]['tileMatrix']} van WebMercatorQuad: {template}. Een "
                       "lege tegel geeft 204.",
                       "In QGIS: Kaartlagen → Laag toevoegen → Vectortegellaag; kies Nieuwe "
                       f"algemene verbinding met de URL {qgis} en minimaal zoomniveau "
                       f"{limits[0]['tileMatrix']}."],
                links=[(f"{_self(body)}?f=json", "Deze tegelset als JSON"),
                       *_links(body, "self", "alternate", "item")],
                tables=[Table("Lagen in de tegels", ["Laag", "Titel", "Geometrie", "Tegelmatrices"],
                              rows)])
