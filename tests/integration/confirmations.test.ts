import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Confirmation, PullResponse, RecordDetail } from '$lib/sync/contract';
import { ALL_CHECKED, ApiClient, uploadedRecord } from '../support/api';
import { query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

/**
 * A record names two officers; the one who sends it vouches for themselves, the other confirms on
 * their own account before a supervisor may approve it (ADR 0012).
 */
describe.each(DATABASES)("officers' confirmation, on %s", (db) => {
  let server: TestServer;
  const c: Record<string, ApiClient> = {};

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    for (const name of ['officer1', 'officer2', 'officer3', 'supervisor1']) {
      c[name] = new ApiClient(server.url);
      await c[name].login(name);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  const client = (name: string) => c[name] as ApiClient;
  const pushed = async () => {
    const { record } = await uploadedRecord(client('officer1'));
    const r = await client('officer1').push([record]);
    expect(r.body.results[0]?.status).toBe('accepted');
    return record;
  };
  const decide = (name: string, id: string, body: object) =>
    client(name).json<Confirmation & { code: string }>(
      'POST',
      `/api/records/${id}/confirmations`,
      body,
    );
  const approve = (id: string) =>
    client('supervisor1').json<{ code: string }>('POST', `/api/records/${id}/reviews`, {
      action: 'approve',
      checklist: ALL_CHECKED,
      // The same party again in each test: the later records carry the repeat flag.
      comment: '已核实系统标记。',
    });
  const states = async (id: string) =>
    (
      await client('supervisor1').json<RecordDetail>('GET', `/api/records/${id}`)
    ).body.confirmations.map((x) => [x.userId, x.part, x.state]);
  const auditCount = async (id: string) =>
    Number(
      (
        await query(server, (run) =>
          run(
            `select count(*) as n from audit_log where action like 'confirmation.%' and target = $1`,
            [id],
          ),
        )
      )[0]?.n,
    );

  it('the sender is confirmed by sending, the other officer is asked, and approval waits for them', async () => {
    const cursor = (await client('officer2').json<PullResponse>('GET', '/api/sync/pull')).body
      .cursor;
    const record = await pushed();
    expect(await states(record.id)).toEqual([
      ['u-officer1', 'inspection', 'confirmed'],
      ['u-officer2', 'inspection', 'requested'],
    ]);
    // officer2's phone learns of the request, with enough to recognise the case and no more.
    const pulled = await client('officer2').json<PullResponse>(
      'GET',
      `/api/sync/pull?cursor=${cursor}`,
    );
    const asked = pulled.body.changes.filter((x) => x.kind === 'confirmation');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      confirmation: {
        recordId: record.id,
        userId: 'u-officer2',
        state: 'requested',
        officerName: '王喆',
        sentBy: '张伟',
        itemCode: 'SR-02',
        partyHint: '欧阳**',
      },
    });
    const text = JSON.stringify(asked);
    for (const secret of ['欧阳娜娜', '340102199003071232', '13800138000'])
      expect(text).not.toContain(secret);

    const early = await approve(record.id);
    expect(early).toMatchObject({ status: 400, body: { code: 'officerUnconfirmed' } });

    // Someone the record does not name has nothing to confirm.
    expect(
      (await decide('officer3', record.id, { part: 'inspection', decision: 'confirm' })).status,
    ).toBe(404);
    const yes = await decide('officer2', record.id, { part: 'inspection', decision: 'confirm' });
    expect(yes).toMatchObject({ status: 200, body: { state: 'confirmed' } });
    // A replay is answered the same and writes nothing more.
    const again = await decide('officer2', record.id, { part: 'inspection', decision: 'confirm' });
    expect(again).toMatchObject({ status: 200, body: { state: 'confirmed' } });
    expect(await auditCount(record.id)).toBe(1);
    // A decision is final.
    const turn = await decide('officer2', record.id, {
      part: 'inspection',
      decision: 'deny',
      reason: '按错了',
    });
    expect(turn).toMatchObject({ status: 409, body: { code: 'confirmationDecided' } });
    expect((await approve(record.id)).status).toBe(201);
  });

  it('an officer who was not there says so with a reason; the record can be returned, never approved', async () => {
    const record = await pushed();
    const bare = await decide('officer2', record.id, { part: 'inspection', decision: 'deny' });
    expect(bare).toMatchObject({ status: 400, body: { code: 'denialReasonRequired' } });
    expect(await states(record.id)).toContainEqual(['u-officer2', 'inspection', 'requested']);
    expect(await auditCount(record.id)).toBe(0);
    const no = await decide('officer2', record.id, {
      part: 'inspection',
      decision: 'deny',
      reason: '当天本人休假，未参与该次检查',
    });
    expect(no).toMatchObject({ status: 200, body: { state: 'denied' } });
    // Both officers' phones hear of it.
    for (const name of ['officer1', 'officer2']) {
      const feed = await client(name).json<PullResponse>(
        'GET',
        '/api/sync/pull?cursor=0&limit=1000',
      );
      const last = feed.body.changes
        .filter((x) => x.kind === 'confirmation' && x.confirmation.recordId === record.id)
        .at(-1);
      expect(last).toMatchObject({
        confirmation: { state: 'denied', reason: '当天本人休假，未参与该次检查' },
      });
    }
    expect(await approve(record.id)).toMatchObject({
      status: 400,
      body: { code: 'officerDenied' },
    });
    const returned = await client('supervisor1').json('POST', `/api/records/${record.id}/reviews`, {
      action: 'return',
      comment: '王喆否认参与，请核实第二名执法人员后修改。',
    });
    expect(returned.status).toBe(201);
  });

  it('bad requests change nothing', async () => {
    const record = await pushed();
    for (const body of [
      { part: 'inspection', decision: 'maybe' },
      { part: 'elsewhere', decision: 'confirm' },
      { part: 'inspection', decision: 'confirm', extra: 1 },
      { part: 'inspection', decision: 'deny', reason: 'x'.repeat(600) },
    ])
      expect((await decide('officer2', record.id, body)).status).toBe(400);
    expect(
      (
        await client('supervisor1').json('POST', `/api/records/${record.id}/confirmations`, {
          part: 'inspection',
          decision: 'confirm',
        })
      ).status,
    ).toBe(403);
    expect(await states(record.id)).toContainEqual(['u-officer2', 'inspection', 'requested']);
    expect(await auditCount(record.id)).toBe(0);
  });
});
