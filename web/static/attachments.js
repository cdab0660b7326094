// The files of an entry form: a photo field (made small at once, see photo.js) and a
// signature pad (signature.js). Saving lists each file in the entry with its name, SHA-256
// and size, and keeps it in the outbox with the entry. Without JavaScript the fields stay
// hidden: a form posted to the server carries no files.

import { MAX_BYTES, compress } from "./photo.js";
import { clearPad, setUpSignaturePads, signatureOf } from "./signature.js";
import { message } from "./ui.js";

/** Per photo field: the photo being made small, as a promise of a Blob or a refusal key. */
const photos = new WeakMap();

const part = (box, name) => box.querySelector(`[data-photo-${name}]`);

function show(box, blob) {
  const preview = part(box, "preview");
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.hidden = !blob;
  if (blob) preview.src = URL.createObjectURL(blob);
  else preview.removeAttribute("src");
  part(box, "remove").hidden = !blob;
}

function tell(box, text, { error = false } = {}) {
  const line = document.getElementById(`err-${box.dataset.photo}`);
  const state = part(box, "state");
  line.textContent = error ? text : "";
  state.textContent = error ? "" : text;
}

function removePhoto(box) {
  photos.delete(box);
  box.querySelector("input[type=file]").value = "";
  show(box, null);
  tell(box, "");
}

function pick(box, input) {
  const file = input.files[0];
  if (!file) return removePhoto(box);
  show(box, null);
  tell(box, message("photoCompressing"));
  const maxBytes = Number(box.dataset.maxBytes) || MAX_BYTES;
  const made = compress(file, { maxBytes }).then((blob) => blob || "photoTooLarge", () => "photoUnreadable");
  photos.set(box, made);
  made.then((result) => {
    if (photos.get(box) !== made) return; // another photo was chosen meanwhile
    if (result instanceof Blob) {
      show(box, result);
      tell(box, message("photoReady", { kb: Math.ceil(result.size / 1024) }));
    } else {
      tell(box, message(result), { error: true });
    }
  });
}

/**
 * Make the photo fields and signature pads under `root` work (once each), in the forms
 * `saved(form)` says are saved on the phone; elsewhere they stay hidden.
 */
export function setUpFileFields(root, saved) {
  const usable = (box) => saved(box.closest("form"));
  setUpSignaturePads(root, usable);
  for (const box of root.querySelectorAll("[data-photo]")) {
    if (box.dataset.ready || !usable(box)) continue;
    box.dataset.ready = "1";
    box.hidden = false;
    const input = box.querySelector("input[type=file]");
    input.addEventListener("change", () => pick(box, input));
    part(box, "remove").addEventListener("click", () => removePhoto(box));
  }
}

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A file as the outbox keeps it and the entry lists it. */
async function kept(name, blob) {
  const body = await blob.arrayBuffer();
  const sha256 = hex(await crypto.subtle.digest("SHA-256", body));
  return { name, type: blob.type, sha256, bytes: body.byteLength, body };
}

/**
 * The files the form holds, ready to save, and its problems as [field name, message key]:
 * a photo refused (too large even made small, unreadable), a signature missing where the
 * deployment requires one, or too large. Checked before the entry is saved, never after.
 */
export async function formFiles(form) {
  const files = [];
  const problems = [];
  for (const box of form.querySelectorAll("[data-photo]:not([hidden])")) {
    const result = photos.has(box) ? await photos.get(box) : null;
    if (result instanceof Blob) files.push(await kept(box.dataset.photo, result));
    else if (result) problems.push([box.dataset.photo, result]);
  }
  for (const box of form.querySelectorAll("[data-signature]:not([hidden])")) {
    const name = box.dataset.signature;
    const blob = await signatureOf(box);
    if (blob && blob.size > Number(box.dataset.maxBytes)) problems.push([name, "signatureTooLarge"]);
    else if (blob) files.push(await kept(name, blob));
    else if (box.dataset.required) problems.push([name, "signatureMissing"]);
  }
  return { files, problems };
}

/** Empty the form's files (it was saved and starts afresh). */
export function clearFileFields(form) {
  for (const box of form.querySelectorAll("[data-photo]")) removePhoto(box);
  for (const box of form.querySelectorAll("[data-signature]")) clearPad(box);
}
