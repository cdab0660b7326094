// After the entries went up: each file an accepted entry lists goes to
// PUT /api/sync/attachments/<entry id>/<name>, whole, one at a time. The phone keeps the
// file until the server answers with its SHA-256; a failed or cut-off upload is simply
// sent again whole at the next drain (the drain's back-off applies).

import * as outbox from "./outbox.js";

const TIMEOUT = 120_000;
/** Answers after which sending the same file again cannot help: kept, and shown. */
const FINAL = { 413: true, 415: true, 422: true };

async function put(file) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), TIMEOUT);
  try {
    return await fetch(`/api/sync/attachments/${file.entry_id}/${encodeURIComponent(file.name)}`, {
      method: "PUT",
      headers: { "Content-Type": file.type || "application/octet-stream", Accept: "application/json" },
      body: file.body,
      credentials: "same-origin",
      cache: "no-store",
      signal: timeout.signal,
    });
  } catch {
    return null; // no network, or cut off on the way
  } finally {
    clearTimeout(timer);
  }
}

async function answer(response) {
  if (!/json/.test(response.headers.get("Content-Type") || "")) return {};
  return (await response.json().catch(() => null)) || {};
}

/**
 * Send the files of `account`'s delivered entries not yet confirmed. Resolves with
 * `{ sent, refused, failed }`: `failed` is the response of the first upload that did not go
 * through (null: no network) and stops the run, so the drain backs off as for entries.
 */
export async function sendFiles(account) {
  const delivered = new Set((await outbox.all(account)).filter((r) => r.state === "synced").map((r) => r.id));
  const waiting = (await outbox.files(account)).filter((f) => f.state === "pending" && delivered.has(f.entry_id));
  const outcome = { sent: 0, refused: 0, failed: undefined };
  for (const file of waiting) {
    if ((await outbox.getMeta("account")) !== account) break; // someone else logged in
    const response = await put(file);
    const body = response ? await answer(response) : {};
    if (response && response.ok && body.sha256 === file.sha256) {
      await outbox.updateFile(file.entry_id, file.name, (f) => { f.state = "sent"; f.code = ""; });
      outcome.sent += 1;
    } else if (response && (FINAL[response.status] || body.code === "attachment_unknown")) {
      await outbox.updateFile(file.entry_id, file.name, (f) => {
        Object.assign(f, { state: "refused", code: String(body.code || response.status), last_error: String(body.error || "") });
      });
      outcome.refused += 1;
    } else {
      outcome.failed = response;
      break;
    }
  }
  return outcome;
}
