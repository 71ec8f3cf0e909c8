import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, DEMO_OFFICERS, tinyPng } from '../support/api';
import { execute } from '../support/db';
import { lockedRecord } from '../support/factories';
import { DATABASES, startServer, type TestServer } from '../support/server';
import { uuidv7 } from '$lib/domain/uuid';
import { pushResponseSchema } from '$lib/sync/contract';

/**
 * Mixed load on a real server: pushers (10 records a push), supervisors paging the record list,
 * and a probe of /api/health, all at once. Latencies are printed, never asserted (a shared
 * machine): what is asserted is that every request was answered and every record stored.
 *
 *   PB_LOAD_SECONDS   how long (5 in `npm test`, 60 in `npm run test:faults:long`)
 *   PB_LOAD_CLIENTS   pushers, and as many list readers (20)
 *   PB_HEAVY_PRIORS   prior ledger rows of the party in the heavy-party probe (24,000)
 */
const SECONDS = Number(process.env.PB_LOAD_SECONDS ?? 5);
const CLIENTS = Number(process.env.PB_LOAD_CLIENTS ?? 20);
const READERS = Number(process.env.PB_LOAD_READERS ?? CLIENTS);
const HEAVY_PRIORS = Number(process.env.PB_HEAVY_PRIORS ?? 24_000);

const pct = (v: number[], p: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0) : 0;
};
const line = (name: string, v: number[]) =>
  `${name.padEnd(7)} n=${String(v.length).padStart(5)}  p50 ${pct(v, 50).toFixed(0).padStart(5)} ms  ` +
  `p95 ${pct(v, 95).toFixed(0).padStart(5)} ms  p99 ${pct(v, 99).toFixed(0).padStart(5)} ms`;

describe.each(DATABASES)('mixed load on %s', (db) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`${CLIENTS} pushers and ${READERS} list readers for ${SECONDS} s: every request answered`, async () => {
    const pushers = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const c = new ApiClient(server.url);
        await c.login('officer1');
        return c;
      }),
    );
    const readers = await Promise.all(
      Array.from({ length: READERS }, async (_, i) => {
        const c = new ApiClient(server.url);
        await c.login(i % 2 ? 'supervisor1' : 'admin');
        return c;
      }),
    );
    // Every pushing phone took the same five pictures (the files are not what is measured).
    const files = ['before', 'after', 'party', 'sig1', 'sig2'].map((k) =>
      tinyPng(`load:${db}:${k}`),
    );
    const hashes: string[] = [];
    for (const p of pushers) for (const f of files) hashes.push(await p.upload(f));

    const push: number[] = [];
    const list: number[] = [];
    const health: number[] = [];
    let stored = 0;
    let failures = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const timed = async (into: number[], work: () => Promise<boolean>) => {
      const t0 = performance.now();
      const ok = await work().catch(() => false);
      into.push(performance.now() - t0);
      if (!ok) failures++;
    };

    const pushing = pushers.map(async (c) => {
      let n = 0;
      while (Date.now() < deadline) {
        const records: Awaited<ReturnType<typeof lockedRecord>>[] = [];
        for (let i = 0; i < 10; i++) {
          records.push(
            await lockedRecord({
              id: uuidv7(),
              officers: [DEMO_OFFICERS.officer1, DEMO_OFFICERS.officer2],
              squadId: 'sq-jinan',
              deviceId: c.deviceId,
              evidenceHashes: hashes.slice(0, 5),
              now: new Date().toISOString(),
              party: {
                kind: 'person',
                name: '负载测试',
                mobile: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
                address: '六安市金安区佛子岭路18号',
              },
            }),
          );
        }
        n++;
        await timed(push, async () => {
          const r = await c.push(records);
          const accepted = r.body.results.filter((x) => x.status === 'accepted').length;
          stored += accepted;
          return r.status === 200 && accepted === records.length;
        });
      }
      return n;
    });
    const reading = readers.map(async (c, i) => {
      while (Date.now() < deadline) {
        await timed(list, async () => {
          const r = await c.json<{ items: unknown[] }>(
            'GET',
            `/api/records?limit=50${i % 3 === 0 ? '&q=%E8%B4%9F%E8%BD%BD' : ''}`,
          );
          return r.status === 200;
        });
      }
    });
    const probing = (async () => {
      while (Date.now() < deadline) {
        await timed(health, async () => (await fetch(`${server.url}/api/health`)).ok);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const pushes = (await Promise.all(pushing)).reduce((a, b) => a + b, 0);
    await Promise.all([...reading, probing]);

    console.log(
      `[faults ${db}] mixed load, ${CLIENTS} pushers + ${READERS} readers, ${SECONDS} s: ` +
        `${pushes} pushes, ${stored} records stored\n  ${line('push', push)}\n  ${line('list', list)}\n  ${line('health', health)}`,
    );
    expect(failures).toBe(0);
    expect(stored).toBe(pushes * 10);
    expect(health.length).toBeGreaterThan(0);
  });

  it(`a 100-record push for a party with ${HEAVY_PRIORS} prior ledger rows: health keeps answering`, async () => {
    // The probe that found one push holding SQLite for 5.4 s: a party (a market stall, say)
    // with tens of thousands of earlier rows for the same item inside the lookback window, and
    // a phone pushing 100 new records for it while /api/health is asked every 50 ms.
    const c = new ApiClient(server.url);
    await c.login('officer1');
    const files = ['before', 'after', 'party', 'sig1', 'sig2'].map((k) =>
      tinyPng(`heavy:${db}:${k}`),
    );
    const hashes: string[] = [];
    for (const f of files) hashes.push(await c.upload(f));
    const party = {
      kind: 'person' as const,
      name: '老客户',
      mobile: '13955550000',
      address: '六安市金安区佛子岭路18号',
    };
    const records = [];
    for (let i = 0; i < 100; i++) {
      records.push(
        await lockedRecord({
          id: uuidv7(),
          officers: [DEMO_OFFICERS.officer1, DEMO_OFFICERS.officer2],
          squadId: 'sq-jinan',
          deviceId: c.deviceId,
          evidenceHashes: hashes,
          now: new Date().toISOString(),
          party,
        }),
      );
    }
    const key = records[0]?.partyKeys[0] ?? '';
    // Rows behind the server's back, spread over the last 300 days (inside the 12-month window).
    const series =
      db === 'sqlite'
        ? `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${HEAVY_PRIORS}) select i from n`
        : `select generate_series(1, ${HEAVY_PRIORS}) as i`;
    const date =
      db === 'sqlite'
        ? `date('now', '-' || (1 + i % 300) || ' days')`
        : `to_char(current_date - (1 + i % 300), 'YYYY-MM-DD')`;
    await execute(
      server,
      `insert into ledger (record_id, party_key, item_code, found_date, squad_id, district, branch)
       select 'heavy-' || i, $1, 'SR-02', ${date}, 'sq-yuan', '裕安区', 'firstOffence' from (${series}) s`,
      [key],
    );

    const health: number[] = [];
    let done = false;
    const probing = (async () => {
      while (!done) {
        const t0 = performance.now();
        const r = await fetch(`${server.url}/api/health`);
        health.push(performance.now() - t0);
        expect(r.ok).toBe(true);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    const r = await c.push(records);
    const pushMs = performance.now() - t0;
    done = true;
    await probing;
    console.log(
      `[faults ${db}] heavy party (${HEAVY_PRIORS} prior rows), one 100-record push: ${pushMs.toFixed(0)} ms; ` +
        `health during it: n=${health.length} max ${Math.max(...health).toFixed(0)} ms`,
    );
    expect(r.status).toBe(200);
    // Each was found first-offence on the phone with no prior in sight: the server flags all.
    expect(r.body.results.map((x) => x.status)).toEqual(records.map(() => 'accepted'));
    const results = pushResponseSchema.parse(r.body).results;
    expect(
      results.every(
        (x) => x.status === 'accepted' && x.flags.some((f) => f.code === 'priorMissed'),
      ),
    ).toBe(true);
    // The flag names the latest ten dates and says there are more, not 300 of them.
    const first = results[0];
    const message =
      first?.status === 'accepted'
        ? (first.flags.find((f) => f.code === 'priorMissed')?.message ?? '')
        : '';
    expect(message.match(/\d{4}-\d{2}-\d{2}/g)).toHaveLength(10);
    expect(message).toContain('等）');
  });
});
