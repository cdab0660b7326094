// The worker's caches. One prefix; the shell cache carries the deploy's version and
// `activate` deletes the old ones. htmx sits in a cache of its own, filled apart from the
// all-or-nothing shell, so a blocked CDN never fails an install.

import { CONFIG } from "/sw/config.js";

const PREFIX = "doorstep-";
const SHELL = `${PREFIX}shell-${CONFIG.version}`;
const HTMX = `${PREFIX}htmx`;
const HTMX_TIMEOUT = 10_000;

/** Fill this deploy's shell cache (all or nothing) and, if the CDN answers, the htmx cache. */
export async function cacheShell() {
  const shell = await caches.open(SHELL);
  // `reload`: never take a file from the HTTP cache, it may be the previous deploy's.
  await shell.addAll(CONFIG.shell.map((url) => new Request(url, { cache: "reload" })));
  try {
    const htmx = await caches.open(HTMX);
    if (!(await htmx.match(CONFIG.htmxUrl))) {
      // A CDN that accepts the connection and never answers must not hold the install.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), HTMX_TIMEOUT);
      const { signal } = timeout;
      await htmx.add(new Request(CONFIG.htmxUrl, { mode: "cors", integrity: CONFIG.htmxIntegrity, signal }))
        .finally(() => clearTimeout(timer));
    }
  } catch (error) {
    console.warn("htmx not cached; pages load it from the network", error);
  }
}

/** Delete the shells of earlier deploys and any htmx other than this deploy's. */
export async function dropOldCaches() {
  for (const name of await caches.keys()) {
    if (name.startsWith(`${PREFIX}shell-`) && name !== SHELL) await caches.delete(name);
  }
  const htmx = await caches.open(HTMX);
  for (const request of await htmx.keys()) {
    if (request.url !== CONFIG.htmxUrl) await htmx.delete(request);
  }
}

/** A static file from this deploy's shell, else the network, else any older copy. */
export async function shellFile(request) {
  const own = await (await caches.open(SHELL)).match(request);
  if (own) return own;
  try {
    return await fetch(request);
  } catch (error) {
    const any = await caches.match(request);
    if (any) return any;
    throw error;
  }
}

/** htmx from its own cache (it never changes under one URL), else the network. */
export async function htmxFile(request) {
  return (await caches.match(CONFIG.htmxUrl, { cacheName: HTMX })) || fetch(request);
}
