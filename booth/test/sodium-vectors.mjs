// Checks the booth's WebAssembly libsodium against the vector files the Swift tests read:
// node booth/test/sodium-vectors.mjs WASM RISTRETTO_VECTOR_DIR. Exits 1 on the first mismatch.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { loadSodium, hex } from "../web/sodium.js";

const [wasmPath, vectorDir] = process.argv.slice(2);
const na = await loadSodium(readFileSync(wasmPath), webcrypto);
let checks = 0;
function expect(ok, what) { checks++; if (!ok) { console.error("FAIL: " + what); process.exit(1); } }

// RFC 9496 A.1: n*B for n = 0..15, by fixed-base multiplication and by repeated addition.
const multiples = JSON.parse(readFileSync(`${vectorDir}/rfc9496-a1-generator-multiples.json`)).multiples;
const B = hex.decode(multiples[1]);
let sum = B;
for (let n = 1; n < multiples.length; n++) {
  const scalar = new Uint8Array(32); scalar[0] = n;
  expect(hex.encode(na.mulBase(scalar)) === multiples[n], `${n}*B by mulBase`);
  expect(hex.encode(na.mul(scalar, B)) === multiples[n], `${n}*B by mul`);
  if (n > 1) { sum = na.add(sum, B); expect(hex.encode(sum) === multiples[n], `${n}*B by addition`); }
  expect(na.isValidPoint(hex.decode(multiples[n])), `${n}*B is valid`);
}
// RFC 9496 A.2: every bad encoding is refused.
const groups = JSON.parse(readFileSync(`${vectorDir}/rfc9496-a2-invalid-encodings.json`)).groups;
for (const [group, encodings] of Object.entries(groups)) {
  for (const e of encodings) expect(!na.isValidPoint(hex.decode(e)), `${group}: ${e} refused`);
}
// Scalars: (a + b) - b = a, a * 1 = a, a + (-a) = 0; random scalars differ.
const a = na.scalarRandom(), b = na.scalarRandom(), one = new Uint8Array(32); one[0] = 1;
expect(hex.encode(na.scalarSub(na.scalarAdd(a, b), b)) === hex.encode(a), "(a + b) - b = a");
expect(hex.encode(na.scalarMul(a, one)) === hex.encode(a), "a * 1 = a");
expect(na.scalarAdd(a, na.scalarNegate(a)).every((v) => v === 0), "a + (-a) = 0");
expect(hex.encode(a) !== hex.encode(b), "random scalars differ");
// (a*B) + (b*B) = (a + b)*B.
expect(hex.encode(na.add(na.mulBase(a), na.mulBase(b))) === hex.encode(na.mulBase(na.scalarAdd(a, b))), "aB + bB = (a+b)B");
// SHA-512 and SHA-256 of "abc" (FIPS 180-2).
const abc = new TextEncoder().encode("abc");
expect(hex.encode(na.sha512(abc)).startsWith("ddaf35a193617aba"), "SHA-512(abc)");
expect(hex.encode(na.sha256(abc)) === "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256(abc)");
// Ed25519 RFC 8032 test 1: empty message.
const kp = na.signKeyPair(hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
expect(hex.encode(kp.publicKey) === "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "RFC 8032 public key");
const sig = na.sign(new Uint8Array(0), kp.secretKey);
expect(hex.encode(sig) === "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", "RFC 8032 signature");
expect(na.verify(sig, new Uint8Array(0), kp.publicKey), "signature verifies");
sig[0] ^= 1;
expect(!na.verify(sig, new Uint8Array(0), kp.publicKey), "a flipped bit is refused");
let threw = false; try { na.mulBase(new Uint8Array(31)); } catch { threw = true; }
expect(threw, "a short scalar is refused");
console.log(`${checks} checks passed`);
