/* Koppelkansen map page: the team's decision on one result, and its history (issue 8).
 *
 *   window.kkBesluiten.render(container, kansId, opties) -> Promise
 *
 * renders into `container`: a status select with every status the API names, the note, for
 * "gekoppeld" the expected saving in euro and in days of street opening avoided, a save button
 * and the history ("12-11-2026 14:03 · Planner Noord · gekoppeld · € 40.000, 12 dagen").
 *
 * opties (all optional):
 *   apiBase     "/api/v1" (default: KK.opts.apiBase, else "/api/v1")
 *   sleutel     the editor key, or a function returning it (or a Promise of it). Without it
 *               the panel asks for the key in a password field and keeps it in sessionStorage
 *               for this tab only. Writing needs a key with role editor in the X-API-Key
 *               header; the map's cookie key only reads.
 *   opgeslagen  function (besluit) called after a decision was saved
 *
 * Statuses and their names come from GET .../besluiten (declared once, app/kansen/schemas.py).
 * Data goes into the page with textContent only. No inline script or style (the page's CSP).
 */
(function () {
  "use strict";

  var OPSLAG = "kk_editor_sleutel";
  var GEKOPPELD = "gekoppeld";
  var euro = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 2 });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  /* "12-11-2026 14:03" in the reader's time zone. */
  function tijd(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso || "");
    return two(d.getDate()) + "-" + two(d.getMonth() + 1) + "-" + d.getFullYear() + " " +
      two(d.getHours()) + ":" + two(d.getMinutes());
  }

  /* "€ 40.000, 12 dagen", "€ 0", "1 dag", or "" without any saving. */
  function besparingTekst(b) {
    var delen = [];
    if (b.besparing_euro !== null && b.besparing_euro !== undefined) {
      delen.push("€ " + euro.format(b.besparing_euro));
    }
    if (b.bespaarde_dagen !== null && b.bespaarde_dagen !== undefined) {
      delen.push(b.bespaarde_dagen + (b.bespaarde_dagen === 1 ? " dag" : " dagen"));
    }
    return delen.join(", ");
  }

  function regel(b) {
    var delen = [tijd(b.tijdstip), b.door || "onbekend", (b.status_label || b.status).toLowerCase()];
    var besparing = besparingTekst(b);
    if (besparing) delen.push(besparing);
    return delen.join(" · ");
  }

  function apiBase(opties) {
    var KK = window.KK || {};
    return (opties.apiBase || (KK.opts && KK.opts.apiBase) || "/api/v1").replace(/\/$/, "");
  }

  function leesJSON(resp) {
    return resp.json().catch(function () { return {}; }).then(function (body) {
      if (!resp.ok) {
        var detail = body && typeof body.detail === "string" ? body.detail + " " : "";
        var err = new Error(detail + "(HTTP " + resp.status + ")");
        err.status = resp.status;
        throw err;
      }
      return body;
    });
  }

  function haal(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(leesJSON);
  }

  function bewaard() {
    try { return window.sessionStorage.getItem(OPSLAG) || ""; } catch (e) { return ""; }
  }
  function bewaar(key) {
    try {
      if (key) window.sessionStorage.setItem(OPSLAG, key);
      else window.sessionStorage.removeItem(OPSLAG);
    } catch (e) { /* private mode: the key is asked again next time */ }
  }

  /* The editor key from opties.sleutel, else the password field, else the tab's memory. */
  function sleutel(opties, veld) {
    var s = opties.sleutel;
    var gegeven = typeof s === "function" ? s() : s;
    return Promise.resolve(gegeven).then(function (k) {
      return k || (veld && veld.value.trim()) || bewaard();
    });
  }

  var volgnummer = 0;

  function render(container, kansId, opties) {
    opties = opties || {};
    var id = "kk-besluit-" + (++volgnummer);
    var base = apiBase(opties);
    var url = base + "/koppelkansen/" + encodeURIComponent(kansId);
    container.textContent = "";
    container.classList.add("kk-besluit");
    container.dataset.kansId = kansId;
    container.appendChild(el("h3", null, "Besluit van het team"));
    var laden = container.appendChild(el("p", "kk-klein", "Besluit laden…"));

    return haal(url + "/besluiten").then(function (h) {
      container.removeChild(laden);
      bouw(container, h, { id: id, url: url, opties: opties, kansId: kansId });
      return h;
    }).catch(function (err) {
      laden.textContent = "Kon het besluit niet laden: " + err.message;
      laden.className = "kk-klein kk-fout";
    });
  }

  function bouw(container, h, c) {
    var huidig = h.besluiten[0] || null;
    if (!h.bestaat) {
      // A result the latest run no longer has takes no new decision (the API answers 404).
      container.appendChild(el("p", "kk-klein kk-fout kk-besluit-vervallen",
        "Dit resultaat is " + (h.vervallen || "vervallen") + ": de laatste analyse vindt het " +
        "niet meer. De historie blijft bewaard."));
      historie(container, h);
      return;
    }

    var form = container.appendChild(el("form", "kk-besluit-form"));
    form.noValidate = true;
    var statusLab = form.appendChild(el("label", "kk-veld"));
    statusLab.appendChild(el("span", null, "Status "));
    var status = statusLab.appendChild(el("select"));
    status.name = "status";
    status.id = c.id + "-status";
    h.statussen.forEach(function (s) {
      var opt = status.appendChild(el("option", null, s.label));
      opt.value = s.status;
    });
    status.value = huidig ? huidig.status : h.statussen[0].status;

    var notitieLab = form.appendChild(el("label", "kk-veld"));
    notitieLab.appendChild(el("span", null, "Notitie"));
    notitieLab.appendChild(el("br"));
    var notitie = notitieLab.appendChild(el("textarea"));
    notitie.name = "notitie";
    notitie.rows = 3;
    notitie.maxLength = 2000;
    notitie.value = huidig && huidig.notitie ? huidig.notitie : "";

    var besparing = form.appendChild(el("fieldset", "kk-besluit-besparing"));
    besparing.appendChild(el("legend", null, "Verwachte besparing door het koppelen"));
    var euroVeld = getal(besparing, "Euro", "besparing_euro", "0.01");
    var dagenVeld = getal(besparing, "Dagen minder open straat", "bespaarde_dagen", "1");
    if (huidig && huidig.status === GEKOPPELD) {
      euroVeld.value = huidig.besparing_euro === null ? "" : String(huidig.besparing_euro);
      dagenVeld.value = huidig.bespaarde_dagen === null ? "" : String(huidig.bespaarde_dagen);
    }
    function toonBesparing() { besparing.hidden = status.value !== GEKOPPELD; }
    status.addEventListener("change", toonBesparing);
    toonBesparing();

    var sleutelVeld = null;
    if (!c.opties.sleutel) {
      var sleutelLab = form.appendChild(el("label", "kk-veld kk-besluit-sleutel"));
      sleutelLab.appendChild(el("span", null, "API-sleutel (rol editor) "));
      sleutelVeld = sleutelLab.appendChild(el("input"));
      sleutelVeld.type = "password";
      sleutelVeld.autocomplete = "off";
      sleutelVeld.name = "sleutel";
      sleutelVeld.value = bewaard();
      sleutelLab.appendChild(el("span", "kk-klein",
        " Blijft alleen in dit tabblad bewaard."));
    }

    var opslaan = form.appendChild(el("button", "kk-knop", "Besluit opslaan"));
    opslaan.type = "submit";
    var melding = form.appendChild(el("p", "kk-klein kk-besluit-melding"));
    melding.setAttribute("role", "status");

    historie(container, h);

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = { status: status.value, notitie: notitie.value.trim() || null };
      if (status.value === GEKOPPELD) {
        var fout = lees(euroVeld, "Euro", body, "besparing_euro", false) ||
          lees(dagenVeld, "Dagen", body, "bespaarde_dagen", true);
        if (fout) { meld(melding, fout, true); return; }
      }
      opslaan.disabled = true;
      meld(melding, "Opslaan…", false);
      sleutel(c.opties, sleutelVeld).then(function (key) {
        if (!key) throw new Error("Vul een API-sleutel met rol editor in om een besluit op te slaan.");
        return fetch(c.url + "/besluit", {
          method: "PUT",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json",
                     "X-API-Key": key },
          body: JSON.stringify(body),
        }).then(leesJSON).then(function (saved) {
          if (!c.opties.sleutel) bewaar(key);
          return saved;
        });
      }).then(function (saved) {
        if (typeof c.opties.opgeslagen === "function") c.opties.opgeslagen(saved);
        return render(container, c.kansId, c.opties).then(function () {
          var m = container.querySelector(".kk-besluit-melding");
          if (m) meld(m, "Besluit opgeslagen.", false);
        });
      }).catch(function (err) {
        if (err.status === 401 || err.status === 403) bewaar("");
        opslaan.disabled = false;
        meld(melding, "Niet opgeslagen: " + err.message, true);
      });
    });
  }

  /* The history, newest first: "12-11-2026 14:03 · Planner Noord · gekoppeld · € 40.000". */
  function historie(container, h) {
    container.appendChild(el("h4", null, "Historie"));
    var lijst = container.appendChild(el("ol", "kk-besluit-historie"));
    if (!h.besluiten.length) lijst.appendChild(el("li", "kk-klein", "Nog geen besluit."));
    h.besluiten.forEach(function (b) {
      var li = lijst.appendChild(el("li"));
      li.appendChild(el("span", "kk-besluit-regel", regel(b)));
      if (b.notitie) li.appendChild(el("span", "kk-klein kk-besluit-notitie", " — " + b.notitie));
    });
  }

  function getal(parent, label, name, step) {
    var lab = parent.appendChild(el("label", "kk-veld"));
    lab.appendChild(el("span", null, label + " "));
    var input = lab.appendChild(el("input"));
    input.type = "number";
    input.name = name;
    input.min = "0";
    input.step = step;
    input.inputMode = step === "1" ? "numeric" : "decimal";
    return input;
  }

  /* Put a field's number into body[name]; a Dutch message when it is not 0 or more. */
  function lees(input, label, body, name, geheel) {
    var raw = input.value.trim().replace(",", ".");
    if (raw === "") { body[name] = null; return null; }
    var n = Number(raw);
    if (!isFinite(n) || n < 0 || (geheel && Math.floor(n) !== n)) {
      return label + ": vul " + (geheel ? "een geheel getal" : "een bedrag") + " van 0 of meer in.";
    }
    body[name] = n;
    return null;
  }

  function meld(node, tekst, fout) {
    node.textContent = tekst;
    node.className = "kk-klein kk-besluit-melding" + (fout ? " kk-fout" : "");
  }

  window.kkBesluiten = { render: render, regel: regel, besparingTekst: besparingTekst };
})();
