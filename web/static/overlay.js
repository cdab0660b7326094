// What a kept page cannot know: the entries still waiting on this phone. The household page's
// visit history gets them, marked 待同步; rows of 今天 and the household list get a mark.

import * as outbox from "./outbox.js";
import { account, message, shortTime } from "./ui.js";

function pendingItem(record) {
  const item = document.createElement("li");
  item.className = "row visit";
  item.dataset.entry = record.id;
  item.dataset.pending = "1";
  const line = document.createElement("p");
  const time = document.createElement("strong");
  time.textContent = shortTime(record.data.visited_at || record.recorded_at);
  line.append(time, " ", mark());
  item.append(line);
  return item;
}

function mark() {
  const span = document.createElement("span");
  span.className = "pending-mark";
  span.textContent = message("pendingMark");
  return span;
}

function history(list, waiting) {
  for (const old of list.querySelectorAll("[data-pending]")) old.remove();
  const shown = new Set([...list.querySelectorAll("[data-entry]")].map((li) => li.dataset.entry));
  const mine = waiting.filter((r) => r.kind === "visit" && String(r.data.household_id) === list.dataset.household
    && !shown.has(r.id));
  // Newest first, as the server lists them.
  list.prepend(...mine.reverse().map(pendingItem));
  const none = list.querySelector("#no-visits");
  if (none) none.hidden = list.querySelector("[data-entry]") !== null;
}

function rows(waiting) {
  const households = new Set(waiting.map((r) => String(r.data.household_id || "")));
  for (const row of document.querySelectorAll("#today-list [data-household], #household-list [data-household]")) {
    const has = households.has(row.dataset.household);
    const old = row.querySelector(":scope > .pending-mark");
    if (has && !old) row.append(mark());
    if (!has && old) old.remove();
  }
}

/** Show this account's unsent entries on the page as it is now. */
export async function overlay() {
  if (!account() || !window.indexedDB) return;
  const records = await outbox.all(account()).catch(() => []);
  const waiting = records.filter((r) => outbox.UNSENT.includes(r.state));
  const list = document.querySelector("#visit-history[data-household]");
  if (list) history(list, waiting);
  rows(waiting);
}
