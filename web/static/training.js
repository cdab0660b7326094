// The 培训学员 form of a first-aid training as a `training_count` entry (schema 1), and the
// checks the phone can make offline. Used by the page (on submit) and by the worker (a form
// POST the page did not take). The same fields as the server's form path.

import { normalPhone, phoneOk } from "./phones.js";
import { rfc3339 } from "./visit.js";

const ROWS = 5;
const FIELDS = ["name", "phone", "certificate", "certificate_number", "certificate_date"];
const CATEGORIES = ["trainer", "first_aider", "public"];
const WHOLE = /^\d{1,6}$/;

/**
 * The entry a filled-in form describes (`form`: FormData), and its problems as
 * [field name, code]: rows without a name are left out, certificates kept for first-aiders
 * only, a headcount for public training only, phone numbers by the one phone rule.
 */
export function trainingEntry(form, activityId, now = new Date()) {
  const found = [];
  const get = (name) => String(form.get(name) || "").trim();
  const category = get("category");
  if (!CATEGORIES.includes(category)) found.push(["category", "category_missing"]);
  const trainees = [];
  for (let row = 0; row < ROWS; row += 1) {
    const field = Object.fromEntries(FIELDS.map((key) => [key, get(`trainees.${row}.${key}`)]));
    if (category !== "first_aider") Object.assign(field, { certificate: "", certificate_number: "", certificate_date: "" });
    if (!field.name) {
      if (Object.values(field).some(Boolean)) found.push([`trainees.${row}.name`, "name_missing"]);
      continue;
    }
    if (!phoneOk(field.phone)) found.push([`trainees.${row}.phone`, "bad_phone"]);
    field.phone = normalPhone(field.phone);
    trainees.push(Object.fromEntries(Object.entries(field).filter(([, v]) => v)));
  }
  const data = { activity_id: String(activityId), category, trainees };
  const headcount = category === "public" ? get("headcount") : "";
  if (headcount && !WHOLE.test(headcount)) found.push(["headcount", "bad_number"]);
  else if (headcount && Number(headcount)) data.headcount = Number(headcount);
  if (!trainees.length && !data.headcount && !found.length) found.push(["trainees.0.name", "trainees_missing"]);
  const entry = { kind: "training_count", schema: 1, recorded_at: rfc3339(now), data, attachments: [] };
  return { entry, problems: found };
}
