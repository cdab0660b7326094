// The leader's check-in screen: the activity's QR code, changing every minute, computed on
// the phone from the activity's key with no network; the six-digit code is shown under it.

import { draw } from "./qr.js";
import { STEP_MS, minuteOf, rotatingCode } from "./checkin-code.js";

let timer = null;

async function show(box) {
  const minute = minuteOf(Date.now());
  const code = await rotatingCode(box.dataset.key, minute);
  draw(box.querySelector("canvas"), `${box.dataset.origin}/checkin/${box.dataset.activity}?c=${code}`, 6);
  box.querySelector("#checkin-screen-code").textContent = code;
  box.dataset.minute = String(minute);
  clearTimeout(timer);
  // The next minute's boundary (a timer drifts; the clock decides which code shows).
  timer = setTimeout(() => { if (box.isConnected) show(box); }, STEP_MS - (Date.now() % STEP_MS) + 50);
}

/** Start the screen under `root`, if there is one with a key. */
export function setUp(root) {
  const box = root.querySelector("[data-checkin-screen]");
  if (box && box.dataset.key) show(box);
}
