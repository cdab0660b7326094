// The page script: CSRF header for htmx, the location button, capture into the outbox,
// and the triggers that drain it (load, online, visible again, a timer, after a capture).

import * as outbox from "./outbox.js";
import * as backoff from "./backoff.js";
import { CHANNEL, SYNC_TAG, drain } from "./drain.js";
import { captures, prepareForms, setUpCapture } from "./capture.js";
import {
  askPersistence, browserNotices, checkForUpdate, offerInstall, offlineCapable, refreshBadge,
  registerWorker,
} from "./status.js";
import { account, say, show } from "./ui.js";
import { clearDrafts, clearWhenStored, keepDrafts } from "./drafts.js";
import { overlay } from "./overlay.js";
import { forgetAccount } from "./pages.js";
import { setUpSearch, skipOfflineSearch } from "./search.js";
import { setUpFileFields } from "./attachments.js";
import { setUpDeliveryForms } from "./deliver-form.js";
import { recordReading, refreshInbox } from "./inbox.js";

const TIMER = 60_000;

function cookie(name) {
  const match = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : "";
}

// Read the token when each request leaves: a boosted page keeps an old <body>.
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRFToken"] = cookie("csrftoken");
});

// The visit form's inline check needs the server. Offline, skip it; and if the session
// ended while the volunteer types, stay on the form: saving keeps the visit on the phone.
const isCheck = (detail) => /\/check$/.test((detail.requestConfig || detail).path || "");
document.addEventListener("htmx:confirm", (event) => {
  if (navigator.onLine === false && isCheck(event.detail)) event.preventDefault();
  skipOfflineSearch(event);
});
document.addEventListener("htmx:afterRequest", clearWhenStored);
const stayOnForm = (event) => {
  if (event.detail.xhr.getResponseHeader("HX-Redirect")) event.preventDefault();
};
document.addEventListener("htmx:beforeRequest", (event) => {
  // On the element itself: the answer may come after a navigation detached it.
  if (isCheck(event.detail)) event.detail.elt.addEventListener("htmx:beforeOnLoad", stayOnForm, { once: true });
});

// A boosted link that cannot load (no network): navigate for real, the worker answers.
document.addEventListener("htmx:sendError", (event) => {
  const config = event.detail.requestConfig;
  if (config && config.boosted && config.verb === "get") location.assign(config.path);
});

function setUpLocation(root) {
  for (const box of root.querySelectorAll("[data-location]")) {
    const button = box.querySelector("[data-location-button]");
    if (!button || !("geolocation" in navigator)) continue;
    button.hidden = false;
    button.onclick = () => {
      const status = box.querySelector("[data-location-status]");
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          box.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
          box.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(6);
          box.querySelector("[name=accuracy]").value = Math.round(pos.coords.accuracy);
          status.textContent = status.dataset.done || "✓";
        },
        () => { status.textContent = status.dataset.denied || "✗"; },
        { enableHighAccuracy: true, timeout: 15000 },
      );
    };
  }
}

let retry = null;

/** Drain now and keep the badge (and the sync page, if open) up to date. */
export async function sync({ force = false } = {}) {
  if (!account() || !window.indexedDB) return null;
  const summary = await drain({ force }).catch((error) => ({ status: "error", error: String(error) }));
  if (summary.until) {
    // Backing off: try again when the wait is over, not only at the next timer tick (the
    // latest schedule wins: a reset or a success replaces a longer wait).
    clearTimeout(retry);
    retry = setTimeout(sync, Math.max(summary.until - Date.now(), 0) + 100);
  }
  await refreshBadge();
  document.dispatchEvent(new CustomEvent("doorstep:synced", { detail: summary }));
  return summary;
}

/**
 * Tell the outbox who is logged in (the worker drains for that account only). Another
 * account than last time: the pages kept for the previous one are personal data, drop them.
 */
async function rememberAccount() {
  const current = account();
  if (current !== (await outbox.getMeta("account"))) await outbox.setMeta("account", current);
  const owner = await outbox.getMeta("pages_account");
  if (current && owner !== current) {
    if (owner) await caches.delete(outbox.PAGES_CACHE);
    await outbox.setMeta("pages_account", current);
  }
  if (current && (await outbox.getMeta("login_needed")) === current) {
    await outbox.setMeta("login_needed", null); // this page came with a session
  }
  if (current && (await outbox.getMeta("account_mismatch")) === current) {
    await outbox.setMeta("account_mismatch", null); // and the session is this account's
  }
}

/**
 * Logging out: this phone keeps no pages, pulled data or drafts of the account (its unsent
 * entries stay, and go up after the next login). The form then posts as it would have.
 */
function logOut(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form[action='/logout']")) return;
  event.preventDefault();
  const leaving = account();
  clearDrafts(leaving);
  const wiped = window.indexedDB ? forgetAccount(leaving) : caches.delete(outbox.PAGES_CACHE);
  wiped.catch(() => undefined).finally(() => form.submit());
}

/** An edit that raced someone else's went through all the same: say so (the server's words). */
function tellConflicts(detail) {
  const summary = (detail && detail.summary) || detail;
  const said = summary && Array.isArray(summary.conflicts) ? summary.conflicts.filter(Boolean) : [];
  if (said.length) say([...new Set(said)].join(" "));
}

/** A form that undoes something (unpairing) asks first; without scripts it posts at once. */
function confirmFirst(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (window.confirm(form.dataset.confirm)) return;
  event.preventDefault();
  event.stopImmediatePropagation();
}

function afterCapture({ leaving = false } = {}) {
  refreshBadge();
  if (!leaving) sync();
  navigator.serviceWorker?.ready.then((r) => r.sync?.register(SYNC_TAG)).catch(() => undefined);
}

function onPage(root) {
  setUpLocation(root);
  prepareForms(root);
  // Files go only with an entry saved on the phone: a form posted to the server carries none.
  setUpFileFields(root, (form) => captures(form) && offlineCapable());
  setUpDeliveryForms(root);
  keepDrafts(root);
  setUpSearch(root);
  overlay();
  browserNotices();
  refreshBadge();
  refreshInbox();
  recordReading(offlineCapable, afterCapture);
  if (document.getElementById("sync-page")) import("./sync-page.js").then((m) => m.show(sync));
  if (document.getElementById("push-settings")) import("./push-settings.js").then((m) => m.show());
  if (root.querySelector("form[data-checkin]")) import("./checkin.js").then((m) => m.setUp(root, afterCapture, offlineCapable));
  if (root.querySelector("[data-checkin-screen]")) import("./checkin-screen.js").then((m) => m.setUp(root));
}

/**
 * A logout made with no network (the worker kept its form): tell the server now, so the
 * session ends there too, then show the login page.
 */
async function finishLogout() {
  const body = await outbox.getMeta("logout_pending");
  if (!body || navigator.onLine === false) return;
  const response = await fetch("/logout", {
    method: "POST", body, credentials: "same-origin", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  }).catch(() => null);
  if (!response) return;
  await outbox.setMeta("logout_pending", null);
  location.replace("/login");
}

async function start() {
  offerInstall();
  setUpCapture(offlineCapable, afterCapture);
  document.addEventListener("submit", logOut, true);
  window.addEventListener("submit", confirmFirst, true);
  document.addEventListener("doorstep:synced", (event) => {
    overlay();
    refreshInbox();
    tellConflicts(event.detail);
  });
  onPage(document);
  document.addEventListener("htmx:afterSettle", () => onPage(document));
  if (!window.indexedDB) return;
  window.addEventListener("outbox-blocked", () => show("notice-blocked"));
  // A network back, or the volunteer looking at the app: the wait of earlier failures is
  // over. Listened for before the awaits below, so an event while they run is not missed.
  window.addEventListener("online", () => {
    finishLogout().catch(() => undefined);
    backoff.reset().then(() => sync());
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    backoff.reset().then(() => sync());
    checkForUpdate();
  });
  await finishLogout().catch(() => undefined);
  await rememberAccount().catch(() => undefined);
  registerWorker();
  // The first sync may come before the new worker is active: once it is, keep the pages.
  navigator.serviceWorker?.ready.then(async () => {
    if (account() && !(await outbox.getMeta(`pages_at:${account()}`))) sync();
  }).catch(() => undefined);
  askPersistence();
  new BroadcastChannel(CHANNEL).onmessage = (event) => {
    refreshBadge();
    document.dispatchEvent(new CustomEvent("doorstep:synced", { detail: event.data }));
  };
  setInterval(() => { if (!document.hidden) sync(); }, TIMER);
  sync();
}

start();
