// Drains started by the worker: Background Sync (Chromium), a push message, or a page
// asking. The page drains on its own triggers too; the Web Lock in drain() keeps them apart.

import * as outbox from "/static/outbox.js";
import { announce, drain } from "/static/drain.js";
import { refreshPages } from "/static/pages.js";

/** Pauses between tries inside one `sync` event (ms): about half a minute in all. */
const RETRY_PAUSES = [1000, 3000, 7000, 15000];

/**
 * Aborted when the page's 更新 was tapped: a worker busy with an event is not replaced until
 * the event ends, so this one stops retrying and lets the new version take over at once.
 */
const replaced = new AbortController();

/** Wait `ms`, or less when the worker is asked to give way (every pause under way wakes). */
const pause = (ms) => new Promise((resolve) => {
  if (replaced.signal.aborted) return resolve();
  const done = () => {
    clearTimeout(timer);
    replaced.signal.removeEventListener("abort", done);
    resolve();
  };
  const timer = setTimeout(done, ms);
  replaced.signal.addEventListener("abort", done);
});

/** The page is about to activate the waiting worker: end the tries in progress. */
export function giveWay() {
  replaced.abort();
}

/**
 * A Background Sync drain: a rejected promise makes the browser fire `sync` again later.
 * The browser fires `sync` when it has a network and spaces its own retries, so the open
 * app's back-off does not hold it (with the app closed nothing else would send). The
 * browser's own next try is minutes away, while a network that has just come back often
 * needs a few seconds before requests go through (the radio still attaching, the worker
 * still seeing offline, a server that is starting): so a few short tries come first.
 */
export async function drainOrRetry() {
  let summary = await drain({ force: true });
  for (const ms of RETRY_PAUSES) {
    if (summary.status !== "offline" && summary.status !== "error") return;
    await pause(ms);
    if (replaced.signal.aborted) break; // the browser fires `sync` again, at the new worker
    summary = await drain({ force: true });
  }
  if (summary.status === "offline" || summary.status === "error") throw new Error(summary.status);
}

/**
 * Keep the scope's pages for `account`, all or those of the `touched` households (a page
 * that synced asks: the worker's work outlives the page, so a navigation does not cut the
 * re-caching short).
 */
export async function recache(account, touched = null) {
  if ((await outbox.getMeta("account")) !== account) return;
  if (await refreshPages(account, touched)) announce({ type: "pages", account });
}
