// The voting page: credential, ballot, review with the tracking code, Benaloh challenge, cast with
// the receipt checked at once. Every secret stays in this page's memory: the credential arrives
// typed or in the URL fragment (never sent), nonces are published only for a challenged ballot.

import { loadSodium, hex } from "./sodium.js";
import { parseCredential, encryptBallot, ballotJSON, spoiledBallotJSON, trackingCode, encrypt, CredentialError, fingerprint } from "./ballot.js";
import { receiptProblem } from "./receipt.js";
import { t, localized, languageSwitch, labelled } from "./i18n.js";
import { api } from "./board.js";

const $ = (id) => document.getElementById(id);
const electionId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const base = `/elections/${encodeURIComponent(electionId)}`;
const state = { na: null, credential: null, info: null, pending: null, manifest: null, fingerprint: "", status: null };

function show(step) { for (const s of ["credential", "ballot", "review", "done"]) $(`step-${s}`).hidden = s !== step; }
function fail(message) { $("error").textContent = message; }

function checkTyped() {
  const text = $("credential").value, help = $("credential-help");
  const count = text.replace(/[-\s]/g, "").length;
  help.className = "";
  if (count < 22) { help.textContent = t("credential.count", { n: count }); return null; }
  try {
    const c = parseCredential(state.na, text, electionId);
    help.textContent = t("credential.ok");
    help.className = "good";
    return c;
  } catch (e) {
    help.textContent = e instanceof CredentialError ? t(`credential.${e.code}`, { detail: e.detail }) : t("credential.wrongLength", { detail: count });
    help.className = "bad";
    return null;
  }
}

async function start() {
  fail("");
  const credential = checkTyped();
  if (!credential) { fail(t("credential.type")); return; }
  try {
    state.info = await api(`${base}/booth?credential=${hex.encode(credential.publicKey)}`);
  } catch (e) { fail(e.message); return; }
  state.credential = credential;
  $("credential").value = "";
  renderBallot();
  show("ballot");
  $("ballot").querySelector("input")?.focus();
}

/** The precinct's ballot in the current language; choices already made stay made. */
function renderBallot() {
  const picked = new Set([...document.querySelectorAll("#ballot input:checked")].map((i) => `${i.name}/${i.value}`));
  $("title").textContent = localized(state.info.title);
  $("precinct").textContent = t("precinct", { name: localized(state.info.precinctName) });
  const form = $("ballot");
  form.replaceChildren();
  for (const q of state.info.questions) {
    const set = document.createElement("fieldset"), legend = document.createElement("legend");
    const text = localized(q.text);
    legend.textContent = q.maxSelections === 1 && q.minSelections === 1 ? text : `${text} (${t("choose.range", { min: q.minSelections, max: q.maxSelections })})`;
    set.append(legend);
    q.options.forEach((text, i) => {
      const label = document.createElement("label"), input = document.createElement("input");
      input.type = q.maxSelections === 1 && q.minSelections === 1 ? "radio" : "checkbox";
      input.name = q.id;
      input.value = String(i);
      input.checked = picked.has(`${q.id}/${i}`);
      label.append(input, document.createTextNode(localized(text)));
      set.append(label);
    });
    form.append(set);
  }
}

function choices() {
  const out = {};
  for (const q of state.info.questions) {
    out[q.id] = [...document.querySelectorAll(`input[name="${CSS.escape(q.id)}"]:checked`)].map((i) => Number(i.value));
    const n = out[q.id].length;
    const range = q.minSelections === q.maxSelections ? String(q.minSelections) : t("choose.range", { min: q.minSelections, max: q.maxSelections });
    if (n < q.minSelections || n > q.maxSelections) throw new Error(t("choose", { question: localized(q.text), range }));
  }
  return out;
}

/** Encrypts the current choices afresh and shows the new tracking code. */
function prepare(picked) {
  const info = state.info;
  const election = {
    electionId: info.electionId, contextHash: hex.decode(info.contextHash), jointKey: hex.decode(info.jointKey), precinct: info.precinct,
    questions: info.questions.map((q) => ({ id: q.id, options: q.options.length, minSelections: q.minSelections, maxSelections: q.maxSelections })),
  };
  const made = encryptBallot(state.na, election, state.credential, picked);
  state.pending = { ...made, picked, json: ballotJSON(made.ballot, hex.encode) };
  $("tracking").textContent = trackingCode(made.hash);
}

function review() {
  fail("");
  let picked;
  try { picked = choices(); } catch (e) { fail(e.message); return; }
  const summary = $("summary");
  summary.replaceChildren(...state.info.questions.map((q) => {
    const li = document.createElement("li");
    const names = picked[q.id].map((i) => localized(q.options[i]));
    li.textContent = labelled(localized(q.text), names.length ? names.join(", ") : t("none"));
    return li;
  }));
  $("challenge-result").textContent = "";
  prepare(picked);
  show("review");
  $("cast").focus();
}

/** Benaloh: publish the nonces of this encryption, show that it held the choices, encrypt afresh. */
async function challenge() {
  fail("");
  const { ballot, reveals, picked } = state.pending;
  try {
    await api(`${base}/spoiled`, { method: "POST", headers: { "Content-Type": "application/json" }, body: spoiledBallotJSON(ballot, reveals, hex.encode) });
  } catch (e) { fail(e.message); return; }
  const key = hex.decode(state.info.jointKey);
  const honest = ballot.answers.every((a, qi) => a.selections.every((s, i) => {
    const r = reveals[qi][i], again = encrypt(state.na, r.value, r.nonce, key);
    return hex.encode(again.alpha) === hex.encode(s.ciphertext.alpha) && hex.encode(again.beta) === hex.encode(s.ciphertext.beta)
      && r.value === (picked[state.info.questions[qi].id].includes(i) ? 1 : 0);
  }));
  const code = $("tracking").textContent, result = $("challenge-result");
  result.textContent = honest ? t("challenge.ok", { code }) : t("challenge.bad");
  if (honest) {
    // The challenge is only worth what a device the booth does not control says of it.
    const link = document.createElement("a");
    link.id = "challenge-track";
    link.href = `${base}/track/${encodeURIComponent(code)}`;
    link.textContent = `${location.origin}${base}/track/${code}`;
    result.append(" ", link);
  }
  if (honest) prepare(picked);
}

async function cast() {
  fail("");
  const pending = state.pending;
  let receipt;
  try {
    receipt = await api(`${base}/ballots`, { method: "POST", headers: { "Content-Type": "application/json" }, body: pending.json });
  } catch (e) { fail(e.message); return; }
  const problem = receiptProblem(state.na, receipt, { boardKey: hex.decode(state.info.boardKey), ballotHash: pending.hash, ballotJSON: pending.json });
  state.pending = null;
  $("final-tracking").textContent = receipt.trackingCode;
  $("receipt-status").textContent = problem ? t("receipt.bad", { problem }) : t("receipt.ok");
  $("receipt-json").textContent = JSON.stringify(receipt);
  $("receipt-link").href = URL.createObjectURL(new Blob([JSON.stringify(receipt)], { type: "application/json" }));
  $("track-link").href = `${base}/track/${encodeURIComponent(receipt.trackingCode)}${location.search}`;
  show("done");
}

/**
 * Whether this booth is the one the manifest pins (`boothHash`), recomputed here from the bytes of
 * every file the board lists: SHA-256 over "NAME SP SHA256-HEX LF" in name order. A manifest
 * without boothHash pins nothing. (A board that altered this very script could skip the check;
 * observers compare the served files with the pinned hash from outside: docs/DEPLOY.md.)
 */
async function boothMatchesManifest(wasm) {
  const manifest = state.manifest;
  if (!manifest.boothHash) return true;
  const listing = await api("/booth/hash");
  const names = listing.files.map((f) => f.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let text = "";
  for (const name of names) {
    const bytes = name === "sodium.wasm" ? wasm : new Uint8Array(await (await fetch(`/booth/${encodeURIComponent(name)}`, { cache: "no-store" })).arrayBuffer());
    text += `${name} ${hex.encode(state.na.sha256(bytes))}\n`;
  }
  return hex.encode(state.na.sha256(new TextEncoder().encode(text))) === manifest.boothHash;
}

/** Whether ballots are taken now: the board's phase is voting and, by the board's clock, the window has not ended. */
function isOpen() {
  const closes = Date.parse(state.manifest.window.closes);
  const now = state.status?.boardTime ? Date.parse(state.status.boardTime) : Date.now();
  return state.status?.phase === "voting" && now < closes;
}

/** Before any credential: the election as its manifest states it, its fingerprint, and whether it is open. */
function renderElection() {
  const m = state.manifest;
  if (!m) return;
  const when = (d) => new Date(d).toLocaleString(document.documentElement.lang, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  if (!state.info) $("title").textContent = localized(m.title);
  $("window").textContent = t("booth.window", { opens: when(m.window.opens), closes: when(m.window.closes) });
  $("fingerprint").textContent = t("booth.fingerprint", { fingerprint: state.fingerprint });
  $("preview").replaceChildren(...m.questions.map((q) => {
    const li = document.createElement("li");
    li.textContent = localized(q.text);
    return li;
  }));
  const phase = state.status?.phase;
  $("open-state").textContent = isOpen() ? "" : phase === "setup" ? t("booth.notOpen", { opens: when(m.window.opens) }) : t("booth.closed", { closes: when(m.window.closes) });
}

/** A credential in the fragment (from the letter's QR code) never reaches the server; it leaves the address at once. */
function takeFragment() {
  if (!location.hash.startsWith("#c=")) return false;
  $("credential").value = decodeURIComponent(location.hash.slice(3));
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

async function main() {
  takeFragment();
  // Another letter's link opened in the same tab changes only the fragment: start over with it.
  window.addEventListener("hashchange", () => {
    if (!takeFragment()) return;
    state.credential = null; state.info = null; state.pending = null;
    fail("");
    show("credential");
    if (state.na) checkTyped();
  });
  let wasm;
  try {
    wasm = new Uint8Array(await (await fetch("/booth/sodium.wasm")).arrayBuffer());
    state.na = await loadSodium(wasm, globalThis.crypto);
  } catch { fail(t("crypto.fail")); return; }
  languageSwitch($("language"), () => { checkTyped(); renderElection(); if (state.info) renderBallot(); });
  try {
    // The manifest's exact bytes: its fingerprint is what the letter and the observers' page show.
    const response = await fetch(`${base}/manifest`);
    if (!response.ok) await api(`${base}/manifest`);
    const raw = new Uint8Array(await response.arrayBuffer());
    state.manifest = JSON.parse(new TextDecoder().decode(raw));
    state.fingerprint = fingerprint(state.na, raw);
    state.status = await api(`${base}/status`);
  } catch (e) { fail(e.message); return; }
  renderElection();
  let pinned;
  try { pinned = await boothMatchesManifest(wasm); } catch (e) { fail(e.message); return; }
  if (!pinned) {
    fail(t("error.boothHash"));
    for (const el of document.querySelectorAll("#booth input, #booth button")) el.disabled = true;
    $("credential").value = "";
    document.body.dataset.ready = "refused";
    return;
  }
  if (!isOpen()) {
    // Nothing to fill in when no ballot can be cast: the board would refuse it at the end.
    for (const el of document.querySelectorAll("#step-credential input, #step-credential button")) el.disabled = true;
    document.body.dataset.ready = "closed";
    return;
  }
  $("credential").addEventListener("input", checkTyped);
  $("credential").addEventListener("keydown", (e) => { if (e.key === "Enter") start(); });
  $("continue").addEventListener("click", start);
  $("review").addEventListener("click", review);
  $("change").addEventListener("click", () => show("ballot"));
  $("challenge").addEventListener("click", challenge);
  $("cast").addEventListener("click", cast);
  $("print").addEventListener("click", () => window.print());
  checkTyped();
  document.body.dataset.ready = "true";
}

main();
