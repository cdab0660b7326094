// Capture: an entry form's submit (the visit form, the household edit form) is taken before
// htmx sees it and written to the outbox. The volunteer hears 已保存，待同步 once the write is
// durable, or that it was not saved.

import * as outbox from "./outbox.js";
import { AREAS, fillForm, localInputValue } from "./visit.js";
import { fingerprint, memberFingerprint } from "./household.js";
import { backTo, formEntry } from "./forms.js";
import * as pulled from "./pulled.js";
import { account, message, say } from "./ui.js";
import { clearDraft } from "./drafts.js";
import { clearFileFields, formFiles } from "./attachments.js";
import { overlay } from "./overlay.js";

const slot = (name) => document.getElementById(`err-${name.replaceAll(".", "-")}`);

function clearErrors(form) {
  for (const p of form.querySelectorAll(".error")) p.textContent = "";
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
}

/** A text the form itself carries (`data-*`), else the page's catalogue one. */
const text = (form, key) => form.dataset[key] || message(key);

function markError(form, name, text) {
  const target = slot(name) || slot("form");
  if (target && !target.textContent) target.textContent = text;
  // A photo field or a signature pad posts nothing itself: it names the field it stands for.
  const field = form.elements.namedItem(name) || form.querySelector(`[data-field-of="${name}"]`);
  // A need level is a group of radios: the group is what is marked.
  const group = field instanceof RadioNodeList ? field[0]?.closest("[role=radiogroup]") : null;
  if (group) group.setAttribute("aria-invalid", "true");
  else if (field && field.setAttribute) field.setAttribute("aria-invalid", "true");
}

/** The form-wide line naming every need area still unanswered (their legends). */
function sayUnanswered(form, found) {
  const areas = found.filter(([, key]) => key === "needUnanswered")
    .map(([name]) => slot(name)?.closest("fieldset")?.querySelector("legend")?.textContent.trim())
    .filter(Boolean);
  if (!areas.length) return;
  const separator = document.documentElement.lang.startsWith("zh") ? "、" : ", ";
  slot("form").textContent = message("needsUnanswered", { areas: areas.join(separator) });
}

/** HTML constraints plus the rules the server would apply (`found`: [field name, message key]). */
function check(form, found) {
  clearErrors(form);
  sayUnanswered(form, found);
  // The form's own words first (请选择培训类别); the general 请填写此项 only where it has none.
  for (const [name, key] of found) markError(form, name, text(form, key));
  for (const field of form.elements) {
    if (!field.name || field.validity.valid) continue;
    markError(form, field.name, message(field.validity.valueMissing ? "required" : "tooLong"));
  }
  const first = form.querySelector("[aria-invalid=true]");
  if (!first) return true;
  say(message("fix"), { error: true });
  (first.matches("[role=radiogroup]") ? first.querySelector("input") : first).focus();
  return false;
}

function notSaved(form, error) {
  say("");
  const box = slot("form");
  box.textContent = `${text(form, "notSaved")} (${(error && error.name) || "Error"}) `;
  const direct = document.createElement("button");
  direct.type = "button";
  direct.textContent = message("sendDirect");
  // The server path still works while online: let htmx (or the browser) post the form.
  direct.onclick = () => { form.dataset.direct = "1"; form.requestSubmit(); };
  box.append(direct);
}

/**
 * The household page, where the saved visit now shows on top (marked 待同步) — if it can be
 * opened: with no network, only a copy the worker kept. Else the form starts afresh.
 */
async function householdPage(form) {
  const path = `/households/${form.dataset.householdId}`;
  const kept = await caches.match(path, { ignoreSearch: true }).catch(() => null);
  return kept || navigator.onLine !== false ? `${path}?queued=1` : null;
}

function startFresh(form) {
  form.reset();
  clearFileFields(form);
  clearErrors(form);
  delete form.dataset.replaces;
  document.getElementById("editing-note")?.remove();
  form.elements.namedItem("visited_at").value = localInputValue(new Date());
}

/** The edit form, once its change is kept: what it shows now is what the next edit starts from. */
async function newBaseline(form) {
  const field = (name) => form.elements.namedItem(name);
  for (const name of ["phone", "address"]) field(`orig.${name}`).value = await fingerprint(field(name).value);
  for (const box of form.querySelectorAll("fieldset[data-member]")) {
    const get = (key) => box.querySelector(`[name$=".${key}"]`);
    if (!get("id") || !get("id").value) continue;
    get("orig").value = await memberFingerprint({ name: get("name").value, relation: get("relation").value,
      birth_year: get("birth_year").value, removed: get("removed")?.checked });
  }
}

/** A delivery form kept: the household's page where there is one, else the form afresh. */
function resetDelivery(form) {
  form.reset();
  clearErrors(form);
  setNow(form);
}

function setNow(form) {
  for (const input of form.querySelectorAll("[data-now]")) input.value = localInputValue(new Date());
}

const DELIVERY = {
  before: () => undefined,
  next: (form) => (form.dataset.householdId ? householdPage(form) : null),
  after: resetDelivery,
};

/** A form about to be read (`before`) and the form once its entry is kept (`after`), per kind. */
const KINDS = {
  visit: { before: () => undefined, next: householdPage, after: startFresh },
  // Voiding an entry: back to the page it was on (我的记录 or the household's, both kept).
  correction: {
    before: () => undefined,
    next: (form) => `${backTo(form.elements.namedItem("next")?.value)}?queued=1`,
    after: () => undefined,
  },
  household_patch: {
    before: (form) => {
      // A person joining gets their id here, so saving the same form again changes them
      // instead of adding them twice.
      for (const box of form.querySelectorAll("fieldset[data-member]")) {
        const id = box.querySelector('[name$=".id"]');
        if (!id.value && box.querySelector('[name$=".name"]').value.trim()) id.value = crypto.randomUUID();
      }
    },
    after: newBaseline,
  },
  // The activity page marks the sign-up 待同步 (the overlay) until the server has placed it.
  activity_signup: { before: () => undefined, after: () => overlay() },
  medicine_delivery: DELIVERY,
  supply_handout: DELIVERY,
  purchase: DELIVERY,
  // The trainee form stays for the next group (its totals count what has been sent).
  training_count: { before: () => undefined, after: resetDelivery },
};

async function capture(form, onSaved) {
  if (form.dataset.saving) return; // a double tap must not record the entry twice
  const kind = KINDS[form.dataset.entryKind];
  form.dataset.saving = "1";
  let leaving = false;
  try {
    kind.before(form);
    const { entry, problems: found } = await formEntry(form.action, new FormData(form));
    if (!entry) {
      clearErrors(form);
      clearDraft(form);
      say(text(form, "unchanged"));
      return;
    }
    const attached = await formFiles(form);
    if (!check(form, [...found, ...attached.problems])) return;
    try {
      await outbox.save(account(), entry, { files: attached.files,
        label: form.dataset.householdName || form.dataset.entryLabel || "", replaces: form.dataset.replaces || null });
    } catch (error) {
      notSaved(form, error);
      return;
    }
    clearDraft(form);
    const next = kind.next && (await kind.next(form));
    if (next) {
      // The next page's load drains (a drain started here would be cut off by leaving).
      onSaved({ leaving: true });
      leaving = true; // until the page is gone, another tap must not save the visit again
      location.replace(next);
      return;
    }
    say(message("saved"));
    await kind.after(form);
  } finally {
    if (!leaving) delete form.dataset.saving;
  }
  window.scrollTo(0, 0);
  onSaved();
}

/** True when saving `form` goes into the outbox (its files can only travel that way). */
export function captures(form) {
  return Boolean(form && KINDS[form.dataset.entryKind]);
}

/**
 * Take entry form submits (capture phase, so htmx never sees them). Where entries cannot
 * wait on the phone (`usable()` false: no worker, no IndexedDB) the form goes to the
 * server, as without JavaScript.
 */
export function setUpCapture(usable, onSaved) {
  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !KINDS[form.dataset.entryKind]) return;
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

/** The latest values this phone knows of entry `id`: waiting in the outbox, or pulled. */
async function knownValues(id) {
  const record = await outbox.get(id).catch(() => null);
  const kept = record && record.account_id === account() ? record
    : (await pulled.get(account(), "entry", id).catch(() => null))?.data;
  if (!kept) return null;
  const values = kept.kind === "correction" ? kept.data?.data : kept.data;
  // A visit's time defaults to when it was saved (as the server reads it).
  return values && { ...values, visited_at: values.visited_at || kept.recorded_at };
}

/** `?correct=<entry>` on a kept (blank) visit form: fill it with that visit's values. */
async function startCorrecting(form, id) {
  const field = form.elements.namedItem("supersedes");
  if (!field || field.value) return; // the server filled it in already
  const values = await knownValues(id);
  if (!values) return;
  // A need area the entry left out counts as 无需求 (as the server reads it).
  const needs = Object.fromEntries(AREAS.map((a) => [a, values.needs?.[a] || { level: "none", note: "" }]));
  fillForm(form, { ...values, needs });
  field.value = id;
  const box = document.getElementById("correction-box");
  if (box) box.hidden = false;
}

let told = null;

/** A form just shown: the time is now (a kept copy of the page may be days old), or edit mode. */
export function prepareForms(root) {
  const params = new URLSearchParams(location.search);
  if (params.get("queued") && told !== location.href) {
    told = location.href; // once per page, not after every swap
    say(message("saved"));
  }
  for (const form of root.querySelectorAll("form[data-entry-kind]")) {
    if (form.dataset.prepared) continue;
    form.dataset.prepared = "1";
    if (!form.querySelector("[aria-invalid=true]")) setNow(form);
    if (form.dataset.entryKind !== "visit") continue;
    if (params.get("edit")) startEditing(form, params.get("edit"));
    else if (params.get("correct")) startCorrecting(form, params.get("correct"));
    else if (!form.querySelector("[aria-invalid=true]")) {
      form.elements.namedItem("visited_at").value = localInputValue(new Date());
    }
  }
}
