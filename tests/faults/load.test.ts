import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, DEMO_OFFICERS, tinyPng } from '../support/api';
import { lockedRecord } from '../support/factories';
import { DATABASES, startServer, type TestServer } from '../support/server';
import { uuidv7 } from '$lib/domain/uuid';

/**
 * Mixed load on a real server: pushers (10 records a push), supervisors paging the record list,
 * and a probe of /api/health, all at once. Latencies are printed, never asserted (a shared
 * machine): what is asserted is that every request was answered and every record stored.
 *
 *   PB_LOAD_SECONDS   how long (10 in `npm test`, 60 in `npm run test:faults:long`)
 *   PB_LOAD_CLIENTS   pushers, and as many list readers (20)
 */
const SECONDS = Number(process.env.PB_LOAD_SECONDS ?? 10);
const CLIENTS = Number(process.env.PB_LOAD_CLIENTS ?? 20);
const READERS = Number(process.env.PB_LOAD_READERS ?? CLIENTS);

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
});
