// Capture: the visit form's submit is taken before htmx sees it and written to the outbox.
// The volunteer hears 已保存，待同步 once the write is durable, or that it was not saved.

import * as outbox from "./outbox.js";
import { fillForm, localInputValue, problems, visitEntry } from "./visit.js";
import { account, message, say } from "./ui.js";
import { clearDraft } from "./drafts.js";

const slot = (name) => document.getElementById(`err-${name.replaceAll(".", "-")}`);
const CODE_KEYS = { note_required: "noteRequired", follow_up_note_required: "followUpNoteRequired",
  bad_time: "badTime" };

function clearErrors(form) {
  for (const p of form.querySelectorAll(".error")) p.textContent = "";
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
}

function markError(form, name, text) {
  const target = slot(name);
  if (target && !target.textContent) target.textContent = text;
  const field = form.elements.namedItem(name);
  if (field && field.setAttribute) field.setAttribute("aria-invalid", "true");
}

/** HTML constraints plus the rules the server would apply; true when the form may be saved. */
function check(form, entry) {
  clearErrors(form);
  for (const field of form.elements) {
    if (!field.name || field.validity.valid) continue;
    markError(form, field.name, message(field.validity.valueMissing ? "required" : "tooLong"));
  }
  for (const [name, code] of problems(entry)) markError(form, name, message(CODE_KEYS[code]));
  const first = form.querySelector("[aria-invalid=true]");
  if (!first) return true;
  say(message("fix"));
  first.focus();
  return false;
}

function notSaved(form, error) {
  say("");
  const box = slot("form");
  box.textContent = `${message("notSaved")} (${(error && error.name) || "Error"}) `;
  const direct = document.createElement("button");
  direct.type = "button";
  direct.textContent = message("sendDirect");
  // The server path still works while online: let htmx (or the browser) post the form.
  direct.onclick = () => { form.dataset.direct = "1"; form.requestSubmit(); };
  box.append(direct);
}

function startFresh(form) {
  form.reset();
  clearErrors(form);
  delete form.dataset.replaces;
  document.getElementById("editing-note")?.remove();
  form.elements.namedItem("visited_at").value = localInputValue(new Date());
}

async function capture(form, onSaved) {
  if (form.dataset.saving) return; // a double tap must not record the visit twice
  const entry = visitEntry(new FormData(form), form.dataset.householdId);
  if (!check(form, entry)) return;
  form.dataset.saving = "1";
  try {
    await outbox.save(account(), entry, {
      label: form.dataset.householdName || "", replaces: form.dataset.replaces || null });
  } catch (error) {
    notSaved(form, error);
    return;
  } finally {
    delete form.dataset.saving;
  }
  clearDraft(form);
  say(message("saved"));
  startFresh(form);
  window.scrollTo(0, 0);
  onSaved();
}

/**
 * Take visit form submits (capture phase, so htmx never sees them). Where entries cannot
 * wait on the phone (`usable()` false: no worker, no IndexedDB) the form goes to the
 * server, as without JavaScript.
 */
export function setUpCapture(usable, onSaved) {
  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.entryKind !== "visit") return;
    if (form.dataset.direct === "1") { delete form.dataset.direct; return; }
    if (!account() || !usable()) return;
    event.preventDefault();
    event.stopPropagation();
    capture(form, onSaved);
  }, true);
}

async function startEditing(form, id) {
  const record = await outbox.get(id).catch(() => null);
  if (!record || record.state !== "rejected" || record.account_id !== account()) return;
  fillForm(form, record.data);
  form.dataset.replaces = id;
  const note = document.createElement("p");
  note.id = "editing-note";
  note.className = "notice";
  note.textContent = `${message("editing")} ${record.last_error}`;
  form.before(note);
}

/** A form just shown: the time is now (a kept copy of the page may be days old), or edit mode. */
export function prepareForms(root) {
  for (const form of root.querySelectorAll("form[data-entry-kind=visit]")) {
    if (form.dataset.prepared) continue;
    form.dataset.prepared = "1";
    const params = new URLSearchParams(location.search);
    if (params.get("queued")) say(message("saved"));
    if (params.get("edit")) startEditing(form, params.get("edit"));
    else if (!form.querySelector("[aria-invalid=true]")) {
      form.elements.namedItem("visited_at").value = localInputValue(new Date());
    }
  }
}
