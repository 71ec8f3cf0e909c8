import { sql, type Kysely } from 'kysely';
import { maskParty, partySchema } from '$lib/domain/party';
import type { Dialect } from '../db';

/**
 * The party as lists show it (identifiers masked), kept on the summary row: a page of the record
 * list no longer reads and parses fifty record bodies. Existing rows are filled from their
 * latest version.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('records').addColumn('party_masked', 'text').execute();
  const rows = await sql<{ id: string; body: string }>`
    select r.id, v.body from records r
    join record_versions v on v.record_id = r.id and v.version = r.latest_version`.execute(db);
  for (const row of rows.rows) {
    const parsed = partySchema.safeParse((JSON.parse(row.body) as { party?: unknown }).party);
    const masked = parsed.success ? maskParty(parsed.data) : { kind: 'unknown', description: '—' };
    await sql`update records set party_masked = ${JSON.stringify(masked)} where id = ${row.id}`.execute(
      db,
    );
  }
}
