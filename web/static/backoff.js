// The drain's back-off: how long automatic drains wait after failed attempts. Only an
// automatic attempt that failed while the phone was online counts; 立即同步 and failures
// while offline never lengthen the wait. The wait doubles from BASE_DELAY up to MAX_DELAY,
// with jitter so phones coming back together do not arrive together, and it is cleared by
// the first success, by `online` and by the page becoming visible.

import * as outbox from "./outbox.js";

export const BASE_DELAY = 2_000;
/** The longest automatic wait: once the server answers again, pending entries go within it. */
export const MAX_DELAY = 60_000;
/** The longest a server's `Retry-After` is honoured. */
export const MAX_RETRY_AFTER = 5 * 60_000;
const KEY = "backoff";
export const CLEAR = Object.freeze({ failures: 0, until: 0 });

/** The wait after `failures` failures in a row: between half and all of the doubled delay. */
export function delay(failures, random = Math.random) {
  const ceiling = Math.min(BASE_DELAY * 2 ** Math.max(failures - 1, 0), MAX_DELAY);
  return ceiling * (0.5 + random() / 2);
}

/**
 * The schedule after a failed automatic attempt at `now`: one more failure, and the next
 * try after the delay, or after the server's `retryAfter` (ms) if that is longer.
 */
export function afterFailure(state, now, retryAfter = 0, random = Math.random) {
  const failures = Math.min(((state && state.failures) || 0) + 1, 64);
  const wait = Math.max(delay(failures, random), Math.min(retryAfter, MAX_RETRY_AFTER));
  return { failures, until: now + wait };
}

/** The stored schedule (`CLEAR` when none). */
export async function current() {
  return (await outbox.getMeta(KEY)) || CLEAR;
}

/** Count a failed automatic attempt; resolves with the time of the next automatic try. */
export async function failed(retryAfter = 0) {
  const next = afterFailure(await current(), Date.now(), retryAfter);
  await outbox.setMeta(KEY, next);
  return next.until;
}

/** Forget the failures: the next automatic drain tries at once. */
export async function reset() {
  const state = await current();
  if (state.failures || state.until) await outbox.setMeta(KEY, CLEAR);
}
