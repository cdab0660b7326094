// The visit form as a `visit` entry (schema 1), and the checks the phone can make offline.
// Used by the page (on submit) and by the worker (a form POST the page did not handle).

export const AREAS = ["health", "training", "livelihood", "work_school"];
const LEVELS = ["none", "some", "urgent"];

const pad = (n) => String(Math.abs(Math.trunc(n))).padStart(2, "0");

/** RFC 3339 in the phone's own offset, e.g. 2026-11-29T09:15:02.120+08:00. */
export function rfc3339(date, { millis = true } = {}) {
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, millis ? 23 : 19);
  return `${local}${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** The value a datetime-local input wants for `date` (minutes, local time). */
export function localInputValue(date) {
  return rfc3339(date, { millis: false }).slice(0, 16);
}

function text(form, name) {
  return String(form.get(name) || "").trim();
}

/** The entry a filled-in visit form describes (`form`: FormData or anything with get/getAll). */
export function visitEntry(form, householdId, now = new Date()) {
  const visited = form.get("visited_at") ? new Date(String(form.get("visited_at"))) : null;
  const followUp = ["1", "on", "true"].includes(String(form.get("follow_up")));
  const data = {
    household_id: String(householdId),
    visited_at: visited && !Number.isNaN(visited.getTime()) ? rfc3339(visited, { millis: false }) : null,
    // An area left unanswered stays out of the entry: `problems` refuses it before saving.
    needs: Object.fromEntries(AREAS.filter((area) => LEVELS.includes(String(form.get(`needs.${area}.level`))))
      .map((area) => [area, { level: String(form.get(`needs.${area}.level`)), note: text(form, `needs.${area}.note`) }])),
    follow_up: followUp,
    follow_up_note: followUp ? text(form, "follow_up_note") : "",
  };
  const companions = form.getAll("companions").map(String).filter(Boolean);
  if (companions.length) data.companions = companions;
  const [lat, lon, accuracy] = ["lat", "lon", "accuracy"].map((k) => text(form, k));
  if (lat && lon) {
    data.location = { lat: Number(lat), lon: Number(lon), accuracy: accuracy ? Number(accuracy) : null };
  }
  return { kind: "visit", schema: 1, recorded_at: rfc3339(now), data, attachments: [] };
}

export const NOTE_LIMIT = 500;
const DAY = 86_400_000;
const SLACK = 10 * 60_000; // a phone clock a few minutes off is not "the future"

/** Characters as the server counts them (code points, not UTF-16 units). */
const length = (value) => [...value].length;

function timeProblem(data, now) {
  if (!data.visited_at) return "bad_time";
  const visited = new Date(data.visited_at).getTime();
  if (visited > now.getTime() + SLACK) return "visit_in_future";
  if (visited < now.getTime() - 60 * DAY) return "visit_too_old";
  return null;
}

/** Problems the server would also find, as [field name, code]: checked before saving. */
export function problems(entry, now = new Date()) {
  const found = [];
  const data = entry.data;
  const time = timeProblem(data, now);
  if (time) found.push(["visited_at", time]);
  for (const area of AREAS) {
    const need = data.needs[area];
    if (!need) found.push([`needs.${area}.level`, "need_unanswered"]);
    else if (need.level === "urgent" && !need.note) found.push([`needs.${area}.note`, "note_required"]);
    if (need && length(need.note) > NOTE_LIMIT) found.push([`needs.${area}.note`, "too_long"]);
  }
  if (data.follow_up && !data.follow_up_note) found.push(["follow_up_note", "follow_up_note_required"]);
  if (length(data.follow_up_note) > NOTE_LIMIT) found.push(["follow_up_note", "too_long"]);
  return found;
}

/** Put an entry's data back into a visit form (editing a refused entry). */
export function fillForm(form, data) {
  const field = (name) => form.elements.namedItem(name);
  if (data.visited_at) field("visited_at").value = localInputValue(new Date(data.visited_at));
  for (const area of AREAS) {
    const need = data.needs[area] || { level: "", note: "" };
    for (const radio of form.querySelectorAll(`[name="needs.${area}.level"]`)) radio.checked = radio.value === need.level;
    field(`needs.${area}.note`).value = need.note;
  }
  const followUp = form.querySelector("[name=follow_up]");
  if (followUp) followUp.checked = Boolean(data.follow_up);
  field("follow_up_note").value = data.follow_up_note || "";
  for (const box of form.querySelectorAll("[name=companions]")) {
    box.checked = (data.companions || []).includes(box.value);
  }
}
