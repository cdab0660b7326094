// Form drafts: what the volunteer typed into a visit or household form is kept on the phone
// as they type, so a call or a crash costs nothing; it comes back when the form is opened
// again and goes once the form is saved (to the outbox, or by the server).

import { account, message, say } from "./ui.js";

const PREFIX = "doorstep-draft:";
const SKIPPED = ["hidden", "submit", "button", "file", "reset"];

function key(form) {
  return `${PREFIX}${account()}:${new URL(form.action, location.href).pathname}`;
}

function fields(form) {
  return [...form.elements].filter((field) => field.name && !SKIPPED.includes(field.type));
}

const choice = (field) => field.type === "checkbox" || field.type === "radio";

function snapshot(form) {
  const state = {};
  for (const field of fields(form)) {
    if (choice(field)) state[`${field.name}=${field.value}`] = field.checked;
    else state[field.name] = field.value;
  }
  return state;
}

function fill(form, state) {
  for (const field of fields(form)) {
    const name = choice(field) ? `${field.name}=${field.value}` : field.name;
    if (!(name in state)) continue;
    if (choice(field)) field.checked = Boolean(state[name]);
    else field.value = state[name];
  }
}

function store(form) {
  try {
    localStorage.setItem(key(form), JSON.stringify({ saved_at: Date.now(), fields: snapshot(form) }));
  } catch { /* no room: the form itself still holds what was typed */ }
}

/** Forget the draft of `form` (it was saved). */
export function clearDraft(form) {
  try { localStorage.removeItem(key(form)); } catch { /* nothing kept */ }
}

/** Forget every draft of `accountId` (logout, a revoked phone). */
export function clearDrafts(accountId) {
  try {
    const mine = `${PREFIX}${accountId}:`;
    for (const name of Object.keys(localStorage)) if (name.startsWith(mine)) localStorage.removeItem(name);
  } catch { /* nothing kept */ }
}

function restore(form) {
  let draft = null;
  try { draft = JSON.parse(localStorage.getItem(key(form)) || "null"); } catch { draft = null; }
  if (!draft || !draft.fields) return;
  fill(form, draft.fields);
  say(message("draftRestored"));
}

/**
 * Keep drafts of the entry forms in `root`. Not for a form the server sent back with errors
 * (what it shows is newer) nor for correcting a refused entry (the entry is the draft).
 */
export function keepDrafts(root) {
  const params = new URLSearchParams(location.search);
  for (const form of root.querySelectorAll("form[data-entry-kind]")) {
    if (form.dataset.drafting || !account()) continue;
    form.dataset.drafting = "1";
    if (params.get("edit")) continue;
    if (params.get("queued")) clearDraft(form); // the worker kept the posted form
    else if (!form.querySelector("[aria-invalid=true]") && !form.querySelector("#err-form:not(:empty)")) restore(form);
    form.addEventListener("input", () => store(form));
    form.addEventListener("change", () => store(form));
  }
}

/** A form the server took (htmx): its draft is done with. */
export function clearWhenStored(event) {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.dataset.entryKind) return;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  if (status >= 200 && status < 300 && event.detail.requestConfig?.verb === "post") clearDraft(form);
}
