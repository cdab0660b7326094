// The delivery forms' helpers: a chosen item suggests its catalogue unit, and a 扫码 button
// reads a drug traceability code with the camera where the browser has `BarcodeDetector`
// (elsewhere the button stays hidden and the code is typed).

/** Fill an item row's empty unit from the chosen item's catalogue unit. */
function suggestUnit(select) {
  const unit = select.form?.elements.namedItem(select.name.replace(/item_id$/, "unit"));
  const suggested = select.selectedOptions[0]?.dataset.unit;
  if (unit && suggested && !unit.value) unit.value = suggested;
}

async function scanInto(button, input) {
  const detector = new globalThis.BarcodeDetector();
  const video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.className = "scanner";
  button.after(video);
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    await video.play();
    for (let tries = 0; tries < 300 && !input.value; tries += 1) {
      const [code] = await detector.detect(video);
      if (code?.rawValue) input.value = code.rawValue.replace(/\D/g, "") || code.rawValue;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch {
    input.focus(); // no camera or no permission: type it
  } finally {
    stream?.getTracks().forEach((track) => track.stop());
    video.remove();
  }
}

/** Wire the forms under `root`. */
export function setUpDeliveryForms(root) {
  for (const select of root.querySelectorAll("select[data-units]")) {
    select.addEventListener("change", () => suggestUnit(select));
  }
  if (!("BarcodeDetector" in globalThis) || !navigator.mediaDevices) return;
  for (const button of root.querySelectorAll("button[data-scan]")) {
    const input = document.getElementById(button.dataset.scan);
    if (!input) continue;
    button.hidden = false;
    button.addEventListener("click", () => scanInto(button, input));
  }
}
