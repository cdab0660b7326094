// What a kept page cannot know: the entries still waiting on this phone. The household page
// shows them with their content, marked 待同步 (visits on top of the history, household edits
// above the facts); rows of 今天 and the household list get a mark. 我的记录 lists them on
// top; an entry with a correction still waiting is marked 更正待同步 (or 作废待同步).

import * as outbox from "./outbox.js";
import { account, message, shortTime } from "./ui.js";
import { drawEntryFiles, entryFigure } from "./entry-files.js";

const AREAS = ["health", "training", "livelihood", "work_school"];
/** Kinds 我的记录 does not list (as `NOT_LISTED` in server/records/service.py). */
const NOT_LISTED = ["correction", "notice_read"];

function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

function mark() {
  return element("span", "pending-mark", message("pendingMark"));
}

/** The needs of a pending visit as chips, as the server draws those of a stored one. */
function chips(needs, labels) {
  const list = element("ul", "chips");
  const areas = AREAS.filter((area) => needs[area] && needs[area].level !== "none");
  for (const area of areas) {
    const level = needs[area].level;
    const chip = element("li", `chip chip-${level}`);
    if (level === "urgent") {
      const icon = element("span", "", "‼");
      icon.setAttribute("aria-hidden", "true");
      chip.append(icon, " ");
    }
    chip.append(`${labels(`area-${area}`)}：${labels(`level-${level}`)}`);
    list.append(chip);
  }
  if (!areas.length) list.append(element("li", "chip chip-none", labels("no-needs")));
  return list;
}

function pendingVisit(record, labels) {
  const data = record.data;
  const item = element("li", "row visit");
  item.dataset.entry = record.id;
  item.dataset.pending = "1";
  item.append(element("p", "", element("strong", "", shortTime(data.visited_at || record.recorded_at)), " ", mark()));
  item.append(chips(data.needs || {}, labels));
  for (const area of AREAS) {
    const note = data.needs?.[area]?.note;
    if (note) item.append(element("p", "note", `${labels(`area-${area}`)}：${note}`));
  }
  if (data.follow_up) item.append(element("p", "note follow", `${labels("follow-up")}：${data.follow_up_note}`));
  return item;
}

function history(list, waiting, labels) {
  for (const old of list.querySelectorAll("[data-pending]")) old.remove();
  const shown = new Set([...list.querySelectorAll("[data-entry]")].map((li) => li.dataset.entry));
  const mine = waiting.filter((r) => r.kind === "visit" && String(r.data.household_id) === list.dataset.household
    && !shown.has(r.id));
  // Newest first, as the server lists them.
  list.prepend(...mine.reverse().map((r) => pendingVisit(r, labels)));
  // Just saved (the form sent the volunteer here): let them see what was kept.
  if (mine.length && new URLSearchParams(location.search).get("queued") && !list.dataset.shown) {
    list.dataset.shown = "1";
    list.closest("section").scrollIntoView({ block: "start" });
  }
  const none = list.querySelector("#no-visits");
  if (none) none.hidden = list.querySelector("[data-entry]") !== null;
}

function memberLine(member, labels) {
  const parts = [member.name, member.relation, member.birth_year ? String(member.birth_year) : ""].filter(Boolean);
  const text = parts.join(" · ");
  return member.removed ? `${text}（${labels("removed")}）` : text;
}

function pendingEdit(record, labels) {
  const changes = record.data.changes || {};
  const item = element("li", "row");
  item.dataset.entry = record.id;
  item.append(element("p", "", element("strong", "", shortTime(record.recorded_at)), " ", mark()));
  const facts = element("dl", "facts");
  for (const name of ["phone", "address"]) {
    if (name in changes) facts.append(element("dt", "", labels(name)), element("dd", "", changes[name] || "—"));
  }
  for (const member of changes.members || []) {
    facts.append(element("dt", "", labels("member")), element("dd", "", memberLine(member, labels)));
  }
  item.append(facts);
  return item;
}

function edits(box, waiting, labels) {
  const mine = waiting.filter((r) => r.kind === "household_patch" && String(r.data.household_id) === box.dataset.household);
  const list = box.querySelector("ol");
  list.replaceChildren(...mine.map((r) => pendingEdit(r, labels)));
  box.hidden = !mine.length;
}

function rows(waiting) {
  const households = new Set(waiting.map((r) => String(r.data.household_id || "")));
  for (const row of document.querySelectorAll("#today-list [data-household], #household-list [data-household]")) {
    const has = households.has(row.dataset.household);
    const old = row.querySelector(":scope > .pending-mark");
    if (has && !old) row.append(mark());
    if (!has && old) old.remove();
  }
}

/** An activity's page: a sign-up (or withdrawal) still on the phone is 待同步, and the form
 * waits for the server's answer (it decides the place, in arrival order). */
function signup(box, waiting) {
  const mine = waiting.some((r) => r.kind === "activity_signup" && String(r.data.activity_id) === box.dataset.activity);
  box.querySelector("#pending-signup").hidden = !mine;
  const form = box.querySelector("form");
  if (form) form.hidden = mine;
}

/** Rows of a kept list whose entry has a correction waiting: marked, in words. */
function corrections(list, waiting) {
  for (const old of list.querySelectorAll(".correction-mark")) old.remove();
  for (const record of waiting.filter((r) => r.kind === "correction")) {
    const target = record.data.supersedes;
    for (const row of list.querySelectorAll(":scope > li")) {
      if (row.dataset.entry !== target && row.dataset.head !== target) continue;
      const voiding = record.data.data === null;
      const note = element("span", "pending-mark correction-mark",
        message(voiding ? "voidPending" : "correctionPending"));
      row.querySelector("p, summary")?.append(" ", note);
    }
  }
}

function pendingRecord(record, labels) {
  const item = element("li", `row record ${record.kind}`);
  item.dataset.entry = record.id;
  item.dataset.pending = "1";
  // A kind's name in words, never its code (a kind this page does not name yet: 记录).
  const kind = labels(`pending-kind-${record.kind}`) || labels("pending-kind-entry");
  const about = record.label ? [" · ", record.label] : [];
  item.append(element("p", "", element("strong", "", kind), ...about, " · ",
    shortTime(record.recorded_at), " ", mark()));
  // Its photo or signature, from the phone's own copy (the server has none yet).
  for (const { name } of record.attachments || []) {
    item.append(entryFigure(record.id, name, labels(`file-${name}`) || name));
  }
  return item;
}

function myRecords(list, waiting, labels) {
  for (const old of list.querySelectorAll("[data-pending]")) old.remove();
  const shown = new Set([...list.querySelectorAll("[data-entry]")].map((li) => li.dataset.entry));
  // As on the server's list: a correction shows on what it corrects, a notice read is a receipt.
  const mine = waiting.filter((r) => !NOT_LISTED.includes(r.kind) && !shown.has(r.id));
  list.prepend(...mine.reverse().map((r) => pendingRecord(r, labels)));
  const none = list.querySelector("#no-records");
  if (none) none.hidden = list.querySelector("[data-entry]") !== null;
  corrections(list, waiting);
  drawEntryFiles(list);
}

/** Show this account's unsent entries on the page as it is now. */
export async function overlay() {
  if (!account() || !window.indexedDB) return;
  const records = await outbox.all(account()).catch(() => []);
  const waiting = records.filter((r) => outbox.UNSENT.includes(r.state));
  const labelBox = document.getElementById("overlay-labels");
  const labels = labelBox ? (key) => labelBox.getAttribute(`data-${key}`) || "" : null;
  const list = document.querySelector("#visit-history[data-household]");
  if (list && labels) {
    history(list, waiting, labels);
    corrections(list, waiting);
  }
  const mine = document.getElementById("my-entries");
  if (mine && labels) myRecords(mine, waiting, labels);
  const box = document.querySelector("#pending-edits[data-household]");
  if (box && labels) edits(box, waiting, labels);
  const signupBox = document.querySelector("#signup[data-activity]");
  if (signupBox) signup(signupBox, waiting);
  rows(waiting);
}
