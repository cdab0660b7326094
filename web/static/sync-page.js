// The sync page (/sync): what is waiting, 立即同步, entries the server refused (需要处理)
// with edit-and-resend and discard, and the export of everything not yet delivered.

import * as outbox from "./outbox.js";
import { account, message, shortTime } from "./ui.js";

let root = null;
let listening = false;

function reason(record) {
  const reasons = JSON.parse(root.dataset.reasons || "{}");
  return reasons[record.code] || record.last_error || record.code;
}

function item(record) {
  const node = document.getElementById("attention-item").content.firstElementChild.cloneNode(true);
  const field = (name) => node.querySelector(`[data-field=${name}]`);
  node.dataset.entry = record.id;
  field("label").textContent = record.label || `#${record.data.household_id || ""}`;
  field("time").textContent = shortTime(record.created_at);
  field("reason").textContent = reason(record);
  const edit = node.querySelector("[data-action=edit]");
  if (record.kind === "visit") edit.href = `/households/${record.data.household_id}/visit?edit=${record.id}`;
  else edit.remove();
  return node;
}

async function render() {
  if (!root || !root.isConnected) return;
  const records = await outbox.all(account());
  const waiting = records.filter((r) => outbox.UNSENT.includes(r.state));
  const refused = records.filter((r) => r.state === "rejected");
  const last = await outbox.getMeta(`last_sync:${account()}`);
  document.getElementById("sync-pending").textContent = String(waiting.length);
  // A file stays on the phone until the server confirmed it (uploads.js).
  const files = (await outbox.files(account())).filter((f) => f.state !== "sent");
  document.getElementById("sync-files").textContent = String(files.length);
  // A file the server refused stays on the phone, with what the server said (its words).
  const refusedFiles = files.filter((f) => f.state === "refused").map((f) => {
    const row = document.createElement("li");
    row.className = "error";
    const entry = records.find((r) => r.id === f.entry_id);
    row.textContent = `${(entry && entry.label) || f.name} · ${f.last_error || f.code}`;
    return row;
  });
  document.getElementById("sync-files-refused").replaceChildren(...refusedFiles);
  document.getElementById("sync-last").textContent = last ? shortTime(last) : message("neverSynced");
  const listed = refused.map((r) => r.id).join(" ");
  const list = document.getElementById("attention-list");
  // Unchanged: keep the rows as they are (a confirmation may be open in one of them).
  if (list.dataset.listed !== listed) list.replaceChildren(...refused.map(item));
  list.dataset.listed = listed;
  document.getElementById("attention-none").hidden = refused.length > 0;
}

function result(summary) {
  const text = {
    done: () => (summary.rejected ? message("refused", { n: summary.rejected })
      : summary.delivered ? message("sent", { n: summary.delivered }) : message("synced")),
    offline: () => message(Number(document.getElementById("sync-pending").textContent) ? "offline" : "offlineNothing"),
    error: () => message("error"),
    cross_site: () => message("crossSite"),
    login: () => message("loginNeeded"),
  }[summary.status];
  const line = document.getElementById("sync-result");
  line.textContent = text ? text() : "";
  // A failure or a refusal reads as an error: icon and colour, never colour alone.
  line.classList.toggle("error", summary.status === "error" || Boolean(summary.rejected));
}

/** A file's bytes as base64 (in slices: one call with every byte would overflow the stack). */
function base64Of(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

async function exportPending() {
  const records = (await outbox.all(account())).filter((r) => r.state !== "synced");
  // Every file the server has not confirmed: those of the entries exported, and those of
  // entries it has but whose upload never finished.
  const files = (await outbox.files(account())).filter((f) => f.state !== "sent")
    .map((f) => ({ entry_id: f.entry_id, name: f.name, base64: base64Of(f.body) }));
  const file = {
    format: "doorstep-outbox",
    version: 1,
    exported_at: new Date().toISOString(),
    device_id: await outbox.deviceId(),
    account_id: account(),
    app_version: (await outbox.getMeta("app_version")) || "",
    entries: records.map((r) => JSON.parse(r.body)),
    files,
  };
  const blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `doorstep-pending-${account()}-${file.exported_at.slice(0, 16).replace(/\D/g, "")}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

async function onClick(event, sync) {
  const target = event.target.closest("button, a");
  if (!target) return;
  const row = target.closest("[data-entry]");
  const confirm = row && row.querySelector("[data-field=confirm]");
  if (target.id === "sync-now") {
    document.getElementById("sync-result").textContent = message("sending");
    result(await sync({ force: true }));
  } else if (target.id === "export-pending") {
    await exportPending();
  } else if (target.dataset.action === "discard") {
    confirm.hidden = false;
    confirm.querySelector("[data-action=confirm-discard]").focus();
    return;
  } else if (target.dataset.action === "cancel") {
    confirm.hidden = true;
    target.closest("[data-entry]").querySelector("[data-action=discard]").focus();
    return;
  } else if (target.dataset.action === "confirm-discard") {
    await outbox.discard(row.dataset.entry);
  } else {
    return;
  }
  await render();
}

/** Set the page up (once per page load or boosted swap). `sync` drains and refreshes. */
export function show(sync) {
  const page = document.getElementById("sync-page");
  if (!page || page.dataset.ready || !account()) return;
  page.dataset.ready = "1";
  root = page.closest("main") || page;
  root.addEventListener("click", (event) => onClick(event, sync));
  if (!listening) document.addEventListener("doorstep:synced", render);
  listening = true;
  render();
}
