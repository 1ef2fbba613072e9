// The observers' page of one election: the manifest's facts, the latest signed head checked by a
// monitor that remembers every head this browser saw (local storage) and proves each new one
// extends the last (RFC 9162 consistency proof, as `plebiscite monitor` does), the entries on the
// board per precinct and channel, the results with charts once decrypted, and the server's
// verifier report.

import { loadSodium, hex } from "./sodium.js";
import { headSigned, verifyConsistency } from "./receipt.js";
import { fingerprint } from "./ballot.js";
import { t, localized, languageSwitch, labelled } from "./i18n.js";
import { api as request } from "./board.js";

/** Every answer fresh: the page shows the board as it is now. */
const api = (path) => request(path, { cache: "no-store" });

const $ = (id) => document.getElementById(id);
const electionId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const base = `/elections/${encodeURIComponent(electionId)}`;
const storeKey = `plebiscite.heads.${electionId}`;
const state = { na: null, manifest: null, status: null, head: null, alarm: null, verification: null };


const el = (tag, text, attrs = {}) => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

// MARK: - The monitor

function seenHeads() {
  try { const h = JSON.parse(localStorage.getItem(storeKey) ?? "[]"); return Array.isArray(h) ? h : []; } catch { return []; }
}

/**
 * Checks the board's current head against the last one this browser saw; returns null or the
 * alarm { reason, earlier, later }, and keeps the head when it holds. The heads are public: local
 * storage holds nothing secret.
 */
async function monitor(head, boardKey) {
  if (!headSigned(state.na, head, boardKey)) return { reason: "badSignature", earlier: null, later: head };
  const heads = seenHeads();
  const last = heads[heads.length - 1];
  if (last) {
    if (head.size < last.size) return { reason: "logShrank", earlier: last, later: head };
    if (head.timestamp < last.timestamp) return { reason: "timeWentBack", earlier: last, later: head };
    if (head.size === last.size && head.root !== last.root) return { reason: "forkedRoots", earlier: last, later: head };
    if (head.size > last.size) {
      let ok = false;
      try {
        const proof = (await api(`${base}/consistency?from=${last.size}&to=${head.size}`)).proof.map(hex.decode);
        ok = verifyConsistency(state.na, last.size, head.size, hex.decode(last.root), hex.decode(head.root), proof);
      } catch { ok = false; }
      if (!ok) return { reason: "inconsistent", earlier: last, later: head };
    }
  }
  if (!last || last.size !== head.size || last.root !== head.root || last.timestamp !== head.timestamp) {
    heads.push(head);
    localStorage.setItem(storeKey, JSON.stringify(heads.slice(-50)));
  }
  return null;
}

// MARK: - Rendering

/** A question's outcome from its total row (figures over the precincts that ask it). */
function outcome(q, total) {
  const counts = total?.counts;
  if (!counts) return t("site.mergedOut");
  const selections = counts.reduce((a, b) => a + b, 0);
  if (selections === 0) return t("site.noVotes");
  const top = Math.max(...counts);
  const leaders = q.options.map((o, i) => [localized(o), counts[i]]).filter(([, c]) => c === top).map(([o]) => o);
  const pct = (part, whole) => (whole > 0 ? ((100 * part) / whole).toFixed(2) : "0.00");
  if (q.passing) {
    const i = q.options.findIndex((o) => (typeof o === "string" ? o : o.en ?? Object.values(o)[0]) === q.passing.option);
    if (i >= 0) {
      const share = (counts[i] * 1e6) / selections, electorate = total.voters > 0 ? (counts[i] * 1e6) / total.voters : 0;
      const met = (q.passing.minSharePPM == null || share >= q.passing.minSharePPM) && (q.passing.minTurnoutPPM == null || total.turnoutPPM >= q.passing.minTurnoutPPM)
        && (q.passing.minElectoratePPM == null || electorate >= q.passing.minElectoratePPM);
      return t(met ? "site.approved" : "site.rejected", { option: localized(q.options[i]), share: pct(counts[i], selections) });
    }
  }
  if (leaders.length > 1) return t("site.tie", { options: leaders.join(", "), votes: top });
  return t(2 * top > selections ? "site.majority" : "site.plurality", { option: leaders[0], share: pct(top, selections) });
}

/** A channel's name in the page's language. */
const channelName = (c) => t(`channel.${c}`);

/** A results row's name: the total, a channel, a voting day, a region or precinct. */
function scopeName(s) {
  if (s.scope === "total") return t("site.total");
  if (s.scope === "channel") return `${t("site.channel")}: ${channelName(s.id)}`;
  if (s.scope === "day") return `${t("site.day")}: ${s.id}`;
  return localized(s.name);
}

/**
 * A bar chart (SVG) of one question's counts in each scope, with the scope's turnout: each
 * option's label on its own line above its bar, drawn at the width it is shown (`width` CSS
 * pixels), so its text stays 12 px on a phone.
 */
function chart(q, scopes, width) {
  const NS = "http://www.w3.org/2000/svg";
  const rows = scopes.filter((s) => s.counts);
  const labels = q.options.map(localized);
  if (q.maxSelections === 1) labels.push(t("site.empty"));
  const lineH = 30, rowH = lineH * labels.length + 26, valueW = 110;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${rows.length * rowH + 10}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", labelled(localized(q.text), t("site.chart")));
  const colors = ["#1d4f91", "#b45309", "#14612a", "#7c3aed", "#a40000", "#0e7490", "#555555"];
  rows.forEach((s, r) => {
    const counts = [...s.counts];
    if (s.empty != null) counts.push(s.empty);
    const whole = Math.max(1, counts.reduce((a, b) => a + b, 0));
    const y0 = r * rowH + 10;
    const title = document.createElementNS(NS, "text");
    title.setAttribute("x", "0"); title.setAttribute("y", String(y0 + 10)); title.setAttribute("font-weight", "600");
    title.textContent = `${scopeName(s)} · ${t("site.turnout")} ${(s.turnoutPPM / 1e4).toFixed(2)}%`;
    svg.append(title);
    counts.forEach((c, i) => {
      const y = y0 + 18 + i * lineH;
      const label = document.createElementNS(NS, "text");
      label.setAttribute("x", "0"); label.setAttribute("y", String(y + 11)); label.setAttribute("font-size", "12");
      label.textContent = labels[i];
      const length = ((width - valueW) * c) / whole;
      const bar = document.createElementNS(NS, "rect");
      bar.setAttribute("x", "0"); bar.setAttribute("y", String(y + 15)); bar.setAttribute("height", "11");
      bar.setAttribute("width", String(length)); bar.setAttribute("fill", colors[i % colors.length]);
      const value = document.createElementNS(NS, "text");
      value.setAttribute("x", String(length + 4)); value.setAttribute("y", String(y + 25));
      value.setAttribute("font-size", "12");
      value.textContent = `${c} (${((100 * c) / whole).toFixed(1)}%)`;
      svg.append(label, bar, value);
    });
  });
  return svg;
}

/** Each question's table and chart, from the status's rows over the precincts that ask it. */
function renderResults(questions) {
  const box = $("results");
  $("results-section").hidden = false;  // shown first, so that its width can be measured
  const parts = [];
  for (const q of state.manifest.questions) {
    const rows = questions.find((x) => x.question === q.id)?.rows ?? [];
    const section = el("section", undefined, { "data-question": q.id });
    section.append(el("h3", localized(q.text)), el("p", outcome(q, rows[0]), { class: "outcome" }));
    const table = el("table");
    const head = el("tr");
    for (const h of [t("site.scope"), t("site.credentials"), t("site.ballots"), t("site.turnout"), ...q.options.map(localized), ...(q.maxSelections === 1 ? [t("site.empty")] : [])]) head.append(el("th", h, { scope: "col" }));
    table.append(el("thead"), el("tbody"));
    table.tHead.append(head);
    for (const s of rows) {
      if (s.scope === "precinct" && !s.counts && s.ballots === 0) continue;
      const row = el("tr", undefined, { class: s.scope });
      row.append(el("th", scopeName(s), { scope: "row" }));
      row.append(el("td", String(s.voters)), el("td", String(s.ballots)), el("td", `${(s.turnoutPPM / 1e4).toFixed(2)}%`));
      if (s.counts) {
        for (const c of s.counts) row.append(el("td", String(c)));
        if (q.maxSelections === 1) row.append(el("td", String(s.empty ?? 0)));
      } else {
        row.append(el("td", t("site.mergedOut"), { colspan: String(q.options.length + (q.maxSelections === 1 ? 1 : 0)) }));
      }
      table.tBodies[0].append(row);
    }
    // A wide table scrolls in its box; the page keeps the screen's width.
    const width = Math.max(260, Math.min(640, box.clientWidth || 640));
    section.append(el("div", undefined, { class: "scroll" }), chart(q, rows.filter((s) => s.scope !== "total" && s.scope !== "day"), width));
    section.querySelector(".scroll").append(table);
    parts.push(section);
  }
  box.replaceChildren(...parts);
  $("results-section").hidden = false;
}

function render() {
  if (!state.manifest) return;
  const m = state.manifest, s = state.status;
  $("title").textContent = localized(m.title);
  $("phase").textContent = s ? t(`site.phase.${s.phase}`) : "";
  const when = (d) => new Date(d).toLocaleString(document.documentElement.lang, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" });
  $("window").textContent = `${when(m.window.opens)} – ${when(m.window.closes)}`;
  $("board-key").textContent = m.boardKey;
  $("fingerprint").textContent = state.fingerprint ?? "";
  if (state.head) $("head").textContent = t("site.headText", { size: state.head.size, root: state.head.root, time: when(state.head.timestamp) });
  $("questions").replaceChildren(...m.questions.map((q) => el("li", labelled(localized(q.text), q.options.map(localized).join(" / ")))));
  if (state.alarm) {
    const box = $("monitor");
    box.className = "alarm";
    box.replaceChildren(el("h2", t("site.alarm")), el("p", t(`site.alarm.${state.alarm.reason}`)), el("p", t("site.evidence")),
      el("pre", JSON.stringify({ earlier: state.alarm.earlier, later: state.alarm.later }, null, 2), { id: "evidence" }));
    $("monitor-ok").textContent = "";
  } else if (state.head) {
    $("monitor-ok").textContent = t("site.monitorOk", { count: seenHeads().length });
  }
  if (s) {
    const body = $("counts").tBodies[0];
    body.replaceChildren(...s.counts.map((c) => {
      const row = el("tr");
      const p = m.regions.flatMap((r) => r.precincts).find((x) => x.id === c.precinct);
      row.append(el("th", p ? localized(p.name) : c.precinct, { scope: "row" }), el("td", channelName(c.channel)), el("td", String(c.ballots)), el("td", String(c.spoiled)), el("td", String(s.credentials[c.precinct] ?? 0)));
      return row;
    }));
    if (s.questions) renderResults(s.questions);
    $("counts-note").hidden = Boolean(s.questions);  // after decryption the note no longer holds
  }
  const v = state.verification;
  $("verification").textContent = !v ? "" : v.report
    ? t(v.report.ok ? "site.verified" : "site.notVerified", { phase: t(`site.phase.${v.phase}`), entries: v.entries, size: Math.max(v.entries, v.boardEntries ?? 0), passed: v.report.checks.filter((c) => c.status === "passed").length, failed: v.report.checks.filter((c) => c.status === "failed").length })
    : t("site.verifying");
  if (v) $("how-to").textContent = `plebiscite verify ${location.origin}${base}`;
  $("forensics-link").href = `${base}/forensics.html?lang=${document.documentElement.lang}`;
  $("forensics-link").hidden = !v?.forensics;
  $("forensics-later").hidden = Boolean(v?.forensics);
}

async function main() {
  $("record-link").href = `${base}/record.zip`;
  languageSwitch($("language"), render);
  try {
    state.na = await loadSodium(await (await fetch("/booth/sodium.wasm")).arrayBuffer(), globalThis.crypto);
    // The manifest's exact bytes: its fingerprint is the one on the voters' letters and in the booth.
    const response = await fetch(`${base}/manifest`);
    if (!response.ok) await api(`${base}/manifest`);
    const raw = new Uint8Array(await response.arrayBuffer());
    state.manifest = JSON.parse(new TextDecoder().decode(raw));
    state.fingerprint = fingerprint(state.na, raw);
    state.head = await api(`${base}/tree-head`);
    state.alarm = await monitor(state.head, hex.decode(state.manifest.boardKey));
    state.status = await api(`${base}/status`);
    render();
    state.verification = await api(`${base}/verification`);
  } catch (e) { $("error").textContent = e.message; }
  render();
  document.body.dataset.ready = "true";
  follow();
}

/** While the report does not cover the board's log, asks again: the verdict follows the board. */
function follow() {
  const v = state.verification;
  if (!v || (!v.running && v.entries === v.boardEntries)) return;
  setTimeout(async () => {
    try { state.verification = await api(`${base}/verification`); render(); } catch { /* the next visit asks again */ }
    follow();
  }, 3000);
}

main();
