// The drain: sends the logged-in account's entries to POST /api/sync/push in capture order.
// Page and worker both call drain(); a Web Lock lets only one run at a time, so no
// entry is ever in two requests at once. The server stores each id at most once anyway.

import * as outbox from "./outbox.js";
import { forgetAccount, refreshPages } from "./pages.js";
import { pull } from "./pull.js";

const LOCK = "doorstep-drain";
const BATCH = 50;
const DELIVERED = ["accepted", "duplicate", "conflict"];
const BASE_DELAY = 2_000;
const MAX_DELAY = 15 * 60_000;
const FETCH_TIMEOUT = 60_000;
export const CHANNEL = "doorstep-outbox";
/** The Background Sync tag of a drain (registered by the page and the worker). */
export const SYNC_TAG = "doorstep-drain";

/** Tell every page and the worker that the outbox changed (`detail`: what happened). */
export function announce(detail) {
  try {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(detail);
    channel.close();
  } catch { /* no BroadcastChannel: pages refresh on their own triggers */ }
}

function retryAfter(response) {
  const value = response.headers.get("Retry-After");
  if (!value) return 0;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(value) - Date.now());
}

async function backOff(minimum = 0) {
  const previous = (await outbox.getMeta("backoff")) || { failures: 0 };
  const failures = previous.failures + 1;
  const delay = Math.min(BASE_DELAY * 2 ** (failures - 1), MAX_DELAY) * (0.5 + Math.random() / 2);
  const until = Date.now() + Math.max(delay, minimum);
  await outbox.setMeta("backoff", { failures, until });
  return until;
}

function pushBody(account, device, appVersion, counts, batch) {
  // The entries are spliced in as stored: the bytes first sent are the bytes sent again.
  // `account_id`: whose entries these are; the server refuses them under another session.
  const head = JSON.stringify({ device_id: device, account_id: Number(account), app_version: appVersion,
    pending_count: counts.device, oldest_pending_at: counts.oldest, device_time: new Date().toISOString() });
  return `${head.slice(0, -1)},"entries":[${batch.map((r) => r.body).join(",")}]}`;
}

async function send(account, batch) {
  const [device, appVersion, counts] = await Promise.all([
    outbox.deviceId(), outbox.getMeta("app_version"), outbox.counts(account)]);
  await outbox.update(batch.map((r) => r.id), (r) => { r.state = "sending"; r.attempts += 1; });
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), FETCH_TIMEOUT);
  try {
    return await fetch("/api/sync/push", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: pushBody(account, device, (appVersion || "").slice(0, 32), counts, batch),
      credentials: "same-origin",
      cache: "no-store",
      signal: timeout.signal,
    });
  } catch {
    return null; // no network, or the server went away mid-request
  } finally {
    clearTimeout(timer);
  }
}

async function apply(batch, results) {
  const byId = new Map(results.map((r) => [r.id, r]));
  const now = new Date().toISOString();
  let rejected = 0;
  await outbox.update(batch.map((r) => r.id), (record) => {
    const result = byId.get(record.id);
    if (!result) return;
    if (DELIVERED.includes(result.status)) {
      // A conflict went through too; `note` keeps what the server said about it.
      Object.assign(record, { state: "synced", synced_at: now, code: result.status,
        note: result.status === "conflict" ? result.error || "" : "" });
    } else if (result.status === "rejected") {
      Object.assign(record, { state: "rejected", code: result.code, last_error: result.error });
      rejected += 1;
    } else {
      Object.assign(record, { state: "pending", code: result.code, last_error: result.error });
    }
  });
  return { delivered: results.filter((r) => DELIVERED.includes(r.status)).length, rejected,
    retry: results.filter((r) => r.status === "retry").length,
    conflicts: results.filter((r) => r.status === "conflict").map((r) => r.error || "") };
}

/** A coordinator revoked this phone: wipe the account's entries and pages, send no more. */
async function revoked(account, summary) {
  await outbox.forget(account);
  await forgetAccount(account).catch(() => undefined);
  await outbox.setMeta("revoked", true);
  return { ...summary, status: "revoked" };
}

async function pushAll(account) {
  const summary = { status: "done", delivered: 0, rejected: 0, retry: 0, conflicts: [] };
  let afterSeq = 0;
  for (;;) {
    if ((await outbox.getMeta("account")) !== account) break; // someone else logged in
    const batch = await outbox.unsent(account, afterSeq, BATCH);
    if (!batch.length) break;
    afterSeq = batch[batch.length - 1].seq;
    const response = await send(account, batch);
    if (response && (response.status === 401 || response.status === 409)) {
      // No session, or a session of another account (409 account_mismatch): keep everything.
      await outbox.update(batch.map((r) => r.id), (r) => { r.state = "pending"; });
      const mismatch = response.status === 409;
      await outbox.setMeta(mismatch ? "account_mismatch" : "login_needed", account);
      return { ...summary, status: mismatch ? "mismatch" : "login" };
    }
    if (response && response.status === 410) return revoked(account, summary);
    const json = response && response.ok && /json/.test(response.headers.get("Content-Type"))
      ? await response.json().catch(() => null) : null;
    if (!json || !Array.isArray(json.results) || json.results.length !== batch.length) {
      // Offline, a captive portal, 5xx, 429: keep everything and try later.
      await outbox.update(batch.map((r) => r.id), (r) => { r.state = "pending"; });
      const until = await backOff(response ? retryAfter(response) : 0);
      return { ...summary, status: response ? "error" : "offline", until };
    }
    const counted = await apply(batch, json.results);
    if (await outbox.noteEpoch(json.epoch)) afterSeq = 0; // start over with the kept entries
    for (const key of ["delivered", "rejected", "retry"]) summary[key] += counted[key];
    summary.conflicts.push(...counted.conflicts);
    await outbox.setMeta(`last_sync:${account}`, new Date().toISOString());
    await outbox.setMeta("backoff", { failures: 0, until: 0 });
    announce({ type: "progress", account });
  }
  if (summary.retry) summary.until = await backOff();
  await outbox.prune();
  return summary;
}

/** Keep the scope's pages: in the worker (it outlives a page), else here. */
async function keepPages(account) {
  if (typeof window !== "undefined") {
    // Not yet controlled (the first page after install) still finds the active worker.
    const registration = await navigator.serviceWorker?.getRegistration().catch(() => null);
    registration?.active?.postMessage({ type: "recache", account });
    return;
  }
  if (await refreshPages(account)) announce({ type: "pages", account });
}

/**
 * After a push that went through: pull, send again what a restored server lacks, and keep
 * the scope's pages when anything changed (or they were never kept).
 */
async function pullAfter(account, pushed) {
  if (pushed.status !== "done") return pushed;
  let summary = pushed;
  const pulledNow = await pull(account);
  if (pulledNow.status === "revoked") return revoked(account, summary);
  if (pulledNow.status === "login") await outbox.setMeta("login_needed", account);
  // A download that went through is a sync too, even with nothing to send.
  if (pulledNow.status === "done") await outbox.setMeta(`last_sync:${account}`, new Date().toISOString());
  if (pulledNow.resend) {
    const again = await pushAll(account);
    for (const key of ["delivered", "rejected", "retry"]) again[key] += summary[key];
    again.conflicts.unshift(...summary.conflicts);
    summary = again;
  }
  summary = { ...summary, pulled: pulledNow.changes, pull: pulledNow.status };
  const stale = !(await outbox.getMeta(`pages_at:${account}`));
  if (pulledNow.status === "done" && (pulledNow.changes || summary.delivered || stale)) {
    await keepPages(account);
  }
  return summary;
}

async function once(force) {
  const account = await outbox.getMeta("account");
  if (!account) return { status: "no_account" };
  if (await outbox.getMeta("revoked")) return { status: "revoked" };
  if (navigator.onLine === false) return { status: "offline" }; // no attempt, no back-off
  if (!force) {
    const backoff = await outbox.getMeta("backoff");
    if (backoff && backoff.until > Date.now()) return { status: "waiting", until: backoff.until };
    if ((await outbox.getMeta("login_needed")) === account) return { status: "login" };
    if ((await outbox.getMeta("account_mismatch")) === account) return { status: "mismatch" };
  }
  const run = async () => {
    announce({ type: "start", account });
    const summary = await pushAll(account).then((pushed) => pullAfter(account, pushed))
      .catch((error) => ({ status: "error", error: String(error) }));
    announce({ type: "end", account, summary });
    return summary;
  };
  if (!("locks" in navigator)) return run(); // no Web Locks: a second copy is only a duplicate
  return navigator.locks.request(LOCK, run);
}

let running = null;
let again = null;

/**
 * Send what the current account has waiting. `force` (立即同步, `online`) ignores the
 * back-off; otherwise a drain during the back-off does nothing. After a push that went
 * through it pulls (and keeps the scope's pages). Resolves with a summary whose `status` is
 * done, offline, error, login, mismatch, waiting, revoked or no_account. A call while this
 * page (or worker) is already draining runs once more afterwards instead of queueing up.
 */
export function drain({ force = false } = {}) {
  if (running) {
    again = { force: force || (again && again.force) };
    return running;
  }
  running = (async () => {
    let summary = await once(force);
    while (again) {
      const next = again;
      again = null;
      if (summary.status === "done" || next.force) summary = await once(next.force);
    }
    return summary;
  })().finally(() => { running = null; });
  return running;
}
