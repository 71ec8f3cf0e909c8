import { describe, expect, it } from 'vitest';
import { phoneDb } from '../../../../tests/support/phone-db';
import { referencedBlobs, type LockedRecord } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { Me, PushResult } from '$lib/sync/contract';
import { completeDraft, DRAFT_AT as at, finishHeld } from '../../../../tests/support/drafts';
import { officerMe, fakeHash, phoneTask } from '../../../../tests/support/factories';
import { MemoryServer } from '../../../../tests/support/memory-server';
import { PatrolDb } from '../db';
import { localPriors, putLedgerEntries } from '../ledger';
import { partyKeyDigest } from '$lib/domain/party';
import { getSetting, setSetting } from '../settings';
import { backoffMs, SyncEngine } from './engine';

/**
 * Every branch of the sync protocol, on the phone's real engine and IndexedDB (fake-indexeddb),
 * against the server side in memory: what is uploaded, what each push result does to the record
 * and its outbox row, how failures wait and stop, what a pull applies.
 */

const DEVICE = '0190a0b0-0000-7000-8000-0000000000aa';
const me: Me = officerMe({ deviceId: DEVICE });
const NOW = new Date('2026-11-27T02:00:00Z');

async function phone() {
  const db = phoneDb('e');
  await setSetting(db, 'deviceId', DEVICE);
  await setSetting(db, 'me', me);
  await db.catalogs.put({
    versionId: starterCatalog.versionId,
    effectiveFrom: starterCatalog.effectiveFrom,
    catalog: starterCatalog,
  });
  const server = new MemoryServer(me);
  return { db, server, engine: new SyncEngine(db, () => undefined, server.transport) };
}

/** A finished record in the outbox, with its files on the phone (not yet uploaded). */
async function record(db: PatrolDb, name: string): Promise<LockedRecord> {
  const file = (tag: string) => fakeHash(`${name}-${tag}`);
  const d = completeDraft(NOW, me.id, { name, file, partyKeys: [], recorder: 0 });
  const done = await finishHeld(db, d, { catalog: starterCatalog, me, now: NOW });
  if (!done.ok) throw new Error(done.issues.map((i) => i.message).join('; '));
  for (const sha256 of referencedBlobs(done.record)) {
    await db.evidence.put({
      sha256,
      bytes: new Uint8Array([1, 2, 3]).buffer,
      mime: 'image/jpeg',
      size: 3,
      createdAt: at,
      uploaded: 0,
    });
  }
  return done.record;
}

const local = (db: PatrolDb, r: LockedRecord) => db.records.get([r.id, r.version]);
const outbox = (db: PatrolDb, r: LockedRecord) =>
  db.outbox.where({ recordId: r.id, version: r.version }).first();

describe('sync engine over the protocol', () => {
  it('uploads only the files the server lacks, then pushes; a second run sends nothing again', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '甲');
    const files = referencedBlobs(r);
    server.blobs.add(files[0] ?? '');
    const report = await engine.run();
    expect(report.uploaded).toBe(files.length - 1);
    expect(report.accepted).toBe(1);
    expect(server.calls.filter((c) => c.startsWith('PUT'))).toHaveLength(files.length - 1);
    expect((await local(db, r))?.syncStatus).toBe('synced');
    expect(await outbox(db, r)).toBeUndefined();
    server.calls.length = 0;
    const again = await engine.run();
    expect(again.uploaded + again.accepted).toBe(0);
    expect(
      server.calls.some((c) => c.startsWith('HEAD') || c.startsWith('POST /api/sync/push')),
    ).toBe(false);
  });

  it("uploads a file the server holds only for a colleague's record: readable is not proof, and the push is accepted in the same run", async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '乙');
    const [shared] = referencedBlobs(r);
    if (!shared) throw new Error('no file');
    // Readable through a colleague's record: HEAD would answer 200, which once made the phone
    // skip the upload and the push answer missingBlobs on every run.
    server.readable.add(shared);
    const report = await engine.run();
    expect(server.calls).toContain(`PUT /api/blobs/${shared}`);
    expect(report.accepted).toBe(1);
    expect((await local(db, r))?.syncStatus).toBe('synced');
    // One question for all the files, no HEAD per file.
    expect(server.calls.filter((c) => c === 'POST /api/blobs/needed')).toHaveLength(1);
    expect(server.calls.some((c) => c.startsWith('HEAD'))).toBe(false);
  });

  it('an order to wipe sends every record first, whatever its backoff, and wipes only once the server took them all', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '甲');
    const row = await outbox(db, r);
    // Waiting out a backoff: a farewell sends it anyway.
    await db.outbox.update(row?.seq ?? 0, { nextAttemptAt: Date.now() + 3_600_000, attempts: 3 });
    server.wipe = { reason: 'deactivated', orderedAt: '2026-11-27T03:00:00Z' };
    // The server fails the push: nothing is wiped, the record stays.
    server.script = () => 'crash';
    await expect(engine.run()).rejects.toThrow(/wipe waits/);
    expect(server.wipedReports).toEqual([]);
    expect(await local(db, r)).toBeDefined();
    // The next contact: the push goes through, the phone reports and empties itself.
    server.script = () => null;
    const report = await engine.run();
    expect(report.wiped).toBe('deactivated');
    expect(server.records.has(`${r.id}:${r.version}`)).toBe(true);
    expect(server.wipedReports).toEqual([1]);
    for (const table of db.tables) expect(await table.count()).toBe(0);
    // Nothing but sending and reporting happened with this session.
    expect(server.calls.some((c) => c.includes('/api/sync/pull'))).toBe(false);
  });

  it('a record the server already has is done too (duplicate)', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '乙');
    for (const h of referencedBlobs(r)) server.blobs.add(h);
    server.records.set(`${r.id}:${r.version}`, r);
    const report = await engine.run();
    expect(report.duplicates).toBe(1);
    expect((await local(db, r))?.syncStatus).toBe('synced');
    expect(await outbox(db, r)).toBeUndefined();
  });

  it.each<[string, (r: LockedRecord) => PushResult]>([
    [
      'rejected',
      (r) => ({
        status: 'rejected',
        id: r.id,
        version: r.version,
        message: '记录内容不符合要求',
        code: 'recordInvalid',
        issues: [{ path: ['facts'], message: '违法事实：请填写', code: 'required' }],
      }),
    ],
    [
      'conflict',
      (r) => ({
        status: 'conflict',
        id: r.id,
        version: r.version,
        message: '版本冲突',
        code: 'chain',
      }),
    ],
  ])('a %s record is held with the reason and not sent again by itself', async (status, answer) => {
    const { db, server, engine } = await phone();
    const r = await record(db, '丙');
    server.script = (x) => (x.id === r.id ? answer(x) : null);
    const report = await engine.run();
    expect(report.held).toBe(1);
    const row = await local(db, r);
    expect(row?.syncStatus).toBe(status);
    expect(row?.syncMessage).toBeTruthy();
    expect((await outbox(db, r))?.status).toBe('held');
    server.calls.length = 0;
    await engine.run();
    expect(server.calls).not.toContain('POST /api/sync/push');
  });

  it("the server's error on one record: it waits with a growing pause, the others go through", async () => {
    const { db, server, engine } = await phone();
    const bad = await record(db, '丁');
    const good = await record(db, '戊');
    server.script = (x) =>
      x.id === bad.id
        ? {
            status: 'error',
            id: x.id,
            version: x.version,
            message: '存储失败',
            code: 'storeFailed',
          }
        : null;
    const report = await engine.run();
    expect(report.accepted).toBe(1);
    expect(report.failed).toBe(1);
    expect((await local(db, good))?.syncStatus).toBe('synced');
    const row = await outbox(db, bad);
    expect(row?.status).toBe('pending');
    expect(row?.attempts).toBe(1);
    expect(row?.nextAttemptAt ?? 0).toBeGreaterThan(Date.now());
    // Not due yet: the next run leaves it alone.
    server.calls.length = 0;
    await engine.run();
    expect(server.calls).not.toContain('POST /api/sync/push');
  });

  it('a batch the server fails on is split down to the record that fails; the rest is stored', async () => {
    const { db, server, engine } = await phone();
    const records = [];
    for (const n of ['一', '二', '三', '四', '五']) records.push(await record(db, n));
    const poison = records[3];
    if (!poison) throw new Error('no records');
    server.script = (x) => (x.id === poison.id ? 'crash' : null);
    const report = await engine.run();
    expect(report.accepted).toBe(4);
    expect(report.failed).toBe(1);
    expect(server.records.size).toBe(4);
    expect((await outbox(db, poison))?.lastError).toBe('serverError:500');
    expect(server.calls.filter((c) => c === 'POST /api/sync/push').length).toBeGreaterThan(2);
  });

  it('files the server lost are uploaded again on the next run (missingBlobs)', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '己');
    const lost = referencedBlobs(r)[0] ?? '';
    let first = true;
    server.script = (x) => {
      if (!first) return null;
      first = false;
      server.blobs.delete(lost);
      return { status: 'missingBlobs', id: x.id, version: x.version, missing: [lost] };
    };
    await engine.run();
    expect((await db.evidence.get(lost))?.uploaded).toBe(0);
    expect((await outbox(db, r))?.lastError).toBe('missingBlobs');
    const report = await engine.run();
    expect(report.uploaded).toBe(1);
    expect(report.accepted).toBe(1);
    expect(server.blobs.has(lost)).toBe(true);
  });

  it('no network: the run stops at once, says why, and keeps everything for the next', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '庚');
    server.offline = true;
    await expect(engine.run()).rejects.toMatchObject({ status: 0, code: 'network' });
    expect(server.calls).toHaveLength(1);
    // Kept as a key, worded when shown: the language the officer picks later applies.
    expect(await getSetting(db, 'lastSyncError')).toEqual({ key: 'err.network' });
    expect((await outbox(db, r))?.attempts).toBe(0);
    server.offline = false;
    expect((await engine.run()).accepted).toBe(1);
    expect(await getSetting(db, 'lastSyncError')).toBeNull();
  });

  it('an expired session stops the run without touching the outbox', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '辛');
    server.signedOut = true;
    await expect(engine.run()).rejects.toMatchObject({ status: 401 });
    expect(server.calls).toHaveLength(1);
    expect((await outbox(db, r))?.attempts).toBe(0);
  });

  it('pulls every page, applies a returned review once, keeps its own number blocks only', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '壬');
    await engine.run();
    server.publish({
      kind: 'review',
      at,
      review: {
        id: 'rv-1',
        recordId: r.id,
        version: r.version,
        action: 'return',
        comment: '请补充当事人陈述',
        reviewerName: '孙建国',
        reviewState: 'returned',
      },
    });
    const block = (deviceId: string, id: string) => ({
      kind: 'numberBlock' as const,
      at,
      deviceId,
      block: {
        id,
        docType: 'orderToCorrect' as const,
        year: 2026,
        first: 1,
        last: 10,
        next: 1,
        format: {
          template: '{prefix}{word}〔{year}〕第{serial}号',
          prefix: '六城管',
          word: '责改',
          width: 4,
        },
      },
    });
    server.publish(block(DEVICE, 'mine'));
    server.publish(block('0190a0b0-0000-7000-8000-0000000000bb', 'theirs'));
    // Longer than one page of 500, to see the engine follow `more`.
    for (let i = 0; i < 600; i++) server.publish(block(DEVICE, 'mine'));
    server.calls.length = 0;
    await engine.pull();
    expect(server.calls.filter((c) => c.startsWith('GET /api/sync/pull')).length).toBe(2);
    expect(await getSetting(db, 'pullCursor')).toBe(server.changes.length);
    const after = await local(db, r);
    expect(after?.reviews.map((x) => x.comment)).toEqual(['请补充当事人陈述']);
    expect(after?.state).toBe('returned');
    expect(await db.numberBlocks.get('mine')).toBeDefined();
    expect(await db.numberBlocks.get('theirs')).toBeUndefined();
    // The same page again (a cursor lost in a crash) changes nothing.
    await setSetting(db, 'pullCursor', 0);
    await engine.pull();
    expect((await local(db, r))?.reviews).toHaveLength(1);
  });

  it('writes the ledger pages of a long pull together; a network cut keeps what arrived; a record named twice keeps its last word', async () => {
    const { db, server, engine } = await phone();
    const key = 'ab'.repeat(32);
    const d = (k: string) => partyKeyDigest(key, k);
    const entry = async (recordId: string, keys: string[], withdrawn?: string[]) => ({
      kind: 'ledger' as const,
      at,
      entry: {
        recordId,
        itemCode: 'SR-01',
        date: '2026-11-01',
        branch: 'firstOffence' as const,
        district: '金安区',
        partyKeys: await Promise.all(keys.map(d)),
        ...(withdrawn ? { withdrawn: await Promise.all(withdrawn.map(d)) } : {}),
      },
    });
    // Already on the phone: record r under the key it is about to withdraw.
    await putLedgerEntries(db, [(await entry('r', ['id:old'])).entry]);
    server.publish(await entry('r', ['id:mid'], ['id:old']));
    for (let i = 0; i < 1100; i++) server.publish(await entry(`p${i}`, [`id:${i}`]));
    // The server's last word on r withdraws what its latest earlier version named.
    server.publish(await entry('r', ['id:new'], ['id:mid']));
    // Between pages nothing is written yet: the cursor stays where it was until the feed ends.
    const seen: (number | undefined)[] = [];
    const transport = server.transport;
    let cut = false;
    const pulling = new SyncEngine(
      db,
      () => undefined,
      async (path, init) => {
        if (path.startsWith('/api/sync/pull')) {
          seen.push(await getSetting(db, 'pullCursor'));
          if (cut && seen.length === 3) throw new TypeError('Failed to fetch');
        }
        return transport(path, init);
      },
    );
    const found = async (k: string) => (await localPriors(db, [k], key)).map((p) => p.recordId);
    cut = true;
    await expect(pulling.pull()).rejects.toThrow('网络不可用或服务器无响应');
    expect(seen).toEqual([undefined, undefined, undefined]);
    // The two pages that arrived before the cut were written, with their cursor.
    expect(await getSetting(db, 'pullCursor')).toBe(1000);
    expect(await found('id:998')).toEqual(['p998']);
    expect(await found('id:999')).toEqual([]);
    cut = false;
    seen.length = 0;
    expect(await pulling.pull()).toBe(server.changes.length - 1000);
    expect(seen).toEqual([1000]);
    expect(await getSetting(db, 'pullCursor')).toBe(server.changes.length);
    expect(await found('id:1099')).toEqual(['p1099']);
    expect(await found('id:old')).toEqual([]);
    expect(await found('id:mid')).toEqual([]);
    expect(await found('id:new')).toEqual(['r']);
    // The whole feed again in one go (the phone held r under its oldest key again): the pages
    // are written together, and r's earlier entry in them still withdraws that key.
    await putLedgerEntries(db, [(await entry('r', ['id:old'])).entry]);
    await setSetting(db, 'pullCursor', 0);
    await engine.pull();
    expect(await found('id:0')).toEqual(['p0']);
    expect(await found('id:old')).toEqual([]);
    expect(await found('id:mid')).toEqual([]);
    expect(await found('id:new')).toEqual(['r']);
  });

  it("drops the ledger's entries older than the window the last pull named, once a day, before the next pull writes", async () => {
    const { db, server, engine } = await phone();
    const key = 'ab'.repeat(32);
    const entry = async (recordId: string, date: string) => ({
      kind: 'ledger' as const,
      at,
      entry: {
        recordId,
        itemCode: 'SR-01',
        date,
        branch: 'firstOffence' as const,
        district: '金安区',
        partyKeys: [await partyKeyDigest(key, `id:${recordId}`)],
      },
    });
    const found = async (id: string) => (await localPriors(db, [`id:${id}`], key)).length;
    server.ledgerSince = '2026-06-01';
    server.publish(await entry('old', '2026-01-05'));
    server.publish(await entry('new', '2026-11-11'));
    await engine.pull();
    expect([await found('old'), await found('new')]).toEqual([1, 1]);
    await engine.pull();
    expect([await found('old'), await found('new')]).toEqual([0, 1]);
    expect(await getSetting(db, 'ledgerPrunedFor')).toBe('2026-06-01');
  });

  it("keeps the platform's tasks dispatched to this officer as the feed says, and drops one taken away", async () => {
    const { db, server, engine } = await phone();
    const task = phoneTask();
    server.publish({ kind: 'task', at, taskId: task.id, task });
    await engine.pull();
    expect(await db.tasks.get(task.id)).toEqual(task);
    server.publish({ kind: 'task', at, taskId: task.id, task: null });
    await engine.pull();
    expect(await db.tasks.count()).toBe(0);
  });

  it('a quick pull brings a return alone, and never runs beside a full sync', async () => {
    const { db, server, engine } = await phone();
    const r = await record(db, '癸');
    await engine.run();
    server.publish({
      kind: 'review',
      at,
      review: {
        id: 'rv-q',
        recordId: r.id,
        version: r.version,
        action: 'return',
        comment: '照片不清晰',
        reviewerName: '孙建国',
        reviewState: 'returned',
      },
    });
    server.calls.length = 0;
    expect(await engine.pullSoon()).toBe(1);
    // One request: the pull, nothing else of a full sync.
    expect(server.calls).toEqual([expect.stringMatching(/^GET \/api\/sync\/pull/)]);
    expect((await local(db, r))?.state).toBe('returned');
    // Called while a full sync runs: it waits for that run (which pulls) instead of a second pull.
    server.calls.length = 0;
    const full = engine.run();
    const quick = engine.pullSoon();
    await Promise.all([full, quick]);
    expect(server.calls.filter((c) => c.startsWith('GET /api/sync/pull'))).toHaveLength(1);
    // And a full sync asked for during a quick pull starts after it, not inside it.
    server.calls.length = 0;
    const first = engine.pullSoon();
    const then = engine.run();
    await Promise.all([first, then]);
    expect(server.calls.filter((c) => c.startsWith('GET /api/sync/pull'))).toHaveLength(2);
    expect(server.calls.some((c) => c.includes('/api/device/status'))).toBe(true);
  });

  it('tops up every document type that runs low, once', async () => {
    const { db, server, engine } = await phone();
    await engine.topUpNumbers(NOW);
    const reserved = server.calls.filter((c) => c === 'POST /api/numbers/reserve').length;
    expect(reserved).toBe(6);
    server.calls.length = 0;
    await engine.topUpNumbers(NOW);
    expect(server.calls).toEqual([]);
    expect(await db.numberBlocks.count()).toBe(6);
  });

  it('concurrent runs share one run', async () => {
    const { db, server, engine } = await phone();
    await record(db, '癸');
    const [a, b] = await Promise.all([engine.run(), engine.run()]);
    expect(a).toBe(b);
    expect(server.calls.filter((c) => c === 'POST /api/sync/push')).toHaveLength(1);
  });

  it('a record locked while a run is past its upload goes in one more run right after, shared by every call made then', async () => {
    const { db, server } = await phone();
    // The first pull waits until the test lets it go: the run has sent its records by then.
    let release = noop;
    const held = new Promise<void>((r) => (release = r));
    let pulls = 0;
    const engine = new SyncEngine(
      db,
      () => undefined,
      async (path, init) => {
        if (path.startsWith('/api/sync/pull') && pulls++ === 0) await held;
        return server.transport(path, init);
      },
    );
    const early = await record(db, '子');
    const first = engine.run();
    await expect.poll(() => pulls).toBe(1);
    const late = await record(db, '丑');
    const [a, b] = [engine.run(), engine.run()];
    expect(a).toBe(b);
    release();
    expect((await first).accepted).toBe(1);
    expect((await a).accepted).toBe(1);
    expect((await local(db, early))?.syncStatus).toBe('synced');
    expect((await local(db, late))?.syncStatus).toBe('synced');
    expect(server.calls.filter((c) => c === 'POST /api/sync/push')).toHaveLength(2);
    // Nothing left over: a call now starts a run of its own, which has nothing to push.
    server.calls.length = 0;
    expect((await engine.run()).accepted).toBe(0);
    expect(server.calls.filter((c) => c === 'POST /api/sync/push')).toHaveLength(0);
  });
});

const noop = (): void => undefined;

describe('backoff', () => {
  it('equal jitter: half the cap fixed, half random, capped at ten minutes', () => {
    expect(backoffMs(1, () => 0)).toBe(2_500);
    expect(backoffMs(1, () => 1)).toBe(5_000);
    expect(backoffMs(3, () => 0.5)).toBe(15_000);
    expect(backoffMs(30, () => 1)).toBe(600_000);
    expect(backoffMs(30, () => 0)).toBe(300_000);
  });
});
