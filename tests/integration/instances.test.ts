import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, uploadedRecord } from '../support/api';
import { query } from '../support/db';
import { startServer, type TestServer } from '../support/server';

/**
 * Two server processes on one PostgreSQL database: sessions, login throttling, number counters
 * and the change feed live in the database, so either instance can serve any request.
 */
describe.runIf(process.env.TEST_DATABASE_URL)('two server instances sharing PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startServer({ db: 'postgres', env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    b = await startServer({ db: 'postgres', databaseUrl: a.databaseUrl ?? '' });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('a session created on one instance works on the other', async () => {
    const c = new ApiClient(a.url);
    await c.login('officer1');
    const onB = new ApiClient(b.url);
    Object.assign(onB, { cookie: (c as unknown as { cookie: string }).cookie });
    expect((await onB.request('GET', '/api/auth/me')).status).toBe(200);
  });

  it('number blocks reserved through both instances at once never overlap', async () => {
    const ca = new ApiClient(a.url);
    await ca.login('officer1');
    const cb = new ApiClient(b.url);
    Object.assign(cb, { cookie: (ca as unknown as { cookie: string }).cookie });
    const reqs = Array.from({ length: 16 }, (_, i) =>
      (i % 2 ? ca : cb).json<{ block: { first: number; last: number } }>(
        'POST',
        '/api/numbers/reserve',
        {
          deviceId: ca.deviceId,
          docType: 'orderToCorrect',
          count: 5,
        },
      ),
    );
    const blocks = (await Promise.all(reqs))
      .map((r) => r.body.block)
      .sort((x, y) => x.first - y.first);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.first).toBe(blocks[i - 1]!.last + 1);
  });

  it('login throttling counts failures made on either instance', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const c = new ApiClient(i % 2 ? a.url : b.url);
      statuses.push(
        (await c.json('POST', '/api/auth/login', { username: 'officer5', password: `x${i}` }))
          .status,
      );
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it('the same record pushed to both instances at once is stored once', async () => {
    const ca = new ApiClient(a.url);
    await ca.login('officer1');
    const cb = new ApiClient(b.url);
    Object.assign(cb, {
      cookie: (ca as unknown as { cookie: string }).cookie,
      deviceId: ca.deviceId,
    });
    const { record } = await uploadedRecord(ca);
    const [ra, rb] = await Promise.all([ca.push([record]), cb.push([record])]);
    expect([ra.body.results[0]?.status, rb.body.results[0]?.status].sort()).toEqual([
      'accepted',
      'duplicate',
    ]);
    const rows = await query(a, (run) =>
      run('select count(*) as n from record_versions where record_id = $1', [record.id]),
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });
});
