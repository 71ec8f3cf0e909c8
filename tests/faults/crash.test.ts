import { connect } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedRecord } from '$lib/domain/record';
import { ApiClient, sha256, tinyPng, uploadedRecord } from '../support/api';
import { query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';
import { mulberry32 } from '$lib/server/demo/random';

/**
 * Faults on real servers: kill -9 at random moments during pushes and uploads, sockets cut in
 * the middle of a body, and replayed and concurrent pushes. After each, what the server holds is
 * counted against what it acknowledged: nothing acknowledged is lost, nothing is stored twice,
 * no half-written file is ever served.
 *
 *   PB_FAULT_ROUNDS  kill -9 rounds per database (4 in `npm test`, 40 in `npm run test:faults:long`)
 */
const ROUNDS = Number(process.env.PB_FAULT_ROUNDS ?? 4);
const SEED = Number(process.env.PB_FAULT_SEED ?? 20261130);

type Prepared = { record: LockedRecord; files: Uint8Array[] };

/** Everything the server holds, counted straight from the database and the disk. */
async function holdings(server: TestServer) {
  const counts = await query(server, async (run) => {
    const n = async (sql: string) => Number((await run(sql))[0]?.n ?? 0);
    return {
      records: await n('select count(*) as n from records'),
      versions: await n('select count(*) as n from record_versions'),
      ledger: await n('select count(*) as n from ledger'),
      blobs: await n('select count(*) as n from blobs'),
      // Files no officer uploaded: the platform's task photos and the photos of unfounded closes.
      taskFiles: await n(
        `select count(*) as n from (
           select sha256 from task_photos
           union select close_photo from tasks where close_photo is not null
           except select sha256 from blobs) t`,
      ),
      integrity:
        server.db === 'sqlite'
          ? String((await run('pragma integrity_check'))[0]?.integrity_check)
          : 'ok',
    };
  });
  const root = join(server.dataDir, 'blobs');
  const walk = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? (e.name === 'tmp' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)],
        )
      : [];
  const files = walk(root);
  const parts = existsSync(join(root, 'tmp')) ? readdirSync(join(root, 'tmp')).length : 0;
  return { ...counts, files: files.length, parts };
}

describe.each(DATABASES)('kill -9, cut sockets and replays on %s', (db) => {
  let server: TestServer;
  /** The server that made the data folder (and database): stopping it removes them. */
  let first: TestServer;
  let device: string;

  beforeAll(async () => {
    first = server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    device = new ApiClient(server.url).deviceId;
  });
  afterAll(async () => {
    await server?.stop();
    if (first !== server) await first?.stop();
  });

  const restart = async () => {
    server = await startServer({
      db,
      dataDir: first.dataDir,
      ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}),
      env: { DEMO_SEED: '1', DEMO_RECORDS: '0' },
    });
  };
  const client = async () => {
    const c = new ApiClient(server.url, device);
    await c.login('officer1');
    return c;
  };

  it(`loses no acknowledged record and stores nothing twice across ${ROUNDS} kill -9 rounds`, async () => {
    const rng = mulberry32(SEED);
    const all: Prepared[] = [];
    const acknowledged = new Set<string>();
    const figures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      let c = await client();
      const batch: Prepared[] = [];
      for (let i = 0; i < 20; i++) batch.push(await uploadedRecord(c, { upload: false }));
      all.push(...batch);
      const files = batch.flatMap((p) => p.files);
      // Uploads and pushes run; the server dies at a random moment among them.
      const work = (async () => {
        for (let i = 0; i < files.length; i += 10) {
          await Promise.all(files.slice(i, i + 10).map((f) => c.upload(f)));
        }
        for (let i = 0; i < batch.length; i += 5) {
          const r = await c.push(batch.slice(i, i + 5).map((p) => p.record));
          for (const res of r.body.results)
            if (res.status === 'accepted' || res.status === 'duplicate')
              acknowledged.add(String(res.id));
        }
      })().catch(() => 'cut');
      const delay = Math.round(50 + rng() * 1200);
      await new Promise((r) => setTimeout(r, delay));
      await server.crash();
      await work;
      await restart();

      // Nothing acknowledged is gone; nothing half-written is there.
      const stored = new Set(
        (await query(server, (run) => run('select id from records'))).map((r) => String(r.id)),
      );
      for (const id of acknowledged) expect(stored.has(id), id).toBe(true);
      const after = await holdings(server);
      expect(after.parts).toBe(0);
      expect(after.integrity).toBe('ok');
      // A file renamed into place just before the kill may lack its row until it is sent again;
      // a row never lacks its file.
      expect(after.files).toBeGreaterThanOrEqual(after.blobs);

      // The phone tries again: every record once, every file once.
      c = await client();
      for (const p of batch) for (const f of p.files) await c.upload(f);
      const again = await c.push(batch.map((p) => p.record));
      for (const res of again.body.results) {
        expect(res.status, JSON.stringify(res)).toMatch(/^(accepted|duplicate)$/);
        acknowledged.add(String(res.id));
      }
      const h = await holdings(server);
      expect(h.records).toBe(all.length);
      expect(h.versions).toBe(all.length);
      expect(h.ledger).toBe(all.reduce((n, p) => n + p.record.partyKeys.length, 0));
      expect(h.blobs).toBe(new Set(all.flatMap((p) => p.files.map((f) => sha256(f)))).size);
      // Every file in the store is accounted for: an upload, or a task's photo.
      expect(h.files).toBe(h.blobs + h.taskFiles);
      figures.push(
        `round ${round}: killed after ${delay} ms, ${stored.size}/${all.length} stored before the retry`,
      );
    }
    console.log(
      `[faults ${db}] kill -9: ${ROUNDS} rounds, ${all.length} records\n  ${figures.join('\n  ')}`,
    );
  });

  it('a socket cut in the middle of a body stores nothing half, and the next request works', async () => {
    const c = await client();
    const png = tinyPng('cut:' + Math.random());
    const big = Buffer.concat([Buffer.from(png), Buffer.alloc(2 * 1024 * 1024, 7)]);
    const hash = sha256(big);
    const url = new URL(server.url);
    const cookie = (c as unknown as { cookie: string }).cookie;
    // Half of a 2 MB upload, then the connection drops.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `PUT /api/blobs/${hash} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie}\r\n` +
            `Content-Type: application/octet-stream\r\nContent-Length: ${big.length}\r\n\r\n`,
        );
        socket.write(big.subarray(0, big.length / 2), () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on('error', () => resolve());
    });
    // And half of a push.
    const { record } = await uploadedRecord(c);
    const body = JSON.stringify({ deviceId: c.deviceId, records: [record] });
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /api/sync/push HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie}\r\nOrigin: ${server.url}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
        );
        socket.write(body.slice(0, body.length / 2), () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await c.request('HEAD', `/api/blobs/${hash}`)).status).toBe(404);
    const rows = await query(server, (run) =>
      run('select count(*) as n from record_versions where record_id = $1', [record.id]),
    );
    expect(Number(rows[0]?.n)).toBe(0);
    const held = await holdings(server);
    expect(held.files).toBe(held.blobs + held.taskFiles);
    // The same requests, whole, go through.
    expect(
      (await c.request('PUT', `/api/blobs/${hash}`, { body: new Uint8Array(big) })).status,
    ).toBe(201);
    expect((await c.push([record])).body.results[0]?.status).toBe('accepted');
  });

  it('the same push replayed 5 times in a row and 10 times at once stores each record once', async () => {
    const c = await client();
    const batch: LockedRecord[] = [];
    for (let i = 0; i < 50; i++) batch.push((await uploadedRecord(c)).record);
    const before = await holdings(server);
    for (let i = 0; i < 5; i++) {
      const r = await c.push(batch);
      expect(r.body.results.map((x) => x.status)).toEqual(
        batch.map(() => (i === 0 ? 'accepted' : 'duplicate')),
      );
    }
    const more: LockedRecord[] = [];
    for (let i = 0; i < 50; i++) more.push((await uploadedRecord(c)).record);
    const at = await Promise.all(Array.from({ length: 10 }, () => c.push(more)));
    for (const r of at) expect(r.status).toBe(200);
    const accepted = at.flatMap((r) => r.body.results).filter((x) => x.status === 'accepted');
    expect(accepted).toHaveLength(more.length);
    const after = await holdings(server);
    expect(after.records - before.records).toBe(100);
    expect(after.versions - before.versions).toBe(100);
  });
});
