// The pull: what changed in the volunteer's scope since the stored cursor, page after page
// until `more` is false (GET /api/sync/pull, DESIGN §3.2). Runs inside the drain's lock.

import * as outbox from "./outbox.js";
import * as pulled from "./pulled.js";

/** How `touched` says a catalogue changed: every form page offers its items, so all are kept again. */
export const CATALOGUE = "catalogue:";
/** How `touched` names a notice (its pages are the inbox and its own, not a household's). */
export const NOTICE = "notice:";
/** How `touched` names an activity: `activity:<id>` (its pages, pages.js). */
export const ACTIVITY = "activity:";

const PAGE = 500;
const FETCH_TIMEOUT = 60_000;
const MAX_PAGES = 1000;

async function get(cursor, device, counts) {
  // What the phone holds now (after its drain) goes with each pull, for the devices page.
  const query = new URLSearchParams({ cursor, limit: String(PAGE), device_id: device,
    pending_count: String(counts.device), oldest_pending_at: counts.oldest || "",
    device_time: new Date().toISOString() });
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), FETCH_TIMEOUT);
  try {
    return await fetch(`/api/sync/pull?${query}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
      signal: timeout.signal,
    });
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Forget the cursor and what was pulled: the next pull starts from the whole scope. */
export async function reset(account) {
  await pulled.forget(account);
  await outbox.setMeta(`cursor:${account}`, "");
  await outbox.setMeta(`pull_epoch:${account}`, null);
}

/**
 * Pull everything new for `account`. Resolves with `{ status, changes, resend }`: `status`
 * is done, offline, error, login, revoked or mismatch; `changes` how many were applied;
 * `resend` true when the server's epoch changed and kept entries are pending again;
 * `touched` (when done) the ids of the households the changes are about, and
 * `activity:<id>` for the activities.
 */
/** What a change shows on: a household id, a notice's or an activity's key. */
function touchedKey(change) {
  if (change.kind === "notice") return `${NOTICE}${change.id}`;
  if (change.kind === "activity") return `${ACTIVITY}${change.id}`;
  if (change.kind === "catalogue_item") return CATALOGUE;
  return String(change.kind === "household" ? change.id : change.data?.household_id ?? "");
}

export async function pull(account) {
  const [device, counts] = await Promise.all([outbox.deviceId(), outbox.counts(account)]);
  let cursor = (await outbox.getMeta(`cursor:${account}`)) || "";
  let changes = 0;
  let resend = false;
  const touched = new Set();
  for (let page = 0; page < MAX_PAGES; page += 1) {
    if ((await outbox.getMeta("account")) !== account) return { status: "done", changes, resend, touched: [...touched] };
    const response = await get(cursor, device, counts);
    if (!response) return { status: "offline", changes, resend };
    if (response.status === 401) return { status: "login", changes, resend };
    if (response.status === 410) return { status: "revoked", changes, resend };
    if (response.status === 400 && cursor) {
      await reset(account); // a cursor this server never made: start again from nothing
      cursor = "";
      continue;
    }
    const body = response.ok ? await response.json().catch(() => null) : null;
    if (!body || !Array.isArray(body.changes)) return { status: "error", changes, resend };
    const epoch = await outbox.getMeta(`pull_epoch:${account}`);
    if (!cursor || epoch !== body.epoch) {
      // A snapshot (first pull, or the server was restored): it replaces what was pulled.
      await pulled.forget(account);
      await outbox.setMeta(`pull_epoch:${account}`, body.epoch);
    }
    if (await outbox.noteEpoch(body.epoch)) resend = true;
    await pulled.apply(account, body.changes);
    cursor = body.cursor;
    await outbox.setMeta(`cursor:${account}`, cursor);
    changes += body.changes.length;
    for (const change of body.changes) {
      touched.add(touchedKey(change));
    }
    if (!body.more) return { status: "done", changes, resend, touched: [...touched] };
  }
  return { status: "done", changes, resend, touched: [...touched] };
}
