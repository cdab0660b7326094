// What GET /api/sync/pull returned, per account: the households of the volunteer's scope,
// their recent visits and the volunteer's own entries. The pages themselves are rendered by
// the server and kept by the worker; this is what the phone knows of the scope between
// syncs (which pages to keep, which visits the server already has).
// A record: { account_id, kind, id, version, household_id, data }.

import { committed, done, transaction } from "./outbox.js";

const STORE = "pulled";

/** Every key of `account` (the key path starts with the account). */
const ofAccount = (account) => IDBKeyRange.bound([account], [account, []]);

async function dropHousehold(store, account, householdId) {
  const range = IDBKeyRange.only([account, householdId]);
  for (const key of await done(store.index("household").getAllKeys(range))) {
    await done(store.delete(key));
  }
}

/** Apply one page of changes in order; a household's tombstone drops its visits too. */
export async function apply(account, changes) {
  const tx = await transaction(STORE, "readwrite");
  const finished = committed(tx);
  const store = tx.objectStore(STORE);
  for (const change of changes) {
    const householdId = change.kind === "household" ? change.id : String(change.data.household_id ?? "");
    if (change.deleted) {
      if (change.kind === "household") await dropHousehold(store, account, change.id);
      await done(store.delete([account, change.kind, change.id]));
    } else {
      await done(store.put({ account_id: account, kind: change.kind, id: change.id,
        version: change.version, household_id: householdId, data: change.data }));
    }
  }
  return finished;
}

/** Drop everything pulled for `account` (logout, a revoked phone, a new server epoch). */
export async function forget(account) {
  const tx = await transaction(STORE, "readwrite");
  tx.objectStore(STORE).delete(ofAccount(account));
  return committed(tx);
}

/** The records of one kind pulled for `account`. */
export async function ofKind(account, kind) {
  const tx = await transaction(STORE, "readonly");
  const range = IDBKeyRange.bound([account, kind], [account, kind, []]);
  return done(tx.objectStore(STORE).getAll(range));
}

/** Ids of the households in `account`'s scope as of the last pull. */
export async function householdIds(account) {
  return (await ofKind(account, "household")).map((r) => r.id);
}


/** One record pulled for `account`, or undefined. */
export async function get(account, kind, id) {
  const tx = await transaction(STORE, "readonly");
  return done(tx.objectStore(STORE).get([account, kind, id]));
}
