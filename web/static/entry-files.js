// The photo or signature an entry carries, on 我的记录: the server's copy is only there
// online (the worker never keeps /api/), but the phone still holds its own copy of an
// entry waiting in the outbox, or sent in the last few days. Those are drawn from IndexedDB.

import * as outbox from "./outbox.js";
import { account } from "./ui.js";

/** Images already drawn from the phone, or waiting to be if the server's copy fails. */
const seen = new WeakSet();

/** Draw `img` (`data-entry-file="<entry id>/<name>"`) from the phone's copy, if it has one. */
async function fromPhone(img) {
  const [entryId, name] = img.dataset.entryFile.split("/");
  const kept = await outbox.getFile(entryId, name).catch(() => undefined);
  if (!kept || kept.account_id !== account()) return;
  img.src = URL.createObjectURL(new Blob([kept.body], { type: kept.type }));
}

/**
 * The entry files under `root`: each drawn from the phone's copy when the server's cannot
 * load (offline, or not uploaded yet), and at once where there is no network at all.
 */
export function drawEntryFiles(root) {
  for (const img of root.querySelectorAll("img[data-entry-file]")) {
    if (seen.has(img)) continue;
    seen.add(img);
    const failed = img.complete && img.getAttribute("src") && img.naturalWidth === 0;
    if (!img.getAttribute("src") || failed || navigator.onLine === false) fromPhone(img);
    else img.addEventListener("error", () => fromPhone(img), { once: true });
  }
}

/** A figure for file `name` of entry `entryId`, drawn from the phone (`caption`: its label). */
export function entryFigure(entryId, name, caption) {
  const figure = document.createElement("figure");
  figure.className = "entry-file";
  const img = document.createElement("img");
  img.dataset.entryFile = `${entryId}/${name}`;
  img.alt = caption;
  img.width = 320;
  img.height = name === "signature" ? 160 : 240;
  const label = document.createElement("figcaption");
  label.textContent = caption;
  figure.append(img, label);
  return figure;
}
