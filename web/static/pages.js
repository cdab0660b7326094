// The pages of the volunteer's scope, kept for offline use (DESIGN §3.4). After a sync the
// worker fetches them again into the pages cache its navigations fall back on; pages of
// households that left the scope are dropped. Logout drops them all (entries stay).

import * as outbox from "./outbox.js";
import * as pulled from "./pulled.js";
import { ACTIVITY, CATALOGUE, NOTICE, reset } from "./pull.js";

const FIXED = ["/", "/households", "/activities", "/inbox", "/me", "/sync", "/checkin", "/me/hours", "/handouts/group"];
/** The pages listing households (今天, 住户) and my entries (我的): any change may show on them. */
const LISTS = ["/", "/households", "/me"];
const PER_HOUSEHOLD = ["", "/visit", "/edit", "/medicine", "/supplies", "/purchase"];
const PARALLEL = 4;
const HOUSEHOLD_PAGE = /^\/households\/(\d+)(?:\/|$)/;
const ACTIVITY_PAGE = /^\/activities\/(\d+)(?:\/|$)/;

/** Every page of a scope (the paths the worker keeps): the inbox's notices and the
 * activities meant for the volunteer too. */
export function scopePaths(householdIds, noticeIds = [], activityIds = [], trainingIds = []) {
  return [...FIXED, ...householdPaths(householdIds), ...noticeIds.map((id) => `/inbox/${id}`),
    ...activityIds.map((id) => `/activities/${id}`), ...trainingPaths(trainingIds)];
}

/** The trainee forms of first-aid trainings the phone's leader runs (it holds their key). */
function trainingPaths(trainingIds) {
  return trainingIds.map((id) => `/activities/${id}/training`);
}

function isTraining(record) {
  return record.data?.kind === "first_aid_training" && Boolean(record.data?.checkin_key);
}

function householdPaths(householdIds) {
  return householdIds.flatMap((id) => PER_HOUSEHOLD.map((p) => `/households/${id}${p}`));
}

/**
 * The pages to fetch again: all of them (`touched` null, or a catalogue changed), else the lists and the pages of
 * the touched households still in the scope (a household that left is dropped anyway),
 * and the activities list and the pages of touched activities (`activity:<id>`).
 */
function pathsFor(householdIds, noticeIds, activityIds, trainingIds, touched) {
  if (!touched || touched.includes(CATALOGUE)) return scopePaths(householdIds, noticeIds, activityIds, trainingIds);
  const inScope = new Set(householdIds.map(String));
  const named = [...new Set(touched.map(String))];
  const notices = named.filter((t) => t.startsWith(NOTICE)).map((t) => `/inbox/${t.slice(NOTICE.length)}`);
  const activities = activityIds.map(String).filter((id) => named.includes(`${ACTIVITY}${id}`))
    .map((id) => `/activities/${id}`);
  return [...LISTS, ...(notices.length ? ["/inbox", ...notices] : []),
    ...(activities.length ? ["/activities", ...activities] : []),
    ...trainingPaths(trainingIds.filter((id) => named.includes(`${ACTIVITY}${id}`))),
    ...householdPaths(named.filter((id) => inScope.has(id)))];
}

/** Drop kept pages of households and activities no longer in the scope. */
async function dropLeft(cache, householdIds, activityIds) {
  const kept = { household: new Set(householdIds.map(String)), activity: new Set(activityIds.map(String)) };
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    const household = path.match(HOUSEHOLD_PAGE);
    const activity = path.match(ACTIVITY_PAGE);
    const left = (household && !kept.household.has(household[1])) || (activity && !kept.activity.has(activity[1]));
    if (left) await cache.delete(request, { ignoreVary: true });
  }
}

/** Fetch one page into the cache; false when the rest should not be tried (no session, no network). */
async function refetch(cache, path, account) {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", cache: "no-store",
      headers: { Accept: "text/html" } });
  } catch {
    return false;
  }
  if (response.redirected) return false; // to the login page: the session ended
  if (response.status === 404) {
    await cache.delete(path, { ignoreVary: true, ignoreSearch: true });
    return true;
  }
  if (!response.ok) return true;
  // The whole page first: a network lost mid-body must leave the older copy in place.
  let copy;
  try {
    copy = new Response(await response.blob(), response);
  } catch {
    return false;
  }
  // Logged out (or someone else logged in) meanwhile: keep nothing more of this account.
  if ((await outbox.getMeta("account")) !== account) return false;
  // Older copies (boosted fragments, earlier visits) go: the navigation finds this one.
  await cache.delete(path, { ignoreVary: true });
  await cache.put(path, copy);
  return true;
}

let running = null;

/**
 * Fetch again the pages of `account`'s scope: every one, or (`touched`: household ids whose
 * data changed, `activity:<id>` for activities) only those the change shows on. Resolves true when all of them were kept.
 */
export function refreshPages(account, touched = null) {
  if (running) return running.then(() => refreshPages(account, touched));
  running = (async () => {
    const started = new Date().toISOString(); // the pages are as of this moment
    // Logged out or revoked meanwhile: opening the cache would only make it again.
    if ((await outbox.getMeta("account")) !== account || (await outbox.getMeta("revoked"))) return false;
    const householdIds = await pulled.householdIds(account);
    const noticeIds = (await pulled.ofKind(account, "notice")).map((r) => r.id);
    const activities = await pulled.ofKind(account, "activity");
    const activityIds = activities.map((r) => r.id);
    const trainingIds = activities.filter(isTraining).map((r) => r.id);
    const cache = await caches.open(outbox.PAGES_CACHE);
    await dropLeft(cache, householdIds, activityIds);
    const queue = pathsFor(householdIds, noticeIds, activityIds, trainingIds, touched);
    let complete = true;
    const worker = async () => {
      while (queue.length && complete) {
        if (!(await refetch(cache, queue.shift(), account))) complete = false;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    if (complete) await outbox.setMeta(`pages_at:${account}`, started);
    return complete;
  })().finally(() => { running = null; });
  return running;
}

/**
 * Remove from this phone what `account` pulled and the pages kept for it; its unsent
 * entries stay (they go up after the next login). Used at logout and on revocation.
 */
export async function forgetAccount(account) {
  await outbox.setMeta("account", null);
  await outbox.setMeta("pages_account", null);
  await caches.delete(outbox.PAGES_CACHE);
  if (!account) return;
  await reset(account);
  await outbox.setMeta(`pages_at:${account}`, null);
}
