// Runs the page's check of a tracked ballot on cases from the Swift tests
// (BoardServerTests/BallotTrackTests): node booth/test/check-track.mjs WASM INPUT.json, INPUT =
// { boardKey, cases: [{ asked, answer, receipt }] }; prints one result per case, "ok" or the problem's code.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { loadSodium, hex } from "../web/sodium.js";
import { trackProblem } from "../web/receipt.js";

const [wasmPath, inputPath] = process.argv.slice(2);
const na = await loadSodium(readFileSync(wasmPath), webcrypto);
const input = JSON.parse(readFileSync(inputPath, "utf8"));
const boardKey = hex.decode(input.boardKey);
console.log(JSON.stringify(input.cases.map((c) => trackProblem(na, c.answer, { boardKey, asked: c.asked, receipt: c.receipt }) ?? "ok")));
