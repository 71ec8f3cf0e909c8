import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach } from 'vitest';
import { PatrolDb } from '$lib/client/db';
import { Vault } from '$lib/client/vault';

/**
 * A phone's database for a client unit test (fake-indexeddb), closed and deleted after each
 * test of the file that imports this module.
 */
const open: PatrolDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

/** A vault open with a fresh data key: an unlocked phone. */
export function unlockedVault(): Vault {
  const vault = new Vault();
  vault.open(crypto.getRandomValues(new Uint8Array(32)));
  return vault;
}

/** A phone's database, unlocked. */
export function phoneDb(prefix = 't'): PatrolDb {
  const db = new PatrolDb(`${prefix}-${Math.random().toString(36).slice(2)}`, unlockedVault());
  open.push(db);
  return db;
}
