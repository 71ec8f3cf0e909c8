import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/db';

let cached: string | null = null;

/**
 * The key of the party-key digests phones receive instead of identifiers (HMAC-SHA256). Made
 * once per installation; every server process reads the same row.
 */
export async function ledgerKey(db: Db | Tx): Promise<string> {
  if (cached) return cached;
  await db
    .insertInto('secrets')
    .values({
      name: 'ledgerKey',
      value: randomBytes(32).toString('hex'),
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('secrets')
    .select('value')
    .where('name', '=', 'ledgerKey')
    .executeTakeFirstOrThrow();
  cached = row.value;
  return cached;
}
