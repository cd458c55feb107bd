/* Koppelkansen map page.
 *
 * Loads GeoJSON layers from the API by URL (following rel="next" links) when they are
 * switched on, and draws the info box, the legend and the buurt list. All options come from
 * the Python builders (frontend/kaart.py) as escaped JSON; data is put into the page with
 * textContent only, never as HTML.
 *
 * Test hooks: window.kkLayers[kind] = {status, count, error, layer}; window.kkMap.
 * The info box, the legend and the buurt list are in panelen.js.
 */
(function () {
  "use strict";

  var KK = (window.KK = window.KK || {});
  var registry = (window.kkLayers = window.kkLayers || {});
  var waiting = {};
  var MAX_PAGES = 500;

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

  function pathStyle(opts, props) {
    var style = opts.style;
    var c = classify(style, props || {});
    var s = Object.assign({}, style.path);
    if (style.geom === "line") {
      s.color = c.color;
      s.dashArray = c.dash || null;
    } else {
      s.fillColor = c.color;
      if (!s.color) s.color = c.color;
    }
    if (opts.highlight && props && props.buurtcode === opts.highlight) {
      s.color = "#000000";
      s.weight = 4;
    }
    return s;
  }

  function ensurePanes(map, panes) {
    Object.keys(panes || {}).forEach(function (name) {
      var pane = map.getPane(name) || map.createPane(name);
      pane.style.zIndex = String(panes[name]);
    });
  }

  /* ---- popups and tooltips ---- */

  function row(table, label, value) {
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }

  function kansPopup(opts, p) {
    var c = classify(opts.style, p);
    var box = el("div", "kk-popup kk-popup-kans");
    var head = el("div", "kk-popup-kop");
    head.style.borderLeftColor = c.color;
    var cat = (opts.categorieLabels || {})[p.categorie] || p.categorie;
    head.appendChild(el("span", "kk-badge kk-badge-" + (p.categorie === "knelpunt" ? "knelpunt" : "kans"), cat));
    head.appendChild(el("strong", null, " " + c.label));
    box.appendChild(head);
    box.appendChild(el("p", "kk-toelichting", p.toelichting || "Geen toelichting beschikbaar."));
    var t = el("table");
    row(t, "Regel", p.regel);
    row(t, "Categorie", p.categorie);
    row(t, "Buurt", isMissing(p.buurtcode) ? "buiten de buurten" : p.buurtcode);
    row(t, "Lengte", fmt(p.lengte_m, 0) + " m");
    row(t, "Actie nodig", p.actie_nodig ? "ja" : "nee");
    if (!isMissing(p.start_jaar)) row(t, "Warmtenet", fmt(p.start_jaar) + "–" + fmt(p.eind_jaar));
    if (!isMissing(p.riool_due_jaar)) row(t, "Vervanging riool", fmt(p.riool_due_jaar));
    if (!isMissing(p.gedeelde_lengte_m)) row(t, "Gedeelde lengte", fmt(p.gedeelde_lengte_m, 0) + " m");
    if (!isMissing(p.groen_aandeel)) row(t, "Aandeel groen", fmt(100 * p.groen_aandeel, 1) + " %");
    if (!isMissing(p.aantal_bomen)) row(t, "Bomen", fmt(p.aantal_bomen));
    if (!isMissing(p.laagste_klasse)) row(t, "Laagste klasse", fmt(p.laagste_klasse));
    if (!isMissing(p.koppeling)) row(t, "Koppeling", p.koppeling);
    box.appendChild(t);
    if (!isMissing(p.kans_id)) {
      var a = el("a", "kk-api-link", "Bekijk in de API (JSON)");
      a.href = opts.apiBase + "/koppelkansen/" + encodeURIComponent(p.kans_id);
      a.target = "_blank";
      a.rel = "noopener";
      box.appendChild(a);
    }
    return box;
  }

  function buurtPopup(opts, p) {
    var box = el("div", "kk-popup");
    box.appendChild(el("strong", null, (p.buurtnaam || p.buurtcode) + " (" + p.buurtcode + ")"));
    var t = el("table");
    row(t, "Score", fmt(p.score, 1));
    row(t, "Rang", fmt(p.rang));
    row(t, "Koppelkansen", fmt(p.n_kansen));
    row(t, "Knelpunten", fmt(p.n_knelpunt));
    row(t, "Werk met werk", fmt(p.m_r1, 0) + " m");
    row(t, "Vergroenen", fmt(p.m_r2, 0) + " m");
    row(t, "Leefbaarheid", fmt(p.m_r3, 0) + " m");
    row(t, "Afkoppelen", fmt(p.m_r4, 0) + " m");
    if (!isMissing(p.laag_aandeel)) row(t, "Lage leefbaarheid", fmt(100 * p.laag_aandeel, 0) + " % van de buurt");
    row(t, "Riolen zonder jaar", fmt(p.riool_onbekend));
    box.appendChild(t);
    if (p.buurtcode !== opts.highlight) {
      var a = el("a", null, "Bekijk deze buurt");
      a.href = opts.pageBase + "/buurt/" + encodeURIComponent(p.buurtcode);
      box.appendChild(a);
    }
    return box;
  }

  function fieldsPopup(opts, p) {
    var box = el("div", "kk-popup");
    box.appendChild(el("strong", null, opts.name));
    var t = el("table");
    (opts.style.fields || []).forEach(function (f) {
      var v = p[f[0]];
      if (f[0] === opts.style.field && opts.style.type === "categorical" && !isMissing(v)) {
        v = classify(opts.style, p).label;
      }
      row(t, f[1], fmt(v));
    });
    box.appendChild(t);
    return box;
  }

  function bindFeature(opts, feature, layer) {
    var p = feature.properties || {};
    if (opts.popup === "kans") {
      layer.bindPopup(function () { return kansPopup(opts, p); }, { maxWidth: 360 });
      layer.bindTooltip(classify(opts.style, p).label, { sticky: true });
    } else if (opts.popup === "buurt") {
      layer.bindPopup(function () { return buurtPopup(opts, p); });
      layer.bindTooltip(
        (p.buurtnaam || p.buurtcode) + " — score " + fmt(p.score, 1) + " (rang " + fmt(p.rang) + ")",
        { sticky: true }
      );
    } else {
      layer.bindPopup(function () { return fieldsPopup(opts, p); });
    }
  }

  /* ---- loading ---- */

  function sameOrigin(href, base) {
    var u = new URL(href, base);
    // Follow the API's next link on this host only: the page never talks to another one.
    return new URL(u.pathname + u.search, window.location.origin).toString();
  }

  function fetchAll(url) {
    var features = [];
    var seen = {};
    function page(u, n) {
      if (seen[u] || n >= MAX_PAGES) return Promise.resolve(features);
      seen[u] = true;
      return fetch(u, { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (resp) {
          if (!resp.ok) {
            return resp.json().catch(function () { return {}; }).then(function (body) {
              var detail = body && typeof body.detail === "string" ? body.detail + " " : "";
              throw new Error(detail + "(HTTP " + resp.status + ")");
            });
          }
          return resp.json();
        })
        .then(function (data) {
          features = features.concat((data && data.features) || []);
          var next = ((data && data.links) || []).filter(function (l) { return l.rel === "next"; })[0];
          return next && next.href ? page(sameOrigin(next.href, u), n + 1) : features;
        });
    }
    return page(sameOrigin(url, window.location.href), 0);
  }

  function refresh(map) {
    if (KK.refresh) KK.refresh(map);  // panelen.js: status line and legend
  }

  function fire(kind) {
    var cbs = waiting[kind] || [];
    waiting[kind] = [];
    cbs.forEach(function (cb) { cb(registry[kind]); });
  }

  KK.onLoaded = function (kind, cb) {
    var e = registry[kind];
    if (e && (e.status === "loaded" || e.status === "error")) cb(e);
    else (waiting[kind] = waiting[kind] || []).push(cb);
  };

  KK.apiLayer = function (map, opts) {
    if (!map.getPane(opts.pane)) map.createPane(opts.pane);
    var entry = { kind: opts.kind, name: opts.name, opts: opts, status: "idle", count: 0, error: null };
    var layer = L.geoJSON(null, {
      pane: opts.pane,
      style: function (f) { return pathStyle(opts, f.properties); },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign({ pane: opts.pane }, pathStyle(opts, f.properties)));
      },
      onEachFeature: function (f, l) { bindFeature(opts, f, l); },
    });
    entry.layer = layer;
    registry[opts.kind] = entry;

    function load() {
      entry.status = "loading";
      entry.error = null;
      refresh(map);
      var url = opts.url;
      if (opts.bboxFromMap) {
        var b = map.getBounds();
        var u = new URL(url, window.location.href);
        u.searchParams.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
          .map(function (v) { return v.toFixed(6); }).join(","));
        url = u.pathname + u.search;
      }
      fetchAll(url)
        .then(function (features) {
          layer.clearLayers();
          layer.addData({ type: "FeatureCollection", features: features });
          entry.count = features.length;
          entry.status = "loaded";
        })
        .catch(function (err) {
          entry.status = "error";
          entry.error = err && err.message ? err.message : String(err);
        })
        .then(function () {
          refresh(map);
          fire(opts.kind);
        });
    }

    layer.on("add", function () {
      if (entry.status === "idle" || entry.status === "error") load();
      refresh(map);
    });
    layer.on("remove", function () { refresh(map); });
    return layer;
  };

  // Shared with panelen.js (info box, legend, buurt list).
  KK.util = { el: el, fmt: fmt, isMissing: isMissing, ensurePanes: ensurePanes };
})();
