/* Koppelkansen map page: vector-tile layers, symbology and the filters on results.
 *
 * Options come from the Python builders (frontend/kaart.py) as escaped JSON; data goes into
 * the page with textContent only, never as HTML. Layers are drawn by Leaflet.VectorGrid
 * without interactivity: a click is answered by the server (/api/v1/punt, see zijpaneel.js),
 * so VectorGrid's canvas click code, broken on Leaflet 1.8+ (L.DomEvent.fakeStop), never runs.
 *
 * Test hooks: window.kkLayers[kind] = {status, layer, opts, tilesLoaded, error};
 * KK.stats(kind) = {tiles, features}; window.kkMap.
 */
(function () {
  "use strict";

  var KK = (window.KK = window.KK || {});
  var registry = (window.kkLayers = window.kkLayers || {});

  // Keep the layer control folium creates, to switch basemaps and overlays from the URL.
  L.Control.Layers.addInitHook(function () { KK.layerControl = this; });

  var nf0 = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
  var nf1 = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 1 });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isMissing(v) {
    return v === undefined || v === null || v === "";
  }

  function fmt(v, digits) {
    if (isMissing(v)) return "onbekend";
    if (typeof v === "number") {
      // Years and ids stay as they are ("2027", not "2.027").
      if (digits === undefined) return String(v);
      return (digits === 0 ? nf0 : nf1).format(v);
    }
    if (typeof v === "boolean") return v ? "ja" : "nee";
    return String(v);
  }

  /* ---- symbology ---- */

  function classify(style, props) {
    if (style.type === "single") return style.classes[0];
    var v = style.field ? props[style.field] : null;
    if (isMissing(v)) return style.missing;
    var i;
    if (style.type === "categorical") {
      for (i = 0; i < style.classes.length; i++) {
        if (String(style.classes[i].value) === String(v)) return style.classes[i];
      }
      return style.missing;
    }
    var n = Number(v);
    if (isNaN(n)) return style.missing;
    for (i = 0; i < style.classes.length; i++) {
      var c = style.classes[i];
      if (c.max === null || c.max === undefined || n <= c.max) return c;
    }
    return style.classes[style.classes.length - 1];
  }

  function featureStyle(style, props) {
    var c = classify(style, props || {});
    var s = Object.assign({}, style.path);
    if (style.geom === "line") {
      s.color = c.color;
      s.dashArray = c.dash || null;
      // A polygon among the lines (an R5 result between two areas) is filled lightly when
      // the style gives a fillOpacity; VectorGrid never fills a line.
      s.fill = s.fillOpacity !== undefined;
      if (s.fill) s.fillColor = c.color;
    } else {
      s.fill = true;
      s.fillColor = c.color;
      if (!s.color) s.color = c.color;
      if (s.weight === 0) s.stroke = false;
    }
    return s;
  }

  /* ---- filters on results (map, lists and clicks use the same ones) ---- */

  KK.filter = { regelcodes: null, categorie: "", actie: false, van: null, tot: null,
                partij: "", soort: "", besluit: "" };

  /* The team's decision on a result ("geen" when none): not in the tiles, so looked up in the
   * attributes the counts load (tellingen.js); unknown until they are loaded. */
  KK.besluitVan = function (p) {
    var s = KK.tellingen && KK.tellingen.besluit ? KK.tellingen.besluit(p.kans_id) : null;
    return s || "geen";
  };

  // The year of a result: the stored attribute `jaar` (start of the heat work, else the
  // sewer's due year; derived once by the analysis, never here).
  KK.jaar = function (p) {
    return !isMissing(p.jaar) ? Number(p.jaar) : null;
  };

  /* The regelcode of a result (R1 and R5 share the regel werk_met_werk). */
  KK.regelcode = function (p) {
    if (!isMissing(p.regelcode)) return String(p.regelcode);
    var r = (KK.opts.labels.regelcodes || []).filter(function (x) { return x.regel === p.regel; })[0];
    return r ? r.regelcode : null;
  };

  /* The soorten of the two works a result brings together: R1 pairs the heat network with
   * the sewer; R5 and R5b name both (app.analyse.facts.pair_conditions does the same). */
  KK.soorten = function (p) {
    var r1 = KK.regelcode(p) === "R1";
    var a = !isMissing(p.soort_a) ? p.soort_a : (r1 ? "warmtenet" : null);
    var b = !isMissing(p.soort_b) ? p.soort_b : (r1 ? "riolering" : null);
    return [a, b].filter(function (s) { return s !== null; });
  };

  KK.passes = function (p) {
    var f = KK.filter;
    if (f.regelcodes && f.regelcodes.indexOf(KK.regelcode(p)) < 0) return false;
    if (f.categorie && p.categorie !== f.categorie) return false;
    if (f.actie && !(p.actie_nodig === true || p.actie_nodig === "true")) return false;
    if (f.van !== null || f.tot !== null) {
      var j = KK.jaar(p);
      if (j === null) return false;
      if (f.van !== null && j < f.van) return false;
      if (f.tot !== null && j > f.tot) return false;
    }
    if (f.partij && p.partij_a !== f.partij && p.partij_b !== f.partij) return false;
    if (f.soort && KK.soorten(p).indexOf(f.soort) < 0) return false;
    if (f.besluit && KK.besluitVan(p) !== f.besluit) return false;
    return true;
  };

  /* A planned work on the map follows the partij and soort filters. */
  KK.passesWerk = function (p) {
    var f = KK.filter;
    if (f.partij && p.partij !== f.partij) return false;
    if (f.soort && p.soort !== f.soort) return false;
    return true;
  };

  /* Every rule unticked: no result passes, whatever the other filters say. */
  KK.filterExcludesAll = function () {
    return !!(KK.filter.regelcodes && KK.filter.regelcodes.length === 0);
  };

  /* A filter year, or null when it is missing, not a whole number or outside the years the
   * API accepts (KK.opts.jaarbereik): a mistyped year in a link or an input never breaks the
   * click query (/api/v1/punt refuses it). */
  KK.filterJaar = function (v) {
    if (isMissing(v)) return null;
    var n = typeof v === "number" ? v : Number(String(v).trim());
    if (!isFinite(n) || Math.floor(n) !== n) return null;
    var r = KK.opts && KK.opts.jaarbereik;
    if (r && (n < r[0] || n > r[1])) return null;
    return n;
  };

  /* The same filters as query parameters of /api/v1/punt (see KK.filterExcludesAll for an
   * empty rule list, which no parameter can say). */
  KK.filterParams = function (params) {
    var f = KK.filter;
    (f.regelcodes || []).forEach(function (r) { params.append("regelcode", r); });
    if (f.categorie) params.set("categorie", f.categorie);
    if (f.actie) params.set("actieNodig", "true");
    if (f.van !== null) params.set("jaarVan", String(f.van));
    if (f.tot !== null) params.set("jaarTot", String(f.tot));
    if (f.partij) params.set("partij", f.partij);
    if (f.soort) params.set("soort", f.soort);
    return params;
  };

  KK.setFilter = function (changes) {
    Object.assign(KK.filter, changes);
    Object.keys(registry).forEach(function (k) {
      var e = registry[k];
      if ((e.opts.filtered || e.opts.werkFilter) && e.layer._map) e.layer.redraw();
    });
    (KK.filterListeners || []).forEach(function (cb) { cb(KK.filter); });
  };
  KK.onFilter = function (cb) { (KK.filterListeners = KK.filterListeners || []).push(cb); };

  /* ---- vector-tile layers ---- */

  function ensurePanes(map, panes) {
    Object.keys(panes || {}).forEach(function (name) {
      var pane = map.getPane(name) || map.createPane(name);
      pane.style.zIndex = String(panes[name]);
    });
  }

  KK.tileLayer = function (map, opts) {
    if (!map.getPane(opts.pane)) map.createPane(opts.pane);
    var styles = {};
    styles[opts.kind] = function (props) {
      if (opts.filtered && !KK.passes(props)) return [];
      if (opts.werkFilter && !KK.passesWerk(props)) return [];
      return featureStyle(opts.style, props);
    };
    var layer = L.vectorGrid.protobuf(opts.url, {
      pane: opts.pane,
      // Canvas draws thousands of features per tile far faster than SVG (VectorGrid's default).
      rendererFactory: L.canvas.tile,
      interactive: false,
      minZoom: opts.minZoom || 0,
      maxZoom: 21,
      vectorTileLayerStyles: styles,
      // Needed to find the drawn features per tile (KK.stats) and to highlight a buurt.
      getFeatureId: function (f) { return f.properties[opts.idField]; },
      fetchOptions: { credentials: "same-origin" },
    });
    var entry = { kind: opts.kind, name: opts.name, opts: opts, layer: layer,
                  status: "idle", tilesLoaded: 0, error: null };
    registry[opts.kind] = entry;
    layer.on("loading", function () { entry.status = "loading"; refresh(map); });
    layer.on("load", function () { entry.status = "loaded"; refresh(map); });
    layer.on("tileload", function () { entry.tilesLoaded += 1; });
    layer.on("add remove", function () {
      if (map.getZoom() < (opts.minZoom || 0)) entry.status = "idle";
      refresh(map);
    });
    if (opts.style && opts.style.labels) straatnamen(map, layer, opts.style.labels);
    return layer;
  };

  /* ---- street names (RULES.md §7): labels drawn by the page, no map service needed ----
   *
   * Leaflet has no line labels for vector tiles. When a tile of the layer has loaded, each
   * name in it gets one label, on the longest piece of that street inside the tile, turned
   * along it; the label goes when the tile goes. Labels are plain text (textContent) in
   * non-interactive markers, so a click passes through to the map. */
  function straatnamen(map, layer, cfg) {
    var group = L.layerGroup();
    var perTile = {};

    function longestPieces(renderer, size) {
      var best = {};
      Object.keys(renderer._features || {}).forEach(function (id) {
        var sym = renderer._features[id].feature;
        var naam = sym.properties && sym.properties[cfg.field];
        if (isMissing(naam)) return;
        (sym._parts || []).forEach(function (part) {
          for (var i = 1; i < part.length; i++) {
            var a = part[i - 1], b = part[i];
            var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
            // The middle must lie in this tile, else the neighbour tile labels it.
            if (mx < 0 || my < 0 || mx >= size.x || my >= size.y) continue;
            var len = a.distanceTo(b);
            if (!best[naam] || len > best[naam].len) best[naam] = { len: len, a: a, b: b, x: mx, y: my };
          }
        });
      });
      return best;
    }

    function label(naam, piece, origin, z) {
      var angle = Math.atan2(piece.b.y - piece.a.y, piece.b.x - piece.a.x) * 180 / Math.PI;
      if (angle > 90) angle -= 180;      // never upside down
      if (angle < -90) angle += 180;
      var text = el("span", "kk-straatnaam-tekst", naam);
      text.style.transform = "translate(-50%, -50%) rotate(" + angle.toFixed(1) + "deg)";
      var latlng = map.unproject(origin.add([piece.x, piece.y]), z);
      return L.marker(latlng, {
        icon: L.divIcon({ className: "kk-straatnaam", html: text, iconSize: null }),
        interactive: false, keyboard: false, pane: cfg.pane,
      });
    }

    layer.on("tileload", function (ev) {
      var key = layer._tileCoordsToKey(ev.coords);
      var renderer = (layer._vectorTiles || {})[key];
      if (!renderer || ev.coords.z < cfg.minZoom) return;
      var size = layer.getTileSize();
      var origin = ev.coords.scaleBy(size);
      var best = longestPieces(renderer, size);
      var markers = Object.keys(best).sort().map(function (naam) {
        return label(naam, best[naam], origin, ev.coords.z);
      });
      (perTile[key] || []).forEach(function (m) { group.removeLayer(m); });
      perTile[key] = markers;
      markers.forEach(function (m) { group.addLayer(m); });
    });
    layer.on("tileunload", function (ev) {
      var key = layer._tileCoordsToKey(ev.coords);
      (perTile[key] || []).forEach(function (m) { group.removeLayer(m); });
      delete perTile[key];
    });
    function show() {
      var on = !!layer._map && map.getZoom() >= cfg.minZoom;
      if (on && !map.hasLayer(group)) group.addTo(map);
      if (!on && map.hasLayer(group)) map.removeLayer(group);
    }
    layer.on("add remove", show);
    map.on("zoomend", show);
    KK.straatnamen = function () {
      return map.hasLayer(group) ? group.getLayers().map(function (m) {
        return m.options.icon.options.html.textContent;
      }) : [];
    };
  }

  /* How many tiles a layer has now, and how many features are drawn in them. */
  KK.stats = function (kind) {
    var e = registry[kind];
    var out = { tiles: 0, features: 0, visible: !!(e && e.layer._map) };
    if (!e || !e.layer._vectorTiles) return out;
    Object.keys(e.layer._vectorTiles).forEach(function (key) {
      var r = e.layer._vectorTiles[key];
      out.tiles += 1;
      out.features += Object.keys(r._layers || {}).length;
    });
    return out;
  };

  function refresh(map) {
    if (KK.refresh) KK.refresh(map);  // panelen.js: status line and legend
  }

  /* Fetch JSON from the app (same origin only); a Dutch error carries the API's detail. */
  KK.getJSON = function (url) {
    var u = new URL(url, window.location.href);
    var local = new URL(u.pathname + u.search, window.location.origin).toString();
    return fetch(local, { headers: { Accept: "application/json, application/geo+json" } })
      .then(function (resp) {
        if (!resp.ok) {
          return resp.json().catch(function () { return {}; }).then(function (body) {
            var detail = body && typeof body.detail === "string" ? body.detail + " " : "";
            throw new Error(detail + "(HTTP " + resp.status + ")");
          });
        }
        return resp.json();
      });
  };

  /* All pages of a GeoJSON collection, following rel="next" on this host. */
  KK.getAllFeatures = function (url) {
    var features = [];
    function page(u, n) {
      return KK.getJSON(u).then(function (data) {
        features = features.concat((data && data.features) || []);
        var next = ((data && data.links) || []).filter(function (l) { return l.rel === "next"; })[0];
        return next && next.href && n < 100 ? page(next.href, n + 1) : features;
      });
    }
    return page(url, 0);
  };

  KK.util = { el: el, fmt: fmt, isMissing: isMissing, ensurePanes: ensurePanes,
              classify: classify, featureStyle: featureStyle };
})();
