/* Koppelkansen map page: "Wat is er veranderd" since the analysis before (issue 8), and the
 * saved areas whose changes can be followed (Atom feed, CSV).
 *
 *  - GET {apiBase}/analyses/{id}/verschil of the latest analysis (its id comes with the
 *    ranking): new, gone and changed results, listed per kind with the street first; a click
 *    zooms to the result (and opens its explanation while it still exists);
 *  - GET {apiBase}/gebieden: each saved area with its feed and CSV; the buurt panel shows the
 *    links of an area that is exactly that buurt.
 *
 * Data goes into the page with textContent only.
 */
(function () {
  "use strict";

  var KK = window.KK;
  var el = KK.util.el;
  var isMissing = KK.util.isMissing;
  var V = (KK.verschil = {});
  var KINDS = [
    ["nieuw", "Nieuw"],
    ["vervallen", "Vervallen"],
    ["gewijzigd", "Gewijzigd"],
  ];
  var WAT = { geometrie: "ligging", jaren: "jaren", actie_nodig: "actie nodig" };
  var map, opts, box, body, kop, markering = null;
  var gebieden = null;     // promise of the saved areas

  function codeInfo(p) {
    var code = p.regelcode || KK.regelcode(p);
    return KK.opts.labels.regelcodes.filter(function (r) { return r.regelcode === code; })[0] ||
      { naam: p.regel || code || "", kleur: "#777" };
  }

  V.build = function (m, o, ui) {
    map = m;
    opts = o;
    box = el("details", "kk-verschil");
    kop = box.appendChild(el("summary", null, "Wat is er veranderd"));
    body = box.appendChild(el("div", "kk-verschil-inhoud"));
    body.appendChild(el("p", "kk-klein", "Laden…"));
    ui.verschil = box;
    ui.detail.parentNode.insertBefore(box, ui.detail);
    KK.zijpaneel.onRanking.push(laad);
  };

  function laad() {
    var run = KK.zijpaneel.analyse || {};
    if (isMissing(run.id)) {
      zet([el("p", "kk-klein", "Er is nog geen analyse.")]);
      return;
    }
    KK.getJSON(opts.apiBase + "/analyses/" + encodeURIComponent(run.id) + "/verschil")
      .then(toon)
      .catch(function (err) {
        zet([el("p", "kk-klein kk-fout", "Kon niet laden wat er veranderd is: " + err.message)]);
      });
  }

  function zet(nodes) {
    body.textContent = "";
    nodes.forEach(function (n) { body.appendChild(n); });
    volgLijst();
  }

  function toon(fc) {
    var features = fc.features || [];
    var tal = fc.aantallen || {};
    if (fc.melding) {
      kop.textContent = "Wat is er veranderd";
      zet([el("p", "kk-klein kk-verschil-melding", fc.melding)]);
      return;
    }
    if (!features.length) {
      kop.textContent = "Wat is er veranderd (niets)";
      zet([el("p", "kk-klein kk-verschil-melding", "Sinds de vorige analyse niets veranderd.")]);
      return;
    }
    kop.textContent = "Wat is er veranderd (" + features.length + ")";
    var nodes = [el("p", "kk-klein", "Analyse " + fc.analyse + " vergeleken met analyse " +
      fc.vorige_analyse + ". Klik op een resultaat om erheen te gaan.")];
    KINDS.forEach(function (k) {
      var items = features.filter(function (f) { return f.properties.verandering === k[0]; });
      if (!items.length) return;
      var sec = el("section", "kk-verschil-soort");
      sec.dataset.verandering = k[0];
      var n = isMissing(tal[k[0]]) ? items.length : tal[k[0]];
      sec.appendChild(el("h3", null, k[1] + " (" + n + ")"));
      var ul = sec.appendChild(el("ul", "kk-resultaten"));
      items.forEach(function (f) { ul.appendChild(item(f)); });
      nodes.push(sec);
    });
    zet(nodes);
  }

  function item(f) {
    var p = f.properties;
    var info = codeInfo(p);
    var li = el("li");
    var btn = li.appendChild(el("button", "kk-resultaat kk-verschil-item"));
    btn.type = "button";
    btn.dataset.kansId = p.kans_id;
    btn.dataset.verandering = p.verandering;
    var top = btn.appendChild(el("span", "kk-resultaat-kop"));
    top.appendChild(KK.util.swatch({ shape: "line", color: info.kleur, dash: p.categorie === "knelpunt" }));
    top.appendChild(el("strong", null, isMissing(p.straatnaam) ? info.naam : p.straatnaam));
    var bits = [];
    if (!isMissing(p.straatnaam)) bits.push(info.naam);
    if (!isMissing(p.jaar)) bits.push(String(p.jaar));
    var wat = (p.wat || []).map(function (w) { return WAT[w] || w; });
    if (p.verandering === "gewijzigd" && wat.length) bits.push("anders: " + wat.join(", "));
    btn.appendChild(el("span", "kk-resultaat-meta")).appendChild(el("span", "kk-klein", bits.join(" · ")));
    btn.addEventListener("click", function () { gaNaar(f); });
    return li;
  }

  /* Zoom to a changed result; one that still exists opens with its explanation. */
  function gaNaar(f) {
    var p = f.properties;
    if (markering) map.removeLayer(markering);
    markering = null;
    if (p.verandering !== "vervallen") {
      KK.zijpaneel.showKans(p.kans_id, { zoom: true });
      return;
    }
    if (!f.geometry) return;
    // Gone: its old place, dashed, as the analysis before had it.
    markering = L.geoJSON(f.geometry, { pane: "kk-selectie", interactive: false,
      style: { color: "#4a5058", weight: 6, opacity: 0.9, dashArray: "4 6" } }).addTo(map);
    var b = markering.getBounds();
    if (b.isValid()) map.fitBounds(b, { maxZoom: 17, padding: [60, 60], animate: false });
    KK.meld(map, "Vervallen: " + codeInfo(p).naam + (isMissing(p.straatnaam) ? "" : ", " +
      p.straatnaam) + ". Gestippeld op de kaart, zoals de vorige analyse het had.");
  }

  /* ---- saved areas to follow ---- */

  function laadGebieden() {
    if (!gebieden) {
      gebieden = KK.getJSON(opts.apiBase + "/gebieden").catch(function () { return null; });
    }
    return gebieden;
  }

  function links(parent, g) {
    var feed = parent.appendChild(el("a", null, "Atom-feed"));
    feed.href = g.feed;
    parent.appendChild(document.createTextNode(" · "));
    var csv = parent.appendChild(el("a", null, "CSV"));
    csv.href = g.csv;
  }

  function volgLijst() {
    var sec = body.appendChild(el("section", "kk-volgen"));
    sec.appendChild(el("h3", null, "Gebieden volgen"));
    var lijst = sec.appendChild(el("p", "kk-klein", "Laden…"));
    laadGebieden().then(function (rows) {
      if (rows === null) {
        lijst.textContent = "Kon de bewaarde gebieden niet laden.";
        return;
      }
      if (!rows.length) {
        lijst.textContent = "Nog geen gebied bewaard om te volgen. Een redacteur bewaart er een " +
          "met de API (POST /gebieden); daarna staat hier de feed voor Outlook of Teams.";
        return;
      }
      sec.removeChild(lijst);
      var ul = sec.appendChild(el("ul", "kk-volg-lijst"));
      rows.forEach(function (g) {
        var li = ul.appendChild(el("li"));
        li.appendChild(el("strong", null, g.naam));
        li.appendChild(document.createTextNode(": "));
        links(li, g);
      });
    });
  }

  /* In the buurt panel: the feed and CSV of saved areas that are exactly this buurt. */
  V.volgLinks = function (code, node) {
    node.hidden = true;
    laadGebieden().then(function (rows) {
      var eigen = (rows || []).filter(function (g) {
        return g.buurtcodes && g.buurtcodes.length === 1 && g.buurtcodes[0] === code;
      });
      if (!eigen.length) return;
      node.appendChild(document.createTextNode("Volg deze buurt: "));
      eigen.forEach(function (g, i) {
        if (i) node.appendChild(document.createTextNode("; "));
        if (eigen.length > 1) node.appendChild(document.createTextNode(g.naam + " "));
        links(node, g);
      });
      node.hidden = false;
    });
  };
})();
