// The 送药, 物资 and 购买 forms as entries (medicine_delivery, supply_handout, purchase, schema
// 1), and the checks the phone can make offline. Used by the page (on submit) and by the
// worker (a form POST the page did not handle). The same fields as the server's form path.

import { rfc3339 } from "./visit.js";

const ROWS = 3;
const LINE_FIELDS = {
  medicine_delivery: ["item_id", "quantity", "unit", "lot", "expiry_date", "dose", "days_supply", "trace_code"],
  supply_handout: ["item_id", "quantity", "unit"],
};
const TIME_FIELD = { medicine_delivery: "delivered_at", supply_handout: "handed_at", purchase: "bought_at" };
const WHOLE = /^\d{1,6}$/;
const YUAN = /^(\d{1,7})(?:\.(\d+))?$/;

const text = (form, name) => String(form.get(name) || "").trim();

/** "12.50" as 1250 fen, exactly (digits, never a float); or the problem's code. */
export function yuanToFen(value) {
  const match = String(value).trim().replace("，", ".").replace("¥", "").match(YUAN);
  if (!match) return { code: "bad_yuan" };
  const fraction = match[2] || "";
  if (fraction.replace(/0+$/, "").length > 2) return { code: "amount_not_whole_fen" };
  return { fen: Number(match[1]) * 100 + Number((fraction + "00").slice(0, 2)) };
}

function time(form, name) {
  const value = text(form, name);
  const date = value ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? rfc3339(date, { millis: false }) : null;
}

function whole(value, name, found, code = "bad_quantity") {
  if (WHOLE.test(value) && Number(value) >= 1 && Number(value) <= 100_000) return Number(value);
  found.push([name, code]);
  return null;
}

function lines(kind, form, found) {
  const items = [];
  for (let row = 0; row < ROWS; row += 1) {
    const get = (key) => text(form, `items.${row}.${key}`);
    if (!get("item_id")) continue;
    const line = Object.fromEntries(LINE_FIELDS[kind].map((key) => [key, get(key)]).filter(([, v]) => v));
    line.quantity = whole(get("quantity"), `items.${row}.quantity`, found);
    if (get("days_supply")) line.days_supply = whole(get("days_supply"), `items.${row}.days_supply`, found, "bad_number");
    if (line.trace_code && !/^[0-9A-Za-z]+$/.test(line.trace_code)) found.push([`items.${row}.trace_code`, "bad_trace_code"]);
    items.push(line);
  }
  if (!items.length) found.push(["items.0.item_id", "items_missing"]);
  return items;
}

/**
 * The entry a filled-in form of `kind` describes, and its problems as [field name, code]
 * (`householdId` null: a group handout).
 */
export function deliveryEntry(kind, form, householdId, now = new Date()) {
  const found = [];
  const data = householdId ? { household_id: String(householdId) } : {};
  data[TIME_FIELD[kind]] = time(form, TIME_FIELD[kind]);
  if (!data[TIME_FIELD[kind]]) found.push([TIME_FIELD[kind], "bad_time"]);
  for (const key of ["member_id", "hospital", "doctor", "occasion", "occasion_note", "unit", "note"]) {
    if (text(form, key)) data[key] = text(form, key);
  }
  if (kind === "medicine_delivery" && !data.member_id) found.push(["member_id", "member_missing"]);
  if (kind === "purchase") {
    data.item_id = text(form, "item_id");
    if (!data.item_id) found.push(["item_id", "items_missing"]);
    const quantity = Number(text(form, "quantity"));
    data.quantity = quantity;
    if (!(quantity > 0 && quantity <= 100_000)) found.push(["quantity", "bad_quantity"]);
    const { fen, code } = yuanToFen(text(form, "amount"));
    data.amount_fen = fen ?? null;
    if (code) found.push(["amount", code]);
    else if (fen < 1 || fen > 10_000_000) found.push(["amount", "bad_amount"]);
  } else {
    data.items = lines(kind, form, found);
  }
  if (kind === "supply_handout" && !householdId) {
    data.group = { place: text(form, "place"), people: whole(text(form, "people"), "people", found, "bad_number") };
    if (!data.group.place) found.push(["place", "place_missing"]);
    if (text(form, "description")) data.group.description = text(form, "description");
  }
  const entry = { kind, schema: 1, recorded_at: rfc3339(now), data, attachments: [] };
  return { entry, problems: found };
}
