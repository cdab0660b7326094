// Routing: static files cache first; pages network first (a short timeout, then the copy
// kept from the last visit, then an offline page); /api/* never cached.
// The cache API honours `Vary: HX-Request`, so fragments and full pages keep their own keys.

const NAVIGATION_TIMEOUT = 4_000;
const NOT_KEPT = /^\/(login|logout)\b/;
const ENTRY_POST = /^\/households\/(\d+)\/(visit|edit)\/?$/;

function messages() {
  const language = (self.navigator.language || "").toLowerCase().startsWith("en") ? "en" : "zh_CN";
  return CONFIG.messages[language];
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small page written here (offline, not saved): the worker has no templates. */
function notice(title, text, links, status = 200) {
  const m = messages();
  const anchors = links.map(([href, label]) => `<a class="button" href="${escape(href)}">${escape(label)}</a>`);
  const html = `<!doctype html><html lang="${m.lang}"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<link rel="stylesheet" href="/static/app.css"><main><h1>${escape(title)}</h1><p>${escape(text)}</p>
<p>${anchors.join(" ")}</p></main></html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'self'" },
  });
}

function offlinePage() {
  const m = messages();
  return notice(m.offline_title, m.offline_text, [["/", m.today], ["/sync", m.sync]]);
}

async function keep(request, response) {
  const path = new URL(request.url).pathname;
  if (response.ok && response.type === "basic" && !response.redirected && !NOT_KEPT.test(path)) {
    await (await caches.open(outbox.PAGES_CACHE)).put(request, response.clone());
  }
}

async function kept(request) {
  const cache = await caches.open(outbox.PAGES_CACHE);
  return (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true }));
}

async function page(event) {
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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== location.origin) {
    if (request.method === "GET" && url.href === CONFIG.htmxUrl) event.respondWith(htmxFile(request));
    return;
  }
  if (request.method === "POST" && ENTRY_POST.test(url.pathname)) {
    event.respondWith(postEntryForm(request));
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(shellFile(request));
  } else if (request.mode === "navigate" || request.headers.get("HX-Request")) {
    event.respondWith(page(event));
  }
});
