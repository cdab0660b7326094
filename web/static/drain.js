// The drain: sends the logged-in account's entries to POST /api/sync/push in capture order.
// Page and worker both call drain(); a Web Lock lets only one run at a time, so no
// entry is ever in two requests at once. The server stores each id at most once anyway.

import * as outbox from "./outbox.js";
import { forgetAccount, refreshPages } from "./pages.js";
import { ACTIVITY, pull } from "./pull.js";
import * as backoff from "./backoff.js";
import { sendFiles } from "./uploads.js";

const LOCK = "doorstep-drain";
const BATCH = 50;
const DELIVERED = ["accepted", "duplicate", "conflict"];
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

/** A delivered entry the server had words about: a conflict, a sign-up that waits. */
const told = (result) => result.status === "conflict" || (result.status === "accepted" && Boolean(result.code));

/** The pages a delivered entry shows on: its household's, or `activity:<id>` (pages.js). */
function shownOn(record) {
  if (record.kind === "activity_signup") return `${ACTIVITY}${record.data.activity_id}`;
  return String(record.data.household_id ?? "");
}

async function apply(batch, results) {
  const byId = new Map(results.map((r) => [r.id, r]));
  const now = new Date().toISOString();
  let rejected = 0;
  await outbox.update(batch.map((r) => r.id), (record) => {
    const result = byId.get(record.id);
    if (!result) return;
    if (DELIVERED.includes(result.status)) {
      // A conflict (or a sign-up put on the waiting list) went through too; `note` keeps what
      // the server said about it.
      Object.assign(record, { state: "synced", synced_at: now, code: result.status,
        note: told(result) ? result.error || "" : "" });
    } else if (result.status === "rejected") {
      Object.assign(record, { state: "rejected", code: result.code, last_error: result.error });
      rejected += 1;
    } else {
      Object.assign(record, { state: "pending", code: result.code, last_error: result.error });
    }
  });
  const households = batch.filter((r) => DELIVERED.includes(byId.get(r.id)?.status)).map(shownOn);
  return { delivered: results.filter((r) => DELIVERED.includes(r.status)).length, rejected, households,
    retry: results.filter((r) => r.status === "retry").length,
    conflicts: results.filter(told).map((r) => r.error || "") };
}

/** A coordinator revoked this phone: wipe the account's entries and pages, send no more. */
async function revoked(account, summary) {
  await outbox.forget(account);
  await forgetAccount(account).catch(() => undefined);
  await outbox.setMeta("revoked", true);
  return { ...summary, status: "revoked" };
}

/** The JSON body of a refusal, or {} (a proxy's HTML page, say). */
async function refusal(response) {
  if (!/json/.test(response.headers.get("Content-Type") || "")) return {};
  return (await response.json().catch(() => null)) || {};
}

/** Park one entry the server refused as a request (400, 413) under 需要处理. */
async function park(record, response) {
  const body = await refusal(response);
  const code = String(body.code || (response.status === 413 ? "too_large" : "bad_request"));
  await outbox.update([record.id], (r) => {
    Object.assign(r, { state: "rejected", code, last_error: String(body.error || "") });
  });
}

/** A failed attempt: keep everything; only an automatic one while online makes the wait longer. */
async function failed(summary, batch, response, force) {
  await outbox.update(batch.map((r) => r.id), (r) => { r.state = "pending"; });
  const offline = !response && navigator.onLine === false;
  const scheduled = (await backoff.current()).until;
  const until = force || offline ? scheduled : await backoff.failed(response ? retryAfter(response) : 0);
  return { ...summary, status: response ? "error" : "offline", until: until > Date.now() ? until : 0 };
}

/**
 * Send every unsent entry of `account`, batch after batch. A batch too large (413) is sent
 * again in halves; a batch refused as a request (400) is sent one entry at a time, and the
 * one entry refused on its own is parked under 需要处理, so the rest flow.
 */
async function pushAll(account, force = false) {
  const summary = { status: "done", delivered: 0, rejected: 0, retry: 0, conflicts: [], households: [] };
  let afterSeq = 0;
  let size = BATCH;
  let single = false;
  for (;;) {
    if ((await outbox.getMeta("account")) !== account) break; // someone else logged in
    const batch = await outbox.unsent(account, afterSeq, single ? 1 : size);
    if (!batch.length) break;
    const response = await send(account, batch);
    if (response && (response.status === 401 || response.status === 409)) {
      // No session, or a session of another account (409 account_mismatch): keep everything.
      await outbox.update(batch.map((r) => r.id), (r) => { r.state = "pending"; });
      const mismatch = response.status === 409;
      await outbox.setMeta(mismatch ? "account_mismatch" : "login_needed", account);
      return { ...summary, status: mismatch ? "mismatch" : "login" };
    }
    if (response && response.status === 410) return revoked(account, summary);
    if (response && response.status === 403 && (await refusal(response.clone())).code === "cross_site") {
      // The address the app was opened at is not the server's own: no retry fixes that.
      await outbox.update(batch.map((r) => r.id), (r) => { r.state = "pending"; });
      await outbox.setMeta("cross_site", account);
      return { ...summary, status: "cross_site" };
    }
    if (response && (response.status === 413 || response.status === 400)) {
      if (batch.length > 1) {
        await outbox.update(batch.map((r) => r.id), (r) => { r.state = "pending"; });
        if (response.status === 413) size = Math.max(1, Math.floor(batch.length / 2));
        else single = true;
        continue;
      }
      await park(batch[0], response);
      summary.rejected += 1;
      single = false;
      afterSeq = batch[0].seq;
      announce({ type: "progress", account });
      continue;
    }
    const json = response && response.ok && /json/.test(response.headers.get("Content-Type"))
      ? await response.json().catch(() => null) : null;
    if (!json || !Array.isArray(json.results) || json.results.length !== batch.length) {
      // Offline, a captive portal, 5xx, 429: keep everything and try later.
      return failed(summary, batch, response, force);
    }
    afterSeq = batch[batch.length - 1].seq;
    const counted = await apply(batch, json.results);
    if (await outbox.noteEpoch(json.epoch)) afterSeq = 0; // start over with the kept entries
    for (const key of ["delivered", "rejected", "retry"]) summary[key] += counted[key];
    summary.conflicts.push(...counted.conflicts);
    summary.households.push(...counted.households);
    await outbox.setMeta(`last_sync:${account}`, new Date().toISOString());
    await outbox.setMeta("cross_site", null);
    await backoff.reset();
    announce({ type: "progress", account });
  }
  const uploads = await sendFiles(account);
  summary.files = uploads.sent;
  if (uploads.sent || uploads.refused) announce({ type: "progress", account });
  if (uploads.failed !== undefined) {
    const response = uploads.failed;
    if (response && response.status === 401) {
      await outbox.setMeta("login_needed", account);
      return { ...summary, status: "login" };
    }
    if (response && response.status === 410) return revoked(account, summary);
    return failed(summary, [], response, force);
  }
  if (summary.retry && !force) summary.until = await backoff.failed();
  await outbox.prune();
  return summary;
}

/**
 * Keep the scope's pages (all, or only those showing the `touched` households): in the
 * worker (it outlives a page), else here.
 */
async function keepPages(account, touched) {
  if (typeof window !== "undefined") {
    // Not yet controlled (the first page after install) still finds the active worker.
    const registration = await navigator.serviceWorker?.getRegistration().catch(() => null);
    registration?.active?.postMessage({ type: "recache", account, households: touched });
    return;
  }
  if (await refreshPages(account, touched)) announce({ type: "pages", account });
}

/**
 * After a push that went through: pull, send again what a restored server lacks, and keep
 * the scope's pages when anything changed (or they were never kept).
 */
async function pullAfter(account, pushed, force) {
  if (pushed.status !== "done") return pushed;
  let summary = pushed;
  const pulledNow = await pull(account);
  if (pulledNow.status === "revoked") return revoked(account, summary);
  if (pulledNow.status === "login") await outbox.setMeta("login_needed", account);
  // A download that went through is a sync too, even with nothing to send.
  if (pulledNow.status === "done") await outbox.setMeta(`last_sync:${account}`, new Date().toISOString());
  if (pulledNow.resend) {
    const again = await pushAll(account, force);
    for (const key of ["delivered", "rejected", "retry"]) again[key] += summary[key];
    again.conflicts.unshift(...summary.conflicts);
    again.households.push(...summary.households);
    summary = again;
  }
  summary = { ...summary, pulled: pulledNow.changes, pull: pulledNow.status };
  const stale = !(await outbox.getMeta(`pages_at:${account}`));
  if (pulledNow.status === "done" && (pulledNow.changes || summary.delivered || stale)) {
    // Pages kept before: only those the pulled and delivered changes show on.
    await keepPages(account, stale ? null : [...pulledNow.touched, ...summary.households]);
  }
  return summary;
}

async function once(force) {
  const account = await outbox.getMeta("account");
  if (!account) return { status: "no_account" };
  if (await outbox.getMeta("revoked")) return { status: "revoked" };
  if (navigator.onLine === false) return { status: "offline" }; // no attempt, no back-off
  if (!force) {
    const { until } = await backoff.current();
    if (until > Date.now()) return { status: "waiting", until };
    if ((await outbox.getMeta("login_needed")) === account) return { status: "login" };
    if ((await outbox.getMeta("account_mismatch")) === account) return { status: "mismatch" };
  }
  const run = async () => {
    announce({ type: "start", account });
    const summary = await pushAll(account, force).then((pushed) => pullAfter(account, pushed, force))
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
 * Send what the current account has waiting. `force` (立即同步, a push message) tries at
 * once whatever the back-off, and its failure does not lengthen it (backoff.js); otherwise
 * a drain during the back-off does nothing. After a push that went
 * through it pulls (and keeps the scope's pages). Resolves with a summary whose `status` is
 * done, offline, error, login, mismatch, cross_site, waiting, revoked or no_account. A call while this
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
