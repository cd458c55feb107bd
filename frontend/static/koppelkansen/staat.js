/* Koppelkansen map page: the view, basemap, layers, filters and selection live in the URL
 * hash, so a link in an e-mail opens the same picture.
 *
 *   #kaart=14/52.15500/5.38700&achtergrond=geen&lagen=buurten,koppelkansen
 *    &regel=R2,R4,R5&categorie=kans&actie=1&van=2026&tot=2030&partij=Enexis&soort=water
 *    &buurt=BU09990401&kans=5e7c023ec81340f8&ingeklapt=legenda,lagen
 *
 * `regel` holds regelcodes (R1 and R5 are both werk met werk); a regel name of an older
 * link (werk_met_werk) stands for all its regelcodes. `ingeklapt` names the map's panels
 * folded away (legenda, lagen: the legend and the layer control).
 */
(function () {
  "use strict";

  var KK = window.KK;
  var registry = window.kkLayers;
  var staat = (KK.staat = {});
  var started = false;
  var timer = null;

  function readHash() {
    var h = window.location.hash.replace(/^#/, "");
    return new URLSearchParams(h);
  }

  function baseLayers() {
    var out = {};
    if (!KK.layerControl) return out;
    KK.layerControl._layers.forEach(function (l) { if (!l.overlay) out[l.name] = l.layer; });
    return out;
  }

  staat.currentBasemap = function (map) {
    var names = KK.opts.achtergronden, bases = baseLayers();
    var keys = Object.keys(names).filter(function (k) {
      return bases[names[k]] && map.hasLayer(bases[names[k]]);
    });
    return keys[0] || null;
  };

  staat.setBasemap = function (map, key) {
    var names = KK.opts.achtergronden, bases = baseLayers();
    if (!names[key] || !bases[names[key]]) key = KK.opts.achtergrond;
    Object.keys(bases).forEach(function (n) { if (map.hasLayer(bases[n])) map.removeLayer(bases[n]); });
    map.addLayer(bases[names[key]]);
  };

  staat.setLayers = function (map, kinds) {
    Object.keys(registry).forEach(function (k) {
      var e = registry[k], on = kinds.indexOf(k) >= 0;
      if (on && !map.hasLayer(e.layer)) map.addLayer(e.layer);
      if (!on && map.hasLayer(e.layer)) map.removeLayer(e.layer);
    });
  };

  function serialise(map) {
    var p = new URLSearchParams();
    var c = map.getCenter();
    p.set("kaart", map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5));
    var bg = staat.currentBasemap(map);
    if (bg) p.set("achtergrond", bg);
    p.set("lagen", Object.keys(registry).filter(function (k) {
      return map.hasLayer(registry[k].layer);
    }).join(","));
    var f = KK.filter;
    if (f.regelcodes) p.set("regel", f.regelcodes.join(","));
    if (f.categorie) p.set("categorie", f.categorie);
    if (f.actie) p.set("actie", "1");
    if (f.van !== null) p.set("van", String(f.van));
    if (f.tot !== null) p.set("tot", String(f.tot));
    if (f.partij) p.set("partij", f.partij);
    if (f.soort) p.set("soort", f.soort);
    if (f.besluit) p.set("besluit", f.besluit);
    var sel = KK.selectie || {};
    if (sel.buurt) p.set("buurt", sel.buurt);
    if (sel.kans) p.set("kans", sel.kans);
    var dicht = KK.ingeklapt ? KK.ingeklapt() : [];
    if (dicht.length) p.set("ingeklapt", dicht.join(","));
    // Commas and slashes stay readable in the link.
    return p.toString().replace(/%2C/g, ",").replace(/%2F/g, "/");
  }

  /* Write the state into the URL (debounced; never adds a history entry per pan). */
  staat.save = function (map) {
    if (!started) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var hash = "#" + serialise(map);
      if (hash !== window.location.hash) {
        history.replaceState(null, "", window.location.pathname + window.location.search + hash);
      }
    }, 150);
  };

  staat.link = function (map) {
    return window.location.origin + window.location.pathname + window.location.search + "#" + serialise(map);
  };

  function applyFilters(p) {
    var regels = p.get("regel");
    var codes = KK.opts.labels.regelcodes;
    var gekozen = null;
    if (regels !== null) {
      var tokens = regels.split(",");
      // Keep the order of the filter list, whatever the order in the link.
      gekozen = codes.filter(function (c) {
        return tokens.indexOf(c.regelcode) >= 0 || tokens.indexOf(c.regel) >= 0;
      }).map(function (c) { return c.regelcode; });
    }
    // A partij or soort that is no longer in the data is dropped, as an unknown rule is.
    var partij = p.get("partij") || "";
    var soort = p.get("soort") || "";
    var besluit = p.get("besluit") || "";
    var statussen = ["geen"].concat((KK.opts.besluiten || []).map(function (b) { return b[0]; }));
    return {
      regelcodes: gekozen,
      categorie: ["kans", "knelpunt"].indexOf(p.get("categorie")) >= 0 ? p.get("categorie") : "",
      actie: p.get("actie") === "1",
      van: KK.filterJaar(p.get("van")),
      tot: KK.filterJaar(p.get("tot")),
      partij: (KK.opts.partijen || []).indexOf(partij) >= 0 ? partij : "",
      soort: (KK.opts.soorten || []).indexOf(soort) >= 0 ? soort : "",
      besluit: statussen.indexOf(besluit) >= 0 ? besluit : "",
    };
  }

  staat.apply = function (map, opts, p) {
    var view = (p.get("kaart") || "").split("/").map(Number);
    var hasView = view.length === 3 && view.every(function (v) { return !isNaN(v); });
    if (hasView) {
      map.setView([view[1], view[2]], view[0], { animate: false });
    } else if (opts.bounds) {
      var b = opts.bounds;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20], animate: false });
    }
    staat.setBasemap(map, p.get("achtergrond") || opts.achtergrond);
    // The selection of the link follows below; the old one must not react to the new filters.
    KK.selectie = { buurt: null, kans: null };
    // Through setFilter, so a link pasted into the same tab redraws the tiles too.
    KK.setFilter(applyFilters(p));
    KK.zijpaneel.syncFilters();
    var lagen = p.get("lagen");
    staat.setLayers(map, lagen !== null ? lagen.split(",") : Object.keys(registry).filter(function (k) {
      return registry[k].opts.visible;
    }));
    if (KK.zetIngeklapt) KK.zetIngeklapt((p.get("ingeklapt") || "").split(","));
    var buurt = p.get("buurt") || opts.buurtcode;
    if (buurt) KK.zijpaneel.selectBuurt(buurt, { zoom: false, show: !p.get("kans") });
    if (p.get("kans")) KK.zijpaneel.showKans(p.get("kans"), { zoom: false });
  };

  staat.start = function (map, opts) {
    staat.apply(map, opts, readHash());
    started = true;
    map.on("moveend baselayerchange overlayadd overlayremove", function () { staat.save(map); });
    KK.onFilter(function () { staat.save(map); });
    // A link pasted into the same tab: follow it.
    window.addEventListener("hashchange", function () {
      if ("#" + serialise(map) !== window.location.hash) staat.apply(map, opts, readHash());
    });
    staat.save(map);
  };
})();
