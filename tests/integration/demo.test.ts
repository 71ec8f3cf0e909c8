import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPriors, putLedgerEntries } from '$lib/client/ledger';
import type { Me, PullResponse } from '$lib/sync/contract';
import { ApiClient } from '../support/api';
import { phoneDb } from '../support/phone-db';
import { query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

describe.each(DATABASES)('demo data on %s', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prints every demo account with its squad and the password', () => {
    const out = server.output();
    for (const name of [
      'admin',
      'supervisor1',
      'supervisor2',
      ...Array.from({ length: 8 }, (_, i) => `officer${i + 1}`),
    ]) {
      expect(out).toContain(name);
    }
    expect(out).toContain('金安区中队');
    expect(out).toContain('password / 密码: demo1234');
  });

  it('seeds at least 300 records across squads, items, branches, review and follow-up states', async () => {
    const stats = await query(server, async (run) => ({
      records: Number((await run('select count(*) as n from records'))[0]?.n),
      squads: (await run('select distinct squad_id from records')).length,
      items: (await run('select distinct item_code from records')).length,
      branches: (await run('select distinct branch from records')).map((r) => r.branch),
      review: (await run('select distinct review_state from records')).map((r) => r.review_state),
      followUp: (await run('select distinct follow_up from records')).map((r) => r.follow_up),
      repeats: Number(
        (
          await run(
            'select count(*) as n from (select party_key from ledger group by party_key, item_code having count(*) > 1) t',
          )
        )[0]?.n,
      ),
      officers: Number(
        (
          await run(
            `select count(*) as n from users where role = 'officer' and certificate_no is not null`,
          )
        )[0]?.n,
      ),
    }));
    expect(stats.records).toBeGreaterThanOrEqual(300);
    expect(stats.squads).toBe(4);
    expect(stats.items).toBeGreaterThan(10);
    expect(stats.branches).toEqual(
      expect.arrayContaining(['mild', 'firstOffence', 'ineligible', 'pendingCorrection']),
    );
    expect(stats.review).toEqual(expect.arrayContaining(['pending', 'approved', 'returned']));
    expect(stats.followUp).toEqual(
      expect.arrayContaining(['none', 'pending', 'corrected', 'escalated']),
    );
    expect(stats.repeats).toBeGreaterThan(0);
    expect(stats.officers).toBe(8);
  });

  it('serves the demo to a supervisor through the API', async () => {
    const c = new ApiClient(server.url);
    await c.login('supervisor1');
    const list = await c.json<{ items: { squadName: string }[]; nextCursor: string | null }>(
      'GET',
      '/api/records?limit=20',
    );
    expect(list.body.items.length).toBe(20);
    expect(new Set(list.body.items.map((i) => i.squadName))).toEqual(
      new Set(['金安区中队', '裕安区中队']),
    );
    expect(list.body.nextCursor).not.toBeNull();
  });

  it("pages a two-squad supervisor's list in the same order as one query over both squads", async () => {
    // The list is read squad by squad and merged (one ordered index walk each); paging with odd
    // page sizes must give every record of both squads once, newest first, ties broken by id.
    const c = new ApiClient(server.url);
    await c.login('supervisor1');
    const expected = await query(server, (run) =>
      run(
        `select id from records where squad_id in ('sq-jinan', 'sq-yuan') order by found_at desc, id desc`,
      ),
    );
    for (const limit of [1, 7, 50]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/api/records?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await c.json<{ items: { id: string }[]; nextCursor: string | null }>(
          'GET',
          path,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null && seen.length <= expected.length);
      expect(seen).toEqual(expected.map((r) => r.id));
    }
  });

  it("the phone's first-offence answer equals the server's for every party in the demo data", async () => {
    // A Jin'an officer's phone pulls the whole feed into its ledger (the real client code on an
    // IndexedDB), then every party of every demo record is looked up on the phone and on the
    // server: the same prior records, whichever district recorded them.
    const phone = new ApiClient(server.url);
    await phone.login('officer1');
    const me = (await phone.json<Me>('GET', '/api/auth/me')).body;
    const database = phoneDb('demo-ledger');
    let cursor = 0;
    let since = '';
    for (;;) {
      const r = await phone.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}&limit=1000`);
      expect(r.status).toBe(200);
      expect(r.body.ledgerKeyId).toBe(me.ledgerKeyId);
      await putLedgerEntries(
        database,
        r.body.changes.flatMap((c) => (c.kind === 'ledger' ? [c.entry] : [])),
      );
      since = r.body.ledgerSince ?? '';
      cursor = r.body.cursor;
      if (!r.body.more) break;
    }
    expect(since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const parties = await query(server, (run) =>
      run("select distinct party_keys from records where party_keys != ''"),
    );
    const keySets = parties
      .map((p) => String(p.party_keys).split('\n'))
      .filter((k) => k.length > 0);
    expect(keySets.length).toBeGreaterThan(100);
    let withPriorElsewhere = 0;
    for (const keys of keySets) {
      const onPhone = (await localPriors(database, keys, me.ledgerKey))
        .filter((p) => p.date >= since)
        .map((p) => p.recordId)
        .sort();
      const onServer = await query(server, (run) =>
        run(
          `select distinct l.record_id, s.district from ledger l join records r on r.id = l.record_id join squads s on s.id = r.squad_id where l.party_key in (${keys.map((k) => `'${k.replace(/'/g, "''")}'`).join(',')}) and l.found_date >= '${since}'`,
        ),
      );
      expect(onPhone).toEqual(onServer.map((r) => String(r.record_id)).sort());
      if (onServer.some((r) => r.district !== '金安区')) withPriorElsewhere++;
    }
    // The comparison covered parties of other districts, which the phone sees only this way.
    expect(withPriorElsewhere).toBeGreaterThan(10);
  });

  it('never seeds over existing data', async () => {
    // A SQLite folder serves one process at a time: the first server stops (its data stays).
    if (db === 'sqlite') await server.halt();
    const again = await startServer({
      db,
      dataDir: server.dataDir,
      databaseUrl: server.databaseUrl ?? undefined,
      env: { DEMO_SEED: '1' },
    });
    try {
      expect(again.output()).toContain('existing data kept');
    } finally {
      await again.stop();
    }
    const n = await query(server, (run) => run('select count(*) as n from users'));
    expect(Number(n[0]?.n)).toBe(11);
  });
});
