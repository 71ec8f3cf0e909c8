import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amendmentOf, lockRecord, type LockedRecord } from '$lib/domain/record';
import { localPriors, putLedgerEntries } from '$lib/client/ledger';
import { phoneDb } from '../support/phone-db';
import { partyKeyDigest, partyKeys } from '$lib/domain/party';
import type { Change, LedgerEntry, Me, PullResponse } from '$lib/sync/contract';
import {
  ApiClient,
  consoleSession,
  DEMO_OFFICERS,
  resigned,
  sha256,
  tinyPng,
  uploadedRecord,
} from '../support/api';
import { query, rowCounts } from '../support/db';
import { prior } from '../support/factories';
import { DATABASES, startServer, type TestServer } from '../support/server';

describe.each(DATABASES)('sync API on %s', (db) => {
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

  it('accepts a record, and a replay is a duplicate that changes nothing', async () => {
    const { record } = await uploadedRecord(officer);
    const first = await officer.push([record]);
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({
      status: 'accepted',
      id: record.id,
      version: 1,
      serverHash: record.contentHash,
    });
    const before = await rowCounts(server);
    const replay = await officer.push([record]);
    expect(replay.body.results[0]).toMatchObject({
      status: 'duplicate',
      id: record.id,
      serverHash: record.contentHash,
    });
    expect(await rowCounts(server)).toEqual(before);
  });

  it('stores exactly one copy when the same push arrives twice at the same moment', async () => {
    const { record } = await uploadedRecord(officer);
    const results = await Promise.all([
      officer.push([record]),
      officer.push([record]),
      officer.push([record]),
    ]);
    const statuses = results.map((r) => r.body.results[0]?.status).sort();
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate']);
    const rows = await query(server, (run) =>
      run(`select count(*) as n from record_versions where record_id = $1`, [record.id]),
    );
    expect(Number(rows[0]?.n)).toBe(1);
    const ledger = await query(server, (run) =>
      run(`select count(*) as n from ledger where record_id = $1`, [record.id]),
    );
    expect(Number(ledger[0]?.n)).toBe(record.partyKeys.length);
  });

  it('reports a conflict for different content under the same id and version', async () => {
    const { record } = await uploadedRecord(officer);
    await officer.push([record]);
    const { record: other } = await uploadedRecord(officer, {
      id: record.id,
      facts: '另一份内容：当事人在路口摆摊。',
    });
    const before = await rowCounts(server);
    const r = await officer.push([other]);
    expect(r.body.results[0]).toMatchObject({ status: 'conflict', id: record.id, version: 1 });
    expect(await rowCounts(server)).toEqual(before);
  });

  it('lists missing evidence first, accepts after the upload', async () => {
    const { record, hashes, files } = await uploadedRecord(officer, { upload: false });
    const r1 = await officer.push([record]);
    expect(r1.body.results[0]).toMatchObject({ status: 'missingBlobs' });
    expect(new Set(r1.body.results[0]?.missing as string[])).toEqual(new Set(hashes));
    for (const f of files) {
      const head = await officer.request('HEAD', `/api/blobs/${sha256(f)}`);
      expect(head.status).toBe(404);
      await officer.upload(f);
      expect((await officer.request('HEAD', `/api/blobs/${sha256(f)}`)).status).toBe(200);
    }
    const r2 = await officer.push([record]);
    expect(r2.body.results[0]).toMatchObject({ status: 'accepted' });
  });

  it('what the phone is told to upload is exactly what the push would report missing (generated histories)', async () => {
    // Each file of a pool gets a history with two officers of one squad; officer2 then asks which
    // of five files a new record of theirs must upload, and pushes the record: the push's
    // missingBlobs must be exactly that answer, and once those are uploaded the record is
    // accepted. The history that broke the phone is among them: a file officer2 may read (it is
    // on officer1's record, HEAD answers 200) but never uploaded.
    const colleague = new ApiClient(server.url);
    await colleague.login('officer2');
    type History = 'none' | 'mineOnly' | 'onTheirRecord' | 'theirsUnnamed' | 'both';
    const histories: History[] = ['none', 'mineOnly', 'onTheirRecord', 'theirsUnnamed', 'both'];
    let run = 0;
    let readableButNeeded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...histories), { minLength: 7, maxLength: 7 }),
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6], { minLength: 5, maxLength: 5 }),
        async (history, chosen) => {
          run++;
          const files = history.map((_, k) => tinyPng(`needed-${db}-${run}-${k}`));
          const hashes = files.map((f) => sha256(f));
          // officer1's record names the files "on their record", padded with files of its own.
          const theirs = hashes.filter((_, k) => history[k] === 'onTheirRecord');
          for (const [k, h] of history.entries()) {
            const f = files[k] as Uint8Array;
            if (h === 'mineOnly' || h === 'both') await colleague.upload(f);
            if (h === 'onTheirRecord' || h === 'theirsUnnamed' || h === 'both')
              await officer.upload(f);
          }
          if (theirs.length > 0) {
            const pad = [0, 1, 2, 3, 4].map((k) => tinyPng(`needed-${db}-${run}-pad-${k}`));
            for (const f of pad) await officer.upload(f);
            const named = [...theirs, ...pad.map((f) => sha256(f))].slice(0, 5);
            const { record } = await uploadedRecord(officer, {
              upload: false,
              evidenceHashes: named,
            });
            expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');
          }
          const wanted = chosen.map((k) => hashes[k] as string);
          const asked = await colleague.json<{ needed: string[] }>('POST', '/api/blobs/needed', {
            sha256: wanted,
          });
          expect(asked.status).toBe(200);
          for (const h of asked.body.needed) {
            if ((await colleague.request('HEAD', `/api/blobs/${h}`)).status === 200)
              readableButNeeded++;
          }
          const { record } = await uploadedRecord(colleague, {
            upload: false,
            officers: [DEMO_OFFICERS.officer2, DEMO_OFFICERS.officer1],
            evidenceHashes: wanted,
          });
          const first = (await colleague.push([record])).body.results[0];
          const missing = first?.status === 'missingBlobs' ? (first.missing as string[]) : [];
          expect(new Set(missing)).toEqual(new Set(asked.body.needed));
          if (missing.length === 0) {
            expect(first?.status).toBe('accepted');
            return;
          }
          for (const h of asked.body.needed)
            await colleague.upload(files[hashes.indexOf(h)] as Uint8Array);
          expect((await colleague.push([record])).body.results[0]?.status).toBe('accepted');
        },
      ),
      { numRuns: 25, seed: 20_261_203 },
    );
    // The case that matters was generated, and answered "upload it".
    expect(readableButNeeded).toBeGreaterThan(0);
  });

  it('refuses a question about no file, or too many, and bad hashes, with a clear error', async () => {
    for (const body of [
      { sha256: [] },
      { sha256: Array.from({ length: 501 }, (_, i) => sha256(`q${i}`)) },
      { sha256: ['not-a-hash'] },
      { hashes: [sha256('x')] },
    ]) {
      const r = await officer.json<{ code: string; message: string }>(
        'POST',
        '/api/blobs/needed',
        body,
      );
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    const anonymous = new ApiClient(server.url);
    expect(
      (await anonymous.json('POST', '/api/blobs/needed', { sha256: [sha256('x')] })).status,
    ).toBe(401);
  });

  it('rejects a blob whose bytes do not match its hash and keeps nothing', async () => {
    const bytes = tinyPng('mismatch');
    const wrong = sha256('something else');
    const before = await rowCounts(server);
    const res = await officer.request('PUT', `/api/blobs/${wrong}`, { body: bytes });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'hashMismatch' });
    expect(await rowCounts(server)).toEqual(before);
    const blobs = join(server.dataDir, 'blobs');
    expect(existsSync(join(blobs, wrong.slice(0, 2), wrong.slice(2, 4), wrong))).toBe(false);
    expect(existsSync(join(blobs, 'tmp')) ? readdirSync(join(blobs, 'tmp')) : []).toEqual([]);
  });

  it('takes a full-size photo (5 MB JPEG) in one request', async () => {
    const bytes = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) % 251;
    bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
    const sha = sha256(bytes);
    const res = await officer.request('PUT', `/api/blobs/${sha}`, {
      body: bytes,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(res.status).toBe(201);
    const again = await officer.request('PUT', `/api/blobs/${sha}`, {
      body: bytes,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(again.status).toBe(200);
    const rows = await query(server, (run) =>
      run(`select size, mime from blobs where sha256 = $1`, [sha]),
    );
    expect(rows).toEqual([{ size: 5 * 1024 * 1024, mime: 'image/jpeg' }]);
  });

  it('serves an uploaded file back byte for byte', async () => {
    const { record, files } = await uploadedRecord(officer);
    await officer.push([record]);
    const res = await officer.request('GET', `/api/blobs/${sha256(files[0] as Uint8Array)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(files[0]);
  });

  it('judges each record on its own: one bad record does not block the others', async () => {
    const good = await uploadedRecord(officer);
    const bad = { ...(await uploadedRecord(officer)).record, facts: '' };
    const r = await officer.push([bad, good.record, { id: 'x' }]);
    expect(r.body.results.map((x) => x.status)).toEqual(['rejected', 'accepted', 'rejected']);
    expect(r.body.results[0]).toMatchObject({
      id: bad.id,
      code: 'recordInvalid',
      issues: [{ path: ['facts'], code: 'required', message: '违法事实：请填写' }],
    });
  });

  it('rejects a record whose hash does not match its content', async () => {
    const { record } = await uploadedRecord(officer);
    const r = await officer.push([{ ...record, facts: record.facts + '（篡改）' }]);
    expect(r.body.results[0]).toMatchObject({
      status: 'rejected',
      message: expect.stringContaining('哈希') as unknown,
    });
  });

  it('refuses records of other officers and unregistered devices', async () => {
    const other = new ApiClient(server.url);
    await other.login('officer3');
    const { record } = await uploadedRecord(officer);
    const r = await other.push([{ ...record, deviceId: other.deviceId }]);
    expect(r.body.results[0]?.status).toBe('rejected');
    const unknownDevice = await officer.push([record], '0190a0b0-0000-7000-8000-00000000dead');
    expect(unknownDevice.status).toBe(403);
  });

  it('flags a record whose evaluation does not follow from its answers, and a missed prior', async () => {
    // The phone claims first offence although its own history shows a prior: server re-evaluates.
    const { record } = await uploadedRecord(officer);
    const tampered = structuredClone(record);
    tampered.firstOffenceCheck.priors = [
      prior({ itemCode: record.itemCode, partyKeys: record.partyKeys, date: '2026-10-01' }),
    ];
    const { contentHash: _h, ...content } = tampered;
    void _h;
    const locked = await lockRecord(content);
    const r = await officer.push([locked]);
    expect(r.body.results[0]).toMatchObject({ status: 'accepted' });
    const flags = (r.body.results[0]?.flags as { code: string }[]).map((f) => f.code);
    expect(flags).toContain('evaluationMismatch');

    // Same party and item again, and the device did not see the first one. A check is kept to the
    // second, so it is made in a later second than the prior's receipt (kept to the millisecond):
    // in the same second the server cannot tell which came first and does not blame the phone.
    await new Promise((r) => setTimeout(r, 1_005 - (Date.now() % 1_000)));
    const { record: again } = await uploadedRecord(officer, { party: record.party });
    const r2 = await officer.push([again]);
    const missed = (r2.body.results[0]?.flags as { code: string; message: string }[]).find(
      (f) => f.code === 'priorMissed',
    );
    // The prior reached the server before this check: the phone could have known.
    expect(missed?.message).toContain('手机台账当时未更新');

    // A check made before either prior reached the server: the phone could not have known.
    const { record: early } = await uploadedRecord(officer, {
      party: record.party,
      now: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    const r3 = await officer.push([early]);
    const unseen = (r3.body.results[0]?.flags as { code: string; message: string }[]).find(
      (f) => f.code === 'priorMissed',
    );
    expect(unseen?.message).toContain('手机无从得知');
  });

  it('accepts an amendment as a new version chained to the old one', async () => {
    const { record } = await uploadedRecord(officer);
    await officer.push([record]);
    const v2 = await lockRecord(
      await resigned(
        officer,
        { ...amendmentOf(record, '补充当事人陈述'), facts: record.facts + '补充。' },
        'v2',
      ),
    );
    const r = await officer.push([v2]);
    expect(r.body.results[0]).toMatchObject({ status: 'accepted', version: 2 });
    const detail = await officer.json<{
      versions: { version: number }[];
      record: { version: number };
    }>('GET', `/api/records/${record.id}`);
    expect(detail.body.record.version).toBe(2);
    expect(detail.body.versions.map((v) => v.version)).toEqual([1, 2]);
    // A version 3 that skips the chain is refused.
    const broken = await lockRecord({
      ...amendmentOf(v2, 'x'),
      previousVersionHash: 'a'.repeat(64),
    });
    expect((await officer.push([broken])).body.results[0]?.status).toBe('conflict');
  });

  it("an amendment naming another party withdraws the old key's digest from every phone's ledger", async () => {
    const { record } = await uploadedRecord(officer);
    expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');
    const party = record.party as Extract<typeof record.party, { kind: 'person' }>;
    const amend = async (from: LockedRecord, idNumber: string, tag: string) => {
      const next = await lockRecord(
        await resigned(
          officer,
          {
            ...amendmentOf(from, '更正当事人身份证号'),
            party: { ...party, idNumber },
            partyKeys: partyKeys({ ...party, idNumber }),
            firstOffenceCheck: from.firstOffenceCheck && {
              ...from.firstOffenceCheck,
              partyKeys: partyKeys({ ...party, idNumber }),
            },
          },
          tag,
        ),
      );
      expect((await officer.push([next])).body.results[0]?.status).toBe('accepted');
      return next;
    };
    const me = (await officer.json<Me>('GET', '/api/auth/me')).body;
    const digest = (k: string) => partyKeyDigest(me.ledgerKey ?? '', k);
    // A phone that has pulled everything so far, as the sync engine applies the feed.
    const phone = phoneDb(`amend-${db}`);
    let cursor = 0;
    const pull = async () => {
      let last: LedgerEntry | undefined;
      for (;;) {
        const r = await officer.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}`);
        const entries = r.body.changes.flatMap((c) => (c.kind === 'ledger' ? [c.entry] : []));
        await putLedgerEntries(phone, entries);
        last = entries.findLast((e) => e.recordId === record.id) ?? last;
        cursor = r.body.cursor;
        if (!r.body.more) return last;
      }
    };
    const onPhone = async (key: string) =>
      (await localPriors(phone, [key], me.ledgerKey ?? null)).some((p) => p.recordId === record.id);
    expect((await pull())?.withdrawn).toBeUndefined();
    expect(await onPhone('id:340102199003071232')).toBe(true);

    const v2 = await amend(record, '11010519491231002X', 'v2');
    const second = await pull();
    expect(second?.withdrawn).toEqual([await digest('id:340102199003071232')]);
    expect(second?.partyKeys).toContain(await digest('id:11010519491231002X'));
    expect(await onPhone('id:340102199003071232')).toBe(false);
    expect(await onPhone('id:11010519491231002X')).toBe(true);
    // The name and mobile stayed: the record is still found by them.
    expect(await onPhone(`person:${party.name}|${party.mobile}`)).toBe(true);

    // Back to the first number: it is no longer withdrawn, the second one is.
    await amend(v2, '340102199003071232', 'v3');
    const third = await pull();
    expect(third?.withdrawn).toEqual([await digest('id:11010519491231002X')]);
    expect(await onPhone('id:340102199003071232')).toBe(true);
    expect(await onPhone('id:11010519491231002X')).toBe(false);
    phone.close();
  });

  it('pull returns each change exactly once, in order, across pages and new writes', async () => {
    const reader = new ApiClient(server.url);
    await reader.login('officer2');
    const seen: Change[] = [];
    let cursor = 0;
    const drain = async () => {
      for (;;) {
        const r = await reader.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}&limit=3`);
        expect(r.status).toBe(200);
        seen.push(...r.body.changes);
        expect(r.body.cursor).toBeGreaterThanOrEqual(cursor);
        cursor = r.body.cursor;
        if (!r.body.more) break;
      }
    };
    await drain();
    for (let i = 0; i < 4; i++) await officer.push([(await uploadedRecord(officer)).record]);
    await drain();
    await drain();
    const seqs = seen.map((c) => c.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(seen.filter((c) => c.kind === 'ledger').length).toBeGreaterThanOrEqual(4);
    expect(seen.some((c) => c.kind === 'catalog')).toBe(true);
    // Everything visible to this officer in the database was delivered.
    const rows = await query(server, (run) =>
      run(
        `select seq from changes where broadcast = 1 or user_id = 'u-officer2' or district = '金安区' order by seq`,
      ),
    );
    expect(seqs).toEqual(rows.map((r) => Number(r.seq)));
  });

  it("an officer receives every district's ledger entries as digests only, and no other officer's own changes", async () => {
    // Two phones of the Jin'an squad, one of Yu'an; each starts from its current cursor.
    const yuan = new ApiClient(server.url);
    await yuan.login('officer3');
    const colleague = new ApiClient(server.url);
    await colleague.login('officer2');
    const start = async (c: ApiClient) =>
      (await c.json<PullResponse>('GET', '/api/sync/pull')).body.cursor;
    const drain = async (c: ApiClient, from: number) => {
      const out: Change[] = [];
      let cursor = from;
      for (;;) {
        const r = await c.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}&limit=50`);
        expect(r.status).toBe(200);
        out.push(...r.body.changes);
        cursor = r.body.cursor;
        if (!r.body.more) return out;
      }
    };
    const [fromJinan, fromColleague, fromYuan] = await Promise.all([
      start(officer),
      start(colleague),
      start(yuan),
    ]);
    const { record: yuanRecord } = await uploadedRecord(yuan, {
      officers: [DEMO_OFFICERS.officer3, DEMO_OFFICERS.officer4],
      squadId: 'sq-yuan',
      party: {
        kind: 'person',
        name: '裕安当事人',
        idNumber: '11010519491231002X',
        address: '六安市裕安区',
      },
    });
    expect((await yuan.push([yuanRecord])).body.results[0]?.status).toBe('accepted');
    const { record: jinanRecord } = await uploadedRecord(officer);
    expect((await officer.push([jinanRecord])).body.results[0]?.status).toBe('accepted');

    const mentions = (changes: Change[], r: { id: string }) =>
      changes.filter((c) => JSON.stringify(c).includes(r.id)).length;
    const jinan = await drain(officer, fromJinan);
    const yuanSaw = await drain(yuan, fromYuan);
    const colleagueSaw = await drain(colleague, fromColleague);
    // The whole bureau's ledger reaches every officer's phone (the first-offence check offline
    // sees a prior in another district), as digests, a squad name and a masked name only.
    expect(mentions(jinan, jinanRecord)).toBeGreaterThan(0);
    const other = jinan.filter((c) => JSON.stringify(c).includes(yuanRecord.id));
    expect(other.length).toBeGreaterThan(0);
    for (const c of other) {
      expect(c.kind).toBe('ledger');
      if (c.kind !== 'ledger') continue;
      expect(c.entry.squadName).toBe('裕安区中队');
      expect(c.entry.partyHint).toBe('裕****');
      expect(c.entry.partyKeys.every((k) => /^k:[0-9a-f]{32}$/.test(k))).toBe(true);
    }
    for (const secret of ['11010519491231002X', '裕安当事人', '六安市裕安区'])
      expect(JSON.stringify(jinan)).not.toContain(secret);
    expect(mentions(yuanSaw, yuanRecord)).toBeGreaterThan(0);
    expect(mentions(yuanSaw, jinanRecord)).toBeGreaterThan(0);
    // The district's ledger reaches the colleague too.
    expect(
      mentions(
        colleagueSaw.filter((c) => c.kind === 'ledger'),
        jinanRecord,
      ),
    ).toBeGreaterThan(0);
    // A change addressed to one officer (a number block for their phone) reaches only them.
    const reserved = await officer.json('POST', '/api/numbers/reserve', {
      deviceId: officer.deviceId,
      docType: 'orderToCorrect',
      count: 3,
    });
    expect(reserved.status).toBe(201);
    const blocks = (changes: Change[]) =>
      changes.filter((c) => c.kind === 'numberBlock' && c.deviceId === officer.deviceId).length;
    const cursors = {
      officer: jinan.at(-1)?.seq ?? fromJinan,
      colleague: colleagueSaw.at(-1)?.seq ?? fromColleague,
    };
    expect(blocks(await drain(officer, cursors.officer))).toBe(1);
    expect(blocks(await drain(colleague, cursors.colleague))).toBe(0);
    expect(blocks(await drain(yuan, fromYuan))).toBe(0);
  });

  it('reserves number blocks that never overlap, also when requested concurrently', async () => {
    const replies = await Promise.all(
      Array.from({ length: 12 }, () =>
        officer.json<{ block: { first: number; last: number; year: number } }>(
          'POST',
          '/api/numbers/reserve',
          {
            deviceId: officer.deviceId,
            docType: 'noPenaltyDecision',
            count: 7,
          },
        ),
      ),
    );
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const ranges = replies.map((r) => r.body.block).sort((a, b) => a.first - b.first);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.first).toBe(ranges[i - 1]!.last + 1);
    expect(ranges[0]!.last - ranges[0]!.first + 1).toBe(7);
  });

  it('answers the online first-offence lookup by party key without names', async () => {
    const { record } = await uploadedRecord(officer);
    await officer.push([record]);
    const key = encodeURIComponent(record.partyKeys[0] ?? '');
    const r = await officer.json<{ entries: { recordId: string; date: string }[] }>(
      'GET',
      `/api/ledger?party=${key}&item=${record.itemCode}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.entries.map((e) => e.recordId)).toContain(record.id);
    expect(JSON.stringify(r.body)).not.toContain('欧阳娜娜');
  });

  it("an administrator's key rotation reaches every digest at once: pull, lookup and sign-in agree", async () => {
    const { record } = await uploadedRecord(officer);
    expect((await officer.push([record])).body.results[0]?.status).toBe('accepted');
    const entryOf = async () => {
      const me = await officer.json<Me>('GET', '/api/auth/me');
      let cursor = 0;
      let found: LedgerEntry | undefined;
      let keyId: string | null = null;
      for (;;) {
        const r = await officer.json<PullResponse>('GET', `/api/sync/pull?cursor=${cursor}`);
        keyId = r.body.ledgerKeyId;
        for (const c of r.body.changes)
          if (c.kind === 'ledger' && c.entry.recordId === record.id) found = c.entry;
        cursor = r.body.cursor;
        if (!r.body.more) break;
      }
      const key = encodeURIComponent(record.partyKeys[0] ?? '');
      const looked = await officer.json<{ entries: LedgerEntry[] }>(
        'GET',
        `/api/ledger?party=${key}`,
      );
      return {
        me: me.body,
        keyId,
        found,
        looked: looked.body.entries.find((e) => e.recordId === record.id),
      };
    };
    const before = await entryOf();
    expect(before.keyId).toBe(before.me.ledgerKeyId);
    const digest = await partyKeyDigest(before.me.ledgerKey ?? '', record.partyKeys[0] ?? '');
    expect(before.found?.partyKeys).toContain(digest);
    expect(before.looked?.partyKeys).toContain(digest);

    const cookie = await consoleSession(server.url, 'admin');
    const res = await fetch(`${server.url}/console/admin/users?/rotateLedgerKey`, {
      method: 'POST',
      headers: {
        cookie,
        origin: server.url,
        accept: 'application/json',
        'x-sveltekit-action': 'true',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '',
    });
    expect(((await res.json()) as { type: string }).type).toBe('success');

    const after = await entryOf();
    expect(after.keyId).not.toBe(before.keyId);
    expect(after.me.ledgerKeyId).toBe(after.keyId);
    const newDigest = await partyKeyDigest(after.me.ledgerKey ?? '', record.partyKeys[0] ?? '');
    expect(newDigest).not.toBe(digest);
    expect(after.found?.partyKeys).toEqual(expect.arrayContaining([newDigest]));
    expect(after.found?.partyKeys).not.toContain(digest);
    expect(after.looked?.partyKeys).toContain(newDigest);
    const [audited] = await query(server, (run) =>
      run(`select detail from audit_log where action = 'ledgerKey.rotate'`),
    );
    expect(String(audited?.detail)).toContain(String(after.keyId));
  });
});
