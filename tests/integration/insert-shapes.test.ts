import fc from 'fast-check';
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '$lib/server/db/db';
import {
  compiledInsert,
  insertQuery,
  insertRows,
  insertShapesCompiled,
  type InsertOptions,
} from '$lib/server/db/inserts';
import type { Database } from '$lib/server/db/schema';
import { DATABASES } from '../support/server';
import { openTestDb } from '../support/test-db';

/**
 * A push's multi-row inserts are compiled once per shape (src/lib/server/db/inserts.ts). For any
 * rows (nulls, a column some rows leave out, repeated keys) and any options, the statement must be
 * exactly the one a fresh Kysely build compiles, and running it must leave the table and return
 * what the rows say: on SQLite and PostgreSQL alike.
 */

type Ledger = Insertable<Database['ledger']>;

const rowArb: fc.Arbitrary<Ledger> = fc
  .record({
    record_id: fc.constantFrom('r1', 'r2', 'r3', 'r4', '王喆'),
    party_key: fc.constantFrom('k1', 'k2', 'k3', "o'brien", ''),
    item_code: fc.constantFrom('SR-01', 'SR-21'),
    found_date: fc.constantFrom('2026-11-30', '2026-12-04'),
    squad_id: fc.constantFrom('s1', 's2'),
    district: fc.constantFrom('金安区', '裕安区'),
    branch: fc.constantFrom('mandatory', 'discretionary', null, undefined),
  })
  .map((r) => {
    // Kysely leaves out a column whose value is undefined: some rows have no `branch` at all.
    const row: Ledger = { ...r };
    if (r.branch === undefined) delete row.branch;
    return row;
  });

const optionsArb: fc.Arbitrary<InsertOptions<'ledger'>> = fc.constantFrom(
  {},
  { onConflictDoNothing: ['record_id', 'party_key'] },
  { onConflictDoNothing: ['record_id', 'party_key'], returning: 'party_key' },
);

const batchArb = fc.record({
  rows: fc.array(rowArb, { minLength: 1, maxLength: 40, size: 'max' }),
  options: optionsArb,
});

class Rollback extends Error {}

describe.each(DATABASES)('multi-row inserts compiled once per shape, on %s', (kind) => {
  let handle: DbHandle;
  let close: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    ({ handle, close } = await openTestDb(kind, 'pb-inserts-'));
  });
  afterAll(async () => {
    await close?.();
  });

  it('runs what a fresh build compiles, and writes and returns what the rows say', async () => {
    const shapes = new Set<string>();
    let compiledFresh = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 4 }), async (batches) => {
        await handle.db
          .transaction()
          .execute(async (tx) => {
            // The table as the rows say it is: the first row of a key stays.
            const model = new Map<string, Ledger>();
            for (const { rows, options } of batches) {
              const key = (r: Ledger) => `${r.record_id}\u0000${r.party_key}`;
              const fresh = insertQuery(tx, 'ledger', rows, options);
              const cached = compiledInsert(tx, 'ledger', rows, options);
              expect(cached.sql).toBe(fresh.sql);
              expect(cached.parameters).toEqual(fresh.parameters);
              const uniform = rows.every((r) => 'branch' in r === 'branch' in rows[0]!);
              if (uniform) shapes.add(cached.sql);
              else compiledFresh++;

              const repeats = new Set<string>();
              const added: Ledger[] = [];
              for (const r of rows) {
                if (model.has(key(r)) || repeats.has(key(r))) continue;
                repeats.add(key(r));
                added.push(r);
              }
              if (!options.onConflictDoNothing && added.length !== rows.length) {
                // Without the conflict clause a repeated key fails the statement: not run here
                // (a failed statement aborts a PostgreSQL transaction).
                continue;
              }
              const returned = await insertRows(tx, 'ledger', rows, options);
              if (options.returning)
                expect([...returned].map((r) => (r as Ledger).party_key).sort()).toEqual(
                  added.map((r) => r.party_key).sort(),
                );
              else expect(returned).toEqual([]);
              for (const r of added) model.set(key(r), r);
            }
            const stored = (await tx.selectFrom('ledger').selectAll().execute()).sort(byKey);
            const expected = [...model.values()]
              .map((r) => ({ ...r, branch: r.branch ?? null }))
              .sort(byKey);
            expect(stored).toEqual(expected);
            throw new Rollback();
          })
          .catch((e: unknown) => {
            if (!(e instanceof Rollback)) throw e;
          });
      }),
      { numRuns: 150, seed: 20_261_204 },
    );
    // Many shapes were compiled once and reused; rows of differing columns were built fresh.
    expect(shapes.size).toBeGreaterThan(20);
    expect(compiledFresh).toBeGreaterThan(10);
  });

  it('compiles a shape once and reuses it for every transaction of the database', async () => {
    const row: Ledger = {
      record_id: 'a',
      party_key: 'k',
      item_code: 'SR-01',
      found_date: '2026-12-04',
      squad_id: 's1',
      district: 'd',
      branch: null,
    };
    // A shape no other test compiles: 41 rows.
    const rows = (id: string) =>
      Array.from({ length: 41 }, (_, i) => ({ ...row, record_id: id, party_key: `k${i}` }));
    const before = insertShapesCompiled();
    const one = await handle.db
      .transaction()
      .execute((tx) => Promise.resolve(compiledInsert(tx, 'ledger', rows('a'))));
    expect(insertShapesCompiled()).toBe(before + 1);
    const two = await handle.db
      .transaction()
      .execute((tx) => Promise.resolve(compiledInsert(tx, 'ledger', rows('b'))));
    expect(insertShapesCompiled()).toBe(before + 1);
    expect(two.sql).toBe(one.sql);
    expect(two.parameters[0]).toBe('b');
  });
});

/** Rows in key order, sorted here: the databases' collations differ. */
function byKey(a: Ledger, b: Ledger): number {
  const x = `${a.record_id}\u0000${a.party_key}`;
  const y = `${b.record_id}\u0000${b.party_key}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
