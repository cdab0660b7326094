// Small page helpers: translated texts rendered by the server, the status line, the account.

/** A text from #messages (rendered from the catalogue), with {name} placeholders filled. */
export function message(key, params = {}) {
  const box = document.getElementById("messages");
  let text = (box && box.dataset[key]) || key;
  for (const [name, value] of Object.entries(params)) text = text.replace(`{${name}}`, value);
  return text;
}

/** Announce `text` in the page's live status line (`error`: it looks like one, icon and colour). */
export function say(text, { error = false } = {}) {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = text;
  if (error && text) status.dataset.kind = "error";
  else delete status.dataset.kind;
}

/** The logged-in account's id (the server marks <body>), or null on the login page. */
export function account() {
  return document.body.dataset.account || null;
}

export function show(id, visible = true) {
  const element = document.getElementById(id);
  if (element) element.hidden = !visible;
}

/** A time as the volunteer reads it: 14:05 today, else 11-28 14:05. */
export function shortTime(iso) {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  const options = today ? { hour: "2-digit", minute: "2-digit" }
    : { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(date);
}
