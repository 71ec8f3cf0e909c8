import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANCH_RESULTS } from '$lib/domain/evaluation';
import { FOLLOW_UP_STATES, REVIEW_STATES } from '$lib/domain/lifecycle';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { SessionUser } from '$lib/server/auth/types';
import type { DbHandle } from '$lib/server/db/db';
import { compiledList, encodeCursor, listQuery, listRecords } from '$lib/server/repos/records';
import type { RecordsQuery } from '$lib/sync/console-contract';
import { ADMIN, seedRows } from '../support/list-rows';
import { DATABASES } from '../support/server';
import { openTestDb } from '../support/test-db';

/**
 * The console list is compiled once per shape (src/lib/server/db/shapes.ts) and run with each
 * call's values. For any user and any query, the SQL and parameters it runs must be exactly those
 * a fresh build of the query gives, and so must the rows: on SQLite and PostgreSQL alike.
 */

const ROWS = 120;

const base = ADMIN;

const squadIds = fc.constantFrom('s1', 's2', 's3', 's4', 'sX');
const userArb: fc.Arbitrary<SessionUser> = fc.oneof(
  fc.constant(base),
  fc.uniqueArray(squadIds, { maxLength: 4 }).map((squads): SessionUser => ({
    ...base,
    id: 'sup',
    role: 'supervisor',
    supervisedSquadIds: squads,
  })),
  fc
    .constantFrom('o0', 'o3', 'o6', 'nobody')
    .map((id): SessionUser => ({ ...base, id, role: 'officer', squadId: 's1' })),
);

const day = fc
  .integer({ min: Date.parse('2023-11-20T00:00:00Z'), max: Date.parse('2026-12-05T00:00:00Z') })
  .map((t) => new Date(t).toISOString().slice(0, 10));

describe.each(DATABASES)('the console list compiled once per shape, on %s', (kind) => {
  let handle: DbHandle;
  let close: (() => Promise<void>) | null = null;
  const cursors: string[] = [];

  beforeAll(async () => {
    ({ handle, close } = await openTestDb(kind, 'pb-shapes-'));
    await seedRows(handle, ROWS);
    const rows = await handle.db
      .selectFrom('records')
      .select(['found_at', 'id'])
      .orderBy('found_at', 'desc')
      .execute();
    for (const r of rows.filter((_, i) => i % 10 === 3))
      cursors.push(encodeCursor({ f: r.found_at, i: r.id }));
  });
  afterAll(async () => {
    await close?.();
  });

  const queryArb = (): fc.Arbitrary<RecordsQuery & { cursor?: string }> =>
    fc.record(
      {
        from: day,
        to: day,
        squad: fc.constantFrom('s1', 's2', 's4', 'sX', ''),
        item: fc.constantFrom('SR-01', 'SR-03', 'SR-21', 'SR-99'),
        state: fc.constantFrom(...REVIEW_STATES),
        branch: fc.constantFrom(...BRANCH_RESULTS, 'undetermined' as const),
        followUp: fc.constantFrom(...FOLLOW_UP_STATES),
        officer: fc.constantFrom('o0', 'o1', 'o5', 'nobody'),
        flagged: fc.constantFrom('1' as const, '0' as const),
        q: fc.constantFrom('梅山南路4', '王喆1', '50%', '_', '\\', ''),
        limit: fc.integer({ min: 1, max: 200 }),
        cursor: fc.oneof(
          fc.constantFrom(...cursors),
          fc.constant('not-a-cursor'),
          fc.constant(encodeCursor({ f: '2025-06-01T00:00:00.000Z', i: 'z' })),
        ),
      },
      { requiredKeys: ['limit'] },
    );

  it('runs the SQL and parameters a fresh build gives, and returns its rows', async () => {
    let shapes = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(userArb, queryArb(), async (user, q) => {
        const fresh = listQuery(handle.db, user, q).compile();
        const cached = compiledList(handle.db, user, q);
        expect(cached.sql).toBe(fresh.sql);
        expect(cached.parameters).toEqual(fresh.parameters);
        if (!seen.has(fresh.sql)) {
          seen.add(fresh.sql);
          shapes++;
        }
        const rows = (await handle.db.executeQuery(cached)).rows;
        expect(rows).toEqual(await listQuery(handle.db, user, q).execute());
      }),
      { numRuns: 300, seed: 20_261_203 },
    );
    // The runs went through many shapes, each compiled once and then reused.
    expect(shapes).toBeGreaterThan(50);
  });

  it('pages through every readable record exactly once, newest first', async () => {
    const supervisor: SessionUser = {
      ...base,
      id: 'sup',
      role: 'supervisor',
      supervisedSquadIds: ['s1', 's3'],
    };
    const expected = await listQuery(handle.db, supervisor, { limit: ROWS }).execute();
    expect(expected.length).toBeGreaterThan(40);
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const r = await listRecords(handle.db, supervisor, { limit: 7, cursor });
      ids.push(...r.items.map((i) => i.id));
      for (const i of r.items) {
        expect(i.itemName).toBe(
          starterCatalog.items.find((c) => c.code === i.itemCode)?.name ?? i.itemCode,
        );
      }
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    expect(ids).toEqual(expected.map((r) => r.id));
  });
});
