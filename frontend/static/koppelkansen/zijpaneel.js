/* Koppelkansen map page: the side panel with filters, the buurt ranking, and what a click on
 * the map finds (answered by /api/v1/punt). Details of a result or a buurt are in uitleg.js.
 *
 * Every control is a real button, checkbox or input, so the panel works by keyboard. What the
 * panel opens is announced in the status line (role=status), not by reading the whole panel.
 */
(function () {
  "use strict";

  var KK = window.KK;
  var registry = window.kkLayers;
  var el = KK.util.el;
  var fmt = KK.util.fmt;
  var zp = (KK.zijpaneel = {});
  var map, opts, ui;
  var ranking = null;      // rows of /api/v1/buurten, per gemeente best first
  var omvang = {};         // buurtcode -> [minlon, minlat, maxlon, maxlat]

  /* ---- the panel ---- */

  zp.build = function (m, o, u) {
    map = m; opts = o; ui = u;
    var aside = el("aside", "kk-zijpaneel");
    aside.setAttribute("aria-label", "Zijpaneel: filters, rangorde en uitleg");
    var head = aside.appendChild(el("header", "kk-kop"));
    head.appendChild(el("h1", null, opts.title));
    // The gemeente(n) of the loaded buurten, once the ranking is in.
    ui.gemeente = head.appendChild(el("p", "kk-gemeentenaam"));
    ui.gemeente.hidden = true;
    if (opts.buurtcode) {
      var back = head.appendChild(el("a", "kk-terug", "← Hele gebied"));
      back.href = opts.pageBase;
    }
    head.appendChild(el("p", "kk-uitleg", opts.subtitle));
    ui.status = head.appendChild(el("p", "kk-status"));
    ui.status.setAttribute("role", "status");
    aside.appendChild(buildFilters());
    ui.detail = aside.appendChild(el("section", "kk-detail"));
    ui.detail.setAttribute("aria-label", "Uitleg");
    ui.detail.hidden = true;
    ui.detail.tabIndex = -1;
    aside.appendChild(buildRanking());
    document.body.insertBefore(aside, document.body.firstChild);
    map.on("click", onMapClick);
    map.getContainer().setAttribute("aria-label", "Kaart; klik voor uitleg van wat er ligt");
  };

  /* ---- filters ---- */

  function buildFilters() {
    var box = el("details", "kk-filters");
    // On a laptop the filters start folded, so an explanation is in view without scrolling.
    box.open = window.innerHeight >= 900;
    ui.filterKop = box.appendChild(el("summary", null, "Filters"));
    var regels = box.appendChild(el("fieldset"));
    regels.appendChild(el("legend", null, "Regel"));
    ui.regelBoxes = {};
    opts.labels.regelcodes.forEach(function (r) {
      var lab = regels.appendChild(el("label", "kk-check"));
      var cb = lab.appendChild(el("input"));
      cb.type = "checkbox";
      cb.name = "regelcode";
      cb.value = r.regelcode;
      cb.dataset.regel = r.regel;
      cb.checked = true;
      lab.appendChild(KK.util.swatch({ shape: "line", color: r.kleur, dash: r.categorie === "knelpunt" }));
      lab.appendChild(el("span", null, r.naam));
      cb.addEventListener("change", readFilters);
      ui.regelBoxes[r.regelcode] = cb;
    });
    var cat = box.appendChild(el("label", "kk-veld"));
    cat.appendChild(el("span", null, "Categorie "));
    ui.categorie = cat.appendChild(el("select"));
    [["", "Koppelkansen en knelpunten"], ["kans", "Alleen koppelkansen"],
     ["knelpunt", "Alleen knelpunten"]].forEach(function (o) {
      var opt = ui.categorie.appendChild(el("option", null, o[1]));
      opt.value = o[0];
    });
    ui.categorie.addEventListener("change", readFilters);
    var actie = box.appendChild(el("label", "kk-check"));
    ui.actie = actie.appendChild(el("input"));
    ui.actie.type = "checkbox";
    actie.appendChild(el("span", null, "Alleen waar nu actie nodig is"));
    ui.actie.addEventListener("change", readFilters);
    box.appendChild(buildWerkFilters());
    ui.besluit = werkSelect(box, "Besluit van het team ", "Alle besluiten",
      [["geen", "Nog geen besluit"]].concat(opts.besluiten || []));
    var jaren = box.appendChild(el("fieldset", "kk-jaren"));
    jaren.appendChild(el("legend", null, "Jaar (start warmtenet, anders vervanging riool)"));
    ui.van = yearInput(jaren, "van");
    ui.tot = yearInput(jaren, "t/m");
    var wis = box.appendChild(el("button", "kk-knop", "Filters wissen"));
    wis.type = "button";
    wis.addEventListener("click", function () {
      KK.setFilter({ regelcodes: null, categorie: "", actie: false, van: null, tot: null,
                     partij: "", soort: "", besluit: "" });
      zp.syncFilters();
    });
    var deel = box.appendChild(el("button", "kk-knop", "Link kopiëren"));
    deel.type = "button";
    deel.addEventListener("click", function () {
      var link = KK.staat.link(map);
      var done = function () { KK.meld(map, "Link naar dit kaartbeeld gekopieerd."); };
      if (navigator.clipboard) navigator.clipboard.writeText(link).then(done, function () { window.prompt("Link:", link); });
      else window.prompt("Link:", link);
    });
    return box;
  }

  /* Partij and soort: the values of the loaded works and results (page options, read when
   * the page was built). They act on the results that pair two works and on the works. */
  function buildWerkFilters() {
    var set = el("fieldset", "kk-werkfilters");
    set.appendChild(el("legend", null, "Werken van partijen"));
    ui.partij = werkSelect(set, "Partij ", "Alle partijen", (opts.partijen || []).map(function (v) {
      return [v, v];
    }));
    var soortNamen = opts.labels.werkSoorten || {};
    ui.soort = werkSelect(set, "Soort werk ", "Alle soorten", (opts.soorten || []).map(function (v) {
      return [v, soortNamen[v] || v];
    }));
    set.appendChild(el("p", "kk-klein", (opts.partijen || []).length || (opts.soorten || []).length
      ? "Met een partij of soort gekozen toont de kaart alleen werk met werk en dubbel open " +
        "waarin zo'n werk meedoet, en alleen die geplande werken."
      : "Er zijn nog geen geplande werken van partijen geladen."));
    return set;
  }

  function werkSelect(parent, label, alle, values) {
    var lab = parent.appendChild(el("label", "kk-veld"));
    lab.appendChild(el("span", null, label));
    var select = lab.appendChild(el("select"));
    select.setAttribute("aria-label", label.trim());
    [["", alle]].concat(values).forEach(function (o) {
      var opt = select.appendChild(el("option", null, o[1]));
      opt.value = o[0];
    });
    select.disabled = values.length === 0;
    select.addEventListener("change", readFilters);
    return select;
  }

  function yearInput(parent, label) {
    var lab = parent.appendChild(el("label", "kk-jaar"));
    lab.appendChild(el("span", null, label + " "));
    var input = lab.appendChild(el("input"));
    input.type = "number";
    if (opts.jaarbereik) {
      input.min = String(opts.jaarbereik[0]);
      input.max = String(opts.jaarbereik[1]);
    }
    input.step = "1";
    input.inputMode = "numeric";
    input.addEventListener("change", readFilters);
    return input;
  }

  /* The year in an input, or null; a year the API would refuse is wiped and reported. */
  function readYear(input) {
    var jaar = KK.filterJaar(input.value);
    if (jaar === null && input.value.trim() !== "") {
      var r = opts.jaarbereik || [];
      KK.meld(map, "Jaar " + input.value + " genegeerd: kies een jaar van " + r[0] +
        " tot en met " + r[1] + ".", true);
      input.value = "";
    }
    return jaar;
  }

  function readFilters() {
    var all = Object.keys(ui.regelBoxes);
    var on = all.filter(function (r) { return ui.regelBoxes[r].checked; });
    KK.setFilter({
      regelcodes: on.length === all.length ? null : on,
      categorie: ui.categorie.value,
      actie: ui.actie.checked,
      van: readYear(ui.van),
      tot: readYear(ui.tot),
      partij: ui.partij.value,
      soort: ui.soort.value,
      besluit: ui.besluit.value,
    });
    filterSummary();
  }

  /* Put KK.filter into the form (after reading the URL or wiping). */
  function filterSummary() {
    var f = KK.filter, n = 0;
    if (f.regelcodes) n++;
    if (f.partij) n++;
    if (f.soort) n++;
    if (f.besluit) n++;
    if (f.categorie) n++;
    if (f.actie) n++;
    if (f.van !== null || f.tot !== null) n++;
    ui.filterKop.textContent = n ? "Filters (" + n + " actief)" : "Filters";
  }

  zp.syncFilters = function () {
    var f = KK.filter;
    Object.keys(ui.regelBoxes).forEach(function (r) {
      ui.regelBoxes[r].checked = !f.regelcodes || f.regelcodes.indexOf(r) >= 0;
    });
    ui.partij.value = f.partij || "";
    ui.soort.value = f.soort || "";
    ui.besluit.value = f.besluit || "";
    ui.categorie.value = f.categorie || "";
    ui.actie.checked = !!f.actie;
    ui.van.value = f.van === null ? "" : String(f.van);
    ui.tot.value = f.tot === null ? "" : String(f.tot);
    filterSummary();
  };

  /* ---- ranking ---- */

  function buildRanking() {
    var box = el("section", "kk-rangorde");
    box.appendChild(el("h2", null, "Rangorde van de buurten"));
    var intro = box.appendChild(el("p", "kk-klein", "Laden…"));
    var list = box.appendChild(el("ol", "kk-rang-lijst"));
    Promise.all([
      KK.getJSON(opts.apiBase + "/buurten"),
      KK.getJSON(opts.pageBase + "/omvang").catch(function () { return {}; }),
    ]).then(function (res) {
      ranking = res[0].buurten || [];
      omvang = res[1] || {};
      var run = res[0].analyse || {};
      intro.textContent = "Score 0–100 uit de meters per regel (analyse " + fmt(run.id) +
        ", peiljaar " + fmt(run.peiljaar) + "). Kies een buurt om in te zoomen en haar resultaten te zien.";
      if (run.niet_beoordeeld && run.niet_beoordeeld.length) {
        var nb = el("ul", "kk-niet-beoordeeld kk-klein");
        nb.setAttribute("aria-label", "Niet beoordeeld");
        run.niet_beoordeeld.forEach(function (line) { nb.appendChild(el("li", null, line + ".")); });
        box.insertBefore(nb, list);
      }
      groepen = groupByGemeente(ranking);
      zp.analyse = run;
      gemeenteKop(groepen);
      if (groepen.length <= 1) {
        ranking.forEach(function (b) { list.appendChild(rankItem(b)); });
      } else {
        // RULES.md §10: rang counts within a gemeente, so each gemeente gets its own list.
        groepen.forEach(function (g) {
          var sec = el("section", "kk-gemeente");
          sec.dataset.gemeentecode = g.code;
          sec.appendChild(el("h3", "kk-gemeente-kop", g.label + " (" + g.buurten.length +
            (g.buurten.length === 1 ? " buurt)" : " buurten)")));
          var ol = sec.appendChild(el("ol", "kk-rang-lijst"));
          g.buurten.forEach(function (b) { ol.appendChild(rankItem(b)); });
          box.insertBefore(sec, list);
        });
        box.removeChild(list);
      }
      zp.onRanking.forEach(function (cb) { cb(); });
    }).catch(function (err) {
      intro.textContent = "Kon de rangorde niet laden: " + err.message;
      intro.className = "kk-klein kk-fout";
    });
    return box;
  }
  zp.onRanking = [];

  /* "Lindewaarde", or "Lindewaarde en 2 andere gemeenten" in the header. */
  function gemeenteKop(groups) {
    var namen = groups.filter(function (g) { return g.code; }).map(function (g) { return g.naam; });
    if (!namen.length) return;
    var rest = namen.length - 1;
    ui.gemeente.textContent = rest ? namen[0] + " en " + rest + " andere " +
      (rest === 1 ? "gemeente" : "gemeenten") : namen[0];
    if (rest) ui.gemeente.title = namen.join(", ");
    ui.gemeente.hidden = false;
  }
  zp.buurtRow = function (code) {
    return (ranking || []).filter(function (b) { return b.buurtcode === code; })[0] || null;
  };
  zp.total = function () { return ranking ? ranking.length : null; };

  /* RULES.md §10: the API lists the buurten per gemeente (buurten without one last), each
   * ranked on its own. One group per gemeente, in that order. */
  var groepen = [];
  function groupByGemeente(rows) {
    var out = [], byCode = Object.create(null);
    rows.forEach(function (b) {
      var code = b.gemeentecode || "";
      if (!byCode[code]) {
        byCode[code] = { code: code, label: b.gemeentenaam || code || "Zonder gemeente",
                         naam: b.gemeentenaam || code, buurten: [] };
        out.push(byCode[code]);
      }
      byCode[code].buurten.push(b);
    });
    return out;
  }
  function groupOf(row) {
    var code = row.gemeentecode || "";
    return groepen.filter(function (g) { return g.code === code; })[0] || null;
  }

  /* "2 van 12" with one gemeente; "2 van 7 in Ede" (or "zonder gemeente") with more. */
  zp.rangTekst = function (row) {
    if (groepen.length <= 1) return row.rang + " van " + zp.total();
    var g = groupOf(row);
    if (!g) return row.rang + " van " + zp.total();
    return row.rang + " van " + g.buurten.length + (g.code ? " in " + g.naam : " zonder gemeente");
  };

  function rankItem(b) {
    var li = el("li");
    var btn = li.appendChild(el("button", "kk-rang-item"));
    btn.type = "button";
    btn.dataset.buurtcode = b.buurtcode;
    var top = btn.appendChild(el("span", "kk-rang-kop"));
    top.appendChild(el("span", "kk-rang-nr", String(b.rang)));
    top.appendChild(el("span", "kk-rang-naam", b.buurtnaam || b.buurtcode));
    top.appendChild(el("span", "kk-rang-score", fmt(b.score, 1)));
    var bar = btn.appendChild(el("span", "kk-balk"));
    bar.setAttribute("aria-hidden", "true");
    bar.appendChild(el("span")).style.width = Math.max(0, Math.min(100, b.score || 0)) + "%";
    // Counted within the filters by tellingen.js (koppelkansen without the knelpunten).
    var tal = btn.appendChild(el("span", "kk-klein kk-rang-aantal", "aantallen tellen…"));
    tal.dataset.buurtcode = b.buurtcode;
    btn.setAttribute("aria-label", "Rang " + (groepen.length > 1 ? zp.rangTekst(b) : b.rang) +
      ": " + (b.buurtnaam || b.buurtcode) +
      ", score " + fmt(b.score, 1) + ". Zoom naar deze buurt.");
    btn.addEventListener("click", function () { zp.selectBuurt(b.buurtcode, { zoom: true, show: true }); });
    return li;
  }

  zp.aantalTekst = function (kansen, knelpunten) {
    return kansen + (kansen === 1 ? " koppelkans · " : " koppelkansen · ") + knelpunten +
      (knelpunten === 1 ? " knelpunt" : " knelpunten");
  };

  zp.zoomToBuurt = function (code) {
    var b = omvang[code];
    if (!b) return false;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], animate: false });
    return true;
  };

  /* ---- selection ---- */

  var highlighted = null;
  zp.highlightBuurt = function (code) {
    var e = registry.buurten;
    if (!e) return;
    if (highlighted) e.layer.resetFeatureStyle(highlighted);
    highlighted = code;
    if (code) {
      e.layer.setFeatureStyle(code, function (p) {
        var s = KK.util.featureStyle(e.opts.style, p);
        s.color = "#000000";
        s.weight = 3.5;
        return s;
      });
    }
  };

  zp.selectBuurt = function (code, o) {
    KK.selectie = { buurt: code, kans: null };
    zp.highlightBuurt(code);
    if (o.zoom && !zp.zoomToBuurt(code)) {
      zp.onRanking.push(function () { zp.zoomToBuurt(code); });
    }
    if (o.show !== false) KK.uitleg.showBuurt(code, { focus: o.focus });
    KK.staat.save(map);
  };

  zp.showKans = function (id, o) {
    KK.selectie = { buurt: (KK.selectie || {}).buurt || null, kans: id };
    KK.uitleg.showKans(id, o || {});
    KK.staat.save(map);
  };

  zp.clear = function () {
    KK.selectie = { buurt: null, kans: null };
    KK.uitleg.cancel();
    zp.highlightBuurt(null);
    KK.uitleg.clearHighlight();
    ui.detail.hidden = true;
    ui.detail.textContent = "";
    KK.staat.save(map);
  };

  /* ---- a click on the map ---- */

  function onMapClick(ev) {
    var params = new URLSearchParams();
    params.set("lon", ev.latlng.lng.toFixed(6));
    params.set("lat", ev.latlng.lat.toFixed(6));
    params.set("zoom", String(map.getZoom()));
    params.set("tolerantiePx", "8");
    // With every rule unticked the map draws no result, so a click finds none either.
    var kansenAan = !!(registry.koppelkansen && map.hasLayer(registry.koppelkansen.layer)) &&
      !KK.filterExcludesAll();
    (opts.bronlagen || []).forEach(function (k) {
      var e = registry[k];
      if (e && map.hasLayer(e.layer) && map.getZoom() >= (e.opts.minZoom || 0)) params.append("laag", k);
    });
    KK.filterParams(params);
    KK.meld(map, "Zoeken wat hier ligt…");
    KK.getJSON(opts.apiBase + "/punt?" + params.toString()).then(function (res) {
      KK.meld(map, "");
      var kansen = kansenAan ? res.kansen : [];
      if (kansen.length) {
        // Several results overlap here: the panel shows the count and a list to choose from.
        zp.showKans(kansen[0].kans_id, { zoom: false, plek: kansen });
      } else if (res.bronnen.length) {
        KK.uitleg.showBronnen(res);
      } else if (res.buurt && registry.buurten && map.hasLayer(registry.buurten.layer)) {
        zp.selectBuurt(res.buurt.buurtcode, { zoom: false, show: true });
      } else {
        KK.meld(map, "Hier ligt niets van de zichtbare lagen.");
      }
    }).catch(function (err) {
      KK.meld(map, "Kon niet opvragen wat hier ligt: " + err.message, true);
    });
  }
})();
