// 通知 on the phone: the unread count on the tab, read marks on the (perhaps kept, perhaps
// days old) inbox page, and recording a reading. Opening a notice writes a `notice_read`
// entry to the outbox, online or not; it goes up with the next sync like any entry.

import * as outbox from "./outbox.js";
import * as pulled from "./pulled.js";
import { rfc3339 } from "./visit.js";
import { account, show } from "./ui.js";

const saving = new Set();

/** Ids of the notices this phone has recorded as read for `user` (sent or not yet). */
async function readHere(user) {
  const records = await outbox.all(user);
  return new Set(records.filter((r) => r.kind === "notice_read").map((r) => String(r.data.notice_id)));
}

/** Notices pulled for `user` that no one has read yet, neither here nor on another phone. */
export async function unreadCount(user) {
  const [notices, read] = await Promise.all([pulled.ofKind(user, "notice"), readHere(user)]);
  return notices.filter((n) => !n.data.read && !read.has(String(n.id))).length;
}

function markRead(item) {
  item.dataset.read = "1";
  for (const mark of item.querySelectorAll("[data-unread]")) mark.hidden = true;
  for (const mark of item.querySelectorAll("[data-read-mark]")) mark.hidden = false;
}

/** The tab's count, and the read marks a kept page could not know. */
export async function refreshInbox() {
  const user = account();
  if (!user || !window.indexedDB) return;
  const read = await readHere(user).catch(() => new Set());
  for (const item of document.querySelectorAll("li[data-notice][data-read='0']")) {
    if (read.has(item.dataset.notice)) markRead(item);
  }
  const article = document.getElementById("notice");
  if (article && read.has(article.dataset.noticeId)) {
    article.dataset.read = "1";
    show("read-form", false);
    show("read-state", true);
  }
  const count = await unreadCount(user).catch(() => 0);
  const counter = document.getElementById("inbox-unread-count");
  if (counter) counter.textContent = String(count);
  show("inbox-unread", count > 0);
}

/**
 * A notice page opened: record its reading (once) in the outbox. Where entries cannot wait
 * on the phone (`usable()` false) the 标为已读 form stays for the volunteer to post.
 */
export async function recordReading(usable, onSaved) {
  const article = document.getElementById("notice");
  const user = account();
  if (!article || article.dataset.read === "1" || !user || !usable()) return;
  const id = article.dataset.noticeId;
  if (saving.has(id)) return;
  saving.add(id);
  try {
    if (!(await readHere(user)).has(id)) {
      const title = article.querySelector("h1")?.textContent.trim() || "";
      await outbox.save(user, { kind: "notice_read", schema: 1, recorded_at: rfc3339(new Date()),
        data: { notice_id: id } }, { label: title });
      onSaved();
    }
    await refreshInbox();
  } catch {
    // Not stored (no space): the form stays, and the next opening tries again.
  } finally {
    saving.delete(id);
  }
}
