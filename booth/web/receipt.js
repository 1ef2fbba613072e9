// The booth's check of a board receipt (PROTOCOL.md 6.2), the same checks as BoardReceipt.problem
// in Swift: the ballot hash, the tree head's Ed25519 signature by the board key, the RFC 9162
// inclusion proof of the line, and that the line is the ballot entry at the receipt's index
// holding exactly the ballot sent. Returns null, or the problem's code.

import { Transcript } from "./ballot.js";
import { hex } from "./sodium.js";

const utf8 = (s) => new TextEncoder().encode(s);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

/** RFC 9162 2.1.3.2: is leafHash leaf `index` of the tree of `size` leaves with `root`? */
export function verifyInclusion(na, leafHash, index, size, proof, root) {
  if (!(Number.isInteger(index) && Number.isInteger(size) && index >= 0 && index < size)) return false;
  let fn = index, sn = size - 1, r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = na.sha256(concat(Uint8Array.of(1), p, r));
      if (fn % 2 === 0) { do { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } while (fn % 2 === 0 && fn !== 0); }
    } else {
      r = na.sha256(concat(Uint8Array.of(1), r, p));
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** What the board signs for a tree head: H32("tree-head", u64(size), root, u64(timestamp ms)). */
export function treeHeadMessage(na, head) {
  return new Transcript(na, "tree-head").int(head.size).bytes(hex.decode(head.root)).int(head.timestamp).digest32();
}

/** Checks a receipt against the ballot the booth sent; `ballotJSON` is the exact body it posted. */
export function receiptProblem(na, receipt, { boardKey, ballotHash, ballotJSON }) {
  if (receipt.ballotHash !== hex.encode(ballotHash)) return "otherBallot";
  const head = receipt.treeHead;
  const attempt = (f) => { try { return f(); } catch { return false; } };
  if (!attempt(() => na.verify(hex.decode(head.signature), treeHeadMessage(na, head), boardKey))) return "badTreeHeadSignature";
  const included = attempt(() => {
    const proof = receipt.inclusionProof.map((h) => hex.decode(h));
    const leaf = na.sha256(concat(Uint8Array.of(0), utf8(receipt.line)));
    return proof.every((p) => p.length === 32) && verifyInclusion(na, leaf, receipt.index, head.size, proof, hex.decode(head.root));
  });
  if (!included) return "badInclusionProof";
  // The line as the board writes it: {"at":"T","data":B,"kind":"ballot","prev":"H","seq":N}.
  const m = /^\{"at":"([^"\\]*)","data":(.*),"kind":"ballot","prev":"([0-9a-f]{64})","seq":([0-9]+)\}$/s.exec(receipt.line);
  if (!m || Number(m[4]) !== receipt.index) return m ? "lineNotAtIndex" : "lineHoldsAnotherBallot";
  if (m[2] !== ballotJSON) return "lineHoldsAnotherBallot";
  return null;
}
