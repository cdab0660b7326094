// Push: the doorbell on top of the inbox. A push names only what kind of thing happened and
// the page to open; the worker shows the phone's own words for it (a repeat carries the same
// tag and replaces the first), drains the outbox (the server is reachable), and a tap opens
// the page, from the kept copy when there is no network.

import { CONFIG } from "/sw/config.js";
import * as outbox from "/static/outbox.js";
import { drain } from "/static/drain.js";
import { messages } from "/sw/notices.js";

function target(path) {
  return typeof path === "string" && path.startsWith("/") && !path.startsWith("//") ? path : "/inbox";
}

/** The `push` event: show the notification and drain. */
export function onPush(event) {
  let data = {};
  try {
    data = (event.data && event.data.json()) || {};
  } catch {
    data = {};
  }
  const m = messages();
  const kind = typeof data.kind === "string" ? data.kind : "";
  const path = target(data.path);
  const shown = self.registration.showNotification(m[`push_${kind}`] || m.push_default, {
    body: m.push_body, tag: typeof data.tag === "string" ? data.tag : path, data: { path },
    icon: "/static/icons/icon-192.png", lang: m.lang,
  });
  // The server rang: it is reachable now, so the back-off does not apply.
  return Promise.all([shown, drain({ force: true }).catch(() => undefined)]);
}

/** A tap: open the notification's page in a window of the app, else a new one. */
export async function onClick(event) {
  event.notification.close();
  const url = new URL(target(event.notification.data && event.notification.data.path), location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (client.url.startsWith(location.origin) && "navigate" in client) {
      const opened = await client.navigate(url).catch(() => null);
      if (opened) return opened.focus().catch(() => opened);
    }
  }
  return self.clients.openWindow(url);
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** The push service replaced the subscription: subscribe again and tell the server. */
export async function onSubscriptionChange(event) {
  const old = event.oldSubscription;
  const fresh = event.newSubscription || (await self.registration.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: keyBytes(CONFIG.vapidPublicKey) }));
  await fetch("/api/push/subscriptions", {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...fresh.toJSON(), device_id: await outbox.deviceId(),
      replaces: old ? old.endpoint : null }),
  });
}
