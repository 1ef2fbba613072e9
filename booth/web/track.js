// The tracking page /elections/ID/track/CODE: asks the board what became of a ballot and checks its
// answer here (receipt.js trackProblem, PROTOCOL.md 6.2): the signed head, the inclusion proof, the
// line's ballot hash, the evidence for "superseded" or "revoked", and, given the receipt saved at
// casting, the consistency proof from the receipt's head. It says whether the ballot counts and nothing more.

import { loadSodium, hex } from "./sodium.js";
import { trackProblem, referencePrefix } from "./receipt.js";
import { t, languageSwitch } from "./i18n.js";
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
  box.replaceChildren(...out);
  box.dataset.status = answer.status;
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
