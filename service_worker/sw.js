// The service worker, served at /sw.js as a module worker. The server writes one line
// before this file naming the deploy's version, a content hash of every module imported
// here (and of the deploy's settings in /sw/config.js), so any change installs anew.
//
// Routing: static files cache first; pages network first; entry forms through to the
// server, else into the outbox; /api/* never cached. Push notifications: push.js. Messages from pages go through one
// dispatcher below.

import { CONFIG } from "/sw/config.js";
import * as outbox from "/static/outbox.js";
import { SYNC_TAG, drain } from "/static/drain.js";
import { entryForm } from "/static/forms.js";
import { cacheShell, dropOldCaches, htmxFile, shellFile } from "/sw/caches.js";
import { postEntryForm, postLogout } from "/sw/forms.js";
import { page } from "/sw/pages.js";
import { onClick, onPush, onSubscriptionChange } from "/sw/push.js";
import { drainOrRetry, giveWay, recache } from "/sw/sync.js";

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      await dropOldCaches();
      await outbox.setMeta("app_version", `${CONFIG.appVersion}+${CONFIG.version}`);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== location.origin) {
    if (request.method === "GET" && url.href === CONFIG.htmxUrl) event.respondWith(htmxFile(request));
    return;
  }
  if (request.method === "POST" && entryForm(url)) {
    event.respondWith(postEntryForm(request));
    return;
  }
  if (request.method === "POST" && url.pathname === "/logout") {
    event.respondWith(postLogout(request));
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(shellFile(request));
  } else if (request.mode === "navigate" || request.headers.get("HX-Request")) {
    event.respondWith(page(event));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(drainOrRetry());
});

self.addEventListener("push", (event) => {
  event.waitUntil(onPush(event));
});

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(onClick(event));
});

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(onSubscriptionChange(event));
});

/** What a page may ask of the worker, by message `type`. */
const ASKED = {
  // The page's 更新 button: the waiting worker takes over, the page reloads.
  "skip-waiting": () => self.skipWaiting(),
  // Told to the worker in charge at the same moment, so that its retries do not hold it.
  "give-way": () => giveWay(),
  drain: (data) => drain({ force: Boolean(data.force) }),
  recache: (data) => recache(String(data.account),
    Array.isArray(data.households) ? data.households.map(String) : null),
};

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (typeof type === "string" && Object.hasOwn(ASKED, type)) {
    event.waitUntil(Promise.resolve(ASKED[type](event.data)));
  }
});
