// The board's front page: its elections, each with its observers' page and its voting page.
import { t, localized, languageSwitch } from "./i18n.js";

const $ = (id) => document.getElementById(id);

async function render() {
  let board;
  try { board = await (await fetch("/board")).json(); } catch { $("error").textContent = t("error.unreachable"); return; }
  const items = [];
  for (const id of board.elections) {
    const li = document.createElement("li"), a = document.createElement("a"), vote = document.createElement("a");
    a.href = `/elections/${encodeURIComponent(id)}/${location.search}`;
    a.textContent = id;
    try { a.textContent = localized((await (await fetch(`/elections/${encodeURIComponent(id)}/manifest`)).json()).title); } catch { /* the id stays */ }
    vote.href = `/elections/${encodeURIComponent(id)}/vote${location.search}`;
    vote.textContent = t("site.vote");
    li.append(a, " · ", vote);
    items.push(li);
  }
  $("elections").replaceChildren(...items);
  document.body.dataset.ready = "true";
}

languageSwitch($("language"), render);
render();
