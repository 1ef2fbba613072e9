// Checks the pages' texts (booth/web/i18n.js): every language has every English key, with the same
// {placeholders}; the language is picked from ?lang=, then the browser's list, then English.
// Prints a JSON array of problems (empty when all is well).
import { allTexts, pickLanguage, LANGUAGES } from "../web/i18n.js";

const problems = [];
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");
for (const lang of Object.keys(LANGUAGES)) {
  for (const [key, text] of Object.entries(allTexts.en)) {
    const other = allTexts[lang][key];
    if (typeof other !== "string" || other.length === 0) problems.push(`${lang}: no text for ${key}`);
    else if (placeholders(other) !== placeholders(text)) problems.push(`${lang}: ${key} has {${placeholders(other)}}, English {${placeholders(text)}}`);
  }
  for (const key of Object.keys(allTexts[lang])) if (!(key in allTexts.en)) problems.push(`${lang}: ${key} is not an English key`);
}
const picks = [
  [pickLanguage("?lang=ru", ["uk"]), "ru"], [pickLanguage("", ["uk-UA", "en"]), "uk"], [pickLanguage("", ["de", "ru-RU"]), "ru"],
  [pickLanguage("?lang=xx", ["fr"]), "en"], [pickLanguage("", []), "en"],
];
picks.forEach(([got, want], i) => { if (got !== want) problems.push(`pick ${i}: ${got}, expected ${want}`); });
console.log(JSON.stringify(problems));
process.exitCode = problems.length ? 1 : 0;
