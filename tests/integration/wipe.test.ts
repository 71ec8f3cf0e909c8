import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencedBlobs } from '$lib/domain/record';
import {
  ApiClient,
  consoleForm,
  consoleSession,
  DEMO_OFFICERS,
  uploadedRecord,
} from '../support/api';
import { execute, query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

/**
 * Remote wipe (ADR 0018) on a real server: a deactivated officer's phone or a phone reported
 * lost may only send what it holds and report its wipe; a record found while the officer was
 * active is still taken; the console shows when the wipe happened.
 */
describe.each(DATABASES)('remote wipe on %s', (db) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    admin = await consoleSession(server.url, 'admin');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const usersPage = async () => {
    const res = await fetch(`${server.url}/console/admin/users`, { headers: { cookie: admin } });
    return res.text();
  };

  it("a deactivated officer's phone sends its record, reports the wipe, and can do nothing else", async () => {
    const phone = new ApiClient(server.url);
    await phone.login('officer5');
    const { record } = await uploadedRecord(phone, {
      officers: [DEMO_OFFICERS.officer5, DEMO_OFFICERS.officer6],
      squadId: 'sq-yeji',
      now: new Date(Date.now() - 3_600_000).toISOString(),
    });
    // A record stamped after the deactivation could not have been made by an active officer.
    const { record: late } = await uploadedRecord(phone, {
      officers: [DEMO_OFFICERS.officer5, DEMO_OFFICERS.officer6],
      squadId: 'sq-yeji',
      now: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const before = await phone.json<{ wipe: unknown }>('GET', '/api/device/status');
    expect(before).toEqual({ status: 200, body: { wipe: null } });

    await consoleForm(server.url, admin, '/console/admin/users?/deactivate', { id: 'u-officer5' });
    const status = await phone.json<{ wipe: { reason: string } | null }>(
      'GET',
      '/api/device/status',
    );
    expect(status.body.wipe?.reason).toBe('deactivated');
    expect(await usersPage()).toContain('账号停用');
    // Nothing else answers this session.
    for (const [method, path] of [
      ['GET', '/api/sync/pull'],
      ['GET', '/api/auth/me'],
      ['GET', '/api/records'],
      ['POST', '/api/numbers/reserve'],
    ] as const) {
      const r = await phone.json<{ code: string }>(
        method,
        path,
        method === 'POST'
          ? { deviceId: phone.deviceId, docType: 'orderToCorrect', count: 1 }
          : undefined,
      );
      expect([r.status, r.body.code]).toEqual([401, 'wipeOrdered']);
    }
    // What the phone asks before sending its files still answers: they go before the wipe.
    const files = referencedBlobs(record);
    const asked = await phone.json<{ needed: string[] }>('POST', '/api/blobs/needed', {
      sha256: files,
    });
    expect([asked.status, asked.body.needed]).toEqual([200, []]);
    const pushed = await phone.push([record, late]);
    expect(pushed.body.results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
    expect(pushed.body.results[1]?.code).toBe('officerUnknown');
    const [stored] = await query(server, (run) =>
      run(`select count(*) as n from records where id = '${record.id}'`),
    );
    expect(Number(stored?.n)).toBe(1);

    const wiped = await phone.json<{ recorded: boolean }>('POST', '/api/device/wiped', {
      recordsSent: 2,
    });
    expect(wiped.body.recorded).toBe(true);
    // The session ends with the report: a replay is refused, nothing changes.
    const again = await phone.json('POST', '/api/device/wiped', { recordsSent: 2 });
    expect(again.status).toBe(401);
    const [row] = await query(server, (run) =>
      run(`select wiped_at, records_sent from device_wipes where device_id = '${phone.deviceId}'`),
    );
    expect(row?.wiped_at).toBeTruthy();
    expect(Number(row?.records_sent)).toBe(2);
    expect(await usersPage()).toMatch(/已于 .* 清除（送出 2 条记录）/);
    const audited = await query(server, (run) =>
      run(`select action from audit_log where target = '${phone.deviceId}'`),
    );
    expect(audited.map((a) => a.action)).toContain('device.wiped');
  });

  it("a phone reported lost is cut off alone; the officer's other phone and account go on", async () => {
    const lost = new ApiClient(server.url);
    await lost.login('officer7');
    const other = new ApiClient(server.url);
    await other.login('officer7');
    const bad = await consoleForm(server.url, admin, '/console/admin/users?/reportLost', {
      id: '00000000-0000-7000-8000-000000000000',
    });
    expect(bad.text).toContain('设备不存在');
    await consoleForm(server.url, admin, '/console/admin/users?/reportLost', { id: lost.deviceId });
    expect(
      (await lost.json<{ wipe: { reason: string } }>('GET', '/api/device/status')).body.wipe
        ?.reason,
    ).toBe('lost');
    expect((await lost.json<{ code: string }>('GET', '/api/sync/pull')).body.code).toBe(
      'wipeOrdered',
    );
    expect((await other.json('GET', '/api/sync/pull')).status).toBe(200);
    expect((await other.json<{ wipe: unknown }>('GET', '/api/device/status')).body.wipe).toBeNull();
    expect(await usersPage()).toContain('报告丢失，');
  });

  it('reactivating an officer before the phone wiped cancels the order', async () => {
    const phone = new ApiClient(server.url);
    await phone.login('officer8');
    await consoleForm(server.url, admin, '/console/admin/users?/deactivate', { id: 'u-officer8' });
    expect(
      (await phone.json<{ wipe: unknown }>('GET', '/api/device/status')).body.wipe,
    ).not.toBeNull();
    await consoleForm(server.url, admin, '/console/admin/users?/activate', { id: 'u-officer8' });
    // The old session ended with the deactivation; a new sign-in finds no order.
    expect((await phone.json('GET', '/api/device/status')).status).toBe(401);
    await phone.login('officer8');
    expect((await phone.json<{ wipe: unknown }>('GET', '/api/device/status')).body.wipe).toBeNull();
  });

  it("escrow: a phone's data key goes back only to that phone, just after a password sign-in, never once reported lost", async () => {
    const phone = new ApiClient(server.url);
    await phone.login('officer3');
    const key = 'ab'.repeat(32);
    expect((await phone.request('PUT', '/api/device/key', { json: { key } })).status).toBe(204);
    expect((await phone.json('PUT', '/api/device/key', { key: 'zz' })).status).toBe(400);
    const got = await phone.json<{ key: string }>('GET', '/api/device/key');
    expect(got).toEqual({ status: 200, body: { key } });
    // Stored sealed: the key itself is nowhere in the database.
    const rows = await query(server, (run) => run('select sealed_key from device_keys'));
    expect(JSON.stringify(rows)).not.toContain(key);
    // Another phone of the same officer has no key of its own.
    const other = new ApiClient(server.url);
    await other.login('officer3');
    expect((await other.json<{ code: string }>('GET', '/api/device/key')).body.code).toBe(
      'noEscrow',
    );
    // A session older than ten minutes (a cookie copied from a locked phone) gets nothing.
    await execute(
      server,
      `update sessions set created_at = '2026-01-01T00:00:00.000Z' where device_id = $1`,
      [phone.deviceId],
    );
    expect((await phone.json<{ code: string }>('GET', '/api/device/key')).body.code).toBe(
      'signInAgain',
    );
    await phone.login('officer3');
    expect((await phone.json('GET', '/api/device/key')).status).toBe(200);
    // Reported lost: no key, whatever the session.
    await consoleForm(server.url, admin, '/console/admin/users?/reportLost', {
      id: phone.deviceId,
    });
    expect((await phone.json<{ code: string }>('GET', '/api/device/key')).body.code).toBe(
      'wipeOrdered',
    );
  });
});
