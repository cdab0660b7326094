// The household list filters in the page as the volunteer types (name, village, phone,
// code: each row's `data-search`), at once and with no network; online, htmx then brings
// the server's answer. Offline the request is not even tried.

import { message } from "./ui.js";

function filter(query) {
  const list = document.getElementById("household-list");
  if (!list) return;
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const row of list.querySelectorAll("li[data-search]")) {
    const text = row.dataset.search.toLowerCase();
    row.hidden = !words.every((word) => text.includes(word));
    if (!row.hidden) shown += 1;
  }
  let none = list.querySelector("[data-filtered-out]");
  if (!shown && !none && list.querySelector("li[data-search]")) {
    none = document.createElement("li");
    none.className = "muted";
    none.dataset.filteredOut = "1";
    none.textContent = message("noMatch");
    list.append(none);
  }
  if (none) none.hidden = shown > 0;
  const count = document.getElementById("result-count");
  if (count && list.querySelector("li[data-search]")) count.textContent = message("households", { n: shown });
}

/** Filter the rows on the page by what the search box holds (after each swap, too). */
export function setUpSearch(root) {
  const input = root.querySelector("form[role=search] #q");
  if (!input) return;
  filter(input.value);
  if (input.dataset.filtering) return;
  input.dataset.filtering = "1";
  input.addEventListener("input", () => filter(input.value));
}

/** Offline, the search box's request would only fail (or find an old copy): skip it. */
export function skipOfflineSearch(event) {
  const element = event.detail.elt;
  if (navigator.onLine === false && element && element.matches && element.matches("form[role=search]")) {
    event.preventDefault();
  }
}
