// Encrypts a ballot with the booth's code, for the Swift cross-check (ProtocolTests/BoothCryptoTests):
// node booth/test/make-ballot.mjs WASM INPUT.json prints { ballot, spoiled, hash, trackingCode, publicKey, reveals }
// or, for a refused credential, { error: code }.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { loadSodium, hex } from "../web/sodium.js";
import { parseCredential, encryptBallot, ballotJSON, spoiledBallotJSON, trackingCode, CredentialError } from "../web/ballot.js";

const [wasmPath, inputPath] = process.argv.slice(2);
const na = await loadSodium(readFileSync(wasmPath), webcrypto);
const input = JSON.parse(readFileSync(inputPath, "utf8"));
let credential;
try {
  credential = parseCredential(na, input.credential, input.electionId);
} catch (e) {
  if (e instanceof CredentialError) { console.log(JSON.stringify({ error: e.code })); process.exit(0); }
  throw e;
}
const election = { ...input, contextHash: hex.decode(input.contextHash), jointKey: hex.decode(input.jointKey) };
const { ballot, hash, reveals } = encryptBallot(na, election, credential, input.choices);
console.log(JSON.stringify({
  ballot: ballotJSON(ballot, hex.encode),
  spoiled: spoiledBallotJSON(ballot, reveals, hex.encode),
  hash: hex.encode(hash),
  trackingCode: trackingCode(hash),
  publicKey: hex.encode(credential.publicKey),
  reveals: reveals.map((q) => q.map((s) => ({ value: s.value, nonce: hex.encode(s.nonce) }))),
}));
