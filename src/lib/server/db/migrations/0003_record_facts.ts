import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db';

/**
 * Columns the console's statistics and re-inspection lists filter on, kept on the summary row
 * (the full record stays JSON in record_versions). Existing rows are filled from their bodies.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('records').addColumn('correction_mode', 'text').execute();
  await db.schema.alterTable('records').addColumn('deadline', 'text').execute();
  await db.schema.alterTable('records').addColumn('reinspected_at', 'text').execute();
  await db.schema
    .alterTable('records')
    .addColumn('repeat_offence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('records')
    .addColumn('broken_commitment', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('records_found_date')
    .on('records')
    .columns(['found_date', 'squad_id'])
    .execute();
  await db.schema.createIndex('records_deadline').on('records').columns(['deadline']).execute();

  const rows = await sql<{ id: string; body: string }>`
    select r.id, v.body from records r
    join record_versions v on v.record_id = r.id and v.version = r.latest_version`.execute(db);
  for (const row of rows.rows) {
    const f = summaryFacts(JSON.parse(row.body) as RecordLike);
    await sql`update records set correction_mode = ${f.correction_mode}, deadline = ${f.deadline},
      reinspected_at = ${f.reinspected_at}, repeat_offence = ${f.repeat_offence},
      broken_commitment = ${f.broken_commitment} where id = ${row.id}`.execute(db);
  }
}

type RecordLike = {
  answers: { correction?: { mode: string; deadline?: string }; commitmentBroken?: boolean };
  followUp: string;
  reinspection: { doneAt?: string } | null;
  evaluation: { firstOffence: { priors: unknown[] } | null };
};

/**
 * The summary columns as this migration computed them, frozen with it: live code derives them in
 * services/summary.ts, and a later change there must not change what this migration did.
 */
function summaryFacts(r: RecordLike) {
  const c = r.answers.correction;
  return {
    correction_mode: c?.mode ?? null,
    deadline: c?.mode === 'deadline' ? (c.deadline ?? null) : null,
    reinspected_at: r.reinspection?.doneAt ? new Date(r.reinspection.doneAt).toISOString() : null,
    repeat_offence: (r.evaluation.firstOffence?.priors.length ?? 0) > 0 ? 1 : 0,
    broken_commitment:
      r.answers.commitmentBroken === true || (c?.mode === 'deadline' && r.followUp === 'escalated')
        ? 1
        : 0,
  } as const;
}
