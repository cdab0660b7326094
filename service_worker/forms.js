// An entry form (a visit, a household edit, a sign-up) posted while the page script did not take it
// (it failed to load, or the submit came first): the worker lets it through to the server,
// and if there is no network it writes the entry to the outbox itself, as the page would have.
// Logging out with no network: the phone has forgotten the account already; the server is
// told once the network is back (the page posts the kept form, see app.js).

import * as outbox from "/static/outbox.js";
import { SYNC_TAG } from "/static/drain.js";
import { backTo, entryForm, formEntry } from "/static/forms.js";
import { messages, notice } from "/sw/notices.js";

function redirect(target, request) {
  // htmx follows HX-Redirect with a full navigation; a plain form follows the 303.
  if (request.headers.get("HX-Request")) {
    return new Response("", { status: 200, headers: { "HX-Redirect": target } });
  }
  return Response.redirect(new URL(target, location.origin).href, 303);
}

async function store(account, entry, formId) {
  try {
    // The form's own id first: the POST may have reached the server before the network
    // failed, and the same id then makes the resend a duplicate, not a second visit.
    return await outbox.save(account, entry, { id: formId });
  } catch (error) {
    if (error && error.name === "ConstraintError") return outbox.save(account, entry);
    throw error;
  }
}

async function queueForm(request) {
  const { path, page, formPage } = entryForm(request.url);
  const m = messages();
  const form = await request.formData();
  // A void goes back to the page it was on; a household form to itself.
  const back = path === "void" ? backTo(form.get("next")) : formPage;
  const account = await outbox.getMeta("account");
  const { entry, problems } = await formEntry(request.url, form);
  if (!entry) return redirect(page, request); // nothing changed
  const formId = /^[0-9a-f-]{36}$/.test(String(form.get("entry_id"))) ? String(form.get("entry_id")) : null;
  if (!account || problems.length) {
    return notice(m.not_saved_title, m.not_saved_invalid, [[back, m.back]], 422);
  }
  try {
    await store(account, entry, formId);
  } catch {
    return notice(m.not_saved_title, m.not_saved_text, [[back, m.back]], 507);
  }
  if (self.registration.sync) self.registration.sync.register(SYNC_TAG).catch(() => undefined);
  return redirect(`${back}${back.includes("?") ? "&" : "?"}queued=1`, request);
}

/** An entry form's POST: to the server, else (no network) into the outbox. */
export async function postEntryForm(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch {
    return queueForm(copy);
  }
}

/** The meta key of a logout the server has not heard of yet (the form, as posted). */
export const LOGOUT_PENDING = "logout_pending";

/** POST /logout: to the server, else (no network) kept to be sent later, and said so. */
export async function postLogout(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch {
    await outbox.setMeta(LOGOUT_PENDING, await copy.text());
    const m = messages();
    return notice(m.logout_title, m.logout_text, [["/login", m.login]]);
  }
}
