// The outbox: every entry the volunteer saves, in IndexedDB, until the server has it.
// Shared by the page and the service worker (both import this file).
//
// A record: { id, account_id, seq, kind, schema, recorded_at, data, body, attachments,
//   state, attempts, code, last_error, created_at, synced_at, label }
// `body` is the exact JSON sent to the server, written once at save time and never
// changed, so an entry saved by an older app version goes up byte for byte.
// `state`: pending | sending | rejected | synced (kept a few days, then pruned).
//
// The files an entry lists (photo, signature) wait in their own store, keyed by
// [entry_id, name]: { entry_id, name, account_id, type, sha256, bytes, body (ArrayBuffer),
//   state: pending | sent | refused, code, last_error }. They are written in the entry's own
// transaction and kept as long as the entry is (a restored server is refilled with them too).

const DB_NAME = "doorstep";
const DB_VERSION = 3; // the database's own version; upgrades are additive
const STRICT = { durability: "strict" };
export const KEEP_SYNCED_DAYS = 7;
export const UNSENT = ["pending", "sending"];
/** The cache of pages the volunteer opened (personal data: emptied when the account changes). */
export const PAGES_CACHE = "doorstep-pages";

let opening = null;

/** A request's result as a promise. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when `tx` is committed (durably, for a strict transaction). */
export function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
  });
}

function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    const entries = db.createObjectStore("entries", { keyPath: "id" });
    entries.createIndex("account_seq", ["account_id", "seq"]);
    entries.createIndex("state", "state");
    db.createObjectStore("meta");
  }
  if (oldVersion < 2) {
    // What GET /api/sync/pull returned, per account (see pulled.js).
    const pulled = db.createObjectStore("pulled", { keyPath: ["account_id", "kind", "id"] });
    pulled.createIndex("household", ["account_id", "household_id"]);
  }
  if (oldVersion < 3) {
    const files = db.createObjectStore("files", { keyPath: ["entry_id", "name"] });
    files.createIndex("account", "account_id");
  }
}

/** The open database (one connection per page or worker, reopened after a version change). */
export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
      // An older tab still holds the database open; it closes on `versionchange`.
      request.onblocked = () => self.dispatchEvent(new Event("outbox-blocked"));
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); opening = null; };
        db.onclose = () => { opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
  }
  return opening;
}

/** A transaction on `stores` (readwrite ones are durable). */
export async function transaction(stores, mode) {
  const db = await openDb();
  return mode === "readwrite" ? db.transaction(stores, mode, STRICT) : db.transaction(stores);
}

/** A value kept beside the entries (device id, current account, last sync, back-off). */
export async function getMeta(key) {
  const tx = await transaction("meta", "readonly");
  return done(tx.objectStore("meta").get(key));
}

export async function setMeta(key, value) {
  const tx = await transaction("meta", "readwrite");
  tx.objectStore("meta").put(value, key);
  return committed(tx);
}

/** This phone's id, made once. */
export async function deviceId() {
  let id = await getMeta("device_id");
  if (!id) {
    id = crypto.randomUUID();
    await setMeta("device_id", id);
  }
  return id;
}

/**
 * Store a new entry durably and resolve with its record; rejects if the phone could
 * not store it (quota, private mode). `replaces`: a rejected entry this one supersedes.
 * `id`: only for a form the server rendered (its id may already have reached the server).
 * `files`: [{ name, type, sha256, bytes, body }] (see files.js), kept with the entry and
 * listed in it.
 */
export async function save(accountId, entry, { label = "", replaces = null, id = null, files = [] } = {}) {
  const tx = await transaction(["entries", "meta", "files"], "readwrite");
  const finished = committed(tx);
  try {
    const meta = tx.objectStore("meta");
    const entries = tx.objectStore("entries");
    const kept = tx.objectStore("files");
    // A phone a coordinator revoked keeps nothing new: it would never be sent.
    if (await done(meta.get("revoked"))) throw new DOMException("device revoked", "DeviceRevoked");
    const seq = ((await done(meta.get("seq"))) || 0) + 1;
    if (replaces) {
      // The corrected entry keeps the files of the one it replaces, unless new ones were chosen.
      const earlier = await done(kept.getAll(entryFiles(replaces)));
      const chosen = new Set(files.map((f) => f.name));
      files = [...files, ...earlier.filter((f) => !chosen.has(f.name))
        .map(({ name, type, sha256, bytes, body }) => ({ name, type, sha256, bytes, body }))];
    }
    const listed = files.map(({ name, sha256, bytes }) => ({ name, sha256, bytes }));
    const sent = { id: id || crypto.randomUUID(), kind: entry.kind, schema: entry.schema,
      recorded_at: entry.recorded_at, data: entry.data, attachments: listed };
    const record = { ...sent, account_id: String(accountId), seq, body: JSON.stringify(sent),
      state: "pending", attempts: 0, code: "", last_error: "", created_at: new Date().toISOString(),
      synced_at: null, label };
    meta.put(seq, "seq");
    entries.add(record);
    for (const file of files) {
      kept.add({ ...file, entry_id: sent.id, account_id: String(accountId), state: "pending", code: "",
        last_error: "" });
    }
    if (replaces) {
      entries.delete(replaces);
      kept.delete(entryFiles(replaces));
    }
    await finished; // durable on disk before the volunteer is told 已保存
    return record;
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    finished.catch(() => undefined);
    throw error;
  }
}

/** The key range of every file of entry `id`. */
const entryFiles = (id) => IDBKeyRange.bound([id, ""], [id, "\uffff"]);

/** Every file of `accountId` (with its state), in entry order. */
export async function files(accountId) {
  const tx = await transaction("files", "readonly");
  return done(tx.objectStore("files").index("account").getAll(String(accountId)));
}

/** The file `name` of entry `entryId` this phone keeps (its `body`, `type`), or undefined. */
export async function getFile(entryId, name) {
  const tx = await transaction("files", "readonly");
  return done(tx.objectStore("files").get([entryId, name]));
}

/** Change one file's record (`change(record)` edits it in place), durably. */
export async function updateFile(entryId, name, change) {
  const tx = await transaction("files", "readwrite");
  const store = tx.objectStore("files");
  const request = store.get([entryId, name]);
  request.onsuccess = () => {
    if (request.result) store.put(change(request.result) || request.result);
  };
  return committed(tx);
}

/** Entries of `accountId` after `afterSeq` still to send, in capture order. */
export async function unsent(accountId, afterSeq = 0, limit = 50, maxBytes = 900_000) {
  const tx = await transaction("entries", "readonly");
  const range = IDBKeyRange.bound([String(accountId), afterSeq + 1], [String(accountId), Infinity]);
  const request = tx.objectStore("entries").index("account_seq").openCursor(range);
  const batch = [];
  let bytes = 0;
  return new Promise((resolve, reject) => {
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve(batch);
      const record = cursor.value;
      if (UNSENT.includes(record.state)) {
        if (batch.length && bytes + record.body.length > maxBytes) return resolve(batch);
        batch.push(record);
        bytes += record.body.length;
        if (batch.length >= limit) return resolve(batch);
      }
      cursor.continue();
    };
  });
}

/** Change records in one durable transaction: `change(record)` edits each in place. */
export async function update(ids, change) {
  const tx = await transaction("entries", "readwrite");
  const store = tx.objectStore("entries");
  for (const id of ids) {
    const request = store.get(id);
    request.onsuccess = () => {
      if (request.result) store.put(change(request.result) || request.result);
    };
  }
  return committed(tx);
}

/** Every record of `accountId` (all states), in capture order. */
export async function all(accountId) {
  const tx = await transaction("entries", "readonly");
  const range = IDBKeyRange.bound([String(accountId), 0], [String(accountId), Infinity]);
  return done(tx.objectStore("entries").index("account_seq").getAll(range));
}

export async function get(id) {
  const tx = await transaction("entries", "readonly");
  return done(tx.objectStore("entries").get(id));
}

/** Forget an entry for good (the volunteer confirmed discarding it). */
export async function discard(id) {
  const tx = await transaction(["entries", "files"], "readwrite");
  tx.objectStore("entries").delete(id);
  tx.objectStore("files").delete(entryFiles(id));
  return committed(tx);
}

/** Wipe every entry of `accountId` (a coordinator revoked this phone: it may be stolen). */
export async function forget(accountId) {
  const tx = await transaction(["entries", "files"], "readwrite");
  const range = IDBKeyRange.bound([String(accountId), 0], [String(accountId), Infinity]);
  deleteAll(tx.objectStore("entries").index("account_seq").openCursor(range));
  deleteAll(tx.objectStore("files").index("account").openCursor(String(accountId)));
  return committed(tx);
}

function deleteAll(request) {
  request.onsuccess = () => {
    const cursor = request.result;
    if (!cursor) return;
    cursor.delete();
    cursor.continue();
  };
}

/** Counts for the badge and the device report: this account's, and the whole phone's backlog. */
export async function counts(accountId) {
  const tx = await transaction("entries", "readonly");
  const records = await done(tx.objectStore("entries").getAll());
  const waiting = records.filter((r) => r.state !== "synced");
  const mine = waiting.filter((r) => r.account_id === String(accountId));
  const oldest = waiting.map((r) => r.created_at).sort()[0] || null;
  return {
    pending: mine.filter((r) => UNSENT.includes(r.state)).length,
    rejected: mine.filter((r) => r.state === "rejected").length,
    device: waiting.length,
    oldest,
  };
}

/**
 * The server's history was reset (restored from a backup): every entry kept after it was
 * acknowledged goes back to pending, so what the backup lacks is sent again (what it has
 * comes back as a duplicate).
 */
export async function resendKept() {
  const tx = await transaction(["entries", "files"], "readwrite");
  const request = tx.objectStore("entries").index("state").openCursor(IDBKeyRange.only("synced"));
  const kept = tx.objectStore("files");
  request.onsuccess = () => {
    const cursor = request.result;
    if (!cursor) return;
    cursor.update({ ...cursor.value, state: "pending", synced_at: null });
    // Its files too: the restored server may lack them.
    const files = kept.openCursor(entryFiles(cursor.value.id));
    files.onsuccess = () => {
      const file = files.result;
      if (!file) return;
      file.update({ ...file.value, state: "pending" });
      file.continue();
    };
    cursor.continue();
  };
  return committed(tx);
}

/** Drop acknowledged entries kept longer than KEEP_SYNCED_DAYS. */
export async function prune(now = Date.now()) {
  const cutoff = new Date(now - KEEP_SYNCED_DAYS * 86_400_000).toISOString();
  const tx = await transaction(["entries", "files"], "readwrite");
  const request = tx.objectStore("entries").index("state").openCursor(IDBKeyRange.only("synced"));
  const kept = tx.objectStore("files");
  request.onsuccess = () => {
    const cursor = request.result;
    if (!cursor) return;
    if (cursor.value.synced_at < cutoff) {
      // A file the server never confirmed stays, and with it what it belongs to.
      const files = kept.getAll(entryFiles(cursor.value.id));
      const entry = cursor.value.id;
      files.onsuccess = () => {
        if (files.result.some((f) => f.state !== "sent")) return;
        tx.objectStore("entries").delete(entry);
        kept.delete(entryFiles(entry));
      };
    }
    cursor.continue();
  };
  return committed(tx);
}

/**
 * Note the epoch a server answered with; true when it is another history than before (a
 * restore): every entry kept after delivery is then pending again, to be sent once more.
 */
export async function noteEpoch(epoch) {
  const known = await getMeta("epoch");
  if (!epoch || epoch === known) return false;
  await setMeta("epoch", epoch);
  if (!known) return false;
  await resendKept();
  return true;
}
