// 通知设置: turning push notifications on and off for this phone. Permission is asked only
// when the volunteer taps 开启通知, never on load. Where push cannot work the page says why
// and what to do; the inbox works either way.

import * as outbox from "./outbox.js";

const section = () => document.getElementById("push-settings");

function explain(code) {
  for (const box of section().querySelectorAll("[data-why]")) box.hidden = box.dataset.why !== code;
}

function say(key) {
  document.getElementById("push-state").textContent = document.getElementById("push-why").dataset[key] || "";
}

/** Why push cannot work in this browser, or null. */
export function blocker() {
  const agent = navigator.userAgent;
  if (/MicroMessenger/i.test(agent)) return "wechat";
  const ios = /iPhone|iPad|iPod/.test(agent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const standalone = navigator.standalone === true || matchMedia("(display-mode: standalone)").matches;
  if (ios && !standalone) return "ios_install";
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return "unsupported";
  }
  if (Notification.permission === "denied") return "denied";
  return null;
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function tell(path, body) {
  const response = await fetch(path, {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null);
  return Boolean(response && response.ok);
}

async function subscription() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

async function render() {
  const why = blocker();
  const current = why ? null : await subscription().catch(() => null);
  document.getElementById("push-on").hidden = Boolean(why) || Boolean(current);
  document.getElementById("push-off").hidden = !current;
  if (why) explain(why);
  say(current ? "on" : "off");
  return current;
}

async function turnOn() {
  say("working");
  explain(null);
  // Asked here, on the tap: a browser refuses (or remembers a refusal for) an unasked prompt.
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    await render();
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  let current;
  try {
    current = await registration.pushManager.subscribe({ userVisibleOnly: true,
      applicationServerKey: keyBytes(section().dataset.publicKey) });
  } catch {
    await render();
    explain("blocked");
    return;
  }
  const told = await tell("/api/push/subscriptions", { ...current.toJSON(), device_id: await outbox.deviceId() });
  await render();
  if (!told) explain("failed");
}

async function turnOff() {
  say("working");
  const current = await subscription().catch(() => null);
  if (current) {
    await tell("/api/push/subscriptions/delete", { endpoint: current.endpoint });
    await current.unsubscribe().catch(() => undefined);
  }
  await render();
}

/** Set the page up (once per page). */
export async function show() {
  const box = section();
  if (!box || box.dataset.ready) return;
  box.dataset.ready = "1";
  document.getElementById("push-on").onclick = () => turnOn();
  document.getElementById("push-off").onclick = () => turnOff();
  const current = await render();
  // The server may have dropped it (a push service said it was gone): tell it again.
  if (current) await tell("/api/push/subscriptions", { ...current.toJSON(), device_id: await outbox.deviceId() });
}
