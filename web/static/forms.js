// The entry forms and the entries they make: one table read by the page (capture.js, on
// submit) and by the worker (a form POST the page did not take).

import { problems, visitEntry } from "./visit.js";
import { householdEntry } from "./household.js";
import { signupEntry } from "./activity.js";

/** Where entry forms post: `/households/<id>/<form>`, `/activities/<id>/<form>`. */
const ENTRY_POST = /^\/(households|activities)\/(\d+)\/(visit|edit|signup)\/?$/;
/** The forms each kind of page has (a household's on pages of their own, an activity's on its page). */
const PAGE_FORMS = { households: ["visit", "edit"], activities: ["signup"] };

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
  signup: async (data, activityId) => ({ entry: signupEntry(data, activityId), problems: [] }),
};

/**
 * The entry form that posts to `url`, or null: `{ id, path, page, formPage }` (`page`: the
 * household's or activity's page; `formPage`: the page the form is on).
 */
export function entryForm(url) {
  const match = new URL(url, self.location.href).pathname.match(ENTRY_POST);
  if (!match || !PAGE_FORMS[match[1]].includes(match[3])) return null;
  const page = `/${match[1]}/${match[2]}`;
  return { id: match[2], path: match[3], page, formPage: match[1] === "households" ? `${page}/${match[3]}` : page };
}

/** The entry and problems of a form posted to `url` (an entry form's action). */
export async function formEntry(url, data) {
  const { id, path } = entryForm(url);
  return FORMS[path](data, id);
}
