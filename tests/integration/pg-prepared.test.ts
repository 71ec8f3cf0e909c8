import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '$lib/server/db/db';
import { MIN_PARAMS, PER_CONNECTION } from '$lib/server/db/pg-prepared';
import { DATABASES } from '../support/server';
import { openTestDb } from '../support/test-db';

/**
 * Large inserts run as named statements on PostgreSQL, at most PER_CONNECTION a connection, the
 * least recently used dropped for a new one (src/lib/server/db/pg-prepared.ts). For any sequence
 * of insert batches, named or not, first seen or seen again after being dropped: every batch
 * lands exactly as an unnamed insert would, and the connection holds exactly the most recently
 * used of them, never more than the cap.
 */
describe.skipIf(!DATABASES.includes('postgres'))('named statements on PostgreSQL', () => {
  let handle: DbHandle;
  let url = '';
  let close: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    const db = await openTestDb('postgres', 'pb-named-');
    ({ handle, close } = db);
    url = db.url ?? '';
  });
  afterAll(async () => {
    await close?.();
  });

  // Two columns a row: batches of MIN_PARAMS / 2 rows and more are named. Three times more such
  // row counts than the cap, so sequences both drop names and come back to dropped ones.
  const named = MIN_PARAMS / 2;
  const batch = fc.integer({ min: 1, max: named + PER_CONNECTION * 3 });

  /** The row counts of the inserts this connection holds as named statements. */
  const heldSizes = async (db: DbHandle['db']) =>
    (
      await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)
    ).rows
      .map((r) => r.statement.split('), (').length)
      .sort((a, b) => a - b);

  it('any sequence of batches on a connection: each lands, and it holds the most recent named ones', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(batch, { minLength: 1, maxLength: 60, size: 'max' }),
        async (sizes) => {
          const prefix = `t${round++}-`;
          // A fresh pool, so the transaction's connection starts with no named statements.
          const fresh = openDb({ dataDir: '', databaseUrl: url });
          try {
            await fresh.db.transaction().execute(async (tx) => {
              let n = 0;
              const recent: number[] = [];
              for (const size of sizes) {
                const rows = Array.from({ length: size }, () => ({
                  name: `${prefix}${n}`,
                  value: n++,
                }));
                await tx.insertInto('counters').values(rows).execute();
                if (size >= named) {
                  const at = recent.indexOf(size);
                  if (at >= 0) recent.splice(at, 1);
                  recent.push(size);
                  if (recent.length > PER_CONNECTION) recent.shift();
                }
                expect(await heldSizes(tx)).toEqual([...recent].sort((a, b) => a - b));
              }
              const stored = await tx
                .selectFrom('counters')
                .select(['name', 'value'])
                .where('name', 'like', `${prefix}%`)
                .orderBy('value')
                .execute();
              expect(stored).toEqual(
                Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, value: i })),
              );
            });
          } finally {
            await fresh.close();
          }
        },
      ),
      { numRuns: 40, seed: 20_261_204 },
    );
  });

  it('after the server drops every connection, the next batches prepare again and land', async () => {
    const fresh = openDb({ dataDir: '', databaseUrl: url });
    const insert = (from: number, size: number) =>
      fresh.db
        .insertInto('counters')
        .values(Array.from({ length: size }, (_, i) => ({ name: `cut-${from + i}`, value: 1 })))
        .execute();
    try {
      // Every connection of the pool holds named statements…
      await Promise.all(Array.from({ length: 20 }, (_, i) => insert(i * 100, named + (i % 5))));
      // …and PostgreSQL ends them all (a restart, an administrator), under the idle pool.
      const admin = openDb({ dataDir: '', databaseUrl: url });
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid()`.execute(admin.db);
      await admin.close();
      await new Promise((r) => setTimeout(r, 300));
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => insert(10_000 + i * 100, named + (i % 5))),
      );
      const { rows } = await sql<{ c: number }>`
        select count(*)::int as c from counters where name like 'cut-%'`.execute(fresh.db);
      const size = (i: number) => named + (i % 5);
      const want = Array.from({ length: 20 }, (_, i) => size(i)).reduce((a, b) => a + b, 0) * 2;
      expect(rows[0]?.c).toBe(want);
    } finally {
      await fresh.close();
    }
  });

  it('batches from many requests at once, across the pool: each lands once', async () => {
    const sizes = Array.from({ length: 80 }, (_, i) => named + ((i * 7) % (PER_CONNECTION * 3)));
    let n = 0;
    const batches = sizes.map((size) =>
      Array.from({ length: size }, () => ({ name: `pool-${n}`, value: n++ })),
    );
    await Promise.all(
      batches.map((rows) => handle.db.insertInto('counters').values(rows).execute()),
    );
    const { rows } = await sql<{ c: number; s: number }>`
      select count(*)::int as c, sum(value)::int as s from counters where name like 'pool-%'`.execute(
      handle.db,
    );
    expect(rows[0]).toEqual({ c: n, s: (n * (n - 1)) / 2 });
  });
});
