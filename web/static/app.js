// The page script: CSRF header for htmx, and the location button of the visit form.

function cookie(name) {
  const match = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : "";
}

// Read the token when each request leaves: a boosted page keeps an old <body>.
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRFToken"] = cookie("csrftoken");
});

function setUpLocation(root) {
  for (const box of root.querySelectorAll("[data-location]")) {
    const button = box.querySelector("[data-location-button]");
    if (!button || !("geolocation" in navigator)) continue;
    button.hidden = false;
    button.onclick = () => {
      const status = box.querySelector("[data-location-status]");
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          box.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
          box.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(6);
          box.querySelector("[name=accuracy]").value = Math.round(pos.coords.accuracy);
          status.textContent = status.dataset.done || "✓";
        },
        () => { status.textContent = status.dataset.denied || "✗"; },
        { enableHighAccuracy: true, timeout: 15000 },
      );
    };
  }
}

setUpLocation(document);
document.addEventListener("htmx:load", (event) => setUpLocation(event.target));
