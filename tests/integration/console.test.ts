import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedRecordSchema } from '$lib/domain/record';
import { shanghaiDate } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import type { PullResponse } from '$lib/sync/contract';
import type { Stats } from '$lib/server/services/stats';
import { ApiClient, consoleSession, sha256, uploadedRecord } from '../support/api';
import { execute, query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

describe.each(DATABASES)('console on %s', (db) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1' } });
    admin = new ApiClient(server.url);
    await admin.login('admin');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('statistics equal counts taken from the stored records themselves, for every month of the demo', async () => {
    // The oracle reads each record's latest locked version (its JSON body and the server's flags),
    // never the summary columns the statistics query: a wrong derived column fails here.
    const rows = await query(server, (run) =>
      run(`select v.body, v.flags from records r
           join record_versions v on v.record_id = r.id and v.version = r.latest_version`),
    );
    const records = rows.map((row) => ({
      r: storedRecordSchema.parse(JSON.parse(String(row.body))),
      flags: JSON.parse(typeof row.flags === 'string' ? row.flags : '[]') as { code: string }[],
    }));
    const months = [...new Set(records.map(({ r }) => shanghaiDate(r.foundAt).slice(0, 7)))].sort();
    expect(months.length).toBeGreaterThanOrEqual(6);
    const count = (list: string[]) => {
      const out: Record<string, number> = {};
      for (const k of list) out[k] = (out[k] ?? 0) + 1;
      return out;
    };
    const statMap = (list: { key: string; count: number }[]) =>
      Object.fromEntries(list.map((x) => [x.key, x.count]));
    const exempt = ['mild', 'firstOffence', 'noFault'];
    for (const month of months) {
      const stats = (await admin.json<Stats>('GET', `/api/stats?month=${month}`)).body;
      const found = records.filter(({ r }) => shanghaiDate(r.foundAt).startsWith(month));
      const deadlineIn = records.filter(({ r }) => {
        const c = r.answers.correction;
        return c?.mode === 'deadline' && c.deadline.startsWith(month);
      });
      const noPenalty = found.filter(({ r }) => exempt.includes(r.evaluation.branch ?? '')).length;
      expect(stats.total, month).toBe(found.length);
      expect(stats.noPenalty, month).toBe(noPenalty);
      expect(statMap(stats.byBranch), month).toEqual(
        count(found.map(({ r }) => r.evaluation.branch ?? 'undetermined')),
      );
      expect(statMap(stats.byItem), month).toEqual(count(found.map(({ r }) => r.itemCode)));
      expect(statMap(stats.bySquad), month).toEqual(count(found.map(({ r }) => r.squadId)));
      expect(statMap(stats.byCorrection), month).toEqual(
        count(found.map(({ r }) => r.answers.correction?.mode ?? 'none')),
      );
      expect(stats.reinspection.due, month).toBe(deadlineIn.length);
      expect(stats.reinspection.done, month).toBe(
        deadlineIn.filter(({ r }) => r.reinspection?.doneAt !== undefined).length,
      );
      expect(stats.repeatOffences, month).toBe(
        found.filter(
          ({ r, flags }) =>
            (r.evaluation.firstOffence?.priors.length ?? 0) > 0 ||
            flags.some((f) => f.code === 'priorMissed'),
        ).length,
      );
      expect(stats.brokenCommitments, month).toBe(
        found.filter(
          ({ r }) =>
            r.answers.commitmentBroken === true ||
            (r.answers.correction?.mode === 'deadline' && r.followUp === 'escalated'),
        ).length,
      );
      expect(stats.trend.at(-1)).toEqual({ month, total: found.length, noPenalty });
    }
  });

  it('the XLSX report opens and carries the dashboard numbers; CSV has a BOM', async () => {
    const month = String(
      (
        await query(server, (run) => run('select max(substr(found_date, 1, 7)) as m from records'))
      )[0]?.m,
    );
    const stats = (await admin.json<Stats>('GET', `/api/stats?month=${month}`)).body;
    const res = await admin.request('GET', `/api/stats?month=${month}&format=xlsx`);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const summary = wb.getWorksheet('汇总');
    const value = (label: string) =>
      summary
        ?.getRows(1, summary.rowCount)
        ?.find((r) => r.getCell(1).value === label)
        ?.getCell(2).value;
    expect(value('案件总数')).toBe(stats.total);
    expect(value('免予处罚数')).toBe(stats.noPenalty);
    const items = wb.getWorksheet('按事项');
    const fromSheet = Object.fromEntries(
      (items?.getRows(2, (items?.rowCount ?? 1) - 1) ?? []).map((r) => [
        r.getCell(1).text,
        Number(r.getCell(3).value),
      ]),
    );
    expect(fromSheet).toEqual(Object.fromEntries(stats.byItem.map((i) => [i.key, i.count])));
    const csv = new Uint8Array(
      await (await admin.request('GET', `/api/stats?month=${month}&format=csv`)).arrayBuffer(),
    );
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(csv)).toContain(`案件总数,${stats.total}`);
    const audit = await query(server, (run) =>
      run(`select count(*) as n from audit_log where action = 'export'`),
    );
    expect(Number(audit[0]?.n)).toBeGreaterThanOrEqual(2);
  });

  it('a supervisor sees only their squads in statistics and cannot ask for another squad', async () => {
    const s = new ApiClient(server.url);
    await s.login('supervisor2');
    const stats = (await s.json<Stats>('GET', '/api/stats')).body;
    for (const sq of stats.bySquad) expect(['sq-yeji', 'sq-jingkai']).toContain(sq.key);
    expect((await s.request('GET', '/api/stats?squad=sq-jinan')).status).toBe(403);
  });

  it('a published catalog version reaches the phones; old records keep theirs', async () => {
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const before = (await officer.json<PullResponse>('GET', '/api/sync/pull?limit=1000')).body;
    let cursor = before.cursor;
    while (
      (await officer.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}&limit=1000`)).body
        .more
    ) {
      cursor = (
        await officer.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}&limit=1000`)
      ).body.cursor;
    }
    const latest = await query(server, (run) =>
      run(`select body from catalog_versions order by published_at desc`),
    );
    const catalog = JSON.parse(String(latest[0]?.body)) as {
      versionId: string;
      effectiveFrom: string;
      items: { code: string; lookbackMonths: number }[];
    };
    catalog.versionId = `luan-2027-${uuidv7().slice(-4)}`;
    catalog.effectiveFrom = '2027-01-01';
    catalog.items[0]!.lookbackMonths = 24;
    const cookie = await consoleSession(server.url, 'admin');
    const publish = await fetch(`${server.url}/console/admin/catalog?/publish`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ catalog: JSON.stringify(catalog) }),
      redirect: 'manual',
    });
    expect(publish.status).toBe(200);
    const pulled = (await officer.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}`))
      .body;
    const change = pulled.changes.find((c) => c.kind === 'catalog');
    expect(change?.kind === 'catalog' && change.catalog.versionId).toBe(catalog.versionId);
    const versions = await query(server, (run) =>
      run('select distinct catalog_version as v from records'),
    );
    expect(versions.map((v) => v.v)).toEqual(['luan-2026-01']);
    // Publishing the same version twice is refused, and an invalid one names the problem.
    const again = await fetch(`${server.url}/console/admin/catalog?/publish`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ catalog: JSON.stringify({ ...catalog, items: [] }) }),
    });
    // A form post answers with the page (status 200) showing the form's message.
    const answer = await again.text();
    // The field that is wrong, with the schema's message: an empty list of items.
    expect(answer).toContain('items: 至少需要 1 项');
    const twice = await fetch(`${server.url}/console/admin/catalog?/publish`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ catalog: JSON.stringify(catalog) }),
    });
    expect(await twice.text()).toContain(`清单版本 ${catalog.versionId} 已存在`);
    const versions2 = await query(server, (run) =>
      run('select count(*) as n from catalog_versions where version_id = $1', [catalog.versionId]),
    );
    expect(Number(versions2[0]?.n)).toBe(1);

    // Text that is not JSON, or too large, is told apart from a list that fails the schema, on
    // the import and in the form editor alike, and publishes nothing.
    const post = (path: string, text: string) =>
      fetch(`${server.url}/console/admin/${path}`, {
        method: 'POST',
        headers: {
          cookie,
          accept: 'text/html',
          origin: server.url,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ catalog: text }),
      }).then((r) => r.text());
    const count = async () =>
      Number(
        (await query(server, (run) => run('select count(*) as n from catalog_versions')))[0]?.n,
      );
    const published = await count();
    expect(await post('catalog?/publish', '{"versionId":')).toContain('不是有效的 JSON');
    expect(await post('catalog/edit?/publish', '{"versionId":')).toContain('表单内容无法读取');
    const huge = JSON.stringify({ ...catalog, versionId: 'huge', pad: 'x'.repeat(2_000_001) });
    expect(await post('catalog?/publish', huge)).toContain('清单内容过大');
    expect(await post('catalog/edit?/publish', huge)).toContain('清单内容过大');
    expect(await count()).toBe(published);
  });

  it('imports a phone export once; importing it again changes nothing', async () => {
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const { record, files } = await uploadedRecord(officer, { upload: false });
    const file = {
      format: 'patrolbook-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      deviceId: officer.deviceId,
      officer: { userId: 'u-officer1', name: '张伟' },
      records: [record],
      blobs: files.map((f) => ({
        sha256: sha256(f),
        mime: 'image/png',
        base64: Buffer.from(f).toString('base64'),
      })),
    };
    const cookie = await consoleSession(server.url, 'supervisor1');
    const send = async () => {
      const form = new FormData();
      form.set(
        'file',
        new File([JSON.stringify(file)], 'export.json', { type: 'application/json' }),
      );
      const res = await fetch(`${server.url}/console/import`, {
        method: 'POST',
        headers: { cookie, origin: server.url, accept: 'text/html' },
        body: form,
      });
      return res.text();
    };
    expect(await send()).toMatch(/新导入\s*1/);
    // No officer sent it from their own phone: both officers it names are asked to confirm.
    const asked = await query(server, (run) =>
      run(
        'select user_id, state from officer_confirmations where record_id = $1 order by user_id',
        [record.id],
      ),
    );
    expect(asked.map((r) => [r.user_id, r.state])).toEqual([
      ['u-officer1', 'requested'],
      ['u-officer2', 'requested'],
    ]);
    const rows = () =>
      query(server, (run) =>
        run('select count(*) as n from record_versions where record_id = $1', [record.id]),
      );
    expect(Number((await rows())[0]?.n)).toBe(1);
    expect(await send()).toMatch(/已存在\s*1/);
    expect(Number((await rows())[0]?.n)).toBe(1);
  });

  it('the ledger: every no-penalty record once, repeat parties marked and found however typed, full identifiers only in the audited export', async () => {
    const admin = await consoleSession(server.url, 'admin');
    const exportCsv = async (cookie: string, query = '') => {
      const res = await fetch(`${server.url}/console/ledger/export?format=csv${query}`, {
        headers: { cookie },
      });
      expect(res.status).toBe(200);
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const lines = text.slice(1).trim().split('\r\n');
      return { header: lines[0]?.split(',') ?? [], rows: lines.slice(1) };
    };
    const all = await exportCsv(admin);
    const [direct] = await query(server, (run) =>
      run(
        `select count(*) as n from records where branch in ('mild','firstOffence','noFault','pendingCorrection')`,
      ),
    );
    expect(all.rows.length).toBe(Number(direct?.n));
    expect(all.header).toEqual(
      expect.arrayContaining(['日期', '证件及联系方式', '复查日期及结果']),
    );
    // The XLSX export (streamed) holds the same table.
    const xlsx = await fetch(`${server.url}/console/ledger/export?format=xlsx`, {
      headers: { cookie: admin },
    });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.getWorksheet('首违不罚台账');
    expect(sheet?.rowCount).toBe(all.rows.length + 1);
    expect(sheet?.getRow(1).values).toEqual([undefined, ...all.header]);

    // A person with more than one record, searched by their ID number typed with a lowercase x or
    // in full-width digits: found, marked as a repeat, and masked on screen.
    const [repeat] = await query(server, (run) =>
      run(
        `select l.party_key as k from ledger l join records r on r.id = l.record_id
         where l.party_key like 'id:%' and r.branch in ('mild','firstOffence','noFault','pendingCorrection')
         group by l.party_key having count(distinct l.record_id) > 1 order by l.party_key limit 1`,
      ),
    );
    const id = String(repeat?.k).slice(3);
    expect(id).toMatch(/^\d{17}[\dX]$/);
    const typed = id.toLowerCase().replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const page = await fetch(`${server.url}/console/ledger?q=${encodeURIComponent(typed)}`, {
      headers: { cookie: admin },
    });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('data-testid="repeat-mark"');
    expect(html).toContain(`${id.slice(0, 4)}**********${id.slice(-4)}`);
    expect(html).not.toContain(id);

    const before = await query(server, (run) =>
      run(`select count(*) as n from audit_log where action = 'export' and target = 'ledger'`),
    );
    const found = await exportCsv(admin, `&q=${encodeURIComponent(typed)}`);
    expect(found.rows.length).toBeGreaterThan(1);
    for (const row of found.rows) expect(row).toContain(id);
    const after = await query(server, (run) =>
      run(`select count(*) as n from audit_log where action = 'export' and target = 'ledger'`),
    );
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n) + 1);

    // A supervisor's export holds their squads only.
    const supervisor = await consoleSession(server.url, 'supervisor1');
    const own = await exportCsv(supervisor);
    expect(own.rows.length).toBeGreaterThan(0);
    expect(own.rows.length).toBeLessThan(all.rows.length);
    for (const row of own.rows) expect(row.split(',')[1]).toMatch(/^(金安区中队|裕安区中队)$/);
  });

  it('user administration: bad input changes nothing, an admin cannot lock themselves out, deactivation ends sessions', async () => {
    const cookie = await consoleSession(server.url, 'admin');
    const act = async (action: string, form: Record<string, string | string[]>) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form))
        for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      const res = await fetch(`${server.url}/console/admin/users?/${action}`, {
        method: 'POST',
        headers: {
          cookie,
          origin: server.url,
          accept: 'application/json',
          'x-sveltekit-action': 'true',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
      return (await res.json()) as { type: string; status?: number; data?: string };
    };
    const snapshot = () =>
      query(server, async (run) => ({
        users: await run('select id, role, squad_id, active from users order by id'),
        supervised: await run('select * from supervisor_squads order by user_id, squad_id'),
        squads: await run('select id from squads order by id'),
      }));
    const [self] = await query(server, (run) =>
      run(`select id from users where username = 'admin'`),
    );
    const adminId = String(self?.id);

    const before = await snapshot();
    const refused: [string, Record<string, string | string[]>, string][] = [
      ['create', { username: 'x', realName: '', role: 'officer' }, '用户名'],
      [
        'create',
        {
          username: 'newofficer',
          realName: '新队员',
          role: 'officer',
          certificateNo: '34159999',
          squadId: 'sq-nowhere',
        },
        '中队不存在',
      ],
      ['create', { username: 'officer1', realName: '重名', role: 'admin' }, '已被使用'],
      ['update', { id: adminId, role: 'officer', squadId: 'sq-jinan' }, '管理员角色'],
      [
        'update',
        { id: 'u-officer1', role: 'supervisor', squadId: '', supervised: ['sq-jinan', 'sq-x'] },
        '中队不存在',
      ],
      ['update', { id: 'u-nobody', role: 'admin' }, '用户不存在'],
      ['deactivate', { id: adminId }, '自己'],
      ['deactivate', { id: 'u-nobody' }, '用户不存在'],
      ['activate', { id: 'u-nobody' }, '用户不存在'],
      ['squad', { name: '金安区中队', district: '金安区' }, '同名'],
      ['squad', { name: '', district: '' }, '中队名称'],
    ];
    for (const [action, form, message] of refused) {
      const r = await act(action, form);
      expect(r.type, `${action} ${JSON.stringify(form)}`).toBe('failure');
      expect(r.data, action).toContain(message);
    }
    expect(await snapshot()).toEqual(before);

    // Two administrators creating the same account at once: one account, one clear refusal.
    const twin = {
      username: 'twin',
      realName: '双胞',
      role: 'officer',
      certificateNo: '34158888',
      squadId: 'sq-jinan',
    };
    const both = await Promise.all([act('create', twin), act('create', twin)]);
    expect(both.map((r) => r.type).sort()).toEqual(['failure', 'success']);
    expect(both.find((r) => r.type === 'failure')?.data).toContain('已被使用');
    const twins = await query(server, (run) =>
      run(`select count(*) as n from users where username = 'twin'`),
    );
    expect(Number(twins[0]?.n)).toBe(1);

    // Deactivating an officer with records keeps the account and its records, and ends their sessions.
    const officer = new ApiClient(server.url);
    await officer.login('officer8');
    expect((await officer.request('GET', '/api/auth/me')).status).toBe(200);
    const [officer8] = await query(server, (run) =>
      run(`select id from users where username = 'officer8'`),
    );
    expect((await act('deactivate', { id: String(officer8?.id) })).type).toBe('success');
    expect((await officer.request('GET', '/api/auth/me')).status).toBe(401);
    await expect(new ApiClient(server.url).login('officer8')).rejects.toThrow();
    const [kept] = await query(server, (run) =>
      run('select count(*) as n from records where officer1_id = $1 or officer2_id = $2', [
        String(officer8?.id),
        String(officer8?.id),
      ]),
    );
    expect(Number(kept?.n)).toBeGreaterThan(0);
    expect((await act('activate', { id: String(officer8?.id) })).type).toBe('success');
    await new ApiClient(server.url).login('officer8');
    const actions = await query(server, (run) =>
      run(`select action from audit_log where target = $1 order by at`, [String(officer8?.id)]),
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['user.deactivate', 'user.update']),
    );
  });

  it("squad street names: every bad line named and nothing saved; a good list reaches that squad's phones only, audited", async () => {
    const cookie = await consoleSession(server.url, 'admin');
    const save = async (squadId: string, streets: string, who = cookie) => {
      const res = await fetch(`${server.url}/console/admin/users?/streets`, {
        method: 'POST',
        headers: {
          cookie: who,
          origin: server.url,
          accept: 'application/json',
          'x-sveltekit-action': 'true',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ squadId, streets }),
        redirect: 'manual',
      });
      return { status: res.status, body: await res.text() };
    };
    const stored = async () =>
      query(server, (run) => run(`select id, streets from squads order by id`));
    const phoneStreets = async (username: string) => {
      const phone = new ApiClient(server.url);
      await phone.login(username);
      const me = await phone.json<{ streets: unknown }>('GET', '/api/auth/me');
      return me.body.streets;
    };
    const before = await stored();
    // The squad's frequent places of the last 30 days (two cases or more) come with it too.
    const since = shanghaiDate(Date.now() - 30 * 86_400_000);
    const frequent = await query(server, (run) =>
      run(
        `select address, count(*) as n from records where squad_id = 'sq-jinan' and found_date >= $1
         and address <> '' group by address having count(*) >= 2 order by n desc, address limit 10`,
        [since],
      ),
    );
    expect(frequent.length).toBeGreaterThan(0);
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const me = await officer.json<{ squadPlaces: string[] }>('GET', '/api/auth/me');
    expect(me.body.squadPlaces).toEqual(frequent.map((r) => r.address));
    // The demo's own list arrives with the officer's profile.
    expect(await phoneStreets('officer1')).toContainEqual({
      name: '六安市金安区人民路',
      lat: 31.7352,
      lng: 116.5083,
    });

    const bad = await save('sq-yeji', '史河路, 31.1\n\n叶淮路, 116.2, 31.7\n史河路');
    expect(bad.body).toContain('第 1 行：坐标应为');
    expect(bad.body).toContain('第 3 行：坐标不在我国境内');
    expect(bad.body).toContain('第 4 行：与前面的名称重复');
    expect((await save('sq-nowhere', '史河路')).body).toContain('没有这个中队');
    // Only an administrator: a supervisor's form is refused.
    const supervisor = await consoleSession(server.url, 'supervisor2');
    const denied = await save('sq-yeji', '史河路', supervisor);
    expect(denied.body).not.toContain('"type":"success"');
    expect(await stored()).toEqual(before);

    const ok = await save('sq-yeji', '史河路, 32.2851, 115.9182\n叶淮路');
    expect(ok.body).toContain('"type":"success"');
    expect(await phoneStreets('officer5')).toEqual([
      { name: '史河路', lat: 32.2851, lng: 115.9182 },
      { name: '叶淮路' },
    ]);
    // Another squad's phones are not given them.
    expect(JSON.stringify(await phoneStreets('officer1'))).not.toContain('史河路');
    const [entry] = await query(server, (run) =>
      run(`select detail from audit_log where action = 'squad.streets' order by id desc limit 1`),
    );
    expect(JSON.parse(String(entry?.detail))).toEqual({ count: 2, withPoint: 1 });
  });

  it('refuses a console form posted from another site (or with no Origin), and changes nothing', async () => {
    const cookie = await consoleSession(server.url, 'admin');
    const formats = () =>
      query(server, (run) =>
        run('select doc_type, template, prefix, word, width from number_formats'),
      );
    const before = await formats();
    const save = (origin: string | null) =>
      fetch(`${server.url}/console/admin/numbers?/save`, {
        method: 'POST',
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin ? { origin } : {}),
        },
        body: new URLSearchParams({
          docType: 'orderToCorrect',
          prefix: '跨站',
          word: '改',
          template: '{prefix}{word}〔{year}〕{serial}号',
          width: '4',
        }),
      });
    for (const origin of ['https://evil.example', null]) {
      const res = await save(origin);
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('Cross-site POST form submissions are forbidden');
    }
    expect(await formats()).toEqual(before);
    // The same form from the console itself is taken.
    expect((await save(server.url)).status).toBe(200);
    expect(await formats()).not.toEqual(before);
  });

  it('an id that is not a UUID is no page (404), for records, refusals and verification', async () => {
    const cookie = await consoleSession(server.url, 'admin');
    for (const path of [
      '/console/records/abc',
      "/console/records/1'%20or%20'1'='1",
      '/console/records/0190A0B0-0000-7000-8000-0000000000AA',
      '/console/quarantine/abc',
      '/console/quarantine/abc/export',
      '/v/abc',
    ]) {
      const res = await fetch(server.url + path, { headers: { cookie } });
      expect(res.status, path).toBe(404);
    }
  });

  it('nobody can edit or delete the audit log', async () => {
    // Written through a read-write connection, so only the triggers can refuse it.
    const count = async () =>
      Number((await query(server, (run) => run('select count(*) as n from audit_log')))[0]?.n);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await expect(execute(server, `update audit_log set action = 'x'`)).rejects.toThrow(
      /audit_log is append-only/,
    );
    await expect(execute(server, `delete from audit_log`)).rejects.toThrow(
      /audit_log is append-only/,
    );
    expect(await count()).toBe(before);
    const edited = await query(server, (run) =>
      run(`select count(*) as n from audit_log where action = 'x'`),
    );
    expect(Number(edited[0]?.n)).toBe(0);
  });
});
