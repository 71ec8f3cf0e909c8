import { createHash, randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/db';

export type LedgerKey = {
  /** 32 bytes in hex: the HMAC key of the party-key digests phones receive. */
  key: string;
  /** A short public name of the key (the first 64 bits of its SHA-256): phones compare it. */
  id: string;
};

/** How long a process trusts its copy of the key before reading the row again (ms). */
const CACHE_MS = 10_000;
let cached: { value: LedgerKey; at: number } | null = null;

export function ledgerKeyId(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
}

/**
 * The key of the party-key digests phones receive instead of identifiers (HMAC-SHA256). Made
 * once per installation and replaced when the administrator rotates it; every server process
 * reads the same row (and reads it again after ten seconds, so a rotation reaches them all).
 */
export async function ledgerKeyInfo(db: Db | Tx, now = Date.now()): Promise<LedgerKey> {
  if (cached && now - cached.at < CACHE_MS) return cached.value;
  await ensureLedgerKey(db);
  const row = await db
    .selectFrom('secrets')
    .select('value')
    .where('name', '=', 'ledgerKey')
    .executeTakeFirstOrThrow();
  cached = { value: { key: row.value, id: ledgerKeyId(row.value) }, at: now };
  return cached.value;
}

async function ensureLedgerKey(db: Db | Tx): Promise<void> {
  await db
    .insertInto('secrets')
    .values({
      name: 'ledgerKey',
      value: randomBytes(32).toString('hex'),
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * A new ledger key (the administrator's rotation). Digests are made when phones pull, so from
 * this moment every pull and lookup answers under the new key; a phone that sees the new key's
 * id drops its copy of the ledger and pulls it again (ADR 0018).
 */
export async function rotateLedgerKey(db: Db | Tx): Promise<LedgerKey> {
  await ensureLedgerKey(db);
  const value = randomBytes(32).toString('hex');
  await db
    .updateTable('secrets')
    .set({ value, created_at: new Date().toISOString() })
    .where('name', '=', 'ledgerKey')
    .execute();
  cached = null;
  return ledgerKeyInfo(db);
}

/** The key's id and when it was made (for the administrator's page; never the key). */
export async function ledgerKeyStatus(db: Db): Promise<{ id: string; createdAt: string }> {
  const { id } = await ledgerKeyInfo(db);
  const row = await db
    .selectFrom('secrets')
    .select('created_at')
    .where('name', '=', 'ledgerKey')
    .executeTakeFirstOrThrow();
  return { id, createdAt: row.created_at };
}

/** Forgets the cached key (tests that rotate it from another process). */
export function forgetLedgerKey(): void {
  cached = null;
}
