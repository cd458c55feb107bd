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

  function renderLegend(map, container) {
    container.textContent = "";
    container.appendChild(el("h2", "kk-legend-kop", "Legenda"));
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
      legend.items.forEach(function (item) {
        var r = el("div", "kk-legend-item");
        r.appendChild(swatch(item));
        r.appendChild(el("span", null, item.label));
        block.appendChild(r);
      });
      container.appendChild(block);
    });
    container.style.display = container.childNodes.length > 1 ? "" : "none";
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

  /* Runs last in the page script: every layer and the layer control exist by now. */
  KK.app = function (map, opts) {
    window.kkMap = map;
    KK.opts = opts;
    KK.util.ensurePanes(map, opts.panes);
    var ui = (map._kkUi = {});
    document.body.classList.add("kk-app");
    KK.zijpaneel.build(map, opts, ui);
    L.control.zoom({ position: "topleft", zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    control(map, "bottomright", function () {
      ui.legend = el("div", "kk-legend kk-paneel");
      ui.legend.setAttribute("role", "region");
      ui.legend.setAttribute("aria-label", "Legenda");
      return ui.legend;
    });
    map.invalidateSize();
    map.on("overlayadd overlayremove zoomend", function () { KK.refresh(map); });
    KK.staat.start(map, opts);
    KK.refresh(map);
  };
})();
