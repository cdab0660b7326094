// Pages: network first (a short timeout, then the copy kept from the last visit, then an
// offline page). The cache API honours `Vary: HX-Request`, so fragments and full pages keep
// their own keys.

import { PAGES_CACHE } from "/static/outbox.js";
import { offlinePage } from "/sw/notices.js";

const NAVIGATION_TIMEOUT = 4_000;
const NOT_KEPT = /^\/(login|logout)\b/;

async function keep(request, response) {
  const path = new URL(request.url).pathname;
  if (response.ok && response.type === "basic" && !response.redirected && !NOT_KEPT.test(path)) {
    await (await caches.open(PAGES_CACHE)).put(request, response.clone());
  }
}

/** An activity's check-in page: the kept /checkin page serves it (its script reads the address). */
const CHECKIN = /^\/checkin\/\d+\/?$/;

async function kept(request) {
  const cache = await caches.open(PAGES_CACHE);
  const copy = (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true }));
  if (copy || !CHECKIN.test(new URL(request.url).pathname)) return copy;
  return cache.match("/checkin", { ignoreVary: true });
}

/** Answer a page request (`event`: its fetch event, which the network copy outlives). */
export async function page(event) {
  const request = event.request;
  const network = fetch(request).then(async (response) => {
    await keep(request, response);
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  const slow = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT, "slow"));
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow") return first;
    return (await kept(request)) || (await network);
  } catch {
    const copy = await kept(request);
    if (copy) return copy;
    return request.mode === "navigate" ? offlinePage() : Response.error();
  }
}
