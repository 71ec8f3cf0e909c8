import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, DEMO_OFFICERS, uploadedRecord } from '../support/api';
import { execute, query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

type Result = { status: string; code?: string; missing?: string[] };

describe.each(DATABASES)('walls on %s', (db) => {
  let server: TestServer;
  let officer1: ApiClient;
  let officer3: ApiClient;
  let supervisor: ApiClient;

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    officer1 = new ApiClient(server.url);
    await officer1.login('officer1');
    officer3 = new ApiClient(server.url);
    await officer3.login('officer3');
    supervisor = new ApiClient(server.url);
    await supervisor.login('supervisor1');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('knowing a file hash neither lets a record name the file nor tells whether it exists', async () => {
    const { record, hashes, files } = await uploadedRecord(officer1);
    expect(((await officer1.push([record])).body.results[0] as Result).status).toBe('accepted');

    // Another squad's officer names officer1's photos and signatures in a record of their own.
    const { record: theirs } = await uploadedRecord(officer3, {
      officers: [DEMO_OFFICERS.officer3, DEMO_OFFICERS.officer4],
      squadId: 'sq-yuan',
      evidenceHashes: hashes,
      upload: false,
    });
    const pushed = (await officer3.push([theirs])).body.results[0] as Result;
    expect(pushed.status).toBe('missingBlobs');
    expect(new Set(pushed.missing)).toEqual(new Set(hashes));
    const stored = await query(server, (run) =>
      run('select count(*) as n from record_versions where record_id = $1', [theirs.id]),
    );
    expect(Number(stored[0]?.n)).toBe(0);

    for (const h of hashes) {
      expect((await officer3.request('HEAD', `/api/blobs/${h}`)).status).toBe(404);
      expect((await officer3.request('GET', `/api/blobs/${h}`)).status).toBe(404);
      expect((await officer1.request('HEAD', `/api/blobs/${h}`)).status).toBe(200);
      expect((await supervisor.request('GET', `/api/blobs/${h}`)).status).toBe(200);
    }
    // Holding the bytes is proof enough: uploading them makes the file theirs to name.
    for (const f of files) await officer3.upload(f);
    expect(((await officer3.push([theirs])).body.results[0] as Result).status).toBe('accepted');
  });

  it('a record the database fails on is answered on its own and never blocks the others', async () => {
    const good1 = (await uploadedRecord(officer1)).record;
    const poison = (
      await uploadedRecord(officer1, {
        party: { kind: 'person', name: '毒丸', mobile: '13900000099' },
      })
    ).record;
    const good2 = (await uploadedRecord(officer1)).record;
    const key = poison.partyKeys[0] ?? '';
    // A real database failure for exactly one record: a trigger refusing its ledger row.
    if (db === 'sqlite') {
      await execute(
        server,
        `create trigger poison before insert on ledger when new.party_key = '${key}' begin select raise(abort, 'poison'); end`,
      );
    } else {
      await execute(
        server,
        `create function poison() returns trigger language plpgsql as $$ begin if new.party_key = '${key}' then raise exception 'poison'; end if; return new; end $$`,
      );
      await execute(
        server,
        'create trigger poison before insert on ledger for each row execute function poison()',
      );
    }
    const r = await officer1.push([good1, poison, good2]);
    expect(r.status).toBe(200);
    expect((r.body.results as Result[]).map((x) => [x.status, x.code])).toEqual([
      ['accepted', undefined],
      ['error', 'serverError'],
      ['accepted', undefined],
    ]);
    const kept = await query(server, (run) =>
      run('select status, resolution from quarantine where record_id = $1', [poison.id]),
    );
    expect(kept).toEqual([{ status: 'error', resolution: null }]);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(server.output()).toContain(`storing record ${poison.id} v1 failed`);
    expect(server.output()).not.toContain('毒丸');

    // Once the database is mended, the same record is stored and its quarantine entry closed.
    await execute(server, 'drop trigger poison' + (db === 'postgres' ? ' on ledger' : ''));
    expect(((await officer1.push([poison])).body.results[0] as Result).status).toBe('accepted');
    const closed = await query(server, (run) =>
      run('select resolution from quarantine where record_id = $1', [poison.id]),
    );
    expect(closed).toEqual([{ resolution: 'resolved' }]);
  });
});
