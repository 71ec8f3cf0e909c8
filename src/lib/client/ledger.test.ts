import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phoneDb } from '../../../tests/support/phone-db';
import { getSetting, setSetting } from './settings';
import { partyKeyDigest } from '$lib/domain/party';
import type { LedgerEntry } from '$lib/sync/contract';
import {
  holdEntries,
  localPriors,
  priorLabels,
  pruneLedger,
  putLedgerEntries,
  writeHeld,
  writeLedger,
} from './ledger';
import {
  bucketEntries,
  bucketOf,
  emptyDict,
  findInBucket,
  HeldLedger,
  rewriteBucket,
  TupleWriter,
  type PackedEntry,
} from './ledger-pack';

const KEY = 'ef'.repeat(32);
const digestCache = new Map<string, string>();
async function d(key: string): Promise<string> {
  let v = digestCache.get(key);
  if (!v) digestCache.set(key, (v = await partyKeyDigest(KEY, key)));
  return v;
}

const hexDigest = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => `k:${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`);
const packedEntry: fc.Arbitrary<PackedEntry> = fc.record(
  {
    digest: hexDigest,
    recordId: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 64 })),
    itemCode: fc.string({ maxLength: 20 }),
    date: fc
      .integer({ min: 0, max: 0xffff })
      .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10)),
    squadId: fc.option(fc.string({ maxLength: 64 }), { nil: null }),
    branch: fc.option(fc.constantFrom('mild', 'firstOffence', '其他'), { nil: null }),
    source: fc.constantFrom('local' as const, 'server' as const),
    partyHint: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
  },
  { requiredKeys: ['digest', 'recordId', 'itemCode', 'date', 'squadId', 'branch', 'source'] },
);

describe('packed ledger tuples', () => {
  it('give back every field of every entry, found by its own digest only', () => {
    fc.assert(
      fc.property(
        fc.array(packedEntry, { minLength: 1, maxLength: 30, size: 'max' }),
        (entries) => {
          const dict = emptyDict();
          const w = new TupleWriter(dict);
          // Everything in one bucket (the tuples' layout does not depend on the bucket).
          const same = entries.map((e) => ({ ...e, digest: `k:abcd${e.digest.slice(6)}` }));
          const bucket = rewriteBucket(
            undefined,
            () => false,
            same.map((e) => w.encode(e)),
          );
          expect(bucketEntries(bucket, 0xabcd, dict)).toEqual(same);
          for (const e of same)
            expect(findInBucket(bucket, e.digest, dict)).toEqual(
              same.filter((x) => x.digest === e.digest),
            );
        },
      ),
    );
  });

  it('refuse what they cannot hold, and never mistake a bucket for another digest', () => {
    const w = new TupleWriter(emptyDict());
    const e: PackedEntry = {
      digest: `k:${'0'.repeat(32)}`,
      recordId: 'r',
      itemCode: 'SR-01',
      date: '2026-05-01',
      squadId: null,
      branch: null,
      source: 'server',
    };
    expect(() => w.encode({ ...e, digest: 'id:340102199003071232' })).toThrow(/digest/);
    expect(() => w.encode({ ...e, date: '2026-13-01' })).toThrow(/date/);
    expect(() => w.encode({ ...e, recordId: 'x'.repeat(300) })).toThrow(/too long/);
    expect(bucketOf(`k:ffff${'0'.repeat(28)}`)).toBe(0xffff);
    const bucket = w.encode(e);
    expect(findInBucket(bucket, `k:0000${'0'.repeat(27)}1`, emptyDict())).toEqual([]);
  });
});

/** What the server says of one record in the feed: its keys now, and keys it had before. */
type Op = { record: number; keys: number[]; item: number; date: string; hint: string };

describe("the phone's ledger against the server's", () => {
  it('answers every key as the server would, after any sequence of entries, replays and withdrawals, written page by page or held together', async () => {
    const pool = Array.from(
      { length: 12 },
      (_, i) => `id:34010219900307${String(i).padStart(4, '0')}`,
    );
    const op: fc.Arbitrary<Op> = fc.record({
      record: fc.integer({ min: 0, max: 7 }),
      keys: fc.uniqueArray(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 3 }),
      item: fc.integer({ min: 1, max: 3 }),
      date: fc.constantFrom('2026-01-05', '2026-06-30', '2026-11-11'),
      hint: fc.constantFrom('王*', '陈**', '欧阳**'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        // Whether the phone writes after each page or holds it with the next (a long pull holds
        // them all), and how many buckets it writes a transaction.
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        async (pages, replay, writeAfter, perWrite) => {
          const db = phoneDb('ledger');
          let held = new HeldLedger();
          // The server: each record's keys now and every key it ever had.
          const now = new Map<string, Op>();
          const ever = new Map<string, Set<number>>();
          for (const [p, ops] of pages.entries()) {
            for (const o of ops) {
              const id = `0190a0b0-0000-7000-8000-${String(o.record).padStart(12, '0')}`;
              now.set(id, o);
              const e = ever.get(id) ?? new Set();
              for (const k of o.keys) e.add(k);
              ever.set(id, e);
            }
            // The page as the pull sends it: each record named is made from its state now.
            const ids = [
              ...new Set(
                ops.map((o) => `0190a0b0-0000-7000-8000-${String(o.record).padStart(12, '0')}`),
              ),
            ];
            const entries: LedgerEntry[] = [];
            for (const id of ids) {
              const o = now.get(id) as Op;
              const former = [...(ever.get(id) ?? [])].filter((k) => !o.keys.includes(k));
              entries.push({
                recordId: id,
                itemCode: `SR-0${o.item}`,
                date: o.date,
                squadId: `sq-${o.item}`,
                branch: 'firstOffence',
                source: 'server',
                district: '裕安区',
                squadName: `${o.item}号中队`,
                partyHint: o.hint,
                partyKeys: await Promise.all(o.keys.map((k) => d(pool[k] as string))),
                ...(former.length
                  ? { withdrawn: await Promise.all(former.map((k) => d(pool[k] as string))) }
                  : {}),
              });
            }
            holdEntries(entries, held);
            if (replay[p]) holdEntries(entries, held);
            if (writeAfter[p] || p === pages.length - 1) {
              // The officer saved a record meanwhile: the stored dictionary numbers other
              // strings first, and what was held must be renumbered into it.
              if (replay[(p + 1) % replay.length])
                await writeLedger(db, [
                  {
                    recordId: `own-${p}`,
                    scrub: [],
                    add: [
                      {
                        digest: await d(`id:own-${p}`),
                        recordId: `own-${p}`,
                        itemCode: `SR-1${p}`,
                        date: '2026-11-30',
                        squadId: `sq-own-${p}`,
                        branch: 'mild',
                        source: 'local',
                      },
                    ],
                  },
                ]);
              await writeHeld(db, held, null, perWrite);
              held = new HeldLedger();
            }
            if (replay[p] && writeAfter[p]) await putLedgerEntries(db, entries);
          }
          for (const [k, key] of pool.entries()) {
            const expected = [...now.entries()]
              .filter(([, o]) => o.keys.includes(k))
              .map(([id, o]) => ({ recordId: id, itemCode: `SR-0${o.item}`, date: o.date }))
              .sort((a, b) => a.recordId.localeCompare(b.recordId));
            const found = (await localPriors(db, [key], KEY))
              .map((p) => ({ recordId: p.recordId, itemCode: p.itemCode, date: p.date }))
              .sort((a, b) => a.recordId.localeCompare(b.recordId));
            expect(found).toEqual(expected);
            const labels = await priorLabels(db, KEY, [key]);
            for (const e of expected)
              expect(labels.get(e.recordId)).toEqual({
                squadName: `${(now.get(e.recordId) as Op).item}号中队`,
                partyHint: (now.get(e.recordId) as Op).hint,
              });
          }
          db.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a write cut off before its last transaction leaves buckets that the same write, again, makes right', async () => {
    const db = phoneDb('ledger');
    const keys = Array.from({ length: 40 }, (_, i) => `id:${i}`);
    const entries: LedgerEntry[] = await Promise.all(
      keys.map(async (k, i) => ({
        recordId: `r${i}`,
        itemCode: 'SR-01',
        date: '2026-11-01',
        squadId: 'sq',
        branch: 'firstOffence',
        source: 'server' as const,
        district: '金安区',
        partyKeys: [await d(k)],
      })),
    );
    const held = holdEntries(entries);
    expect(held.buckets().length).toBe(40);
    // Ten buckets a transaction: three commit, the fourth (with the cursor) fails.
    await expect(
      writeHeld(
        db,
        held,
        {
          tables: [db.ledgerBuckets, db.settings],
          last: async () => {
            await setSetting(db, 'pullCursor', 40);
            throw new Error('killed');
          },
        },
        10,
      ),
    ).rejects.toThrow('killed');
    expect(await getSetting(db, 'pullCursor')).toBeUndefined();
    const count = async () =>
      (await Promise.all(keys.map((k) => localPriors(db, [k], KEY)))).filter((p) => p.length)
        .length;
    expect(await count()).toBe(30);
    // The pages pulled again: every key once.
    await writeHeld(db, holdEntries(entries), null, 10);
    for (const [i, k] of keys.entries())
      expect((await localPriors(db, [k], KEY)).map((p) => p.recordId)).toEqual([`r${i}`]);
  });

  it("drops the server's entries older than the lookback, never the phone's own", async () => {
    const db = phoneDb('ledger');
    const entry = (recordId: string, date: string): LedgerEntry => ({
      recordId,
      itemCode: 'SR-01',
      date,
      squadId: 'sq',
      branch: 'firstOffence',
      source: 'server',
      district: '金安区',
      partyKeys: [],
    });
    await putLedgerEntries(db, [
      { ...entry('old', '2025-01-01'), partyKeys: [await d('id:1')] },
      { ...entry('new', '2026-05-01'), partyKeys: [await d('id:1')] },
    ]);
    await writeLedger(db, [
      {
        recordId: 'own',
        scrub: [],
        add: [
          {
            digest: await d('id:2'),
            recordId: 'own',
            itemCode: 'SR-01',
            date: '2025-01-01',
            squadId: 'sq',
            branch: null,
            source: 'local',
          },
        ],
      },
    ]);
    await pruneLedger(db, '2026-01-01');
    expect((await localPriors(db, ['id:1'], KEY)).map((p) => p.recordId)).toEqual(['new']);
    expect((await localPriors(db, ['id:2'], KEY)).map((p) => p.recordId)).toEqual(['own']);
    await writeLedger(db, [{ recordId: 'own', scrub: [await d('id:2')], add: [] }]);
    // An entry without keys withdraws the ones it is told about; the bucket goes when empty.
    await putLedgerEntries(db, [{ ...entry('new', '2026-05-01'), withdrawn: [await d('id:1')] }]);
    expect(await localPriors(db, ['id:1'], KEY)).toEqual([]);
    expect(await db.ledgerBuckets.count()).toBe(0);
    db.close();
  });
});
