import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Officers' confirmation that they took part (ADR 0012): one row per record, part (inspection or
 * re-inspection) and officer named. Records stored before this migration have no rows; nothing
 * is invented for them, and review treats them as before.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('officer_confirmations')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decided_device', 'text')
    .addPrimaryKeyConstraint('officer_confirmations_pk', ['record_id', 'part', 'user_id'])
    .execute();
  await db.schema
    .createIndex('officer_confirmations_user')
    .on('officer_confirmations')
    .columns(['user_id', 'state'])
    .execute();
}
