/* Koppelkansen map page: info box with status, legend of the visible layers, buurt list.
 *
 * Needs kaart.js (KK.util, KK.onLoaded, window.kkLayers). Data goes in with textContent only.
 */
(function () {
  "use strict";

  var KK = window.KK;
  var registry = window.kkLayers;
  var el = KK.util.el;
  var fmt = KK.util.fmt;

  /* ---- info box, status and legend ---- */

  function visibleEntries(map) {
    return Object.keys(registry).map(function (k) { return registry[k]; })
      .filter(function (e) { return map.hasLayer(e.layer); });
  }

  function statusText(map) {
    var entries = visibleEntries(map);
    var loading = entries.filter(function (e) { return e.status === "loading"; });
    var failed = entries.filter(function (e) { return e.status === "error"; });
    if (failed.length) {
      return failed.map(function (e) { return "Kon " + e.name + " niet laden: " + e.error; }).join(" ");
    }
    if (loading.length) {
      return "Bezig met laden: " + loading.map(function (e) { return e.name; }).join(", ") + "…";
    }
    var k = registry.kansen;
    if (k && k.status === "loaded") return k.count + " koppelkansen en knelpunten op de kaart.";
    return "";
  }

  function swatch(item) {
    var s = el("span", "kk-swatch kk-swatch-" + item.shape);
    if (item.shape === "line") {
      s.style.borderTopColor = item.color;
      if (item.dash) s.style.borderTopStyle = "dashed";
    } else {
      s.style.backgroundColor = item.color;
    }
    return s;
  }

  function renderLegend(map, container) {
    container.textContent = "";
    visibleEntries(map).forEach(function (e) {
      var legend = e.opts.style && e.opts.style.legend;
      if (!legend) return;
      var block = el("div", "kk-legend-blok");
      var title = el("div", "kk-legend-titel", legend.title);
      if (e.status === "loading") title.appendChild(el("span", "kk-legend-status", " (laden…)"));
      if (e.status === "loaded") title.appendChild(el("span", "kk-legend-status", " · " + e.count));
      block.appendChild(title);
      legend.items.forEach(function (item) {
        var r = el("div", "kk-legend-item");
        r.appendChild(swatch(item));
        r.appendChild(el("span", null, item.label));
        block.appendChild(r);
      });
      container.appendChild(block);
    });
    container.style.display = container.childNodes.length ? "" : "none";
  }

  KK.refresh = function (map) {
    var ui = map._kkUi;
    if (!ui) return;
    ui.status.textContent = statusText(map);
    ui.status.className = "kk-status" + (/Kon /.test(ui.status.textContent) ? " kk-status-fout" : "");
    renderLegend(map, ui.legend);
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

  KK.app = function (map, opts) {
    window.kkMap = map;
    KK.util.ensurePanes(map, opts.panes);
    var ui = (map._kkUi = {});
    control(map, "topleft", function () {
      var box = el("div", "kk-info kk-paneel");
      box.appendChild(el("h1", null, opts.title));
      if (opts.buurtcode) {
        var back = el("a", "kk-terug", "← Hele gebied");
        back.href = opts.pageBase;
        box.appendChild(back);
      }
      box.appendChild(el("p", "kk-uitleg", opts.subtitle));
      ui.status = box.appendChild(el("p", "kk-status"));
      return box;
    });
    L.control.zoom({ position: "topleft", zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    control(map, "bottomright", function () {
      ui.legend = el("div", "kk-legend kk-paneel");
      ui.legend.setAttribute("aria-label", "Legenda");
      return ui.legend;
    });
    map.on("overlayadd overlayremove", function () { KK.refresh(map); });
    KK.refresh(map);
  };

  /* ---- side list of one buurt ---- */

  KK.buurtLijst = function (map, opts) {
    var box = el("div", "kk-lijst kk-paneel");
    var head = box.appendChild(el("h2", null, "Buurt " + opts.buurtcode));
    var score = box.appendChild(el("p", "kk-lijst-score"));
    var summary = box.appendChild(el("p", "kk-lijst-samenvatting", "Resultaten laden…"));
    var list = box.appendChild(el("div", "kk-lijst-groepen"));
    control(map, "topleft", function () { return box; });

    KK.onLoaded(opts.buurten, function (e) {
      if (e.status !== "loaded") return;
      e.layer.eachLayer(function (l) {
        var p = l.feature.properties;
        if (p.buurtcode !== opts.buurtcode) return;
        head.textContent = "Buurt " + (p.buurtnaam || p.buurtcode) + " (" + p.buurtcode + ")";
        score.textContent = "Score " + fmt(p.score, 1) + " · rang " + fmt(p.rang);
      });
    });

    KK.onLoaded(opts.kansen, function (e) {
      if (e.status !== "loaded") {
        summary.textContent = "Kon de resultaten van deze buurt niet laden: " + e.error;
        return;
      }
      var items = [];
      e.layer.eachLayer(function (l) { items.push(l); });
      var nKnel = items.filter(function (l) { return l.feature.properties.categorie === "knelpunt"; }).length;
      summary.textContent = items.length
        ? (items.length - nKnel) + " koppelkansen en " + nKnel + " knelpunten in deze buurt."
        : "Geen koppelkansen of knelpunten in deze buurt.";
      // One group per rule, in the order of RULES.md; inside, what needs action first.
      var order = opts.regels.slice();
      items.forEach(function (l) {
        var r = l.feature.properties.regel;
        if (order.indexOf(r) < 0) order.push(r);
      });
      var first = true;
      order.forEach(function (regel) {
        var group = items.filter(function (l) { return l.feature.properties.regel === regel; });
        if (!group.length) return;
        group.sort(function (a, b) {
          var pa = a.feature.properties, pb = b.feature.properties;
          return (pb.actie_nodig ? 1 : 0) - (pa.actie_nodig ? 1 : 0) || (pb.lengte_m || 0) - (pa.lengte_m || 0);
        });
        var nActie = group.filter(function (l) { return l.feature.properties.actie_nodig; }).length;
        var details = el("details", "kk-lijst-groep");
        details.open = first || group.length <= 15;
        first = false;
        var sum = details.appendChild(el("summary"));
        sum.appendChild(swatch({ shape: "line", color: opts.regelColors[regel] || "#999", dash: regel === "boomconflict" }));
        sum.appendChild(el("strong", null, " " + (opts.regelLabels[regel] || regel)));
        sum.appendChild(el("span", "kk-lijst-aantal", " · " + group.length + (nActie ? " (" + nActie + " actie nodig)" : "")));
        var ol = details.appendChild(el("ol", "kk-lijst-items"));
        group.forEach(function (l) { ol.appendChild(listItem(l)); });
        list.appendChild(details);
      });
    });

    function listItem(l) {
      var p = l.feature.properties;
      var li = el("li", "kk-lijst-item");
      li.tabIndex = 0;
      li.dataset.kansId = p.kans_id || "";
      var kop = li.appendChild(el("div", "kk-lijst-kop"));
      kop.appendChild(el("strong", null, p.categorie === "knelpunt" ? "Knelpunt" : "Koppelkans"));
      kop.appendChild(el("small", null, fmt(p.lengte_m, 0) + " m"));
      if (p.actie_nodig) kop.appendChild(el("span", "kk-badge kk-badge-actie", "Actie nodig"));
      li.appendChild(el("p", "kk-toelichting", p.toelichting || ""));
      function show() {
        if (l.getBounds) map.fitBounds(l.getBounds(), { maxZoom: 18, padding: [40, 40] });
        else map.setView(l.getLatLng(), 18);
        l.openPopup();
      }
      li.addEventListener("click", show);
      li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") show(); });
      return li;
    }
  };
})();
