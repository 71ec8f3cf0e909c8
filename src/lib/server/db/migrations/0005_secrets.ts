import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Secrets of the installation, made at first use and never shown in the console: the key of the
 * digests under which party identifiers travel to phones (the first-offence ledger).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
