// The booth's check of a board receipt (PROTOCOL.md 6.2), the same checks as BoardReceipt.problem
// in Swift: the ballot hash, the tree head's Ed25519 signature by the board key, the RFC 9162
// inclusion proof of the line, and that the line is the ballot entry at the receipt's index
// holding exactly the ballot sent. Returns null, or the problem's code.

import { Transcript, ballotHash, trackingCode } from "./ballot.js";
import { hex } from "./sodium.js";

const utf8 = (s) => new TextEncoder().encode(s);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

/** One level of the walk up the tree both RFC 9162 verifiers share (MerkleProof.step in Swift). */
function step(state, leftSibling, rightSibling) {
  if (state.fn % 2 === 1 || state.fn === state.sn) {
    leftSibling();
    if (state.fn % 2 === 0) { do { state.fn = Math.floor(state.fn / 2); state.sn = Math.floor(state.sn / 2); } while (state.fn % 2 === 0 && state.fn !== 0); }
  } else {
    rightSibling();
  }
  state.fn = Math.floor(state.fn / 2); state.sn = Math.floor(state.sn / 2);
}

const node = (na, l, r) => na.sha256(concat(Uint8Array.of(1), l, r));

/** RFC 9162 2.1.3.2: is leafHash leaf `index` of the tree of `size` leaves with `root`? */
export function verifyInclusion(na, leafHash, index, size, proof, root) {
  if (!(Number.isInteger(index) && Number.isInteger(size) && index >= 0 && index < size)) return false;
  const state = { fn: index, sn: size - 1 };
  let r = leafHash;
  for (const p of proof) {
    if (state.sn === 0) return false;
    step(state, () => { r = node(na, p, r); }, () => { r = node(na, r, p); });
  }
  return state.sn === 0 && equal(r, root);
}

/** RFC 9162 2.1.4.2: does the tree of `newSize` with `newRoot` extend the one of `oldSize` with `oldRoot`? */
export function verifyConsistency(na, oldSize, newSize, oldRoot, newRoot, proof) {
  if (!(Number.isInteger(oldSize) && Number.isInteger(newSize) && oldSize >= 0 && oldSize <= newSize)) return false;
  if (oldSize === newSize) return proof.length === 0 && equal(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = (oldSize & (oldSize - 1)) === 0 ? [oldRoot, ...proof] : proof;
  const state = { fn: oldSize - 1, sn: newSize - 1 };
  while (state.fn % 2 === 1) { state.fn = Math.floor(state.fn / 2); state.sn = Math.floor(state.sn / 2); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (state.sn === 0) return false;
    step(state, () => { fr = node(na, c, fr); sr = node(na, c, sr); }, () => { sr = node(na, sr, c); });
  }
  return state.sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
}

/** What the board signs for a tree head: H32("tree-head", u64(size), root, u64(timestamp ms)). */
export function treeHeadMessage(na, head) {
  return new Transcript(na, "tree-head").int(head.size).bytes(hex.decode(head.root)).int(head.timestamp).digest32();
}

const attempt = (f) => { try { return f(); } catch { return false; } };
const proofNodes = (proof) => { const nodes = proof.map((h) => hex.decode(h)); if (!nodes.every((p) => p.length === 32)) throw new RangeError("node"); return nodes; };

/** Whether the head is signed by the board key. */
export function headSigned(na, head, boardKey) {
  return attempt(() => na.verify(hex.decode(head.signature), treeHeadMessage(na, head), boardKey));
}

/** Whether `line` is leaf `index` of the signed head, by the hex inclusion proof. */
export function includes(na, head, line, index, proof) {
  return attempt(() => verifyInclusion(na, na.sha256(concat(Uint8Array.of(0), utf8(line))), index, head.size, proofNodes(proof), hex.decode(head.root)));
}

/** Checks a receipt against the ballot the booth sent; `ballotJSON` is the exact body it posted. */
export function receiptProblem(na, receipt, { boardKey, ballotHash, ballotJSON }) {
  if (receipt.ballotHash !== hex.encode(ballotHash)) return "otherBallot";
  if (!headSigned(na, receipt.treeHead, boardKey)) return "badTreeHeadSignature";
  if (!includes(na, receipt.treeHead, receipt.line, receipt.index, receipt.inclusionProof)) return "badInclusionProof";
  // The line as the board writes it: {"at":"T","data":B,"kind":"ballot","prev":"H","seq":N}.
  const m = /^\{"at":"([^"\\]*)","data":(.*),"kind":"ballot","prev":"([0-9a-f]{64})","seq":([0-9]+)\}$/s.exec(receipt.line);
  if (!m || Number(m[4]) !== receipt.index) return m ? "lineNotAtIndex" : "lineHoldsAnotherBallot";
  if (m[2] !== ballotJSON) return "lineHoldsAnotherBallot";
  return null;
}

/** The ballot of a log line's JSON in the form ballotHash reads (binary values as bytes). */
export function ballotFromJSON(b) {
  // A version 1 line has no commitments: its hash then differs, and the receipt does not check.
  const range = (p) => ({ challenges: p.challenges.map(hex.decode), commitments: (p.commitments ?? []).map(hex.decode), responses: p.responses.map(hex.decode) });
  return {
    electionId: b.electionId, precinct: b.precinct, channel: b.channel, credential: hex.decode(b.credential), device: b.device,
    answers: b.answers.map((a) => ({
      question: a.question, countProof: range(a.countProof),
      selections: a.selections.map((s) => ({ ciphertext: { alpha: hex.decode(s.ciphertext.alpha), beta: hex.decode(s.ciphertext.beta) }, proof: range(s.proof) })),
    })),
  };
}

/**
 * Reads a ballot reference as BallotReference does in Swift: 64 hex digits are a hash, otherwise a
 * tracking code (16 Crockford base32 symbols; dashes, spaces, case ignored; O = 0, I = L = 1).
 * Returns the hash bytes it fixes (32 or 10), or null.
 */
export function referencePrefix(text) {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return hex.decode(text.toLowerCase());
  let bits = 0n, count = 0;
  for (const c of text.toUpperCase()) {
    if (c === "-" || c === " ") continue;
    const v = CROCKFORD.indexOf(c === "O" ? "0" : c === "I" || c === "L" ? "1" : c);
    if (v < 0 || ++count > 16) return null;
    bits = (bits << 5n) | BigInt(v);
  }
  if (count !== 16) return null;
  return Uint8Array.from({ length: 10 }, (_, i) => Number((bits >> BigInt(72 - 8 * i)) & 0xffn));
}
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * Checks the board's answer on a tracked ballot (PROTOCOL.md 6.2), the same checks in the same
 * order as BallotTrack.problem in Swift. `asked`: the reference the voter gave; `receipt`: the
 * receipt saved at casting, or null. Returns null, or the problem's code.
 */
export function trackProblem(na, answer, { boardKey, asked, receipt }) {
  const prefix = referencePrefix(asked);
  const hash = attempt(() => hex.decode(answer.ballotHash));
  if (!prefix || !hash || hash.length !== 32 || !equal(hash.slice(0, prefix.length), prefix) || answer.trackingCode !== trackingCode(hash)) return "otherBallot";
  if (!headSigned(na, answer.treeHead, boardKey)) return "badTreeHeadSignature";
  if (!includes(na, answer.treeHead, answer.line, answer.index, answer.inclusionProof)) return "badInclusionProof";
  const entry = attempt(() => JSON.parse(answer.line));
  if (!entry || entry.seq !== answer.index) return "lineHoldsAnotherBallot";
  let ballot;
  if (entry.kind === "ballot") { if (answer.status === "spoiled") return "wrongStatus"; ballot = entry.data; }
  else if (entry.kind === "spoiledBallot") { if (answer.status !== "spoiled") return "wrongStatus"; ballot = entry.data?.ballot; }
  else return "lineHoldsAnotherBallot";
  const same = attempt(() => equal(ballotHash(na, hex.decode(answer.contextHash), ballotFromJSON(ballot)), hash));
  if (!same) return "lineHoldsAnotherBallot";
  if (receipt) {
    if (!headSigned(na, receipt.treeHead, boardKey)) return "badTreeHeadSignature";
    const consistent = receipt.ballotHash === answer.ballotHash && receipt.index === answer.index && receipt.line === answer.line
      && answer.since === receipt.treeHead.size && Array.isArray(answer.consistencyProof)
      && attempt(() => verifyConsistency(na, receipt.treeHead.size, answer.treeHead.size, hex.decode(receipt.treeHead.root),
        hex.decode(answer.treeHead.root), proofNodes(answer.consistencyProof)));
    if (!consistent) return "inconsistentWithReceipt";
  }
  if (answer.status === "counts" || answer.status === "spoiled") return answer.later == null ? null : "badEvidence";
  const later = answer.later;
  if (!later || !includes(na, answer.treeHead, later.line, later.index, later.inclusionProof)) return "badEvidence";
  const e = attempt(() => JSON.parse(later.line));
  if (!e || e.seq !== later.index) return "badEvidence";
  if (answer.status === "superseded" && e.kind === "ballot" && e.data?.credential === ballot.credential && later.index > answer.index) return null;
  if (answer.status === "revoked" && e.kind === "credentialRevocation" && e.data?.revoked === ballot.credential) return null;
  return "badEvidence";
}
