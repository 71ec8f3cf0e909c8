import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  consoleForm,
  consoleSession,
  DEMO_OFFICERS,
  uploadedRecord,
} from '../support/api';
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
        party: {
          kind: 'person',
          name: '毒丸',
          mobile: '13900000099',
          address: '六安市金安区佛子岭路18号',
        },
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

  it('an officer pulls no identifier, mobile number or name of any party, only digests', async () => {
    const parties = [
      {
        kind: 'person',
        name: '欧阳娜娜',
        idNumber: '340102199003071232',
        mobile: '13800138000',
        address: '六安市金安区佛子岭路18号',
      },
      {
        kind: 'business',
        name: '皖西土菜馆',
        uscc: '91350100M000100Y43',
        operatorName: '陈明',
        operatorIdNumber: '11010519491231002X',
        mobile: '13912345678',
        address: '六安市金安区皖西路8号',
      },
      { kind: 'vehicle', plate: '皖A12345', driverName: '刘强', mobile: '13700001111' },
    ] as const;
    for (const party of parties) {
      const { record } = await uploadedRecord(officer1, { party });
      expect(((await officer1.push([record])).body.results[0] as Result).status).toBe('accepted');
    }
    const secrets = parties.flatMap((p) =>
      Object.entries(p)
        .filter(([k]) => k !== 'kind')
        .map(([, v]) => v),
    );
    const other = new ApiClient(server.url);
    await other.login('officer2');
    let cursor = 0;
    const changes: { kind: string; entry?: { partyKeys: string[] } }[] = [];
    for (;;) {
      const page = await other.json<{
        cursor: number;
        more: boolean;
        changes: { kind: string; entry?: { partyKeys: string[] } }[];
      }>('GET', `/api/sync/pull?cursor=${cursor}&limit=100`);
      changes.push(...page.body.changes);
      cursor = page.body.cursor;
      if (!page.body.more) break;
    }
    const ledger = changes.filter((c) => c.kind === 'ledger');
    expect(ledger.length).toBeGreaterThanOrEqual(parties.length);
    for (const c of ledger)
      for (const k of c.entry?.partyKeys ?? []) expect(k).toMatch(/^k:[0-9a-f]{32}$/);
    // officer2 is named on each: the requests to confirm are scanned too (ADR 0012).
    expect(changes.filter((c) => c.kind === 'confirmation').length).toBeGreaterThanOrEqual(
      parties.length,
    );
    const pulled = JSON.stringify(changes);
    for (const secret of secrets) expect(pulled, secret).not.toContain(secret);
    // The online lookup answers with digests too.
    const looked = await other.json(
      'GET',
      `/api/ledger?party=${encodeURIComponent('id:340102199003071232')}`,
    );
    expect(looked.status).toBe(200);
    expect(JSON.stringify(looked.body)).not.toContain('340102199003071232');
    expect(JSON.stringify(looked.body)).toMatch(/k:[0-9a-f]{32}/);
  });

  it('officers come from the roster: no other district, no made-up name, no deactivated officer', async () => {
    const push = async (options: Parameters<typeof uploadedRecord>[1]) => {
      const { record } = await uploadedRecord(officer1, options);
      return (await officer1.push([record])).body.results[0] as Result & {
        issues?: { path: unknown[]; code: string }[];
      };
    };
    const otherDistrict = await push({
      officers: [DEMO_OFFICERS.officer1, DEMO_OFFICERS.officer3],
    });
    expect(otherDistrict).toMatchObject({ status: 'rejected', code: 'officerUnknown' });
    expect(otherDistrict.issues?.[0]?.path).toEqual(['officers', 1]);
    const madeUp = await push({
      officers: [{ ...DEMO_OFFICERS.officer1, name: '刘洋' }, DEMO_OFFICERS.officer2],
    });
    expect(madeUp).toMatchObject({ status: 'rejected', code: 'officerUnknown' });
    expect(madeUp.issues?.[0]?.path).toEqual(['officers', 0]);

    const admin = await consoleSession(server.url, 'admin');
    const off = await consoleForm(server.url, admin, '/console/admin/users?/deactivate', {
      id: 'u-officer2',
    });
    expect(off.status).toBe(200);
    try {
      const gone = await push({});
      expect(gone).toMatchObject({ status: 'rejected', code: 'officerUnknown' });
      expect(gone.issues?.[0]?.path).toEqual(['officers', 1]);
    } finally {
      await consoleForm(server.url, admin, '/console/admin/users?/activate', { id: 'u-officer2' });
    }
    expect((await push({})).status).toBe('accepted');
  });

  it("signing in with another officer's device id does not take the device over", async () => {
    const thief = new ApiClient(server.url);
    const r = await thief.json('POST', '/api/auth/login', {
      username: 'officer4',
      password: 'demo1234',
      deviceId: officer1.deviceId,
    });
    expect(r).toMatchObject({ status: 409, body: { code: 'deviceTaken' } });
    const [owner] = await query(server, (run) =>
      run('select user_id from devices where id = $1', [officer1.deviceId]),
    );
    expect(owner?.user_id).toBe('u-officer1');
    // officer1 still pushes from it.
    const { record } = await uploadedRecord(officer1);
    expect(((await officer1.push([record])).body.results[0] as Result).status).toBe('accepted');
  });
});

describe.each(DATABASES)('sign-in throttling on %s', (db) => {
  let server: TestServer;

  beforeAll(async () => {
    // Behind a proxy that names the client's address, as a deployment would be.
    server = await startServer({
      db,
      env: { DEMO_SEED: '1', DEMO_RECORDS: '0', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const attempt = async (from: string, username: string, password: string) => {
    const c = new ApiClient(server.url);
    const res = await c.request('POST', '/api/auth/login', {
      json: { username, password, deviceId: c.deviceId },
      headers: { 'x-forwarded-for': from },
    });
    const body = (await res.json()) as { code?: string; failedSignIns?: { count: number } | null };
    return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0), body };
  };

  it('wrong passwords from one address slow that address, not the real user elsewhere', async () => {
    const tries = [];
    for (let i = 0; i < 6; i++) tries.push(await attempt('10.0.0.1', 'officer5', `bad-${i}`));
    expect(tries.map((t) => t.status)).toEqual([401, 401, 401, 401, 401, 429]);
    // Each refused try counts: the wait doubles with every one.
    const later = await attempt('10.0.0.1', 'officer5', `bad-again`);
    expect(later.status).toBe(429);
    expect(later.retryAfter).toBeGreaterThan((tries[5]?.retryAfter ?? 0) + 30);
    // Even the right password waits there; from the officer's own address it goes through at
    // once, and the officer is told of the failed attempts.
    expect((await attempt('10.0.0.1', 'officer5', 'demo1234')).status).toBe(429);
    const owner = await attempt('10.0.0.2', 'officer5', 'demo1234');
    expect(owner.status).toBe(200);
    expect(owner.body.failedSignIns?.count).toBeGreaterThanOrEqual(8);
    const refused = await query(server, (run) =>
      run(`select count(*) as n from login_attempts where username = 'officer5' and refused = 1`),
    );
    expect(Number(refused[0]?.n)).toBeGreaterThanOrEqual(3);
  });

  it('many officers behind one carrier address are slowed at most, never shut out', async () => {
    for (let i = 0; i < 30; i++) {
      const r = await attempt('10.0.0.9', `nobody${i % 10}`, 'x');
      expect(r.status).toBe(401);
    }
    const colleague = await attempt('10.0.0.9', 'officer6', 'demo1234');
    expect(colleague.status).toBe(200);
  });
});

describe.each(DATABASES)('smaller walls on %s', (db) => {
  let server: TestServer;
  let officer: ApiClient;

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    officer = new ApiClient(server.url);
    await officer.login('officer1');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses impossible dates with 400, and searches for %, _ and \\ literally', async () => {
    const bad = await officer.json<{ code: string }>('GET', '/api/records?from=2026-13-45');
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid' } });
    const feb = await officer.json('GET', '/api/records?from=2026-02-31');
    expect(feb.status).toBe(400);

    const marked = (await uploadedRecord(officer, { facts: '占道约100%人行道。' })).record;
    marked.place = { ...marked.place, address: '六安市金安区100%路_1号\\后门' };
    const { contentHash: _h, ...content } = marked;
    void _h;
    const { lockRecord } = await import('$lib/domain/record');
    const locked = await lockRecord(content);
    const plain = (await uploadedRecord(officer)).record;
    await officer.push([locked, plain]);
    for (const q of ['%', '_', '\\', '100%']) {
      const found = await officer.json<{ items: { id: string }[] }>(
        'GET',
        `/api/records?q=${encodeURIComponent(q)}`,
      );
      expect(found.status).toBe(200);
      expect(found.body.items.map((i) => i.id)).toEqual([locked.id]);
    }
  });

  it('refuses state-changing API requests from another origin, and sends HSTS over TLS', async () => {
    const res = await officer.request('POST', '/api/auth/logout', {
      headers: { origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
    expect((await officer.json('GET', '/api/auth/me')).status).toBe(200);
    const same = await officer.request('POST', '/api/auth/logout', {
      headers: { origin: server.url },
    });
    expect(same.status).toBe(200);
    await officer.login('officer1');
    expect(
      (await fetch(`${server.url}/api/health`)).headers.get('strict-transport-security'),
    ).toBeNull();
    const tls = await startServer({
      db,
      env: { DEMO_SEED: '1', DEMO_RECORDS: '0', ORIGIN: 'https://zfzs.example.gov.cn' },
    });
    try {
      const h = await fetch(`${tls.url}/api/health`);
      expect(h.headers.get('strict-transport-security')).toBe('max-age=31536000');
    } finally {
      await tls.stop();
    }
  });

  it('an answer given before a large body was read does not break the next request', async () => {
    const { request, Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(server.url);
    const send = (path: string, body: Buffer | null) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: body ? 'PUT' : 'GET',
            agent,
            headers: body
              ? { 'content-type': 'application/octet-stream', 'content-length': body.length }
              : {},
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body ?? undefined);
      });
    // Not signed in: refused before the 3 MB body is read.
    expect(await send(`/api/blobs/${'a'.repeat(64)}`, Buffer.alloc(3 * 1024 * 1024, 1))).toBe(401);
    expect(await send('/api/health', null)).toBe(200);
    expect(await send(`/api/blobs/${'b'.repeat(64)}`, Buffer.alloc(1000, 2))).toBe(401);
    expect(await send('/api/health', null)).toBe(200);
    agent.destroy();
  });

  it('names with right-to-left overrides or control characters are refused', async () => {
    const admin = await consoleSession(server.url, 'admin');
    const created = await consoleForm(server.url, admin, '/console/admin/users?/create', {
      username: 'rlo1',
      realName: '王\u202e某',
      role: 'officer',
      certificateNo: '34159999',
      squadId: 'sq-jinan',
    });
    expect(created.text).toContain('控制字符');
    const rows = await query(server, (run) =>
      run(`select count(*) as n from users where username = 'rlo1'`),
    );
    expect(Number(rows[0]?.n)).toBe(0);
    const { record } = await uploadedRecord(officer);
    await officer.push([record]);
    const supervisor = new ApiClient(server.url);
    await supervisor.login('supervisor1');
    const review = await supervisor.json('POST', `/api/records/${record.id}/reviews`, {
      action: 'return',
      comment: '请补充\u0000',
    });
    expect(review.status).toBe(400);
  });

  it('exports a ledger of any size (past 32,766 rows on SQLite, several chunks on PostgreSQL)', async () => {
    const { record } = await uploadedRecord(officer);
    expect(((await officer.push([record])).body.results[0] as Result).status).toBe('accepted');
    // Past SQLite's limit of 32,766 bound values, where an export binding every id would fail.
    // PostgreSQL's limit is 65,535 and the export binds a chunk of 500 at a time whatever the
    // size: four chunks show the keyset paging there (the whole size again is 13 s of inserts).
    const n = db === 'sqlite' ? 33_000 : 1_600;
    await bulkCopies(server, record.id, n);
    const admin = await consoleSession(server.url, 'admin');
    const res = await fetch(`${server.url}/console/ledger/export?format=csv`, {
      headers: { cookie: admin },
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n');
    const [rows] = await query(server, (run) =>
      run(
        `select count(*) as n from records where branch in ('mild','firstOffence','noFault','pendingCorrection')`,
      ),
    );
    expect(Number(rows?.n)).toBeGreaterThan(n);
    expect(lines.length).toBe(Number(rows?.n) + 1);
  }, 300_000);
});

/**
 * Copies of a stored record straight into the database (a ledger to export, fast): one
 * set-based insert per table, the copies numbered by the database itself.
 */
async function bulkCopies(server: TestServer, id: string, n: number) {
  const [row] = await query(server, (run) => run('select * from records where id = $1', [id]));
  const [version] = await query(server, (run) =>
    run('select * from record_versions where record_id = $1', [id]),
  );
  if (!row || !version) throw new Error('no record');
  const cols = (o: Record<string, unknown>) =>
    Object.keys(o).filter((k) => k !== 'id' && k !== 'record_id');
  const sqlite = server.db === 'sqlite';
  // The copies' ids: the record's own with its last 12 characters replaced by the copy's number.
  const copyId = (key: string) =>
    sqlite
      ? `substr(t.${key}, 1, 24) || printf('%012d', n.i)`
      : `substr(t.${key}, 1, 24) || lpad(n.i::text, 12, '0')`;
  const count = Math.trunc(n);
  const numbers = sqlite
    ? `with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < ${count}) `
    : '';
  const from = sqlite ? 'n' : `generate_series(0, ${count - 1}) as n(i)`;
  const copy = async (table: string, key: string, columns: string[]) =>
    execute(
      server,
      `${numbers}insert into ${table} (${[...columns, key].join(',')}) ` +
        `select ${[...columns.map((c) => `t.${c}`), copyId(key)].join(',')} ` +
        `from ${table} t, ${from} where t.${key} = $1`,
      [id],
    );
  await copy('records', 'id', cols(row));
  await copy('record_versions', 'record_id', cols(version));
  await new Promise((resolve) => setTimeout(resolve, 50));
}
