import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * The escrow of phones' data keys (ADR 0018): each phone's key sealed under the server's escrow
 * key, handed back only to the same phone right after its officer signed in with the password
 * (a forgotten PIN).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('device_keys')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
