// The signature pad: a canvas the recipient signs on with a finger (pointer events), a
// clear button, and the drawing as a small PNG when the form is saved.

const pads = new WeakMap();

/** Start drawing on every signature pad under `root` that `usable(box)` allows (once each). */
export function setUpSignaturePads(root, usable) {
  for (const box of root.querySelectorAll("[data-signature]")) {
    if (pads.has(box) || !usable(box)) continue;
    const canvas = box.querySelector("canvas");
    const pad = { box, canvas, drawn: false };
    pads.set(box, pad);
    box.hidden = false;
    // The drawing's pixels are the canvas's size on the screen: no blur, no larger file.
    canvas.width = Math.round(canvas.clientWidth) || 320;
    canvas.height = Math.round(canvas.clientHeight) || 160;
    const context = canvas.getContext("2d");
    Object.assign(context, { lineWidth: 2.5, lineCap: "round", lineJoin: "round", strokeStyle: "#111" });
    let last = null;
    const at = (event) => {
      const rect = canvas.getBoundingClientRect();
      return [(event.clientX - rect.left) * (canvas.width / rect.width),
        (event.clientY - rect.top) * (canvas.height / rect.height)];
    };
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      last = at(event);
      context.beginPath();
      context.arc(last[0], last[1], context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      marked(pad, true);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!last) return;
      const next = at(event);
      context.beginPath();
      context.moveTo(...last);
      context.lineTo(...next);
      context.stroke();
      last = next;
    });
    const stop = () => { last = null; };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    box.querySelector("[data-signature-clear]").addEventListener("click", () => clearPad(box));
  }
}

function marked(pad, drawn) {
  pad.drawn = drawn;
  const state = pad.box.querySelector("[data-signature-state]");
  if (state) state.textContent = drawn ? pad.box.dataset.signed : pad.box.dataset.empty;
}

/** Wipe the pad (the clear button; the form saved). */
export function clearPad(box) {
  const pad = pads.get(box);
  if (!pad) return;
  pad.canvas.getContext("2d").clearRect(0, 0, pad.canvas.width, pad.canvas.height);
  marked(pad, false);
}

/** The pad's drawing as a PNG Blob, or null when nothing was drawn. */
export async function signatureOf(box) {
  const pad = pads.get(box);
  if (!pad || !pad.drawn) return null;
  return new Promise((resolve) => pad.canvas.toBlob(resolve, "image/png"));
}
