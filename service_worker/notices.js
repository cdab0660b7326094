// Small pages the worker writes itself (offline, not saved): it has no templates, so its
// texts come with the deploy's configuration in both languages.

import { CONFIG } from "/sw/config.js";

/** The worker's texts in the phone's language. */
export function messages() {
  const language = (self.navigator.language || "").toLowerCase().startsWith("en") ? "en" : "zh_CN";
  return CONFIG.messages[language];
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page with a title, a line of text and links (`[href, label]` pairs). */
export function notice(title, text, links, status = 200) {
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

/** A page never opened on this phone, asked for without a network. */
export function offlinePage() {
  const m = messages();
  return notice(m.offline_title, m.offline_text, [["/", m.today], ["/sync", m.sync]]);
}
