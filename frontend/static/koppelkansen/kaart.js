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
      s.fill = false;
    } else {
      s.fill = true;
      s.fillColor = c.color;
      if (!s.color) s.color = c.color;
      if (s.weight === 0) s.stroke = false;
    }
    return s;
  }

  /* ---- filters on results (map, lists and clicks use the same ones) ---- */

  KK.filter = { regels: null, categorie: "", actie: false, van: null, tot: null };

  // The year of a result: the stored attribute `jaar` (start of the heat work, else the
  // sewer's due year; derived once by the analysis, never here).
  KK.jaar = function (p) {
    return !isMissing(p.jaar) ? Number(p.jaar) : null;
  };

  KK.passes = function (p) {
    var f = KK.filter;
    if (f.regels && f.regels.indexOf(p.regel) < 0) return false;
    if (f.categorie && p.categorie !== f.categorie) return false;
    if (f.actie && !(p.actie_nodig === true || p.actie_nodig === "true")) return false;
    if (f.van !== null || f.tot !== null) {
      var j = KK.jaar(p);
      if (j === null) return false;
      if (f.van !== null && j < f.van) return false;
      if (f.tot !== null && j > f.tot) return false;
    }
    return true;
  };

  /* Every rule unticked: no result passes, whatever the other filters say. */
  KK.filterExcludesAll = function () {
    return !!(KK.filter.regels && KK.filter.regels.length === 0);
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
    (f.regels || []).forEach(function (r) { params.append("regel", r); });
    if (f.categorie) params.set("categorie", f.categorie);
    if (f.actie) params.set("actie_nodig", "true");
    if (f.van !== null) params.set("jaar_van", String(f.van));
    if (f.tot !== null) params.set("jaar_tot", String(f.tot));
    return params;
  };

  KK.setFilter = function (changes) {
    Object.assign(KK.filter, changes);
    Object.keys(registry).forEach(function (k) {
      var e = registry[k];
      if (e.opts.filtered && e.layer._map) e.layer.redraw();
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
    return layer;
  };

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
