import type { Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Spot checks (督查抽查, issue 19): each draw of a month's approved records with everything that
 * makes it reproducible (the filters, the scope, the seed, the rule, the population's size and
 * digest), and the records drawn, each with its review once made (the checklist's answers, the
 * finding and the note).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('spot_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bureau_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('squad_id', 'text')
    .addColumn('item_code', 'text')
    .addColumn('branch', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('population_hash', 'text', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('drawn_at', 'text', (c) => c.notNull())
    .addColumn('drawn_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('spot_checks_month').on('spot_checks').column('month').execute();
  await db.schema
    .createTable('spot_check_items')
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('answers', 'text')
    .addColumn('finding', 'integer')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('spot_check_items_pk', ['check_id', 'position'])
    .execute();
}
