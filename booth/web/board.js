// Requests from the pages to the board: a refusal the reader can act on (an "error.CODE" text in
// i18n.js) is said in the reader's language; any other in the board's words; no answer at all as
// "the board cannot be reached".
import { t, hasText } from "./i18n.js";

export async function api(path, options = {}) {
  let response;
  try { response = await fetch(path, options); } catch { throw new Error(t("error.unreachable")); }
  const body = await response.text();
  if (!response.ok) {
    let e = null;
    try { e = JSON.parse(body); } catch { /* not JSON */ }
    const code = typeof e?.code === "string" ? e.code : "";
    throw new Error(code && hasText(`error.${code}`) ? t(`error.${code}`) : e?.message ? t("error.refused", { message: e.message }) : t("error.status", { status: response.status }));
  }
  return JSON.parse(body);
}
