// The tracking page /elections/ID/track/CODE: asks the board what became of a ballot and checks its
// answer here (receipt.js trackProblem, PROTOCOL.md 6.2): the signed head, the inclusion proof, the
// line's ballot hash, the evidence for "superseded" or "revoked", and, given the receipt saved at
// casting, the consistency proof from the receipt's head. It says whether the ballot counts; for a
// challenged ballot it also shows what the ballot contained, checked here against its ciphertexts
// (as checks 7.2 does), so a voter checks the booth's challenge on a device the booth does not control.

import { loadSodium, hex } from "./sodium.js";
import { trackProblem, referencePrefix } from "./receipt.js";
import { t, languageSwitch, localized, labelled } from "./i18n.js";
import { encrypt } from "./ballot.js";
import { api } from "./board.js";

const $ = (id) => document.getElementById(id);
const parts = location.pathname.split("/");
const electionId = decodeURIComponent(parts[2] ?? "");
const base = `/elections/${encodeURIComponent(electionId)}`;
const state = { na: null, boardKey: null, receipt: null, last: null };

function fail(message) { $("error").textContent = message; }


/** Reads the chosen receipt file, if any; its ballot hash then names the ballot. */
async function readReceipt() {
  const file = $("receipt").files?.[0];
  if (!file) return null;
  const receipt = JSON.parse(await file.text());
  $("code").value = receipt.trackingCode ?? $("code").value;
  return receipt;
}

function render() {
  const box = $("result");
  if (!state.last) { box.replaceChildren(); return; }
  const { answer, problem, receipt } = state.last;
  const line = (text, cls) => { const p = document.createElement("p"); p.textContent = text; if (cls) p.className = cls; return p; };
  if (problem) { box.replaceChildren(line(t("track.bad", { problem }), "bad")); return; }
  const out = [line(t("track.where", { code: answer.trackingCode, index: answer.index, size: answer.treeHead.size }))];
  if (receipt) out.push(line(t("track.since", { size: receipt.treeHead.size })));
  out.push(line(t(`track.${answer.status}`, { later: answer.later?.index ?? "" }), answer.status === "counts" ? "good" : ""));
  const opened = state.last.opened;
  if (opened?.ok) {
    out.push(line(t("track.opened")));
    const list = document.createElement("ul");
    list.id = "opened";
    list.replaceChildren(...opened.answers.map(({ question, picks }) => {
      const li = document.createElement("li");
      li.textContent = labelled(localized(question.text), picks.length ? picks.map((i) => localized(question.options[i])).join(", ") : t("none"));
      return li;
    }));
    out.push(list, line(t("track.openedCompare")));
  } else if (opened) {
    out.push(line(t("track.openedBad", { problem: opened.problem }), "bad"));
  }
  box.replaceChildren(...out);
  box.dataset.status = answer.status;
}

/**
 * A challenged ballot opened: each revealed value is 0 or 1 and, with its nonce, encrypts to the
 * published ciphertext under the election's joint key; the choices are the options revealed as 1.
 * Returns { ok, answers: [{ question, picks }] } or { ok: false, problem }.
 */
async function open(answer) {
  const { ballot, reveals } = JSON.parse(answer.line).data;
  const info = await api(`${base}/booth?credential=${encodeURIComponent(ballot.credential)}`);
  const key = hex.decode(info.jointKey);
  if (!Array.isArray(reveals) || reveals.length !== ballot.answers.length) return { ok: false, problem: "reveals" };
  const answers = [];
  for (const [qi, a] of ballot.answers.entries()) {
    const question = info.questions.find((q) => q.id === a.question);
    const reveal = reveals[qi];
    if (!question || !Array.isArray(reveal) || reveal.length !== a.selections.length) return { ok: false, problem: a.question };
    const picks = [];
    for (const [i, s] of a.selections.entries()) {
      const r = reveal[i];
      if (r.value !== 0 && r.value !== 1) return { ok: false, problem: `${a.question} ${i}` };
      const again = encrypt(state.na, r.value, hex.decode(r.nonce), key);
      if (hex.encode(again.alpha) !== s.ciphertext.alpha || hex.encode(again.beta) !== s.ciphertext.beta) {
        return { ok: false, problem: `${a.question} ${i}` };
      }
      if (r.value === 1) picks.push(i);
    }
    answers.push({ question, picks });
  }
  return { ok: true, answers };
}

async function check() {
  fail("");
  state.last = null;
  render();
  let receipt;
  try { receipt = await readReceipt(); } catch { fail(t("track.bad", { problem: "receipt" })); return; }
  const asked = receipt?.ballotHash ?? $("code").value.trim();
  if (!referencePrefix(asked)) { fail(t("track.badCode")); return; }
  try {
    if (!state.boardKey) state.boardKey = hex.decode((await api(`${base}/manifest`)).boardKey);
    const answer = await api(`${base}/ballots/${encodeURIComponent(asked)}${receipt ? `?since=${receipt.treeHead.size}` : ""}`);
    const problem = trackProblem(state.na, answer, { boardKey: state.boardKey, asked, receipt });
    state.last = { answer, problem, receipt };
    if (!problem && answer.status === "spoiled") {
      try { state.last.opened = await open(answer); } catch (e) { state.last.opened = { ok: false, problem: e.message }; }
    }
    render();
  } catch (e) { fail(e.message); }
}

async function main() {
  try {
    state.na = await loadSodium(await (await fetch("/booth/sodium.wasm")).arrayBuffer(), globalThis.crypto);
  } catch { fail(t("crypto.fail")); return; }
  languageSwitch($("language"), render);
  $("code").value = decodeURIComponent(parts[4] ?? "");
  $("check").addEventListener("click", check);
  $("code").addEventListener("keydown", (e) => { if (e.key === "Enter") check(); });
  document.body.dataset.ready = "true";
  if ($("code").value) await check();
}

main();
