import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Party keys a record's ledger once held and its latest version no longer names (ADR 0018): the
 * entry phones receive withdraws their digests, so a phone's packed ledger (which keeps no index
 * by record) can drop them. A key named again leaves this table.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('ledger_former')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('party_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_former_pk', ['record_id', 'party_key'])
    .execute();
}
