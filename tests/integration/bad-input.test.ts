import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, tinyPng, uploadedRecord, sha256 } from '../support/api';
import { rowCounts } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

type Case = {
  name: string;
  method: string;
  path: string | (() => string);
  body?: string | Uint8Array | (() => string | Uint8Array);
  type?: string;
  /** Send the page's own Origin (a same-origin form post passes SvelteKit's CSRF check). */
  sameOrigin?: boolean;
  status: number;
  code?: string;
};

const big = (n: number) => 'x'.repeat(n);
const uuid = '0190a0b0-0000-7000-8000-000000000001';

describe.each(DATABASES)('bad input changes nothing, on %s', (db) => {
  let server: TestServer;
  let officer: ApiClient;
  let validRecord: Record<string, unknown>;

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    officer = new ApiClient(server.url);
    await officer.login('officer1');
    validRecord = (await uploadedRecord(officer)).record;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const json = (v: unknown) => JSON.stringify(v);
  const push = (records: unknown[]) => () => json({ deviceId: officer.deviceId, records });
  const largePush = () => push(Array.from({ length: 150 }, () => validRecord))();
  const cases: () => Case[] = () => [
    // login
    {
      name: 'login: malformed JSON',
      method: 'POST',
      path: '/api/auth/login',
      body: '{"username":',
      status: 400,
      code: 'badJson',
    },
    {
      name: 'login: wrong types',
      method: 'POST',
      path: '/api/auth/login',
      body: json({ username: 1, password: true }),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'login: missing fields',
      method: 'POST',
      path: '/api/auth/login',
      body: json({}),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'login: unknown field',
      method: 'POST',
      path: '/api/auth/login',
      body: json({ username: 'a', password: 'b', admin: true }),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'login: 10 MB string',
      method: 'POST',
      path: '/api/auth/login',
      body: json({ username: big(10 * 1024 * 1024), password: 'x' }),
      status: 413,
      code: 'tooLarge',
    },
    {
      name: 'login: a cross-site form post',
      method: 'POST',
      path: '/api/auth/login',
      body: 'username=a',
      type: 'application/x-www-form-urlencoded',
      status: 403,
      code: 'crossOrigin',
    },
    {
      name: 'login: not JSON',
      method: 'POST',
      path: '/api/auth/login',
      body: 'username=a',
      type: 'application/x-www-form-urlencoded',
      sameOrigin: true,
      status: 415,
    },
    // push
    {
      name: 'push: malformed JSON',
      method: 'POST',
      path: '/api/sync/push',
      body: '[',
      status: 400,
      code: 'badJson',
    },
    // A large body is read in groups of records (src/lib/server/json-bytes.ts): broken
    // anywhere, it is still refused whole.
    {
      name: 'push: a large body cut short',
      method: 'POST',
      path: '/api/sync/push',
      body: () => largePush().slice(0, -3),
      status: 400,
      code: 'badJson',
    },
    {
      name: 'push: a large body with two commas between records',
      method: 'POST',
      path: '/api/sync/push',
      body: () => largePush().replace('},{"schemaVersion"', '},,{"schemaVersion"'),
      status: 400,
      code: 'badJson',
    },
    {
      name: 'push: a large body with a broken character in its last record',
      method: 'POST',
      path: '/api/sync/push',
      body: () => {
        const bytes = new TextEncoder().encode(largePush());
        const lead = bytes.findLastIndex((b) => b >= 0xe0); // a 3-byte character's first byte
        bytes[lead + 1] = 0x20;
        return bytes;
      },
      type: 'application/json',
      status: 400,
      code: 'badJson',
    },
    {
      name: 'push: wrong types',
      method: 'POST',
      path: '/api/sync/push',
      body: json({ deviceId: 5, records: 'all' }),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'push: missing records',
      method: 'POST',
      path: '/api/sync/push',
      body: () => json({ deviceId: officer.deviceId }),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'push: empty records',
      method: 'POST',
      path: '/api/sync/push',
      body: push([]),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'push: unknown field',
      method: 'POST',
      path: '/api/sync/push',
      body: () => json({ deviceId: officer.deviceId, records: [validRecord], force: true }),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'push: 101 records',
      method: 'POST',
      path: '/api/sync/push',
      body: push(Array.from({ length: 101 }, () => ({}))),
      status: 400,
      code: 'invalid',
    },
    {
      name: 'push: over 2 MB',
      method: 'POST',
      path: '/api/sync/push',
      body: push([{ ...validRecord, facts: big(3 * 1024 * 1024) }]),
      status: 413,
      code: 'tooLarge',
    },
    // reserve
    {
      name: 'reserve: negative count',
      method: 'POST',
      path: '/api/numbers/reserve',
      body: () => json({ deviceId: officer.deviceId, docType: 'orderToCorrect', count: -1 }),
      status: 400,
    },
    {
      name: 'reserve: absurd count',
      method: 'POST',
      path: '/api/numbers/reserve',
      body: () => json({ deviceId: officer.deviceId, docType: 'orderToCorrect', count: 1e9 }),
      status: 400,
    },
    {
      name: 'reserve: unknown doc type',
      method: 'POST',
      path: '/api/numbers/reserve',
      body: () => json({ deviceId: officer.deviceId, docType: 'fine', count: 5 }),
      status: 400,
    },
    {
      name: 'reserve: missing device',
      method: 'POST',
      path: '/api/numbers/reserve',
      body: json({ docType: 'orderToCorrect', count: 5 }),
      status: 400,
    },
    {
      name: 'reserve: foreign device',
      method: 'POST',
      path: '/api/numbers/reserve',
      body: json({ deviceId: uuid, docType: 'orderToCorrect', count: 5 }),
      status: 403,
      code: 'unknownDevice',
    },
    {
      name: 'reserve: malformed JSON',
      method: 'POST',
      path: '/api/numbers/reserve',
      body: '{{',
      status: 400,
      code: 'badJson',
    },
    // pull
    { name: 'pull: negative cursor', method: 'GET', path: '/api/sync/pull?cursor=-1', status: 400 },
    { name: 'pull: text cursor', method: 'GET', path: '/api/sync/pull?cursor=abc', status: 400 },
    { name: 'pull: huge limit', method: 'GET', path: '/api/sync/pull?limit=99999', status: 400 },
    { name: 'pull: unknown parameter', method: 'GET', path: '/api/sync/pull?since=1', status: 400 },
    // ledger
    { name: 'ledger: missing party', method: 'GET', path: '/api/ledger', status: 400 },
    {
      name: 'ledger: too many keys',
      method: 'GET',
      path: '/api/ledger?' + Array.from({ length: 11 }, (_, i) => `party=id:${i}xx`).join('&'),
      status: 400,
    },
    {
      name: 'ledger: bad item code',
      method: 'GET',
      path: '/api/ledger?party=id:123&item=drop table',
      status: 400,
    },
    // records
    {
      name: 'records: date in 1900',
      method: 'GET',
      path: '/api/records?from=1900-01-01',
      status: 400,
    },
    { name: 'records: negative limit', method: 'GET', path: '/api/records?limit=-5', status: 400 },
    {
      name: 'records: garbage cursor',
      method: 'GET',
      path: '/api/records?cursor=%%%',
      status: 400,
    },
    {
      name: 'records: unknown parameter',
      method: 'GET',
      path: '/api/records?sort=asc',
      status: 400,
    },
    {
      name: 'records: from after to',
      method: 'GET',
      path: '/api/records?from=2026-05-01&to=2026-04-01',
      status: 400,
    },
    { name: 'record: not a uuid', method: 'GET', path: '/api/records/123', status: 400 },
    { name: 'record: unknown id', method: 'GET', path: `/api/records/${uuid}`, status: 404 },
    // blobs
    {
      name: 'blob: bad hash (PUT)',
      method: 'PUT',
      path: '/api/blobs/xyz',
      body: tinyPng('a'),
      status: 400,
    },
    { name: 'blob: bad hash (GET)', method: 'GET', path: '/api/blobs/XYZ', status: 400 },
    {
      name: 'blob: empty body',
      method: 'PUT',
      path: `/api/blobs/${sha256('')}`,
      body: new Uint8Array(),
      status: 400,
    },
    {
      name: 'blob: not an image',
      method: 'PUT',
      path: `/api/blobs/${sha256('hello')}`,
      body: 'hello',
      status: 415,
      code: 'unsupportedType',
    },
    {
      name: 'blob: over the size limit',
      method: 'PUT',
      path: () => `/api/blobs/${sha256(big(16 * 1024 * 1024))}`,
      body: () => big(16 * 1024 * 1024),
      status: 413,
      code: 'tooLarge',
    },
    { name: 'blob: unknown', method: 'GET', path: `/api/blobs/${sha256('nobody')}`, status: 404 },
    // reviews, documents, statistics (an officer may not review; bad shapes are refused first)
    {
      name: 'review: malformed JSON',
      method: 'POST',
      path: () => `/api/records/${String(validRecord.id)}/reviews`,
      body: '{',
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'review: not a uuid',
      method: 'POST',
      path: '/api/records/abc/reviews',
      body: json({ action: 'approve' }),
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'document: not a uuid',
      method: 'GET',
      path: '/api/records/abc/documents/def',
      status: 400,
    },
    {
      name: 'document: bad layout',
      method: 'GET',
      path: `/api/records/${uuid}/documents/${uuid}?layout=a3`,
      status: 400,
    },
    {
      name: 'documents: unknown record',
      method: 'GET',
      path: `/api/records/${uuid}/documents`,
      status: 404,
    },
    {
      name: 'stats: officer refused',
      method: 'GET',
      path: '/api/stats?month=2026-13',
      status: 403,
      code: 'forbidden',
    },
    // unknown endpoint
    {
      name: 'unknown endpoint',
      method: 'POST',
      path: '/api/sync/everything',
      body: '{}',
      status: 404,
      code: 'notFound',
    },
  ];

  it('answers every malformed request with a 4xx JSON error and changes no row', async () => {
    const before = await rowCounts(server);
    const failures: string[] = [];
    for (const c of cases()) {
      const path = typeof c.path === 'function' ? c.path() : c.path;
      const body = typeof c.body === 'function' ? c.body() : c.body;
      const res = await officer.request(c.method, path, {
        ...(body !== undefined ? { body } : {}),
        headers: {
          'content-type': c.type ?? (body instanceof Uint8Array ? 'image/png' : 'application/json'),
          ...(c.sameOrigin ? { origin: server.url } : {}),
        },
      });
      const text = await res.text();
      let parsed: { code?: string; message?: string } = {};
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        failures.push(`${c.name}: not JSON: ${text.slice(0, 200)}`);
      }
      if (res.status !== c.status) {
        failures.push(`${c.name}: status ${res.status} ${text.slice(0, 200)}`);
      } else {
        if (typeof parsed.message !== 'string' || parsed.message.length === 0)
          failures.push(`${c.name}: no message`);
        if (c.code && parsed.code !== c.code) failures.push(`${c.name}: code ${parsed.code}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await rowCounts(server)).toEqual(before);
  });

  it('rejects absurd records one by one without storing any', async () => {
    const before = await rowCounts(server);
    const absurd = [
      { ...validRecord, foundAt: '1900-01-01T00:00:00+08:00' },
      { ...validRecord, version: -3 },
      {
        ...validRecord,
        evidence: [
          {
            sha256: 'a'.repeat(64),
            kind: 'before',
            mime: 'image/png',
            bytes: -5,
            takenAt: '2026-01-01T00:00:00Z',
            capturedBy: 'x',
          },
        ],
      },
      { ...validRecord, party: { kind: 'alien' } },
      { ...validRecord, officers: [] },
      'not an object',
      null,
    ];
    const r = await officer.push(absurd);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => x.status)).toEqual(Array(absurd.length).fill('rejected'));
    for (const x of r.body.results) expect(String(x.message).length).toBeGreaterThan(0);
    expect(await rowCounts(server)).toEqual(before);
  });
});

describe('bad input for supervisors', () => {
  let server: TestServer;
  let supervisor: ApiClient;
  beforeAll(async () => {
    server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    supervisor = new ApiClient(server.url);
    await supervisor.login('supervisor1');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ['review: unknown action', `/api/records/${uuid}/reviews`, { action: 'delete' }, 400],
    [
      'review: unknown field',
      `/api/records/${uuid}/reviews`,
      { action: 'approve', force: true },
      400,
    ],
    [
      'review: 10 KB+ comment',
      `/api/records/${uuid}/reviews`,
      { action: 'return', comment: 'x'.repeat(3000) },
      400,
    ],
    ['review: unknown record', `/api/records/${uuid}/reviews`, { action: 'approve' }, 404],
  ])('%s -> %i, nothing written', async (_name, path, body, status) => {
    const before = await rowCounts(server);
    const r = await supervisor.json<{ code: string; message: string }>('POST', path, body);
    expect(r.status).toBe(status);
    expect(r.body.message.length).toBeGreaterThan(0);
    expect(await rowCounts(server)).toEqual(before);
  });

  it.each([
    ['/api/stats?month=2026-13', 400],
    ['/api/stats?month=1900-01', 400],
    ['/api/stats?format=pdf', 400],
    ['/api/stats?squad=sq-yeji', 403],
    ['/api/stats?extra=1', 400],
  ])('%s -> %i', async (path, status) => {
    const r = await supervisor.json<{ message: string }>('GET', path);
    expect(r.status).toBe(status);
    expect(r.body.message.length).toBeGreaterThan(0);
  });
});
