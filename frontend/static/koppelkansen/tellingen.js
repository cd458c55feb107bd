/* Koppelkansen map page: how many results the filters let through, counted in the page.
 *
 * GET {pageBase}/kenmerken gives the filtered attributes of every result (no geometry); the
 * same test as the map (KK.passes) counts them per buurt (ranking), per regelcode (legend)
 * and in all ("N resultaten" under the filters). Koppelkansen and knelpunten are counted
 * apart: a knelpunt is never a koppelkans.
 *
 * Test hook: KK.tellingen.totaal() = {resultaten, kansen, knelpunten, van} or null.
 */
(function () {
  "use strict";

  var KK = window.KK;
  var el = KK.util.el;
  var nf = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
  var T = (KK.tellingen = {});
  var rijen = null;        // the results' attributes, as objects
  var perBuurt = {};       // buurtcode -> {kans, knelpunt}
  var perCode = {};        // regelcode -> n
  var totaal = null;
  var map, opts, regel;
  var mislukt = false;

  function tel() {
    perBuurt = {};
    perCode = {};
    var n = 0, knel = 0;
    rijen.forEach(function (p) {
      if (KK.filterExcludesAll() || !KK.passes(p)) return;
      n += 1;
      var knelpunt = p.categorie === "knelpunt";
      if (knelpunt) knel += 1;
      var code = KK.regelcode(p);
      perCode[code] = (perCode[code] || 0) + 1;
      if (p.buurtcode) {
        var b = perBuurt[p.buurtcode] || (perBuurt[p.buurtcode] = { kans: 0, knelpunt: 0 });
        if (knelpunt) b.knelpunt += 1; else b.kans += 1;
      }
    });
    totaal = { resultaten: n, kansen: n - knel, knelpunten: knel, van: rijen.length };
  }

  function filtersAan() {
    var f = KK.filter;
    return !!(f.regelcodes || f.categorie || f.actie || f.van !== null || f.tot !== null ||
              f.partij || f.soort || f.besluit);
  }

  /* Without the attributes: the ranking's own numbers, unfiltered (n_kansen counts every
   * result, knelpunten included). */
  function zonderFilters() {
    document.querySelectorAll(".kk-rang-aantal[data-buurtcode]").forEach(function (node) {
      var b = KK.zijpaneel.buurtRow(node.dataset.buurtcode) || {};
      node.textContent = (b.n_kansen || 0) + " resultaten (zonder filters)";
    });
  }

  function toon() {
    if (!rijen) {
      if (mislukt) zonderFilters();
      return;
    }
    tel();
    document.querySelectorAll(".kk-rang-aantal[data-buurtcode]").forEach(function (node) {
      var b = perBuurt[node.dataset.buurtcode] || { kans: 0, knelpunt: 0 };
      node.textContent = KK.zijpaneel.aantalTekst(b.kans, b.knelpunt);
    });
    var t = totaal;
    regel.textContent = nf.format(t.resultaten) + (t.resultaten === 1 ? " resultaat" : " resultaten") +
      (filtersAan() ? " binnen de filters (van " + nf.format(t.van) + ")" : "") + ": " +
      nf.format(t.kansen) + (t.kansen === 1 ? " koppelkans" : " koppelkansen") + " en " +
      nf.format(t.knelpunten) + (t.knelpunten === 1 ? " knelpunt." : " knelpunten.");
    regel.hidden = false;
    KK.refresh(map);
  }

  /* The decision filter reads `besluiten`: with it on, the tiles are drawn again (and counted);
   * otherwise only the counts change. */
  function herteken() {
    if (KK.filter.besluit) KK.setFilter({}); else toon();
  }

  T.perCode = function (code) { return rijen ? perCode[code] || 0 : null; };
  /* The decision on a result (null: none, or not loaded yet), and a new one after a save. */
  var besluiten = {};
  T.besluit = function (kansId) { return besluiten[kansId] || null; };
  T.zetBesluit = function (kansId, status) {
    besluiten[kansId] = status;
    herteken();
  };
  T.totaal = function () { return totaal; };

  T.start = function (m, o) {
    map = m;
    opts = o;
    // Under the filters, where it stays in view when they are folded.
    regel = el("p", "kk-aantal kk-klein");
    regel.hidden = true;
    var filters = document.querySelector(".kk-zijpaneel .kk-filters");
    if (filters) filters.parentNode.insertBefore(regel, filters.nextSibling);
    KK.getJSON(opts.pageBase + "/kenmerken").then(function (body) {
      var velden = body.velden || [];
      rijen = (body.rijen || []).map(function (r) {
        var p = {};
        velden.forEach(function (v, i) { p[v] = r[i]; });
        if (p.besluit_status) besluiten[p.kans_id] = p.besluit_status;
        return p;
      });
      // The map's decision filter reads the lookup: draw again now that it is there.
      herteken();
    }).catch(function (err) {
      mislukt = true;
      zonderFilters();
      regel.textContent = "Kon de aantallen niet tellen: " + err.message;
      regel.className = "kk-aantal kk-klein kk-fout";
      regel.hidden = false;
    });
    KK.onFilter(toon);
    KK.zijpaneel.onRanking.push(toon);
  };
})();
