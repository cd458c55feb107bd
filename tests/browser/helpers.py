"""Small helpers shared by the browser tests: waiting for tiles, clicking on a coordinate."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

DRAWN = (
    "(kinds) => window.KK && kinds.every((k) => kkLayers[k] && kkLayers[k].status === 'loaded'"
    " && KK.stats(k).features > 0)"
)


def wait_drawn(page: Page, *kinds: str, timeout: int = 20_000) -> None:
    """Wait until every layer in `kinds` has loaded its tiles and drawn features."""
    page.wait_for_function(DRAWN, arg=list(kinds), timeout=timeout)


def stats(page: Page, kind: str) -> dict[str, Any]:
    """{tiles, features, visible} of a vector-tile layer."""
    return dict(page.evaluate("(k) => KK.stats(k)", kind))


_DRAWN_JS = """(k) => {
  const out = [];
  const tiles = kkLayers[k].layer._vectorTiles || {};
  Object.values(tiles).forEach((r) => Object.values(r._features || {})
    .forEach((f) => out.push(f.feature.properties)));
  return out;
}"""


def drawn_properties(page: Page, kind: str) -> list[dict[str, Any]]:
    """The properties of every feature drawn in the layer's current tiles."""
    return list(page.evaluate(_DRAWN_JS, kind))


def wait_drawn_until(page: Page, kind: str, condition: str, *, timeout: int = 20_000) -> None:
    """Wait until the layer is loaded and its drawn features `ps` meet the JS `condition`
    (a redraw under load may start after `settle` looked)."""
    page.wait_for_function(
        f"(k) => kkLayers[k].status === 'loaded' && ((ps) => {condition})(({_DRAWN_JS})(k))",
        arg=kind, timeout=timeout,
    )


def settle(page: Page, *kinds: str) -> None:
    """Wait for the tiles of `kinds` after a redraw (status back to loaded)."""
    page.wait_for_timeout(200)
    page.wait_for_function(
        "(kinds) => kinds.every((k) => kkLayers[k].status === 'loaded')", arg=list(kinds),
        timeout=20_000,
    )


def click_lonlat(page: Page, lon: float, lat: float) -> None:
    """Click the map at a WGS84 coordinate (it must be in view)."""
    pt = page.evaluate(
        """([lon, lat]) => {
          const p = kkMap.latLngToContainerPoint([lat, lon]);
          const box = kkMap.getContainer().getBoundingClientRect();
          return {x: box.left + p.x, y: box.top + p.y};
        }""",
        [lon, lat],
    )
    page.mouse.click(pt["x"], pt["y"])


def hash_params(page: Page) -> dict[str, str]:
    """The URL hash of the page as a dict."""
    return dict(page.evaluate(
        "() => Object.fromEntries(new URLSearchParams(location.hash.slice(1)))"
    ))


def wait_hash(page: Page, **expected: str | None) -> dict[str, str]:
    """Wait until the URL hash (written 150 ms after a change) has these values (None: absent)."""
    page.wait_for_function(
        """(exp) => { const p = new URLSearchParams(location.hash.slice(1));
          return Object.entries(exp).every(([k, v]) => v === null ? !p.has(k) : p.get(k) === v); }""",
        arg=expected, timeout=5_000,
    )
    return hash_params(page)


def line_midpoint(geometry: dict[str, Any]) -> tuple[float, float]:
    """The middle of the first segment of a (multi)line, as (lon, lat)."""
    coords = geometry["coordinates"]
    while isinstance(coords[0][0], list):
        coords = coords[0]
    (x0, y0), (x1, y1) = coords[0][:2], coords[1][:2]
    return (x0 + x1) / 2, (y0 + y1) / 2


def clickable_kans(page: Page, base: str, zoom: int = 17) -> tuple[dict[str, Any], float, float]:
    """A result whose midpoint answers, by the point query, with that result first."""
    kansen = page.request.get(base + "/api/v1/koppelkansen?limit=1000").json()["features"]
    for regel in ("werk_met_werk", "afkoppelen", "boomconflict", "vergroenen", "leefbaarheid"):
        for f in (f for f in kansen if f["properties"]["regel"] == regel):
            lon, lat = line_midpoint(f["geometry"])
            hit = page.request.get(
                f"{base}/api/v1/punt?lon={lon}&lat={lat}&zoom={zoom}&tolerantiePx=8").json()
            if hit["kansen"] and hit["kansen"][0]["kans_id"] == f["properties"]["kans_id"]:
                return f, lon, lat
    raise AssertionError("geen aanklikbare koppelkans in de demo")
