import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Remote wipe (ADR 0018): an administrator's order to empty a phone (its user deactivated, or
 * the phone reported lost), and when the phone did it. `users.deactivated_at` lets a record found
 * while its officer was still active be accepted when that phone sends it before wiping.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('device_wipes')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('ordered_at', 'text', (c) => c.notNull())
    .addColumn('ordered_by', 'text')
    .addColumn('wiped_at', 'text')
    .addColumn('records_sent', 'integer')
    .execute();
  await db.schema.alterTable('users').addColumn('deactivated_at', 'text').execute();
}
