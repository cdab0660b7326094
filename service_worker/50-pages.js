// Keeping the scope's pages: a page that synced asks the worker, whose work outlives the
// page (a navigation does not cut the re-caching short).

import { refreshPages } from "/static/pages.js";
import { announce } from "/static/drain.js";

self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "recache") return;
  const account = String(event.data.account);
  event.waitUntil(
    (async () => {
      if ((await outbox.getMeta("account")) !== account) return;
      if (await refreshPages(account)) announce({ type: "pages", account });
    })(),
  );
});
