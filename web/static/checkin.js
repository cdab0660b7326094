// 签到 / 签退 on the phone: the check-in form (and a leader's tick for a team member) becomes
// a `check_in` / `check_out` entry in the outbox, offline too. The activity and the code come
// from the address the QR code holds (/checkin/<id>?c=<code>), so the page kept for /checkin
// serves every activity. Where the browser has BarcodeDetector, the page scans the code itself.

import * as outbox from "./outbox.js";
import { rfc3339 } from "./visit.js";
import { account, say } from "./ui.js";

const ACTIVITY = /^\/checkin\/(\d+)\/?$/;
const FROM_QR = /\/checkin\/(\d+)\?(?:.*&)?c=(\d{6})/;

function activityOf(form) {
  const own = new URL(form.action, location.href).pathname.match(ACTIVITY);
  const here = location.pathname.match(ACTIVITY);
  return (own && own[1]) || (here && here[1]) || null;
}

async function capture(form, direction) {
  const activityId = activityOf(form);
  if (!activityId) {
    say(form.dataset.noActivity || "", { error: true });
    return;
  }
  const fields = new FormData(form);
  const data = { activity_id: activityId, code: String(fields.get("code") || "").trim() };
  if (fields.get("member_id")) data.member_id = String(fields.get("member_id"));
  const kind = direction === "out" ? "check_out" : "check_in";
  try {
    await outbox.save(account(), { kind, schema: 1, recorded_at: rfc3339(new Date()), data },
      { label: document.getElementById("checkin-activity")?.textContent.trim().slice(0, 60) || "" });
  } catch (error) {
    say(`${form.dataset.notSaved || ""} (${error?.name || "Error"})`, { error: true });
    return;
  }
  say(form.dataset.saved || "");
  return true;
}

function fillFromAddress(form) {
  const code = new URLSearchParams(location.search).get("c");
  const input = form.elements.namedItem("code");
  if (code && input && !input.value) input.value = code.slice(0, 6);
  const activityId = activityOf(form);
  if (activityId && !ACTIVITY.test(new URL(form.action, location.href).pathname)) {
    form.action = `/checkin/${activityId}`;
  }
}

async function scan(form, button) {
  const video = document.getElementById("scan-video");
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  } catch {
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; };
  const look = async () => {
    if (video.hidden) return;
    const found = (await detector.detect(video).catch(() => [])).map((c) => c.rawValue.match(FROM_QR)).find(Boolean);
    if (!found) { requestAnimationFrame(look); return; }
    stop();
    form.elements.namedItem("code").value = found[2];
    if (found[1] !== activityOf(form)) form.action = `/checkin/${found[1]}`;
    button.focus();
  };
  look();
}

/** Take the check-in forms under `root` into the outbox (`onSaved`: after each capture). */
export function setUp(root, onSaved, usable) {
  for (const form of root.querySelectorAll("form[data-checkin]")) {
    if (form.dataset.prepared) continue;
    form.dataset.prepared = "1";
    fillFromAddress(form);
    form.addEventListener("submit", async (event) => {
      if (!account() || !usable()) return; // the server takes the form, as without scripts
      event.preventDefault();
      if (form.dataset.saving) return;
      form.dataset.saving = "1";
      try {
        if (await capture(form, event.submitter?.value)) onSaved();
      } finally {
        delete form.dataset.saving;
      }
    });
    const button = form.querySelector("#scan-code");
    if (button && "BarcodeDetector" in window && navigator.mediaDevices) {
      button.hidden = false;
      button.onclick = () => scan(form, button);
    }
  }
}
