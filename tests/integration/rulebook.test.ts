import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '$lib/domain/catalog';
import {
  amendmentOf,
  lockRecord,
  recordContentHash,
  type LockedRecord,
  type RecordContent,
} from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { printJob } from '$lib/notices/content';
import type { PullResponse } from '$lib/sync/contract';
import {
  ALL_CHECKED,
  confirmTakingPart,
  ApiClient,
  consoleForm,
  consoleSession,
  resigned,
  uploadedRecord,
} from '../support/api';
import { execute, query } from '../support/db';
import { DATABASES, startServer, type TestServer } from '../support/server';

/** A locked version that skipped the phone's checks, as an older app or another system sends. */
async function unchecked(content: RecordContent): Promise<LockedRecord> {
  return { ...content, contentHash: await recordContentHash(content) };
}

function content(record: LockedRecord): RecordContent {
  const { contentHash: _h, ...rest } = structuredClone(record);
  void _h;
  return rest;
}

type Result = { status: string; code?: string; issues?: { path: unknown[]; code?: string }[] };

describe.each(DATABASES)('one rulebook on %s', (db) => {
  let server: TestServer;
  let officer: ApiClient;
  let supervisor: ApiClient;

  beforeAll(async () => {
    server = await startServer({ db, env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    officer = new ApiClient(server.url);
    await officer.login('officer1');
    supervisor = new ApiClient(server.url);
    await supervisor.login('supervisor1');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses what the phone refuses, naming the field, and keeps every refused version', async () => {
    const base = async () => content((await uploadedRecord(officer)).record);
    const long = await base();
    long.education = { ...long.education!, partyStatement: '我'.repeat(5000) };
    const badId = await base();
    const home = '六安市金安区佛子岭路18号';
    badId.party = { kind: 'person', name: '王某', idNumber: '340102199003071231', address: home };
    badId.partyKeys = [];
    badId.firstOffenceCheck = { ...badId.firstOffenceCheck, partyKeys: [] };
    const nul = await base();
    nul.facts = `当事人在人行道上\u0000摆摊`;
    const rlo = await base();
    rlo.party = { kind: 'person', name: '王\u202e某', address: home };
    rlo.partyKeys = [];
    const pushed = [long, badId, nul, rlo];
    const r = await officer.push(await Promise.all(pushed.map(unchecked)));
    expect(r.status).toBe(200);
    const results = r.body.results as Result[];
    expect(results.map((x) => [x.status, x.code])).toEqual(
      pushed.map(() => ['rejected', 'recordInvalid']),
    );
    expect(results.map((x) => x.issues?.map((i) => [i.path.join('.'), i.code]))).toEqual([
      [['education.partyStatement', 'tooLong']],
      [['party.idNumber', 'idCheckDigit']],
      [['facts', 'controlChars']],
      [['party.name', 'controlChars']],
    ]);

    // Nothing a phone sent is dropped: each refused version is kept as sent, once.
    const ids = pushed.map((p) => p.id);
    const kept = async () =>
      query(server, (run) =>
        run(
          `select record_id, status, user_id, attempts, payload from quarantine where record_id in (${ids.map((_, i) => `$${i + 1}`).join(',')})`,
          ids,
        ),
      );
    const rows = await kept();
    expect(rows).toHaveLength(4);
    for (const row of rows)
      expect(row).toMatchObject({ status: 'rejected', user_id: 'u-officer1' });
    const longRow = rows.find((x) => x.record_id === long.id);
    const sent = JSON.parse(String(longRow?.payload)) as LockedRecord;
    expect(sent.education?.partyStatement).toHaveLength(5000);
    // A replay is counted, not stored again.
    await officer.push([await unchecked(long)]);
    const again = await kept();
    expect(again).toHaveLength(4);
    expect(Number(again.find((x) => x.record_id === long.id)?.attempts)).toBe(2);
  });

  it('an amendment of a refused version chains through the quarantine; its documents stay verifiable', async () => {
    const versionId = `luan-q-${db}`;
    const catalog: Catalog = { ...starterCatalog, versionId };
    const { record: v1 } = await uploadedRecord(officer, { catalog });
    const first = (await officer.push([v1])).body.results[0] as Result;
    expect(first).toMatchObject({ status: 'rejected', code: 'catalogUnknown' });

    const decision = v1.documents.find((d) => d.docType === 'noPenaltyDecision');
    if (!decision) throw new Error('no decision');
    const printed = await printJob({ record: v1, doc: decision, catalog, baseUrl: server.url });
    // Printed on the street, refused by the server: the paper is still not "not found".
    const held = await fetch(`${server.url}/v/${decision.id}?h=${printed.short}`);
    expect(held.status).toBe(200);
    expect(await held.text()).toContain('执法局已收到');

    // The bureau publishes the list version the phone had; the officer resubmits an amendment.
    const admin = await consoleSession(server.url, 'admin');
    const published = await consoleForm(server.url, admin, '/console/admin/catalog?/publish', {
      catalog: JSON.stringify(catalog),
    });
    expect(published.status).toBe(200);
    // The officer also completes the education (printed on the decision), and everyone signs again.
    const amended = amendmentOf(v1, '按服务器拒收原因修改');
    amended.education = {
      ...amended.education!,
      content: `${amended.education!.content}另告知了投诉渠道。`,
    };
    const v2 = await lockRecord(await resigned(officer, amended, 'v2'));
    const second = (await officer.push([v2])).body.results[0] as Result;
    expect(second).toMatchObject({ status: 'accepted', version: 2 });

    const [entry] = await query(server, (run) =>
      run('select resolution, superseded_by_version from quarantine where record_id = $1', [v1.id]),
    );
    expect(entry).toMatchObject({ resolution: 'superseded' });
    expect(Number(entry?.superseded_by_version)).toBe(2);

    const old = await (await fetch(`${server.url}/v/${decision.id}?h=${printed.short}`)).text();
    expect(old).toContain('较早版本');
    expect(old).toContain('该版本未被受理');
    const current = await printJob({ record: v2, doc: decision, catalog, baseUrl: server.url });
    expect(
      await (await fetch(`${server.url}/v/${decision.id}?h=${current.short}`)).text(),
    ).toContain('核验通过');

    // Another officer's refused version is no link for someone else's chain.
    const other = new ApiClient(server.url);
    await other.login('officer2');
    const stolen = await lockRecord(amendmentOf(v2, '冒用'));
    expect(((await other.push([stolen])).body.results[0] as Result).status).toBe('rejected');
  });

  it('refuses an amendment that keeps old signatures under new facts, drops evidence or documents', async () => {
    const { record: v1 } = await uploadedRecord(officer);
    expect(((await officer.push([v1])).body.results[0] as Result).status).toBe('accepted');
    const facts = { ...amendmentOf(v1, '改事实'), facts: `${v1.facts}补充。` };
    const stale = (await officer.push([await lockRecord(facts)])).body.results[0] as Result;
    expect(stale.issues?.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['signatures.party', 'signaturesStale'],
      ['signatures.officers', 'signaturesStale'],
    ]);
    // The photo of the scene as found replaced by another file already on the server.
    const dropped = amendmentOf(v1, '删照片');
    const after = v1.evidence.find((e) => e.kind === 'after')!;
    const other = v1.signatures.officers[0].sha256;
    dropped.evidence = [after, { ...after, sha256: other, kind: 'scene' }];
    const removed = (await officer.push([await lockRecord(dropped)])).body.results[0] as Result;
    expect(removed.issues?.map((i) => i.code)).toEqual(['evidenceRemoved']);
    const noDocs = amendmentOf(v1, '删文书');
    noDocs.documents = noDocs.documents.slice(1);
    const lost = (await officer.push([await unchecked(noDocs)])).body.results[0] as Result;
    expect(lost.issues?.map((i) => i.code)).toContain('documentsDropped');
    // Signed again, the same change of facts is taken.
    const fresh = await lockRecord(await resigned(officer, facts, 'again'));
    expect(((await officer.push([fresh])).body.results[0] as Result).status).toBe('accepted');
  });

  it('approving a flagged version needs every item confirmed and a comment, which the audit log keeps', async () => {
    const { record: first } = await uploadedRecord(officer);
    await officer.push([first]);
    // Same party and item again, by a phone that did not see the first: the server flags it.
    const { record } = await uploadedRecord(officer, { party: first.party });
    const pushed = (await officer.push([record])).body.results[0] as unknown as {
      flags: { code: string }[];
    };
    expect(pushed.flags.map((f) => f.code)).toContain('priorMissed');
    const review = (body: object) =>
      supervisor.json<{ code: string }>('POST', `/api/records/${record.id}/reviews`, body);
    const bare = await review({ action: 'approve', checklist: ALL_CHECKED });
    expect(bare).toMatchObject({ status: 400, body: { code: 'reviewFlagsNeedComment' } });
    const unticked = await review({ action: 'approve', comment: '已核实' });
    expect(unticked).toMatchObject({ status: 400, body: { code: 'reviewChecklistIncomplete' } });
    const state = await query(server, (run) =>
      run('select review_state from records where id = $1', [record.id]),
    );
    expect(state[0]?.review_state).toBe('pending');
    const comment = '前案当事人系其配偶，已电话核实，属首次违法。';
    // The second officer has not yet confirmed taking part: no approval until they do.
    const waiting = await review({ action: 'approve', checklist: ALL_CHECKED, comment });
    expect(waiting).toMatchObject({ status: 400, body: { code: 'officerUnconfirmed' } });
    await confirmTakingPart(server.url, record.id);
    expect((await review({ action: 'approve', checklist: ALL_CHECKED, comment })).status).toBe(201);
    const [audit] = await query(server, (run) =>
      run(`select detail from audit_log where action = 'review.approve' and target = $1`, [
        record.id,
      ]),
    );
    expect(JSON.parse(String(audit?.detail))).toMatchObject({
      comment,
      flags: expect.arrayContaining(['priorMissed']) as unknown,
    });
  });

  it('the change feed holds only what phones can read; a row edited by hand is skipped, not fatal', async () => {
    const reader = new ApiClient(server.url);
    await reader.login('officer2');
    const start = (await reader.json<PullResponse>('GET', '/api/sync/pull?cursor=0&limit=1000'))
      .body;
    const [max] = await query(server, (run) => run(`select max(seq) as m from changes`));
    const seq = Number(max?.m ?? 0) + 1000;
    await execute(
      server,
      `insert into changes (seq, kind, user_id, district, broadcast, payload, created_at) values ($1, 'review', null, null, 1, '{"review":{"id":1}}', $2)`,
      [seq, new Date().toISOString()],
    );
    await execute(server, `update counters set value = $1 where name = 'changes'`, [seq]);
    // A real change after the bad one still reaches the phone.
    const { record } = await uploadedRecord(officer, {
      officers: [
        { userId: 'u-officer1', name: '张伟', certificateNo: '34151001' },
        { userId: 'u-officer2', name: '王喆', certificateNo: '34151002' },
      ],
    });
    await officer.push([record]);
    const after = await reader.json<PullResponse>(
      'GET',
      `/api/sync/pull?cursor=${start.cursor}&limit=1000`,
    );
    expect(after.status).toBe(200);
    expect(after.body.changes.some((c) => c.seq === seq)).toBe(false);
    expect(
      after.body.changes.some((c) => c.kind === 'ledger' && c.entry.recordId === record.id),
    ).toBe(true);
    expect(after.body.cursor).toBeGreaterThan(seq);
    expect(server.output()).toContain(`change ${seq} (review) does not match the contract`);
  });
});
