import { describe, expect, it } from 'vitest';
import { phoneDb } from '../../../tests/support/phone-db';
import { partyKeyDigest } from '$lib/domain/party';
import type { LedgerEntry } from '$lib/sync/contract';
import type { Transport } from './api';
import { lookUpPriors } from './first-offence';
import { writeLedger } from './ledger';

const KEY = 'cd'.repeat(32);
const ID = 'id:340102199003071232';
const MOBILE = 'mobile:13800138000';
const OWN = '0190a0b0-0000-7000-8000-00000000ffff';
const NOW = new Date('2026-11-27T02:00:00Z');

/** A phone whose ledger holds one earlier record of the party (found by the ID number). */
async function phone() {
  const db = phoneDb('fo');
  await writeLedger(db, [
    {
      recordId: 'local-1',
      scrub: [],
      add: [
        {
          digest: await partyKeyDigest(KEY, ID),
          recordId: 'local-1',
          itemCode: 'SR-02',
          date: '2026-08-01',
          squadId: 'sq-jinan',
          branch: 'firstOffence',
          source: 'local',
        },
      ],
    },
  ]);
  return db;
}

async function entry(recordId: string, keys: string[]): Promise<LedgerEntry> {
  return {
    recordId,
    itemCode: 'SR-02',
    partyKeys: await Promise.all(keys.map((k) => partyKeyDigest(KEY, k))),
    date: '2026-10-01',
    squadId: 'sq-yuan',
    branch: 'firstOffence',
    source: 'server',
    district: '裕安区',
  };
}

/** The server's ledger endpoint, counting calls; it answers `entries` or fails with `status`. */
function server(answer: { entries?: LedgerEntry[]; status?: number }) {
  const calls: string[] = [];
  const transport: Transport = (path) => {
    calls.push(path);
    const status = answer.status ?? 200;
    const body =
      status === 200
        ? { entries: answer.entries ?? [] }
        : { code: 'serverError', message: '服务器出错' };
    return Promise.resolve(
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
  return { calls, transport };
}

/** The lookup as the wizard runs it for this test's record, at NOW. */
function look(
  db: Awaited<ReturnType<typeof phone>>,
  s: ReturnType<typeof server>,
  keys: string[],
  options: { online?: boolean; ledgerKey?: string | null } = {},
) {
  return lookUpPriors({
    database: db,
    keys,
    ledgerKey: options.ledgerKey === undefined ? KEY : options.ledgerKey,
    online: options.online ?? true,
    recordId: OWN,
    now: NOW,
    transport: s.transport,
  });
}

describe('the first-offence lookup', () => {
  it('offline: the phone’s own ledger only, and the check says so', async () => {
    const db = await phone();
    const s = server({});
    const r = await look(db, s, [ID], { online: false });
    expect(s.calls).toEqual([]);
    expect(r.serverError).toBeNull();
    expect(r.check).toEqual({
      checkedAt: '2026-11-27T10:00:00+08:00',
      sources: ['local'],
      partyKeys: [ID],
      priors: [
        {
          recordId: 'local-1',
          itemCode: 'SR-02',
          partyKeys: [ID],
          date: '2026-08-01',
          squadId: 'sq-jinan',
          branch: 'firstOffence',
          source: 'local',
        },
      ],
    });
  });

  it('online: merges the bureau’s records by record, keeps the party’s own keys, never the record itself', async () => {
    const db = await phone();
    const s = server({
      entries: [
        await entry('server-1', [MOBILE]),
        await entry('local-1', [ID]),
        await entry(OWN, [ID]),
        await entry('someone-else', ['id:110101199001010011']),
      ],
    });
    const r = await look(db, s, [ID, MOBILE]);
    expect(s.calls).toHaveLength(1);
    // Only the keys leave the phone as the query; the answer carries digests.
    expect(s.calls[0]).toBe(
      `/api/ledger?party=${encodeURIComponent(ID)}&party=${encodeURIComponent(MOBILE)}`,
    );
    expect(r.check.sources).toEqual(['local', 'server']);
    expect(r.check.priors.map((p) => [p.recordId, p.source, p.partyKeys])).toEqual([
      ['local-1', 'local', [ID]],
      ['server-1', 'server', [MOBILE]],
    ]);
  });

  it('the server failing leaves the local check, with the reason for the officer', async () => {
    const db = await phone();
    const s = server({ status: 500 });
    const r = await look(db, s, [ID]);
    expect(s.calls).toHaveLength(1);
    expect(r.check.sources).toEqual(['local']);
    expect(r.check.priors.map((p) => p.recordId)).toEqual(['local-1']);
    expect(r.serverError).toBe('服务器出错');
  });

  it('without the installation’s ledger key nothing is looked up', async () => {
    const db = await phone();
    const s = server({ entries: [await entry('server-1', [ID])] });
    const r = await look(db, s, [ID], { ledgerKey: null });
    expect(s.calls).toEqual([]);
    expect(r.check.priors).toEqual([]);
    expect(r.check.sources).toEqual(['local']);
  });
});
