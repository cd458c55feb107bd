/* Koppelkansen map page: the start of the page (KK.app), status line and legend.
 *
 * Needs kaart.js (KK.util, window.kkLayers); zijpaneel.js builds the side panel and staat.js
 * keeps the URL in step. Data goes in with textContent only.
 */
(function () {
  "use strict";

  var KK = window.KK;
  var registry = window.kkLayers;
  var el = KK.util.el;

  function visibleEntries(map) {
    return Object.keys(registry).map(function (k) { return registry[k]; })
      .filter(function (e) { return map.hasLayer(e.layer); });
  }

  function statusText(map) {
    var loading = visibleEntries(map).filter(function (e) {
      return e.status === "loading" && map.getZoom() >= (e.opts.minZoom || 0);
    });
    if (loading.length) {
      return "Bezig met laden: " + loading.map(function (e) { return e.name; }).join(", ") + "…";
    }
    return KK.melding || "";
  }

  function swatch(item) {
    var s = el("span", "kk-swatch kk-swatch-" + item.shape);
    s.setAttribute("aria-hidden", "true");
    if (item.shape === "line") {
      s.style.borderTopColor = item.color;
      if (item.dash) s.style.borderTopStyle = "dashed";
    } else {
      s.style.backgroundColor = item.color;
    }
    return s;
  }
  KK.util.swatch = swatch;

  /* The number of results of a regelcode within the filters (tellingen.js), or null. */
  function aantal(e, i) {
    if (e.kind !== "koppelkansen" || !KK.tellingen || !KK.tellingen.perCode) return null;
    var c = e.opts.style.classes[i];
    return c ? KK.tellingen.perCode(c.value) : null;
  }

  function renderLegend(map, container) {
    var body = container.querySelector(".kk-legend-inhoud");
    body.textContent = "";
    // Topmost layer first, as it is drawn.
    visibleEntries(map).reverse().forEach(function (e) {
      var legend = e.opts.style && e.opts.style.legend;
      if (!legend) return;
      var block = el("div", "kk-legend-blok");
      block.dataset.laag = e.kind;
      var title = el("div", "kk-legend-titel", legend.title);
      if (map.getZoom() < (e.opts.minZoom || 0)) {
        title.appendChild(el("span", "kk-legend-status",
          " (zichtbaar vanaf zoomniveau " + e.opts.minZoom + ")"));
      } else if (e.status === "loading") {
        title.appendChild(el("span", "kk-legend-status", " (laden…)"));
      }
      block.appendChild(title);
      legend.items.forEach(function (item, i) {
        var r = el("div", "kk-legend-item");
        r.appendChild(swatch(item));
        r.appendChild(el("span", null, item.label));
        var n = aantal(e, i);
        if (n !== null) {
          var tal = r.appendChild(el("span", "kk-legend-aantal", String(n)));
          tal.title = n + (n === 1 ? " resultaat" : " resultaten") + " binnen de filters";
        }
        block.appendChild(r);
      });
      body.appendChild(block);
    });
    container.style.display = body.childNodes.length ? "" : "none";
  }

  KK.refresh = function (map) {
    var ui = map._kkUi;
    if (!ui || !ui.legend) return;
    if (ui.status) {
      ui.status.textContent = statusText(map);
      ui.status.className = "kk-status" + (KK.meldingFout ? " kk-status-fout" : "");
    }
    renderLegend(map, ui.legend);
  };

  KK.meld = function (map, text, fout) {
    KK.melding = text;
    KK.meldingFout = !!fout;
    KK.refresh(map);
  };

  function control(map, position, build) {
    var C = L.Control.extend({
      onAdd: function () {
        var div = build();
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      },
    });
    return new C({ position: position }).addTo(map);
  }

  /* ---- folding the legend and the layer control (they cover the map on a laptop) ---- */

  var inklap = {};   // name -> {box, knop}

  function inklapKnop(parent, naam, label, box, controls) {
    var knop = parent.appendChild(el("button", "kk-inklap"));
    knop.type = "button";
    knop.dataset.inklap = naam;
    knop.setAttribute("aria-controls", controls);
    knop.appendChild(el("span", "kk-inklap-label", label));
    knop.appendChild(el("span", "kk-inklap-pijl")).setAttribute("aria-hidden", "true");
    inklap[naam] = { box: box, knop: knop, label: label };
    knop.addEventListener("click", function () {
      zet(naam, !box.classList.contains("kk-ingeklapt"));
      KK.staat.save(window.kkMap);
    });
    zet(naam, false);
  }

  function zet(naam, dicht) {
    var x = inklap[naam];
    if (!x) return;
    x.box.classList.toggle("kk-ingeklapt", dicht);
    x.knop.setAttribute("aria-expanded", dicht ? "false" : "true");
    x.knop.title = (dicht ? "Toon " : "Verberg ") + x.label.toLowerCase();
    x.knop.querySelector(".kk-inklap-pijl").textContent = dicht ? " ▸" : " ▾";
  }

  /* The names of the folded panels, for the link (staat.js). */
  KK.ingeklapt = function () {
    return Object.keys(inklap).filter(function (n) {
      return inklap[n].box.classList.contains("kk-ingeklapt");
    });
  };
  /* Fold exactly the panels named in `namen` (from a link). */
  KK.zetIngeklapt = function (namen) {
    Object.keys(inklap).forEach(function (n) { zet(n, namen.indexOf(n) >= 0); });
  };

  /* ---- a basemap that cannot be loaded ---- */

  /* When tiles of the chosen basemap fail (PDOK unreachable, a blocked network), say so in
   * Dutch on the map and offer the map without a background. */
  function achtergrondFout(map) {
    var box = el("div", "kk-achtergrond-fout kk-paneel");
    box.setAttribute("role", "alert");
    box.hidden = true;
    box.appendChild(el("span", null, "De achtergrondkaart is niet bereikbaar. "));
    var geen = box.appendChild(el("button", "kk-knop", "Geen achtergrond"));
    geen.type = "button";
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    map.getContainer().appendChild(box);
    geen.addEventListener("click", function () {
      box.hidden = true;
      KK.staat.setBasemap(map, "geen");
      KK.staat.save(map);
    });
    (KK.layerControl ? KK.layerControl._layers : []).forEach(function (l) {
      if (l.overlay || !(l.layer instanceof L.TileLayer)) return;
      l.layer.on("tileerror", function () {
        if (map.hasLayer(l.layer)) box.hidden = false;
      });
    });
    map.on("baselayerchange", function () { box.hidden = true; });
    KK.achtergrondFout = box;
  }

  /* Runs last in the page script: every layer and the layer control exist by now. */
  KK.app = function (map, opts) {
    window.kkMap = map;
    KK.opts = opts;
    KK.util.ensurePanes(map, opts.panes);
    var ui = (map._kkUi = {});
    document.body.classList.add("kk-app");
    KK.zijpaneel.build(map, opts, ui);
    if (KK.verschil) KK.verschil.build(map, opts, ui);
    L.control.zoom({ position: "topleft", zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    control(map, "bottomright", function () {
      ui.legend = el("div", "kk-legend kk-paneel");
      ui.legend.setAttribute("role", "region");
      ui.legend.setAttribute("aria-label", "Legenda");
      var kop = ui.legend.appendChild(el("h2", "kk-legend-kop"));
      var body = ui.legend.appendChild(el("div", "kk-legend-inhoud"));
      body.id = "kk-legend-inhoud";
      inklapKnop(kop, "legenda", "Legenda", ui.legend, body.id);
      return ui.legend;
    });
    if (KK.layerControl) {
      // The layer control folium made: a button above its list folds it away.
      var lc = KK.layerControl.getContainer();
      var lijst = lc.querySelector(".leaflet-control-layers-list");
      if (lijst) lijst.id = "kk-lagen-lijst";
      var knop = el("div", "kk-lagen-kop");
      lc.insertBefore(knop, lc.firstChild);
      inklapKnop(knop, "lagen", "Kaartlagen", lc, "kk-lagen-lijst");
    }
    achtergrondFout(map);
    map.invalidateSize();
    map.on("overlayadd overlayremove zoomend", function () { KK.refresh(map); });
    KK.staat.start(map, opts);
    if (KK.tellingen) KK.tellingen.start(map, opts);
    KK.refresh(map);
  };
})();
