// Drains started by the worker: Background Sync (Chromium), a push message, or a page
// asking. The page drains on its own triggers too; the Web Lock in drain() keeps them apart.

async function drainOrRetry() {
  const summary = await drain();
  // A rejected promise tells the browser to fire `sync` again later, with its own back-off.
  if (summary.status === "offline" || summary.status === "error") throw new Error(summary.status);
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(drainOrRetry());
});

self.addEventListener("push", (event) => {
  // The server rang: it is reachable now, so the back-off does not apply.
  event.waitUntil(drain({ force: true }));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "drain") event.waitUntil(drain({ force: Boolean(event.data.force) }));
});
