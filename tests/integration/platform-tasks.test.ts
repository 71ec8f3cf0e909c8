import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, consoleForm, consoleSession, tinyPng, uploadedRecord } from '../support/api';
import { execute, query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';
import { DEMO_PLATFORM_KEY } from '$lib/server/demo/seed';
import {
  platformTaskDetailSchema,
  platformTaskResponseSchema,
  type Change,
  type PullResponse,
} from '$lib/sync/contract';

/**
 * Tasks from the city platform (issue 19, "tasks in"): a real server on each database, called
 * as the platform would with its API key. What is stored is read back from the database itself.
 */
describe.each(DATABASES)('tasks from the city platform on %s', (db) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const send = (body: unknown, key: string | null = DEMO_PLATFORM_KEY) =>
    fetch(`${server.url}/api/platform/tasks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const photo = tinyPng('task:door');
  const task = (caseId: string, extra: Record<string, unknown> = {}) => ({
    caseId,
    source: 'hotline',
    place: { address: '六安市金安区梅山南路 88 号', latitude: 31.7349, longitude: 116.5078 },
    description: '市民来电反映：店铺在门外摆放货架经营，占用人行道。',
    suspectedItemCode: 'SR-01',
    photos: [{ mime: 'image/png', base64: Buffer.from(photo).toString('base64') }],
    reportedAt: '2026-12-01T09:12:00+08:00',
    dueAt: '2026-12-03T18:00:00+08:00',
    ...extra,
  });
  /** What the feed last told this officer's phone of the task (undefined: nothing). */
  const inboxOf = async (username: string, taskId: string) => {
    const phone = new ApiClient(server.url);
    await phone.login(username);
    const changes: Change[] = [];
    for (let cursor = 0, more = true; more;) {
      const page = (await phone.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}`)).body;
      changes.push(...page.changes);
      cursor = page.cursor;
      more = page.more;
    }
    const last = changes.filter((c) => c.kind === 'task' && c.taskId === taskId).at(-1);
    return last?.kind === 'task' ? last.task : undefined;
  };
  const count = async (table: string) =>
    Number(
      (await query(server, (run) => run(`select count(*) as n from ${table}`)))[0]?.n ?? Number.NaN,
    );

  it('the demo seeds the platform and its tasks: every source, some overdue, some dispatched, one closed', async () => {
    const rows = await query(server, (run) =>
      run('select source, state, due_at from tasks order by received_at'),
    );
    expect(new Set(rows.map((r) => r.source))).toEqual(
      new Set(['hotline', 'citizen', 'camera', 'platformPatrol']),
    );
    const now = new Date().toISOString();
    const open = rows.filter((r) => r.state === 'received' || r.state === 'assigned');
    expect(open.filter((r) => String(r.due_at) < now).length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.state === 'assigned').length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.state === 'unfounded')).toHaveLength(1);
  });

  it('stores a task with its photo once; the same case again is answered as a duplicate', async () => {
    const first = await send(task('12319-2026-000101'));
    expect(first.status).toBe(201);
    const created = platformTaskResponseSchema.parse(await first.json());
    expect(created.duplicate).toBe(false);
    expect(created.task).toMatchObject({
      caseId: '12319-2026-000101',
      source: 'hotline',
      state: 'received',
      suspectedItemCode: 'SR-01',
      place: { latitude: 31.7349, longitude: 116.5078 },
      dueAt: '2026-12-03T10:00:00.000Z',
    });
    const sha = createHash('sha256').update(photo).digest('hex');
    expect(created.task.photos).toEqual([{ sha256: sha, mime: 'image/png', size: photo.length }]);
    // The photo is in the content-addressed store under its hash.
    const stored = await query(server, (run) =>
      run('select sha256 from task_photos where task_id = $1', [created.task.id]),
    );
    expect(stored).toEqual([{ sha256: sha }]);

    const again = await send(task('12319-2026-000101'));
    expect(again.status).toBe(200);
    const dup = platformTaskResponseSchema.parse(await again.json());
    expect(dup).toEqual({ task: created.task, duplicate: true });
    const [rows] = await query(server, (run) =>
      run('select count(*) as n from tasks where case_id = $1', ['12319-2026-000101']),
    );
    expect(Number(rows?.n)).toBe(1);
    // Created once in the audit log, by the platform's system.
    const audits = await query(server, (run) =>
      run(`select target, detail from audit_log where action = 'task.create' and target = $1`, [
        created.task.id,
      ]),
    );
    expect(audits).toHaveLength(1);
    expect(JSON.parse(String(audits[0]?.detail))).toMatchObject({
      caseId: '12319-2026-000101',
      source: 'hotline',
    });

    // Polled by its case id.
    const polled = await fetch(`${server.url}/api/platform/tasks/12319-2026-000101`, {
      headers: { authorization: `Bearer ${DEMO_PLATFORM_KEY}` },
    });
    expect(polled.status).toBe(200);
    expect(platformTaskDetailSchema.parse(await polled.json()).task).toEqual(created.task);
  });

  it('the same case id with other content is a conflict, and changes nothing', async () => {
    expect((await send(task('CAM-0007', { source: 'camera' }))).status).toBe(201);
    const before = await count('tasks');
    const res = await send(task('CAM-0007', { source: 'camera', description: '另一件事' }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('caseIdConflict');
    expect(await count('tasks')).toBe(before);
  });

  it('concurrent sends of one case store one task and answer each as created or duplicate', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(task('RACE-1'))));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    const [rows] = await query(server, (run) =>
      run('select count(*) as n from tasks where case_id = $1', ['RACE-1']),
    );
    expect(Number(rows?.n)).toBe(1);
  });

  it.each([
    ['no case id', { caseId: undefined }, 'caseId'],
    ['a case id with spaces', { caseId: '12319 001' }, 'caseId'],
    ['an unknown source', { source: 'wechat' }, 'source'],
    ['a latitude without a longitude', { place: { address: '梅山南路', latitude: 31.7 } }, 'place'],
    ['an empty description', { description: '  ' }, 'description'],
    ['an item not in the list', { suspectedItemCode: 'SR-99' }, 'suspectedItemCode'],
    [
      'a photo that is not what it says',
      { photos: [{ mime: 'image/jpeg', base64: Buffer.from(photo).toString('base64') }] },
      'photos',
    ],
    [
      'five photos',
      { photos: Array.from({ length: 5 }, () => ({ mime: 'image/png', base64: 'iVBORw0KGgo=' })) },
      'photos',
    ],
    ['an impossible due time', { dueAt: '2026-02-31T10:00:00Z' }, 'dueAt'],
    ['an unknown field', { priority: 'high' }, ''],
  ])('refuses %s with 400, naming the field, and stores nothing', async (_name, change, field) => {
    const before = [await count('tasks'), await count('task_photos'), await count('audit_log')];
    const res = await send(task(`BAD-${Math.random().toString(36).slice(2, 8)}`, change));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; issues?: { path: (string | number)[] }[] };
    expect(body.code).toBe('invalid');
    if (field) expect(body.issues?.map((i) => i.path[0])).toContain(field);
    expect([await count('tasks'), await count('task_photos'), await count('audit_log')]).toEqual(
      before,
    );
  });

  it('answers 401 without a key, or with a wrong or malformed one', async () => {
    for (const key of [null, 'pbk_not_a_key_of_this_server_000', 'secret']) {
      const res = await send(task('AUTH-1'), key);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('badApiKey');
    }
    const get = await fetch(`${server.url}/api/platform/tasks/12319-2026-000101`);
    expect(get.status).toBe(401);
    const [rows] = await query(server, (run) =>
      run('select count(*) as n from tasks where case_id = $1', ['AUTH-1']),
    );
    expect(Number(rows?.n)).toBe(0);
  });

  it("a system's case ids are its own: another system's task is neither found nor in the way", async () => {
    const other = 'pbk_test_other_district_system_0001';
    await execute(
      server,
      `insert into api_systems (id, bureau_id, name, key_hash, created_at) select $1, id, $2, $3, $4 from bureaus`,
      [
        '0190a0b0-0000-7000-8000-00000000a9a9',
        '另一个系统',
        createHash('sha256').update(other).digest('hex'),
        new Date().toISOString(),
      ],
    );
    const theirs = await fetch(`${server.url}/api/platform/tasks/12319-2026-000101`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(theirs.status).toBe(404);
    // The same case id from the other system is a task of its own.
    expect((await send(task('12319-2026-000101', { source: 'citizen' }), other)).status).toBe(201);
    const [rows] = await query(server, (run) =>
      run('select count(*) as n from tasks where case_id = $1', ['12319-2026-000101']),
    );
    expect(Number(rows?.n)).toBe(2);
  });

  it('dispatch: a supervisor assigns to two officers of a squad they supervise, reassigns, and closes another as unfounded; each step audited', async () => {
    const officers = await query(server, (run) =>
      run(`select id, squad_id from users where role = 'officer' and active = 1 order by username`),
    );
    const of = (squad: string) =>
      officers.filter((o) => o.squad_id === squad).map((o) => String(o.id));
    const [a, b] = of('sq-jinan');
    const [c, d] = of('sq-yuan');
    const [y1, y2] = of('sq-yeji');
    expect([a, b, c, d, y1, y2].every(Boolean)).toBe(true);
    const created = platformTaskResponseSchema.parse(
      await (await send(task('DISPATCH-1', { dueAt: '2026-01-02T10:00:00Z' }))).json(),
    );
    const id = created.task.id;
    const sup = await consoleSession(server.url, 'supervisor1');
    const assign = (cookie: string, o1: string, o2: string, taskId = id) =>
      consoleForm(server.url, cookie, '/console/tasks?/assign', {
        taskId,
        officer1: o1,
        officer2: o2,
      });
    /** The action's answer (SvelteKit's JSON for a form post): success, or failure and status. */
    const outcome = (r: { text: string }) => {
      const body = JSON.parse(r.text) as { type: string; status: number };
      return body.type === 'success' ? 'success' : `${body.type} ${body.status}`;
    };
    const state = async (taskId = id) =>
      (
        await query(server, (run) =>
          run(
            'select state, squad_id, officer1_id, officer2_id, close_reason from tasks where id = $1',
            [taskId],
          ),
        )
      )[0];

    // The board lists it as overdue (due in January) among the tasks to dispatch.
    const board = await fetch(`${server.url}/console/tasks`, { headers: { cookie: sup } });
    const html = await board.text();
    expect(html).toContain('DISPATCH-1');
    expect(html).toContain('已超期');

    // Refused, changing nothing: one officer twice, officers of two squads, a squad not theirs.
    const refused = async (answer: Promise<{ text: string }>, status: number, sentence: string) => {
      const r = await answer;
      expect(outcome(r)).toBe(`failure ${status}`);
      expect(r.text).toContain(sentence);
    };
    await refused(assign(sup, a ?? '', a ?? ''), 400, '请选择两名不同的执法人员');
    await refused(assign(sup, a ?? '', y1 ?? ''), 400, '须是同一中队的在岗队员');
    await refused(assign(sup, y1 ?? '', y2 ?? ''), 403, '只能派发给本人负责的中队');
    expect((await state())?.state).toBe('received');

    expect(outcome(await assign(sup, a ?? '', b ?? ''))).toBe('success');
    expect(await state()).toMatchObject({
      state: 'assigned',
      squad_id: 'sq-jinan',
      officer1_id: a,
      officer2_id: b,
    });
    // The two officers' phones receive it with their next pull; no other phone does.
    const inbox = (username: string) => inboxOf(username, id);
    expect(await inbox('officer1')).toMatchObject({
      id,
      caseId: 'DISPATCH-1',
      source: 'hotline',
      squadId: 'sq-jinan',
      officerIds: [a, b],
      suspectedItemCode: 'SR-01',
    });
    expect((await inbox('officer2'))?.id).toBe(id);
    expect(await inbox('officer5')).toBeUndefined();
    // Reassigned to the other squad this supervisor is over.
    expect(outcome(await assign(sup, c ?? '', d ?? ''))).toBe('success');
    expect(await state()).toMatchObject({
      state: 'assigned',
      squad_id: 'sq-yuan',
      officer1_id: c,
      officer2_id: d,
    });
    // The first pair's inboxes lose it; the second pair's gain it.
    expect(await inbox('officer1')).toBeNull();
    expect((await inbox('officer3'))?.officerIds).toEqual([c, d]);
    // The other squads' supervisor does not see it any more, and cannot act on it.
    const other = await consoleSession(server.url, 'supervisor2');
    expect(
      await (
        await fetch(`${server.url}/console/tasks?state=assigned`, { headers: { cookie: other } })
      ).text(),
    ).not.toContain('DISPATCH-1');
    await refused(assign(other, y1 ?? '', y2 ?? ''), 404, '任务不存在');

    // Another task closed as unfounded: a reason is required; once closed nothing more.
    const second = platformTaskResponseSchema.parse(await (await send(task('DISPATCH-2'))).json())
      .task.id;
    const sitePhoto = new Blob([Buffer.from(tinyPng('task:empty pavement'))], {
      type: 'image/png',
    });
    const close = (reason: string, photo: Blob | null = sitePhoto) =>
      consoleForm(server.url, sup, '/console/tasks?/close', {
        taskId: second,
        reason,
        ...(photo ? { photo } : {}),
      });
    await refused(close('  '), 400, '请写明不予立案的理由');
    // The photo is required, and must be a photo.
    await refused(close('现场核查无占道经营行为', null), 400, '请附上现场照片');
    await refused(
      close('现场核查无占道经营行为', new Blob(['%PDF-1.4 not a photo'], { type: 'image/png' })),
      400,
      '照片只接受 JPEG、PNG 或 WebP',
    );
    expect(await state(second)).toMatchObject({ state: 'received' });
    expect(outcome(await close('现场核查无占道经营行为'))).toBe('success');
    const photoSha = createHash('sha256').update(tinyPng('task:empty pavement')).digest('hex');
    expect(await state(second)).toMatchObject({
      state: 'unfounded',
      close_reason: '现场核查无占道经营行为',
    });
    const [closed] = await query(server, (run) =>
      run('select close_photo, close_photo_mime from tasks where id = $1', [second]),
    );
    expect(closed).toEqual({ close_photo: photoSha, close_photo_mime: 'image/png' });
    // The supervisor sees the photo from the board; without a console session, nobody does.
    const shown = await fetch(`${server.url}/console/tasks/photo/${photoSha}`, {
      headers: { cookie: sup },
    });
    expect(shown.status).toBe(200);
    expect(Buffer.from(await shown.arrayBuffer())).toEqual(
      Buffer.from(tinyPng('task:empty pavement')),
    );
    const anonymous = await fetch(`${server.url}/console/tasks/photo/${photoSha}`, {
      redirect: 'manual',
    });
    expect(anonymous.status).not.toBe(200);
    expect(Buffer.from(await anonymous.arrayBuffer()).includes(Buffer.from('IHDR'))).toBe(false);
    await refused(close('再次关闭'), 409, '任务已办结');
    await refused(assign(sup, a ?? '', b ?? '', second), 409, '任务已办结');

    const audits = await query(server, (run) =>
      run(
        `select action, target from audit_log where action in ('task.assign', 'task.close') and target in ($1, $2) order by id`,
        [id, second],
      ),
    );
    expect(audits.map((r) => [r.action, r.target])).toEqual([
      ['task.assign', id],
      ['task.assign', id],
      ['task.close', second],
    ]);
  });

  it('an administrator makes a key for a system (shown once, only its digest kept) and revokes it: the key stops at once', async () => {
    const admin = await consoleSession(server.url, 'admin');
    const made = await consoleForm(server.url, admin, '/console/admin/systems?/create', {
      name: '金安区数字城管平台',
    });
    const key = /pbk_[A-Za-z0-9_-]{43}/.exec(made.text)?.[0];
    expect(key).toBeDefined();
    const stored = await query(server, (run) =>
      run('select id, key_hash from api_systems where name = $1', ['金安区数字城管平台']),
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]?.key_hash).toBe(
      createHash('sha256')
        .update(key ?? '')
        .digest('hex'),
    );
    // The page never shows it again.
    const page = await (
      await fetch(`${server.url}/console/admin/systems`, { headers: { cookie: admin } })
    ).text();
    expect(page).toContain('金安区数字城管平台');
    expect(page).not.toContain(key ?? '');
    expect((await send(task('JA-0001'), key ?? '')).status).toBe(201);
    // A supervisor cannot make keys.
    const sup = await consoleSession(server.url, 'supervisor1');
    const denied = await consoleForm(server.url, sup, '/console/admin/systems?/create', {
      name: '不该有的系统',
    });
    expect(denied.text).not.toContain('pbk_');
    const none = await query(server, (run) =>
      run('select count(*) as n from api_systems where name = $1', ['不该有的系统']),
    );
    expect(Number(none[0]?.n)).toBe(0);

    await consoleForm(server.url, admin, '/console/admin/systems?/revoke', {
      id: String(stored[0]?.id),
    });
    expect((await send(task('JA-0002'), key ?? '')).status).toBe(401);
    const audits = await query(server, (run) =>
      run(`select action from audit_log where target = $1 order by id`, [String(stored[0]?.id)]),
    );
    expect(audits.map((a) => a.action)).toEqual(['apiSystem.create', 'apiSystem.revoke']);
  });

  it('a record made from a task closes it when pushed (once, audited, out of the inboxes); a record for a task closed meanwhile is still accepted', async () => {
    const created = platformTaskResponseSchema.parse(
      await (await send(task('HANDLE-1'))).json(),
    ).task;
    const sup = await consoleSession(server.url, 'supervisor1');
    const officers = await query(server, (run) =>
      run(
        `select id from users where squad_id = 'sq-jinan' and role = 'officer' order by username`,
      ),
    );
    const [a, b] = officers.map((o) => String(o.id));
    await consoleForm(server.url, sup, '/console/tasks?/assign', {
      taskId: created.id,
      officer1: a ?? '',
      officer2: b ?? '',
    });
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const { record } = await uploadedRecord(officer, { taskId: created.id });
    expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');
    const row = async (id: string) =>
      (
        await query(server, (run) => run('select state, record_id from tasks where id = $1', [id]))
      )[0];
    expect(await row(created.id)).toEqual({ state: 'handled', record_id: record.id });
    // The push again (a lost answer): nothing more happens.
    expect((await officer.push([record])).body.results[0]?.status).toBe('duplicate');
    const handledAudits = await query(server, (run) =>
      run(`select count(*) as n from audit_log where action = 'task.handled' and target = $1`, [
        created.id,
      ]),
    );
    expect(Number(handledAudits[0]?.n)).toBe(1);
    // Gone from both officers' inboxes.
    expect(await inboxOf('officer1', created.id)).toBeNull();
    expect(await inboxOf('officer2', created.id)).toBeNull();

    // A task closed as unfounded while the officers were recording it offline: the record is
    // accepted all the same, and the task stays as the supervisor closed it.
    const other = platformTaskResponseSchema.parse(
      await (await send(task('HANDLE-2'))).json(),
    ).task;
    await consoleForm(server.url, sup, '/console/tasks?/close', {
      taskId: other.id,
      reason: '平台已撤回该案件',
      photo: new Blob([Buffer.from(tinyPng('task:withdrawn'))], { type: 'image/png' }),
    });
    const late = await uploadedRecord(officer, { taskId: other.id });
    expect((await officer.push([late.record])).body.results[0]?.status).toBe('accepted');
    expect(await row(other.id)).toEqual({ state: 'unfounded', record_id: null });
  });

  it("the month's statistics count the tasks received, how they ended and by source, as the database has them", async () => {
    const admin = await consoleSession(server.url, 'admin');
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const res = await fetch(`${server.url}/api/stats?month=${month}`, {
      headers: { cookie: admin },
    });
    expect(res.status).toBe(200);
    const { tasks } = (await res.json()) as {
      tasks: {
        received: number;
        handled: number;
        unfounded: number;
        bySource: { key: string; count: number }[];
      };
    };
    const start = new Date(`${month}-01T00:00:00+08:00`).toISOString();
    const rows = await query(server, (run) =>
      run('select source, state from tasks where received_at >= $1', [start]),
    );
    expect(tasks.received).toBe(rows.length);
    expect(tasks.handled).toBe(rows.filter((r) => r.state === 'handled').length);
    expect(tasks.unfounded).toBe(rows.filter((r) => r.state === 'unfounded').length);
    expect(tasks.handled).toBeGreaterThan(0);
    const hotline = tasks.bySource.find((b) => b.key === 'hotline')?.count;
    expect(hotline).toBe(rows.filter((r) => r.source === 'hotline').length);
  });
});
