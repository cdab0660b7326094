// What the volunteer sees of the machinery: the header badge, notices (log in again, a new
// version, a browser that cannot work offline), and the worker's registration and updates.

import * as outbox from "./outbox.js";
import { account, message, shortTime, show } from "./ui.js";

let waiting = null;
let installPrompt = null;
let installLater = false;
let workerFailed = false;
let registered = null;
let lastCheck = 0;

/** Pending count and last successful sync in the header badge. */
export async function refreshBadge() {
  const badge = document.getElementById("sync-badge");
  if (!badge || !account()) return null;
  const counts = await outbox.counts(account());
  const last = await outbox.getMeta(`last_sync:${account()}`);
  badge.dataset.pending = String(counts.pending);
  badge.dataset.rejected = String(counts.rejected);
  document.getElementById("pending-count").textContent = String(counts.pending);
  // Refused entries must be found without opening 同步: the header and 今天 say so.
  for (const id of ["rejected-count", "attention-count"]) {
    const count = document.getElementById(id);
    if (count) count.textContent = String(counts.rejected);
  }
  show("rejected-badge", counts.rejected > 0);
  show("attention-line", counts.rejected > 0);
  document.getElementById("last-sync").textContent =
    last ? message("lastSync", { time: shortTime(last) }) : message("neverSynced");
  const loginNeeded = (await outbox.getMeta("login_needed")) === account();
  const link = document.querySelector("#notice-login a");
  if (link) link.search = `?next=${encodeURIComponent(location.pathname + location.search)}`;
  show("notice-login", loginNeeded);
  show("notice-mismatch", Boolean(await outbox.getMeta("account_mismatch")));
  show("notice-revoked", Boolean(await outbox.getMeta("revoked")));
  show("notice-cross-site", (await outbox.getMeta("cross_site")) === account());
  return { ...counts, last };
}

/** True when entries can wait on this phone: a worker to open pages offline, IndexedDB. */
export function offlineCapable() {
  return "serviceWorker" in navigator && Boolean(window.indexedDB) && !workerFailed;
}

/** Notices that depend only on the browser; shown again after each htmx swap. */
export function browserNotices() {
  const agent = navigator.userAgent;
  const wechat = /MicroMessenger/i.test(agent);
  const standalone = navigator.standalone || matchMedia("(display-mode: standalone)").matches;
  show("notice-wechat", wechat);
  show("notice-ios", !wechat && /iPhone|iPad|iPod/.test(agent) && !standalone);
  show("notice-no-worker", !wechat && !offlineCapable());
  show("notice-update", Boolean(waiting && navigator.serviceWorker.controller));
  show("notice-install", Boolean(installPrompt) && !standalone && !installLater);
}

/**
 * Offer 安装 where the browser can install the app (Android's `beforeinstallprompt`); iOS
 * has no such event, its steps are the notice-ios text. Asked before the first capture:
 * an app on the home screen keeps its storage (iOS deletes a site's after 7 days unused).
 */
export function offerInstall() {
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // the app asks at its own moment, with its own words
    installPrompt = event;
    browserNotices();
  });
  window.addEventListener("appinstalled", () => {
    installPrompt = null;
    browserNotices();
  });
  document.addEventListener("click", async (event) => {
    if (event.target.closest("#install-later")) {
      installLater = true;
      browserNotices();
    }
    if (!event.target.closest("#install-now") || !installPrompt) return;
    const asked = installPrompt;
    installPrompt = null; // a prompt can be shown once
    await asked.prompt();
    const choice = await asked.userChoice.catch(() => null);
    if (!choice || choice.outcome !== "accepted") installLater = true;
    browserNotices();
  });
}

function offerUpdate(worker) {
  waiting = worker;
  browserNotices();
}

function watch(registration) {
  if (registration.waiting) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    if (!incoming) return;
    incoming.addEventListener("statechange", () => {
      if (incoming.state === "installed" && navigator.serviceWorker.controller) offerUpdate(incoming);
    });
  });
}

/** Register /sw.js (a module worker) and offer 更新 when a new version waits. */
export async function registerWorker() {
  if (!("serviceWorker" in navigator)) return null;
  let reloading = false;
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#update-now") || !waiting) return;
    reloading = true;
    const inCharge = navigator.serviceWorker.controller;
    if (inCharge && inCharge !== waiting) inCharge.postMessage({ type: "give-way" });
    waiting.postMessage({ type: "skip-waiting" });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!reloading) return;
    reloading = false;
    location.reload();
  });
  try {
    const registration = await navigator.serviceWorker.register("/sw.js", {
      type: "module", scope: "/", updateViaCache: "none" });
    watch(registration);
    registered = registration;
    lastCheck = Date.now();
    return registration;
  } catch (error) {
    console.warn("no offline support", error);
    workerFailed = true;
    browserNotices();
    return null;
  }
}

/**
 * Look for a new version now and then: htmx navigations never reload the page, so the
 * browser's own check (on each real navigation) may not run for hours.
 */
export function checkForUpdate() {
  if (!registered || Date.now() - lastCheck < 10 * 60_000) return;
  lastCheck = Date.now();
  registered.update().catch(() => undefined);
}

/** Ask the browser not to evict the outbox under storage pressure. */
export async function askPersistence() {
  try {
    if (navigator.storage && navigator.storage.persist && !(await navigator.storage.persisted())) {
      await navigator.storage.persist();
    }
  } catch { /* the browser decides; entries are kept either way until it needs the space */ }
}
