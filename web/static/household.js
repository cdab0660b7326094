// The household edit form as a `household_patch` entry (schema 1): only what the volunteer
// changed, against the values the form was rendered with, and the version it showed.
// Used by the page (on submit) and by the worker (a form POST the page did not handle).
//
// The form carries a fingerprint of each value it showed (`orig.*`, made by
// server/households/edit_form.py); the same digest is made here, so the entry is the one
// the server's own form handler would build from the same form.

import { phoneOk } from "./phones.js";
import { rfc3339 } from "./visit.js";

const MEMBER_KEY = /^members\.(\d+)\.(id|name|relation|birth_year|removed|orig)$/;
const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g;

/** Python's `json.dumps(value, ensure_ascii=False, sort_keys=True)` for flat values. */
function canonical(value) {
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${canonical(value[k])}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** The short digest the server put in `orig.*` for a shown value. */
export async function fingerprint(value) {
  const bytes = new TextEncoder().encode(canonical(value));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
}

/** A birth year as typed: a number, nothing, or the text itself (the server reports it). */
function year(value) {
  const text = String(value || "").trim().replace(FULL_WIDTH_DIGIT, (d) => String(d.charCodeAt(0) - 0xFF10));
  if (!text) return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/**
 * The digest of a member row as the form shows it (`birth_year` as typed): the server's
 * `orig` for an unchanged row, and the new baseline once a change is kept.
 */
export function memberFingerprint({ name, relation, birth_year: born, removed }) {
  return fingerprint({ name, relation, birth_year: year(born), removed: Boolean(removed) });
}

function memberRows(form) {
  const rows = new Map();
  for (const [key, value] of form.entries()) {
    const match = key.match(MEMBER_KEY);
    if (!match) continue;
    const n = Number(match[1]);
    if (!rows.has(n)) rows.set(n, {});
    rows.get(n)[match[2]] = String(value);
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([n, row]) => ({
    n, id: row.id || "", name: row.name || "", relation: row.relation || "",
    birth_year: row.birth_year || "", removed: ["1", "on", "true"].includes(row.removed || ""),
    orig: row.orig || "",
  }));
}

function check(changes, rows) {
  const found = [];
  if ("phone" in changes && !phoneOk(changes.phone)) found.push(["phone", "badPhone"]);
  for (const [n, member] of rows) {
    if (!member.name) found.push([`members.${n}.name`, "required"]);
    const born = member.birth_year;
    if (born !== null && !(Number.isInteger(born) && born >= 1900 && born <= 2100)) {
      found.push([`members.${n}.birth_year`, "badYear"]);
    }
  }
  return found;
}

/**
 * The entry a filled-in edit form describes (`form`: FormData; null when nothing changed)
 * and the problems the server would also find, as [field name, message key]. Mirrors
 * `edit_form.to_entry` on the server.
 */
export async function householdEntry(form, householdId, now = new Date()) {
  const value = (name) => String(form.get(name) ?? "");
  const changes = {};
  for (const name of ["phone", "address"]) {
    if ((await fingerprint(value(name))) !== value(`orig.${name}`)) changes[name] = value(name).trim();
  }
  const members = [];
  for (const row of memberRows(form)) {
    const member = { name: row.name.trim(), relation: row.relation.trim(), birth_year: year(row.birth_year) };
    if (row.removed) member.removed = true;
    if (row.id) {
      if ((await memberFingerprint(row)) !== row.orig) members.push([row.n, { id: row.id, ...member }]);
    } else if (member.name) {
      members.push([row.n, member]);
    }
  }
  if (members.length) changes.members = members.map(([, member]) => member);
  if (!Object.keys(changes).length) return { entry: null, problems: [] };
  const base = value("base_version");
  const entry = {
    kind: "household_patch",
    schema: 1,
    recorded_at: rfc3339(now),
    data: {
      household_id: String(householdId),
      base_version: /^\d+$/.test(base) ? Number(base) : 0,
      changes,
    },
    attachments: [],
  };
  return { entry, problems: check(changes, members) };
}
