// The check-in code the leader's screen shows, computed on the phone from the activity's key
// with no network: the same derivation as server/checkin_code.py
// (HMAC-SHA256 of "minute:<n>", truncated as HOTP does to 6 digits).

export const STEP_MS = 60_000;

function hexBytes(hex) {
  return new Uint8Array(hex.match(/../g).map((pair) => parseInt(pair, 16)));
}

async function code(keyHex, message) {
  const key = await crypto.subtle.importKey("raw", hexBytes(keyHex), { name: "HMAC", hash: "SHA-256" },
    false, ["sign"]);
  const digest = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  const offset = digest[digest.length - 1] & 0x0f;
  const number = new DataView(digest.buffer).getUint32(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, "0");
}

/** The minute counter at `ms` (milliseconds since the epoch). */
export function minuteOf(ms) {
  return Math.floor(ms / STEP_MS);
}

/** The rotating code of `minute`. */
export function rotatingCode(keyHex, minute) {
  return code(keyHex, `minute:${minute}`);
}
