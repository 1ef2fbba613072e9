// Ballot encryption in the page, exactly as PROTOCOL.md 2, 3.2, 3.4, 4 and 6.2 say: per option an
// ElGamal encryption of 0 or 1 with a 0/1 proof, per question a proof that the number chosen lies
// in [min, max], the ballot hash, and the credential's Schnorr signature over it.

const utf8 = (s) => new TextEncoder().encode(s);

/** u64 little-endian, the form of every small integer in a hash input. */
export function u64(n) {
  const out = new Uint8Array(8);
  let v = BigInt(n);
  for (let i = 0; i < 8; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/** H(tag, parts) of PROTOCOL.md 2: SHA-512 over length-prefixed parts, the tag first. */
export class Transcript {
  constructor(na, tag) { this.na = na; this.chunks = []; this.bytes(utf8("plebiscite/v1/" + tag)); }
  bytes(b) { this.chunks.push(u64(b.length), b); return this; }
  string(s) { return this.bytes(utf8(s)); }
  int(n) { return this.bytes(u64(n)); }
  elements(list) { this.int(list.length); list.forEach((e) => this.bytes(e)); return this; }
  digest() {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) { all.set(c, at); at += c.length; }
    return this.na.sha512(all);
  }
  digest32() { return this.digest().slice(0, 32); }
  challenge() { return this.na.scalarReduce(this.digest()); }
}

/** The election's fingerprint, as on the letter: the manifest hash's first 16 hex digits in fours. */
export function fingerprint(na, manifestBytes) {
  const hex = [...new Transcript(na, "manifest").bytes(manifestBytes).digest32()].map((b) => b.toString(16).padStart(2, "0")).join("");
  return hex.slice(0, 16).match(/.{4}/g).join(" ");
}

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Why a typed credential was refused, before anything is sent. */
export class CredentialError extends Error {
  constructor(code, message, detail) { super(message); this.code = code; this.detail = detail; }
}

/** The 2 check symbols of 20 credential symbols (PROTOCOL.md 4). */
export function credentialChecksum(na, symbols) {
  const d = new Transcript(na, "credential-checksum").bytes(Uint8Array.from(symbols)).digest();
  return [d[0] & 31, d[1] & 31];
}

/** Reads a printed credential: case-insensitive, O as 0, I and L as 1, dashes and spaces ignored. */
export function parseCredential(na, text, electionId) {
  const symbols = [];
  for (const raw of text.toUpperCase()) {
    if (raw === "-" || raw === " ") continue;
    const ch = raw === "O" ? "0" : raw === "I" || raw === "L" ? "1" : raw;
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new CredentialError("invalidCharacter", `'${raw}' is not a credential character`, raw);
    symbols.push(i);
  }
  if (symbols.length !== 22) throw new CredentialError("wrongLength", `a credential has 22 characters, this one has ${symbols.length}`, symbols.length);
  const check = credentialChecksum(na, symbols.slice(0, 20));
  if (check[0] !== symbols[20] || check[1] !== symbols[21]) throw new CredentialError("checksumMismatch", "the checksum does not match: a character was mistyped");
  let bits = 0n;
  for (const s of symbols.slice(0, 20)) bits = (bits << 5n) | BigInt(s);
  const payload = new Uint8Array(13);
  for (let i = 0; i < 13; i++) payload[i] = Number((bits >> BigInt(8 * (12 - i))) & 0xffn);
  const secret = new Transcript(na, "credential").string(electionId).bytes(payload).challenge();
  return { secret, publicKey: na.mulBase(secret) };
}

const IDENTITY = new Uint8Array(32);
const isZero = (b) => b.every((v) => v === 0);

/** n*B for a small signed integer n (the identity for 0: libsodium refuses a zero result). */
function smallMultiple(na, n) {
  if (n === 0) return IDENTITY;
  const s = new Uint8Array(32);
  s[0] = Math.abs(n) & 0xff; s[1] = (Math.abs(n) >> 8) & 0xff;
  return n > 0 ? na.mulBase(s) : na.mulBase(na.scalarNegate(s));
}

/** p + q where either may be the identity. */
function add(na, p, q) { return isZero(p) ? q : isZero(q) ? p : na.add(p, q); }
/** s*P, the identity when s is zero. */
function mul(na, s, p) { return isZero(s) || isZero(p) ? IDENTITY : na.mul(s, p); }
function mulBase(na, s) { return isZero(s) ? IDENTITY : na.mulBase(s); }
function scalarOf(na, n) { return n >= 0 ? smallScalar(n) : na.scalarNegate(smallScalar(-n)); }
function smallScalar(n) { const s = new Uint8Array(32); s[0] = n & 0xff; s[1] = (n >> 8) & 0xff; return s; }

/** (r*B, m*B + r*K). */
export function encrypt(na, m, r, key) { return { alpha: na.mulBase(r), beta: add(na, smallMultiple(na, m), na.mul(r, key)) }; }

/** The range proof of PROTOCOL.md 3.4 that (alpha, beta) encrypts m in [lo, hi] with nonce r, with its commitments (version 2). */
export function proveRange(na, { m, r, ct, key, lo, hi, context }) {
  const n = hi - lo + 1, ts = [], cs = [], commitments = [];
  for (let j = 0; j < n; j++) {
    const t = na.scalarRandom(), c = j === m - lo ? IDENTITY : na.scalarRandom();
    ts.push(t); cs.push(c);
    commitments.push(na.mulBase(t));
    // t*K - (c*(m - v_j))*B; for the real branch the second term is the identity.
    commitments.push(add(na, na.mul(t, key), mulBase(na, na.scalarNegate(na.scalarMul(c, scalarOf(na, m - (lo + j)))))));
  }
  const c = new Transcript(na, "range").bytes(context).bytes(key).bytes(ct.alpha).bytes(ct.beta).int(lo).int(hi).elements(commitments).challenge();
  let rest = c;
  cs.forEach((cj, j) => { if (j !== m - lo) rest = na.scalarSub(rest, cj); });
  cs[m - lo] = rest;
  return { challenges: cs, commitments, responses: ts.map((t, j) => na.scalarAdd(t, na.scalarMul(cs[j], r))) };
}

/** The ballot hash of PROTOCOL.md 4 (everything but the signatures). */
export function ballotHash(na, contextHash, b) {
  const t = new Transcript(na, "ballot").bytes(contextHash).string(b.electionId).string(b.precinct).string(b.channel)
    .bytes(b.credential).string(b.device ?? "").int(b.answers.length);
  const range = (p) => { t.int(p.challenges.length); p.challenges.forEach((c) => t.bytes(c)); t.elements(p.commitments); t.int(p.responses.length); p.responses.forEach((s) => t.bytes(s)); };
  for (const a of b.answers) {
    t.string(a.question).int(a.selections.length);
    for (const s of a.selections) { t.bytes(s.ciphertext.alpha).bytes(s.ciphertext.beta); range(s.proof); }
    range(a.countProof);
  }
  return t.digest32();
}

/**
 * Encrypts a remote ballot. `election`: { electionId, contextHash, jointKey (bytes), precinct,
 * questions: [{ id, options (count), minSelections, maxSelections }] in the precinct's order };
 * `choices`: question id -> selected option indices. Returns { ballot (bytes form), hash, reveals }.
 */
export function encryptBallot(na, election, credential, choices) {
  const { contextHash, jointKey: key } = election;
  const answers = [], reveals = [];
  for (const q of election.questions) {
    const picked = choices[q.id] ?? [];
    const values = Array.from({ length: q.options }, (_, i) => (picked.includes(i) ? 1 : 0));
    if (picked.some((o) => !Number.isInteger(o) || o < 0 || o >= q.options) || new Set(picked).size !== picked.length) throw new RangeError(`question ${q.id}: invalid selection`);
    if (picked.length < q.minSelections || picked.length > q.maxSelections) throw new RangeError(`question ${q.id}: ${picked.length} selected, allowed ${q.minSelections} to ${q.maxSelections}`);
    const selections = [], revealed = [];
    let nonceSum = new Uint8Array(32), sum = { alpha: IDENTITY, beta: IDENTITY };
    values.forEach((v, i) => {
      const r = na.scalarRandom(), ct = encrypt(na, v, r, key);
      const context = new Transcript(na, "selection-context").bytes(contextHash).bytes(credential.publicKey).string(q.id).int(i).digest32();
      selections.push({ ciphertext: ct, proof: proveRange(na, { m: v, r, ct, key, lo: 0, hi: 1, context }) });
      revealed.push({ value: v, nonce: r });
      nonceSum = na.scalarAdd(nonceSum, r);
      sum = { alpha: add(na, sum.alpha, ct.alpha), beta: add(na, sum.beta, ct.beta) };
    });
    const context = new Transcript(na, "count-context").bytes(contextHash).bytes(credential.publicKey).string(q.id).digest32();
    const countProof = proveRange(na, { m: picked.length, r: nonceSum, ct: sum, key, lo: q.minSelections, hi: q.maxSelections, context });
    answers.push({ question: q.id, selections, countProof });
    reveals.push(revealed);
  }
  const ballot = { electionId: election.electionId, precinct: election.precinct, channel: "remote", credential: credential.publicKey, answers };
  const hash = ballotHash(na, contextHash, ballot);
  const w = na.scalarRandom(), a = na.mulBase(w);
  const c = new Transcript(na, "schnorr-signature").bytes(contextHash).bytes(credential.publicKey).bytes(a).bytes(hash).challenge();
  ballot.signature = { commitment: a, response: na.scalarAdd(w, na.scalarMul(c, credential.secret)) };
  return { ballot, hash, reveals };
}

/** The ballot as the board reads it: every binary value lowercase hex, keys sorted, no whitespace. */
export function ballotJSON(ballot, hexEncode) {
  const conv = (v) => (v instanceof Uint8Array ? hexEncode(v) : Array.isArray(v) ? v.map(conv) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, conv(v[k])])) : v);
  return JSON.stringify(conv(ballot));
}

/** The tracking code: the ballot hash's first 10 bytes as 16 Crockford base32 characters in groups of 4. */
export function trackingCode(hash) {
  let bits = 0n;
  for (const b of hash.slice(0, 10)) bits = (bits << 8n) | BigInt(b);
  let s = "";
  for (let i = 15; i >= 0; i--) s += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return s.match(/.{4}/g).join("-");
}

/** A challenged ballot as published (PROTOCOL.md 6.2, Benaloh): the ballot and every option's value and nonce. */
export function spoiledBallotJSON(ballot, reveals, hexEncode) {
  return ballotJSON({ ballot, reveals: reveals.map((q) => q.map((s) => ({ nonce: s.nonce, value: s.value }))) }, hexEncode);
}
