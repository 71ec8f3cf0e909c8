import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, sha256, uploadedRecord } from '../support/api';
import { DATABASES, startServer, type TestServer } from '../support/server';

describe.each(DATABASES)('who may read what, on %s', (db) => {
  let server: TestServer;
  const clients: Record<string, ApiClient> = {};
  let recordId = '';
  let photo = '';

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    for (const name of [
      'officer1',
      'officer2',
      'officer3',
      'supervisor1',
      'supervisor2',
      'admin',
    ]) {
      clients[name] = new ApiClient(server.url);
      await clients[name].login(name);
    }
    const { record, files } = await uploadedRecord(clients.officer1 as ApiClient);
    const r = await (clients.officer1 as ApiClient).push([record]);
    expect(r.body.results[0]?.status).toBe('accepted');
    recordId = record.id;
    photo = sha256(files[0] as Uint8Array);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ['officer1', 200, 'one of the two officers'],
    ['officer2', 200, 'the other officer'],
    ['officer3', 403, 'an officer of another squad'],
    ['supervisor1', 200, 'the supervisor of 金安区中队'],
    ['supervisor2', 403, 'a supervisor of other squads'],
    ['admin', 200, 'an administrator'],
  ])('%s -> %i (%s) for the record and its photo', async (name, status) => {
    const c = clients[name] as ApiClient;
    expect((await c.request('GET', `/api/records/${recordId}`)).status).toBe(status);
    // A photo one may not read answers as if it did not exist: its hash reveals nothing.
    const photoStatus = status === 403 ? 404 : status;
    expect((await c.request('GET', `/api/blobs/${photo}`)).status).toBe(photoStatus);
    expect((await c.request('HEAD', `/api/blobs/${photo}`)).status).toBe(photoStatus);
  });

  it('lists only readable records', async () => {
    const list = async (name: string) =>
      (
        await (clients[name] as ApiClient).json<{ items: { id: string }[] }>('GET', '/api/records')
      ).body.items.map((i) => i.id);
    expect(await list('officer2')).toContain(recordId);
    expect(await list('supervisor1')).toContain(recordId);
    expect(await list('officer3')).not.toContain(recordId);
    expect(await list('supervisor2')).not.toContain(recordId);
  });

  it('masks identifiers in lists and shows them in full to entitled readers', async () => {
    const list = await (clients.supervisor1 as ApiClient).json<{
      items: { id: string; party: Record<string, string> }[];
    }>('GET', '/api/records');
    const item = list.body.items.find((i) => i.id === recordId);
    expect(item?.party.idNumber).toBe('3401**********1232');
    expect(item?.party.mobile).toBe('138****8000');
    const detail = await (clients.supervisor1 as ApiClient).json<{
      record: { party: Record<string, string> };
    }>('GET', `/api/records/${recordId}`);
    expect(detail.body.record.party.idNumber).toBe('340102199003071232');
  });

  it('refuses unauthenticated requests with 401', async () => {
    const anonymous = new ApiClient(server.url);
    for (const path of [
      '/api/records',
      `/api/records/${recordId}`,
      `/api/blobs/${photo}`,
      '/api/sync/pull',
      '/api/auth/me',
    ]) {
      expect((await anonymous.request('GET', path)).status).toBe(401);
    }
  });

  it('only officers push and reserve numbers', async () => {
    const s = clients.supervisor1 as ApiClient;
    expect((await s.push([{}])).status).toBe(403);
    expect(
      (
        await s.json('POST', '/api/numbers/reserve', {
          deviceId: s.deviceId,
          docType: 'orderToCorrect',
          count: 5,
        })
      ).status,
    ).toBe(403);
  });

  it('never logs identifiers', () => {
    expect(server.output()).not.toContain('340102199003071232');
    expect(server.output()).not.toContain('13800138000');
  });
});
