// The shell cache: one prefix plus the deploy's version; activate deletes the rest.
// CONFIG (version, shell, htmxUrl) is prepended by the server when it serves /sw.js.

const PREFIX = "doorstep-";
const SHELL = `${PREFIX}shell-${CONFIG.version}`;

async function cacheShell() {
  const cache = await caches.open(SHELL);
  await cache.addAll(CONFIG.shell);
  // Cross-origin and optional: a blocked CDN must not fail the whole install.
  try {
    await cache.add(new Request(CONFIG.htmxUrl, { mode: "cors", integrity: CONFIG.htmxIntegrity }));
  } catch (error) {
    console.warn("htmx not cached", error);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(`${PREFIX}shell-`) && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const isShell = url.origin === location.origin ? url.pathname.startsWith("/static/") : url.href === CONFIG.htmxUrl;
  if (isShell) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then((hit) => hit || fetch(request)));
  }
});
