// The entry forms and the entries they make: one table read by the page (capture.js, on
// submit) and by the worker (a form POST the page did not take).

import { problems, rfc3339, visitEntry } from "./visit.js";
import { householdEntry } from "./household.js";
import { signupEntry } from "./activity.js";
import { deliveryEntry } from "./deliveries.js";
import { trainingEntry } from "./training.js";

/** Where entry forms post: `/households/<id>/<form>`, `/activities/<id>/<form>`. */
const ENTRY_POST = /^\/(households|activities)\/(\d+)\/(visit|edit|signup|medicine|supplies|purchase|training)\/?$/;
/** The forms each kind of page has (a household's on pages of their own, an activity's on its page). */
const PAGE_FORMS = { households: ["visit", "edit", "medicine", "supplies", "purchase"], activities: ["signup", "training"] };
/** The forms on a page of their own (the others are on the page they belong to). */
const OWN_PAGE = new Set([...PAGE_FORMS.households, "training"]);
/** Voiding an entry (我的记录, a household's history). */
const VOID_POST = /^\/me\/void\/?$/;
/** The group handout form (no household). */
const GROUP_POST = /^\/handouts\/group\/?$/;

/** The message key (in #messages) of each code a visit's check finds. */
const VISIT_MESSAGES = { note_required: "noteRequired", follow_up_note_required: "followUpNoteRequired",
  bad_time: "badTime", need_unanswered: "needUnanswered", visit_in_future: "visitInFuture",
  visit_too_old: "visitTooOld", too_long: "noteTooLong" };

/**
 * Per form path: the entry a posted form describes (`data`: FormData; `entry` null when
 * nothing changed) and its problems as [field name, message key].
 */
const FORMS = {
  visit: async (data, householdId) => {
    const entry = visitEntry(data, householdId);
    const found = problems(entry).map(([name, code]) => [name, VISIT_MESSAGES[code]]);
    return { entry: correctionOf(entry, data), problems: found };
  },
  edit: (data, householdId) => householdEntry(data, householdId),
  signup: async (data, activityId) => ({ entry: signupEntry(data, activityId), problems: [] }),
  medicine: (data, householdId) => delivery("medicine_delivery", data, householdId),
  supplies: (data, householdId) => delivery("supply_handout", data, householdId),
  purchase: (data, householdId) => delivery("purchase", data, householdId),
  group: (data) => delivery("supply_handout", data, null),
  training: async (data, activityId) => camelCase(trainingEntry(data, activityId)),
  void: async (data) => {
    const reason = String(data.get("reason") || "").trim();
    const entry = { kind: "correction", schema: 1, recorded_at: rfc3339(new Date()),
      data: { supersedes: String(data.get("supersedes") || ""), data: null, reason }, attachments: [] };
    return { entry, problems: reason ? [] : [["reason", "voidReason"]] };
  },
};

/** A delivery form's entry; its problems' codes name the form's own messages (camelCase). */
function delivery(kind, data, householdId) {
  return camelCase(deliveryEntry(kind, data, householdId));
}

/** Problems' codes as the keys of the form's own messages (`data-*`, camelCase). */
function camelCase({ entry, problems }) {
  const key = (code) => code.replace(/_(\w)/g, (_, c) => c.toUpperCase());
  return { entry, problems: problems.map(([name, code]) => [name, key(code)]) };
}

/**
 * A form correcting a recorded entry (its `supersedes` field set) makes a `correction`
 * carrying the new values, checked as the corrected kind's; else the entry as it is.
 */
function correctionOf(entry, data) {
  const supersedes = String(data.get("supersedes") || "");
  if (!supersedes) return entry;
  const reason = String(data.get("reason") || "").trim();
  const correction = { supersedes, data: entry.data };
  if (reason) correction.reason = reason;
  return { ...entry, kind: "correction", data: correction };
}

/** A path of this site to go back to (a form's `next`), else 我的. */
export function backTo(value) {
  const path = String(value || "");
  return path.startsWith("/") && !path.startsWith("//") ? path : "/me";
}

/**
 * The entry form that posts to `url`, or null: `{ id, path, page, formPage }` (`page`: the
 * household's or activity's page; `formPage`: the page the form is on).
 */
export function entryForm(url) {
  const pathname = new URL(url, self.location.href).pathname;
  if (VOID_POST.test(pathname)) return { id: null, path: "void", page: "/me", formPage: "/me" };
  if (GROUP_POST.test(pathname)) return { id: null, path: "group", page: "/handouts/group", formPage: "/handouts/group" };
  const match = pathname.match(ENTRY_POST);
  if (!match || !PAGE_FORMS[match[1]].includes(match[3])) return null;
  const page = `/${match[1]}/${match[2]}`;
  return { id: match[2], path: match[3], page, formPage: OWN_PAGE.has(match[3]) ? `${page}/${match[3]}` : page };
}

/** The entry and problems of a form posted to `url` (an entry form's action). */
export async function formEntry(url, data) {
  const { id, path } = entryForm(url);
  return FORMS[path](data, id);
}
