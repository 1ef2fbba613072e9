// Runs the booth's receipt check on cases from the Swift tests (BoardServerTests/BoothReceiptTests):
// node booth/test/check-receipt.mjs WASM INPUT.json, INPUT = { boardKey, ballotHash, ballotJSON,
// cases: [receipt, ...] }; prints one result per case, "ok" or the problem's code.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { loadSodium, hex } from "../web/sodium.js";
import { receiptProblem } from "../web/receipt.js";

const [wasmPath, inputPath] = process.argv.slice(2);
const na = await loadSodium(readFileSync(wasmPath), webcrypto);
const input = JSON.parse(readFileSync(inputPath, "utf8"));
const sent = { boardKey: hex.decode(input.boardKey), ballotHash: hex.decode(input.ballotHash), ballotJSON: input.ballotJSON };
console.log(JSON.stringify(input.cases.map((r) => receiptProblem(na, r, sent) ?? "ok")));
