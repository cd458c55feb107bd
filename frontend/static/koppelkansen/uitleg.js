/* Koppelkansen map page: the detail part of the side panel.
 *
 *  - a koppelkans or knelpunt: rule, meaning, toelichting, measured quantities, the features
 *    involved with their years, the parameters used (GET /api/v1/koppelkansen/{id} → uitleg);
 *  - a buurt: score, rank, the metrics behind it and its results (filtered like the map);
 *  - source features found by a click.
 */
(function () {
  "use strict";

  var KK = window.KK;
  var el = KK.util.el;
  var fmt = KK.util.fmt;
  var isMissing = KK.util.isMissing;
  var U = (KK.uitleg = {});
  var selectie = null;       // highlight of the shown result on the map
  var buurtKansen = {};      // buurtcode -> promise of its result features
  var shownBuurt = null;
  // Counts what the panel was asked to show: an answer that arrives after a newer request
  // (a slow result, a buurt list) is dropped instead of replacing the newer content.
  var beurt = 0;

  function current(mine) { return mine === beurt; }
  U.cancel = function () { beurt += 1; };

  /* A short summary in the status line (role=status), read out by screen readers. */
  function announce(text) { KK.meld(window.kkMap, text); }

  function labels() { return KK.opts.labels; }
  function panel() { return window.kkMap._kkUi.detail; }
  function regelInfo(regel) {
    return labels().regels.filter(function (r) { return r.regel === regel; })[0] || { naam: regel, kleur: "#777" };
  }
  /* Name and colour of a result's regelcode (R1 and R5 are both werk met werk). */
  function codeInfo(p) {
    var code = KK.regelcode(p);
    return labels().regelcodes.filter(function (r) { return r.regelcode === code; })[0] ||
      regelInfo(p.regel);
  }
  /* "Lindelaan 2–48": where a result lies, as people name it (RULES.md §7); null when the
   * result has no street. */
  function straatTekst(p) {
    if (isMissing(p.straatnaam)) return null;
    return p.straatnaam + (isMissing(p.huisnummers) ? "" : " " + p.huisnummers);
  }
  function periode(start, eind) {
    if (isMissing(start)) return "jaar onbekend";
    var e = isMissing(eind) ? start : eind;
    return String(e) === String(start) ? fmt(start) : fmt(start) + "–" + fmt(e);
  }
  function soortNaam(v) { return (labels().werkSoorten || {})[v] || fmt(v); }
  function werkTekst(partij, soort, start, eind) {
    return (isMissing(partij) ? "partij niet bekend" : partij) + " · " + soortNaam(soort) +
      " · " + periode(start, eind);
  }

  function open(title) {
    var d = panel();
    d.hidden = false;
    d.textContent = "";
    var nav = d.appendChild(el("div", "kk-detail-nav"));
    var sel = KK.selectie || {};
    if (sel.kans && sel.buurt) {
      var back = nav.appendChild(el("button", "kk-knop", "← Terug naar de buurt"));
      back.type = "button";
      back.addEventListener("click", function () {
        U.clearHighlight();
        KK.zijpaneel.selectBuurt(sel.buurt, { zoom: false, show: true });
      });
    }
    var close = nav.appendChild(el("button", "kk-knop", "Sluiten"));
    close.type = "button";
    close.addEventListener("click", function () { KK.zijpaneel.clear(); });
    var h = d.appendChild(el("h2", "kk-detail-titel", title));
    h.tabIndex = -1;
    return d;
  }

  function table(parent, rows) {
    var t = parent.appendChild(el("table", "kk-tabel"));
    rows.forEach(function (r) {
      var tr = t.appendChild(el("tr"));
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
    });
    return t;
  }

  function meting(key, v) {
    if (key === "groen_aandeel") return fmt(100 * v, 1) + " %";
    if (key === "zwakste_dimensie") return labels().dimensies[v] || v;
    if (key === "laagste_klasse") return v + " (" + (labels().klassen[String(v)] || "") + ")";
    if (/_m$/.test(key)) return fmt(v, 1) + " m";
    return fmt(v);
  }

  function veld(key, v) {
    if (key === "status") return labels().warmtenetStatus[v] || fmt(v);
    if (key === "klasse" && !isMissing(v)) return v + " " + (labels().klassen[String(v)] || "");
    if (typeof v === "number" && !/jaar/.test(key) && key !== "id") return fmt(v, 1);
    return fmt(v);
  }

  U.clearHighlight = function () {
    if (selectie) window.kkMap.removeLayer(selectie);
    selectie = null;
  };

  function highlight(feature, zoom) {
    U.clearHighlight();
    if (!feature.geometry) return;
    var color = codeInfo(feature.properties).kleur;
    selectie = L.layerGroup([
      L.geoJSON(feature.geometry, { pane: "kk-selectie", interactive: false,
        style: { color: "#ffd400", weight: 16, opacity: 0.85, lineCap: "round" } }),
      L.geoJSON(feature.geometry, { pane: "kk-selectie", interactive: false,
        style: { color: color, weight: 6, opacity: 1 } }),
    ]).addTo(window.kkMap);
    if (zoom) {
      var b = L.geoJSON(feature.geometry).getBounds();
      if (b.isValid()) window.kkMap.fitBounds(b, { maxZoom: 17, padding: [60, 60], animate: false });
    }
  }

  /* ---- a result ---- */

  U.showKans = function (id, o) {
    var mine = ++beurt;
    var d = open("Laden…");
    var stale = function () { return !current(mine) || (KK.selectie || {}).kans !== id; };
    KK.getJSON(KK.opts.apiBase + "/koppelkansen/" + encodeURIComponent(id)).then(function (f) {
      if (stale()) return;
      var p = f.properties, u = f.uitleg || {};
      var info = codeInfo(p);
      var straat = straatTekst(p);
      // The street first (RULES.md §7); without one, the rule is the heading.
      d = open(straat || info.naam || u.regel_naam);
      d.dataset.kansId = p.kans_id;
      d.dataset.regel = p.regel;
      d.dataset.regelcode = KK.regelcode(p) || "";
      var kop = d.querySelector(".kk-detail-titel");
      kop.style.borderLeftColor = info.kleur;
      var regelRegel = el("p", "kk-detail-regel");
      regelRegel.appendChild(el("span", "kk-badge kk-badge-" + p.categorie, labels().categorieen[p.categorie] || p.categorie));
      regelRegel.appendChild(document.createTextNode(" "));
      regelRegel.appendChild(el("strong", null, info.naam || u.regel_naam));
      if (straat) {
        kop.parentNode.insertBefore(regelRegel, kop.nextSibling);
      } else {
        kop.insertBefore(regelRegel.firstChild, kop.firstChild);
      }
      if (straat && !isMissing(p.straten) && p.straten !== p.straatnaam) {
        d.appendChild(el("p", "kk-klein kk-straten", "Langs: " + p.straten));
      }
      if (p.actie_nodig) d.appendChild(el("p", "kk-badge kk-badge-actie", "Actie nodig: het werk begint binnen " +
        fmt((u.parameters || []).filter(function (x) { return x.naam === "signaal_jaren"; }).map(function (x) { return x.waarde; })[0]) +
        " jaar na het peiljaar"));
      if (u.betekenis) d.appendChild(el("p", "kk-betekenis", u.betekenis));
      d.appendChild(el("p", "kk-toelichting", u.toelichting || p.toelichting));
      if (u.koppeling) d.appendChild(el("p", "kk-koppeling", "Voorgestelde koppeling: " + u.koppeling));

      var paar = !isMissing(p.soort_a) || !isMissing(p.partij_a) || !isMissing(p.start_a);
      if (paar) {
        // R5 and R5b: the two works (of two partijen or two soorten) and the time between.
        d.appendChild(el("h3", null, "De twee werken"));
        var gap = isMissing(p.gap_jaar) ? "onbekend" : Number(p.gap_jaar) === 0
          ? "0 jaar: de werken overlappen in de tijd" : fmt(p.gap_jaar) + " jaar";
        var paarTabel = table(d, [
          ["Werk 1", werkTekst(p.partij_a, p.soort_a, p.start_a, p.eind_a)],
          ["Werk 2", werkTekst(p.partij_b, p.soort_b, p.start_b, p.eind_b)],
          [labels().metingen.gap_jaar || "Jaren ertussen", gap],
        ]);
        paarTabel.classList.add("kk-paar");
      }

      d.appendChild(el("h3", null, "Gemeten"));
      var m = u.metingen || {};
      var rows = Object.keys(m).map(function (k) { return [labels().metingen[k] || k, meting(k, m[k])]; });
      if (!isMissing(p.oppervlak_m2) && m.oppervlak_m2 === undefined) {
        rows.push([labels().metingen.oppervlak_m2 || "Oppervlakte", fmt(p.oppervlak_m2, 0) + " m²"]);
      }
      if (!paar) {
        rows.push(["Jaren van het werk", isMissing(p.start_jaar) ? "—"
          : fmt(p.start_jaar) + "–" + fmt(isMissing(p.eind_jaar) ? p.start_jaar : p.eind_jaar)]);
      }
      table(d, rows);

      d.appendChild(el("h3", null, "Betrokken objecten"));
      var bronnen = u.bronnen || [];
      if (!bronnen.length) d.appendChild(el("p", "kk-klein", "Geen bronobjecten gevonden."));
      bronnen.forEach(function (b) {
        d.appendChild(el("h4", null, (labels().lagen[b.laag] || b.laag) + (b.naam ? " ‘" + b.naam + "’" : "")));
        table(d, Object.keys(b).filter(function (k) { return k !== "laag" && !isMissing(b[k]); })
          .map(function (k) { return [labels().velden[k] || k, veld(k, b[k])]; }));
      });

      d.appendChild(el("h3", null, "Parameters van de regel"));
      table(d, (u.parameters || []).map(function (x) {
        return [labels().parameters[x.naam] || x.omschrijving || x.naam, fmt(x.waarde)];
      }));
      var meta = d.appendChild(el("p", "kk-klein"));
      meta.textContent = "Buurt " + (p.buurtcode || "buiten de buurten") + " · peiljaar " + fmt(u.peiljaar) +
        " · analyse " + fmt(u.analyse_id) + " · kans_id " + p.kans_id;
      var a = d.appendChild(el("a", "kk-api-link", "Bekijk in de API (JSON)"));
      a.href = KK.opts.apiBase + "/koppelkansen/" + encodeURIComponent(p.kans_id);
      a.target = "_blank";
      a.rel = "noopener";
      // Issue 8: the team's decision and its history (besluiten.js).
      if (window.kkBesluiten) {
        window.kkBesluiten.render(d.appendChild(el("section", "kk-besluit")), p.kans_id, {
          apiBase: KK.opts.apiBase,
          opgeslagen: function (b) {
            if (KK.tellingen && KK.tellingen.zetBesluit) KK.tellingen.zetBesluit(p.kans_id, b.status);
          },
        });
      }
      plekKeuze(d, p, o);
      highlight(f, o.zoom);
      announce((labels().categorieen[p.categorie] || p.categorie) + ": " +
        (info.naam || u.regel_naam) + (straat ? ", " + straat : "") + ". Uitleg staat in het zijpaneel.");
      if (o.focus !== false) kop.focus({ preventScroll: false });
    }).catch(function (err) {
      if (stale()) return;
      d = open("Niet gevonden");
      d.appendChild(el("p", "kk-fout", "Kon de uitleg niet laden: " + err.message));
    });
  };

  /* Several results at the clicked spot: how many, and a list to choose from, at the top of
   * the panel. `o.plek` holds every result the click found (the shown one among them). */
  function plekKeuze(d, p, o) {
    var plek = o.plek || (o.ook && o.ook.length ? [p].concat(o.ook) : []);
    if (plek.length < 2) return;
    var box = el("nav", "kk-plek");
    box.setAttribute("aria-label", "Resultaten op deze plek");
    box.appendChild(el("p", "kk-plek-kop", "Op deze plek liggen " + plek.length +
      " resultaten. Kies er een:"));
    var ul = box.appendChild(el("ul", "kk-resultaten kk-plek-lijst"));
    plek.forEach(function (k) {
      var li = resultButton(k, function () {
        if (k.kans_id === p.kans_id) return;
        KK.zijpaneel.showKans(k.kans_id, { zoom: false, plek: plek });
      });
      var btn = li.querySelector("button");
      if (!isMissing(k.afstand_m)) {
        btn.querySelector(".kk-resultaat-meta .kk-klein").textContent += " · " +
          fmt(k.afstand_m, 1) + " m van de klik";
      }
      if (k.kans_id === p.kans_id) {
        btn.setAttribute("aria-current", "true");
        btn.classList.add("kk-plek-huidig");
      }
      ul.appendChild(li);
    });
    var nav = d.querySelector(".kk-detail-nav");
    d.insertBefore(box, nav ? nav.nextSibling : d.firstChild);
  }

  function resultButton(p, onClick) {
    var li = el("li");
    var btn = li.appendChild(el("button", "kk-resultaat"));
    btn.type = "button";
    btn.dataset.kansId = p.kans_id;
    var kop = btn.appendChild(el("span", "kk-resultaat-kop"));
    var info = codeInfo(p);
    kop.appendChild(KK.util.swatch({ shape: "line", color: info.kleur, dash: p.categorie === "knelpunt" }));
    kop.appendChild(el("strong", null, straatTekst(p) || info.naam));
    var meta = btn.appendChild(el("span", "kk-resultaat-meta"));
    var bits = [labels().categorieen[p.categorie] || p.categorie];
    if (straatTekst(p)) bits.unshift(info.naam);
    var jaar = KK.jaar(p);
    if (jaar !== null) bits.push(String(jaar));
    if (!isMissing(p.lengte_m)) bits.push(fmt(p.lengte_m, 0) + " m");
    else if (!isMissing(p.oppervlak_m2)) bits.push(fmt(p.oppervlak_m2, 0) + " m²");
    meta.appendChild(el("span", "kk-klein", bits.join(" · ")));
    if (p.actie_nodig) meta.appendChild(el("span", "kk-badge kk-badge-actie", "Actie nodig"));
    btn.appendChild(el("span", "kk-toelichting", p.toelichting || ""));
    btn.addEventListener("click", onClick);
    return li;
  }

  /* ---- a buurt ---- */

  /* o.focus === false keeps the focus where it is (a filter change redraws the buurt). */
  U.showBuurt = function (code, o) {
    o = o || {};
    var mine = ++beurt;
    shownBuurt = code;
    var row = KK.zijpaneel.buurtRow(code);
    if (!row && KK.zijpaneel.total() === null) {
      open("Buurt " + code);
      KK.zijpaneel.onRanking.push(function () { if (current(mine)) U.showBuurt(code, o); });
      return;
    }
    var naam = row && row.buurtnaam ? row.buurtnaam + " (" + code + ")" : code;
    var d = open("Buurt " + naam);
    d.dataset.buurtcode = code;
    delete d.dataset.kansId;
    if (row) {
      d.appendChild(el("p", "kk-rang-regel", "Rang " + KK.zijpaneel.rangTekst(row) +
        " · score " + fmt(row.score, 1)));
      table(d, [
        ["Werk met werk", fmt(row.m_r1, 0) + " m"],
        ["Vergroenen", fmt(row.m_r2, 0) + " m"],
        ["Leefbaarheid", fmt(row.m_r3, 0) + " m"],
        ["Afkoppelen regenwater", fmt(row.m_r4, 0) + " m"],
      ].concat(isMissing(row.m_r5) || !row.m_r5 ? [] : [
        ["Werk met werk van partijen", fmt(row.m_r5, 0) + " m"],
      ]).concat([
        ["Knelpunten (bomen)", fmt(row.n_knelpunt)],
        ["Deel met lage leefbaarheid", fmt(100 * (row.laag_aandeel || 0), 0) + " %"],
        ["Riolen zonder bekend jaar", fmt(row.riool_onbekend)],
      ]));
      nietBeoordeeld(d, row.niet_beoordeeld);
    } else {
      d.appendChild(el("p", "kk-klein", "Deze buurt heeft (nog) geen score."));
    }
    var links = d.appendChild(el("p", "kk-links"));
    var pr = links.appendChild(el("a", "kk-knop", "Printversie (A4)"));
    pr.href = KK.opts.pageBase + "/buurt/" + encodeURIComponent(code) + "/print";
    var bw = links.appendChild(el("a", "kk-knop", "Voor bewoners (A4)"));
    bw.href = KK.opts.pageBase + "/buurt/" + encodeURIComponent(code) + "/bewoners";
    // Saved areas of exactly this buurt: their Atom feed and CSV (verschil.js).
    if (KK.verschil) KK.verschil.volgLinks(code, d.appendChild(el("p", "kk-volg kk-klein")));
    // The timeline is a static SVG from the server (narrow layout); a click opens it large.
    var tijdlijn = KK.opts.pageBase + "/buurt/" + encodeURIComponent(code) + "/tijdlijn.svg";
    var tl = d.appendChild(el("figure", "kk-tijdlijn"));
    tl.style.margin = "6px 0";
    var groot = tl.appendChild(el("a"));
    groot.href = tijdlijn;
    groot.target = "_blank";
    var img = groot.appendChild(el("img"));
    img.src = tijdlijn + "?smal=true";
    img.alt = "Tijdlijn van de werken in deze buurt: warmtenet, riool en werk van andere " +
      "partijen, met de koppelkansen en knelpunten.";
    img.style.width = "100%";
    d.appendChild(el("h3", null, "Koppelkansen en knelpunten"));
    var summary = d.appendChild(el("p", "kk-klein", "Laden…"));
    var list = d.appendChild(el("ul", "kk-resultaten"));
    if (o.focus !== false) {
      announce("Buurt " + naam + (row ? ": rang " + KK.zijpaneel.rangTekst(row) +
        ", score " + fmt(row.score, 1) + "." : ": geen score."));
      d.querySelector(".kk-detail-titel").focus({ preventScroll: false });
    }
    if (!buurtKansen[code]) {
      buurtKansen[code] = KK.getAllFeatures(KK.opts.apiBase + "/koppelkansen?buurt=" +
        encodeURIComponent(code) + "&limit=1000");
    }
    var loading = buurtKansen[code];
    loading.then(function (features) {
      if (current(mine)) renderResults(features, summary, list);
    }).catch(function (err) {
      // Ask again next time instead of keeping the failure.
      if (buurtKansen[code] === loading) delete buurtKansen[code];
      if (current(mine)) summary.textContent = "Kon de resultaten niet laden: " + err.message;
    });
  };

  /* RULES.md §8: where a layer is missing or does not reach, a rule gives no result. Say so,
   * so that "no vergroenen here" is never read as "enough green here". */
  function nietBeoordeeld(parent, lines) {
    if (!lines || !lines.length) return;
    var box = parent.appendChild(el("div", "kk-niet-beoordeeld"));
    box.setAttribute("role", "note");
    box.appendChild(el("h3", null, "Niet beoordeeld"));
    var ul = box.appendChild(el("ul"));
    lines.forEach(function (line) { ul.appendChild(el("li", null, line)); });
    box.appendChild(el("p", "kk-klein", "Daar ontbreken gegevens, dus de regel kan er niets " +
      "over zeggen: geen resultaat betekent daar niet dat er niets te halen is."));
  }

  function renderResults(features, summary, list) {
    list.textContent = "";
    var shown = features.filter(function (f) { return KK.passes(f.properties); });
    var order = labels().regelcodes.map(function (r) { return r.regelcode; });
    shown.sort(function (a, b) {
      var pa = a.properties, pb = b.properties;
      return order.indexOf(KK.regelcode(pa)) - order.indexOf(KK.regelcode(pb)) ||
        (pb.actie_nodig ? 1 : 0) - (pa.actie_nodig ? 1 : 0) || (pb.lengte_m || 0) - (pa.lengte_m || 0);
    });
    var nKnel = shown.filter(function (f) { return f.properties.categorie === "knelpunt"; }).length;
    summary.textContent = shown.length
      ? (shown.length - nKnel) + " koppelkansen en " + nKnel + " knelpunten" +
        (shown.length < features.length ? " (van " + features.length + "; de rest valt buiten de filters)." : ".")
      : (features.length ? "Geen resultaten binnen de filters (" + features.length + " in totaal)."
        : "Geen koppelkansen of knelpunten in deze buurt.");
    shown.forEach(function (f) {
      list.appendChild(resultButton(f.properties, function () {
        KK.zijpaneel.showKans(f.properties.kans_id, { zoom: true });
      }));
    });
  }

  KK.onFilter(function () {
    var sel = KK.selectie || {};
    if (sel.buurt && !sel.kans && shownBuurt === sel.buurt && !panel().hidden) {
      U.showBuurt(sel.buurt, { focus: false });
    }
  });

  /* ---- source features found by a click ---- */

  U.showBronnen = function (res) {
    KK.selectie = { buurt: null, kans: null };
    beurt += 1;
    U.clearHighlight();
    var d = open("Op deze plek");
    res.bronnen.forEach(function (b) {
      var e = b.eigenschappen;
      var h = d.appendChild(el("h3", null, (labels().lagen[b.laag] || b.laag) +
        (b.laag === "werk" && !isMissing(e.naam) ? " ‘" + e.naam + "’" : "") +
        " · " + fmt(b.afstand_m, 1) + " m van de klik"));
      if (b.laag === "werk") {
        // A planned work: who, what, and when (RULES.md §9).
        h.dataset.laag = "werk";
        table(d, [
          [labels().velden.naam, fmt(e.naam)],
          [labels().velden.partij, isMissing(e.partij) ? "niet bekend" : e.partij],
          [labels().velden.soort, soortNaam(e.soort)],
          [labels().velden.status, (labels().werkStatus || {})[e.status] || fmt(e.status)],
          [labels().velden.periode, periode(e.start_jaar, e.eind_jaar)],
          [labels().velden.id, fmt(e.id)],
        ]).classList.add("kk-werk");
        return;
      }
      table(d, Object.keys(e).map(function (k) { return [labels().velden[k] || k, veld(k, e[k])]; }));
    });
    if (res.buurt) {
      var btn = d.appendChild(el("button", "kk-knop", "Buurt " + (res.buurt.buurtnaam || res.buurt.buurtcode) + " bekijken"));
      btn.type = "button";
      btn.addEventListener("click", function () {
        KK.zijpaneel.selectBuurt(res.buurt.buurtcode, { zoom: false, show: true });
      });
    }
    announce("Op deze plek: " + res.bronnen.length + (res.bronnen.length === 1 ? " object" : " objecten") +
      ". Eigenschappen staan in het zijpaneel.");
    KK.staat.save(window.kkMap);
  };
})();
