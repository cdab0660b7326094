// Drains started by the worker: Background Sync (Chromium), a push message, or a page
// asking. The page drains on its own triggers too; the Web Lock in drain() keeps them apart.

import * as outbox from "/static/outbox.js";
import { announce, drain } from "/static/drain.js";
import { refreshPages } from "/static/pages.js";

/**
 * A Background Sync drain: a rejected promise makes the browser fire `sync` again later.
 * The browser fires `sync` when it has a network and spaces its own retries, so the open
 * app's back-off does not hold it (with the app closed nothing else would send).
 */
export async function drainOrRetry() {
  const summary = await drain({ force: true });
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
