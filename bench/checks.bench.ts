import { describe, it } from 'vitest';
import {
  catalogIssues,
  consistencyIssues,
  lockedRecordSchema,
  recordContentHash,
  storedRecordSchema,
  type LockedRecord,
} from '$lib/domain/record';
import { canonicalJson } from '$lib/domain/integrity';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { uuidv7 } from '$lib/domain/uuid';
import { nodeDigests } from '$lib/server/digests';
import { parseJsonBytes } from '$lib/server/json-bytes';
import { recordContent } from '../tests/support/factories';
import { uniqueId } from './support/ids';
import { record, save, wants } from './support/report';

/**
 * What the server's checks of one pushed record cost in JavaScript, piece by piece, next to
 * `JSON.parse` of the same record: the part of a push no database can speed up. Each piece runs
 * over the same records, a few rounds, and the best round counts (the least disturbed by other
 * work on a shared machine).
 */

const N = 5_000;
const ROUNDS = 5;

async function records(): Promise<LockedRecord[]> {
  const out: LockedRecord[] = [];
  for (let i = 0; i < N; i++) {
    const content = recordContent({
      id: uuidv7(Date.parse('2026-11-27T02:30:00Z') + i),
      party: {
        kind: 'person',
        name: '王喆',
        idNumber: uniqueId(i),
        mobile: `139${String(i).padStart(8, '0')}`,
        address: '六安市金安区佛子岭路18号',
      },
      facts: `当事人在人行道上摆摊销售水果，占用面积约${(i % 5) + 1}平方米，经教育后当场撤离。编号${i}。`,
    });
    out.push({ ...content, contentHash: await recordContentHash(content, nodeDigests) });
  }
  return out;
}

/** Milliseconds a record for the best of ROUNDS passes of `fn` over every item. */
async function perRecord<T>(items: T[], fn: (item: T) => unknown): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const t = performance.now();
    for (const item of items) await fn(item);
    best = Math.min(best, performance.now() - t);
  }
  return best / items.length;
}

describe.skipIf(!wants('checks'))('server checks of one record', () => {
  it('costs each check of a pushed record against JSON.parse of it', async () => {
    const locked = await records();
    const texts = locked.map((r) => JSON.stringify(r));
    const bytes = texts.map((t) => new TextEncoder().encode(t));
    const raw = texts.map((t) => JSON.parse(t) as unknown);
    // Every record passes (a failing check would take another, shorter path); the checks after
    // the schema see its output, as on the server.
    const parsed = raw.map((r) => {
      const result = lockedRecordSchema.safeParse(r);
      if (!result.success) throw new Error(result.error.message);
      return result.data;
    });
    const baseline = await perRecord(texts, (t) => JSON.parse(t));
    // Push bodies as the server reads them: 100 records each, one buffer.
    const bodies: Uint8Array[] = [];
    for (let i = 0; i < texts.length; i += 100) {
      const records = texts.slice(i, i + 100).join(',');
      bodies.push(new TextEncoder().encode(`{"deviceId":"dev-bench","records":[${records}]}`));
    }
    const perBody = async (fn: (b: Uint8Array) => unknown) =>
      ((await perRecord(bodies, fn)) * bodies.length) / texts.length;
    const pieces: [string, number][] = [
      [
        'decoding the body (UTF-8) and JSON.parse',
        await perRecord(bytes, (b) => JSON.parse(new TextDecoder().decode(b))),
      ],
      [
        'a push body of 100 records decoded whole (UTF-8) and JSON.parse',
        await perBody((b) => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b))),
      ],
      [
        'the same push body through parseJsonBytes (decoded and parsed in groups of records)',
        await perBody((b) => parseJsonBytes(b, 'records')),
      ],
      [
        'the whole schema (lockedRecordSchema.safeParse)',
        await perRecord(raw, (r) => lockedRecordSchema.safeParse(r)),
      ],
      [
        'the schema without its cross-field rules',
        await perRecord(raw, (r) => storedRecordSchema.safeParse(r)),
      ],
      [
        'the cross-field rules alone (consistencyIssues)',
        await perRecord(parsed, (r) => consistencyIssues(r)),
      ],
      [
        'the content hash (canonical JSON and SHA-256)',
        await perRecord(parsed, (r) => recordContentHash(r, nodeDigests)),
      ],
      ['canonical JSON alone', await perRecord(parsed, (r) => canonicalJson(r))],
      [
        'the catalog rules (catalogIssues)',
        await perRecord(parsed, (r) => catalogIssues(r, starterCatalog)),
      ],
    ];
    for (const [figure, ms] of pieces)
      record({
        part: 'checks',
        figure: `${figure}, per record`,
        value: ms * 1000,
        unit: 'µs',
        baseline: baseline * 1000,
        baselineLabel: 'µs, JSON.parse of the same record',
        note: `${texts[0]?.length ?? 0} characters a record, best of ${ROUNDS} passes over ${N}`,
      });
    save('checks');
  }, 600_000);
});
