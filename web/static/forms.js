// The entry forms and the entries they make: one table read by the page (capture.js, on
// submit) and by the worker (a form POST the page did not take).

import { problems, visitEntry } from "./visit.js";
import { householdEntry } from "./household.js";

/** `/households/<id>/<form>`: where entry forms post. */
const ENTRY_POST = /^\/households\/(\d+)\/(visit|edit)\/?$/;

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
    return { entry, problems: problems(entry).map(([name, code]) => [name, VISIT_MESSAGES[code]]) };
  },
  edit: (data, householdId) => householdEntry(data, householdId),
};

/** The entry form that posts to `url`, as `{ householdId, path }`, or null. */
export function entryForm(url) {
  const match = new URL(url, self.location.href).pathname.match(ENTRY_POST);
  return match ? { householdId: match[1], path: match[2] } : null;
}

/** The entry and problems of a form posted to `url` (an entry form's action). */
export async function formEntry(url, data) {
  const { householdId, path } = entryForm(url);
  return FORMS[path](data, householdId);
}
