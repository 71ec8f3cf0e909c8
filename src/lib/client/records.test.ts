import { describe, expect, it } from 'vitest';
import { phoneDb } from '../../../tests/support/phone-db';
import { DEFAULT_TEMPLATE } from '$lib/domain/numbering';
import { verifyRecordHash } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { Me } from '$lib/sync/contract';
import {
  completeDraft as draftForTests,
  finishHeld,
  holdFiles,
  signaturesOf,
} from '../../../tests/support/drafts';
import { officerMe, fakeHash, phoneTask } from '../../../tests/support/factories';
import type { Draft } from './db';
import { digestsOf, ledgerMatches } from './ledger';
import { draftFiles, draftForTask, draftFrom, finishDraft } from './records';
import { setSetting } from './settings';

const me: Me = officerMe({ ledgerKey: 'ab'.repeat(32) });
const NOW = new Date('2026-11-27T02:00:00Z');

const completeDraft = (): Draft => draftForTests(NOW, me.id);

async function freshDb() {
  const db = phoneDb('t');
  await setSetting(db, 'deviceId', '0190a0b0-0000-7000-8000-0000000000aa');
  return db;
}
const block = (docType: string, first: number, last: number) => ({
  id: `b-${docType}`,
  docType: docType as never,
  year: 2026,
  first,
  last,
  next: first,
  format: { template: DEFAULT_TEMPLATE, prefix: '六城管', word: '测', width: 4 },
  deviceId: '0190a0b0-0000-7000-8000-0000000000aa',
});

/** A block of serials first..last for each document a complete first-offence case needs. */
async function withBlocks(db: Awaited<ReturnType<typeof freshDb>>, first: number, last: number) {
  for (const t of [
    'inspectionRecord',
    'orderToCorrect',
    'commitmentLetter',
    'noPenaltyDecision',
    'proofOfService',
  ]) {
    await db.numberBlocks.put(block(t, first, last));
  }
}

/** A fresh phone with version 1 of the complete draft locked, and a draft amending it. */
async function lockedThenAmend() {
  const db = await freshDb();
  const draft = completeDraft();
  await db.drafts.put(draft);
  const v1 = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
  if (!v1.ok) throw new Error('v1');
  return { db, draft, v1: v1.record, amend: draftFrom(v1.record, 'amend', NOW) };
}

describe('finishing a draft', () => {
  it('refuses a record naming a file the phone does not hold, and changes nothing', async () => {
    const db = await freshDb();
    await withBlocks(db, 11, 12);
    const draft = completeDraft();
    await db.drafts.put(draft);
    await holdFiles(db, draft);
    // A photo whose write failed while the officer finished: the draft names it, the phone lacks it.
    const [lost] = draftFiles(draft);
    await db.evidence.delete(lost as string);
    const result = await finishDraft(db, draft, { catalog: starterCatalog, me, now: NOW });
    expect(!result.ok && result.issues.map((i) => [i.path, i.code])).toEqual([
      [['evidence'], 'fileNotOnPhone'],
    ]);
    expect(await db.records.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.drafts.get(draft.id)).toBeDefined();
    expect((await db.numberBlocks.toArray()).map((b) => b.next)).toEqual(Array(5).fill(11));
    // Held again (taken anew), it finishes.
    await holdFiles(db, draft);
    expect((await finishDraft(db, draft, { catalog: starterCatalog, me, now: NOW })).ok).toBe(true);
  });

  it("an amendment needs the files it adds on the phone, not the earlier version's", async () => {
    const { db, v1, amend } = await lockedThenAmend();
    // The earlier version's files may be gone from the phone (the server has them from it).
    await db.evidence.clear();
    amend.evidence.push({ ...v1.evidence[0]!, sha256: fakeHash('added'), kind: 'scene' });
    const refused = await finishDraft(db, amend, { catalog: starterCatalog, me, now: NOW });
    expect(!refused.ok && refused.issues.map((i) => i.code)).toEqual(['fileNotOnPhone']);
    await db.evidence.put({
      sha256: fakeHash('added'),
      bytes: new Uint8Array([1]).buffer,
      mime: 'image/jpeg',
      size: 1,
      createdAt: NOW.toISOString(),
      uploaded: 0,
    });
    const v2 = await finishDraft(db, amend, { catalog: starterCatalog, me, now: NOW });
    expect(v2.ok).toBe(true);
  });

  it('takes numbers from the device blocks, locks the record and writes its outbox row together', async () => {
    const db = await freshDb();
    await withBlocks(db, 11, 12);
    const draft = completeDraft();
    await db.drafts.put(draft);
    const result = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) throw new Error(result.issues.map((i) => i.message).join());
    expect(await verifyRecordHash(result.record)).toBe(true);
    expect(result.record.documents.map((d) => d.number)).toEqual(
      Array(5).fill('六城管测〔2026〕第0011号'),
    );
    expect(result.provisional).toEqual([]);
    expect((await db.numberBlocks.get('b-noPenaltyDecision'))?.next).toBe(12);
    expect(await db.outbox.count()).toBe(1);
    expect(await db.drafts.count()).toBe(0);
    // The record enters the phone's ledger under each of its keys, in the same transaction.
    const { matches } = await ledgerMatches(
      db,
      (await digestsOf(me.ledgerKey ?? '', result.record.partyKeys)).keys(),
    );
    expect(matches.map((m) => m.recordId)).toEqual(
      Array(result.record.partyKeys.length).fill(draft.id),
    );
    expect(result.lowOn).toContain('noPenaltyDecision');
  });

  it('uses provisional numbers when no block is left, and says so', async () => {
    const db = await freshDb();
    const draft = completeDraft();
    await db.drafts.put(draft);
    const result = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
    expect(result.ok && result.provisional.length).toBe(5);
    if (result.ok) {
      for (const d of result.record.documents)
        expect(d).toMatchObject({
          provisional: true,
          number: expect.stringMatching(/^临时-/) as unknown,
        });
      expect(new Set(result.record.documents.map((d) => d.number)).size).toBe(5);
    }
  });

  it('refuses an incomplete draft and changes nothing', async () => {
    const db = await freshDb();
    const draft = completeDraft();
    draft.signatures.officers = [null, null];
    draft.education = {};
    await db.drafts.put(draft);
    const result = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.message).join()).toContain('签名');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.records.count()).toBe(0);
    expect(await db.drafts.count()).toBe(1);
  });

  it('an amendment is a new version and supersedes the earlier one locally', async () => {
    const { db, v1, amend, draft } = await lockedThenAmend();
    // A photo more changes nothing the signatures attest: they carry over.
    amend.evidence.push({ ...v1.evidence[0]!, sha256: fakeHash('scene'), kind: 'scene' });
    await db.drafts.put(amend);
    const v2 = await finishHeld(db, amend, { catalog: starterCatalog, me, now: NOW });
    expect(v2.ok && v2.record.version).toBe(2);
    if (!v2.ok) throw new Error(v2.issues.map((i) => i.message).join());
    expect(v2.record.previousVersionHash).toBe(v1.contentHash);
    expect(v2.record.signatures).toEqual(v1.signatures);
    expect(v2.record.documents.map((d) => d.number)).toEqual(v1.documents.map((d) => d.number));
    expect((await db.records.get([draft.id, 1]))?.latest).toBe(0);
    expect(await db.outbox.count()).toBe(1);
    expect((await db.outbox.toArray())[0]?.version).toBe(2);
  });

  it('a record made from a platform task names it, and every later version keeps it', async () => {
    const task = phoneTask({ suspectedItemCode: 'SR-99', officerIds: [me.id, 'u-officer2'] });
    const fromTask = draftForTask(starterCatalog, task, NOW);
    // Where and how it came are filled in; an item the catalog lacks is left to the officer.
    expect(fromTask).toMatchObject({
      taskId: task.id,
      source: 'hotline12319',
      itemCode: null,
      place: { address: task.address },
    });
    expect(
      draftForTask(starterCatalog, { ...task, suspectedItemCode: 'SR-02' }, NOW).itemCode,
    ).toBe('SR-02');
    const db = await freshDb();
    await withBlocks(db, 1, 50);
    const draft = { ...completeDraft(), taskId: task.id };
    const v1 = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
    if (!v1.ok) throw new Error(v1.issues.map((i) => i.message).join());
    expect(v1.record.taskId).toBe(task.id);
    expect(await verifyRecordHash(v1.record)).toBe(true);
    const amend = draftFrom(v1.record, 'amend', NOW);
    amend.evidence.push({ ...v1.record.evidence[0]!, sha256: fakeHash('more'), kind: 'scene' });
    const v2 = await finishHeld(db, amend, { catalog: starterCatalog, me, now: NOW });
    expect(v2.ok && v2.record.taskId).toBe(task.id);
  });

  it('an amendment that changes the facts needs every signature again', async () => {
    const { db, amend } = await lockedThenAmend();
    amend.facts = '流动摊点占道经营，补充说明。';
    await db.drafts.put(amend);
    const refused = await finishHeld(db, amend, { catalog: starterCatalog, me, now: NOW });
    expect(refused.ok).toBe(false);
    if (refused.ok) throw new Error('the amendment was locked');
    expect(refused.issues.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['signatures.party', 'signaturesStale'],
      ['signatures.officers', 'signaturesStale'],
    ]);
    expect(await db.records.count()).toBe(1);

    const signedNow = '2026-11-28T09:00:00+08:00';
    amend.signatures = signaturesOf('李堃', signedNow, fakeHash, ['p2', 'o1b', 'o2b']);
    const v2 = await finishHeld(db, amend, { catalog: starterCatalog, me, now: NOW });
    expect(v2.ok && v2.record.signatures.party).toEqual(amend.signatures.party);
  });

  it('original evidence of a locked version cannot be removed by an amendment', async () => {
    const { db, v1, amend } = await lockedThenAmend();
    amend.evidence = amend.evidence.filter((e) => e.kind !== 'after');
    amend.evidence.push({ ...v1.evidence[1]!, sha256: fakeHash('after2') });
    const v2 = await finishHeld(db, amend, { catalog: starterCatalog, me, now: NOW });
    expect(!v2.ok && v2.issues.map((i) => i.code)).toEqual(['evidenceRemoved']);
  });

  it.each(['numberBlocks', 'records', 'outbox', 'ledgerBuckets', 'drafts'] as const)(
    'a failing write to %s leaves the phone as it was (numbers, record, outbox, ledger, draft)',
    async (failing) => {
      const db = await freshDb();
      await withBlocks(db, 11, 12);
      const draft = completeDraft();
      await db.drafts.put(draft);
      const fail = () => {
        throw new Error(`disk full (${failing})`);
      };
      const table = db.table(failing);
      table.hook('creating', fail);
      table.hook('updating', fail);
      table.hook('deleting', fail);
      await expect(
        finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW }),
      ).rejects.toThrow('disk full');
      table.hook('creating').unsubscribe(fail);
      table.hook('updating').unsubscribe(fail);
      table.hook('deleting').unsubscribe(fail);
      expect(await db.records.count()).toBe(0);
      expect(await db.outbox.count()).toBe(0);
      expect(await db.ledgerBuckets.count()).toBe(0);
      expect(await db.drafts.count()).toBe(1);
      expect((await db.numberBlocks.get('b-noPenaltyDecision'))?.next).toBe(11);
      // Nothing was taken: the same draft then finishes with the first number of the block.
      const again = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
      expect(again.ok && again.record.documents.map((d) => d.number)).toEqual(
        Array(5).fill('六城管测〔2026〕第0011号'),
      );
    },
  );

  it('two records finished at once (two tabs) never get the same number', async () => {
    const db = await freshDb();
    await withBlocks(db, 11, 20);
    const drafts = [completeDraft(), completeDraft(), completeDraft()];
    for (const d of drafts) await db.drafts.put(d);
    // Each finish plans its numbers from a read and hashes before writing: all three plan 0011.
    const results = await Promise.all(
      drafts.map((d) => finishHeld(db, d, { catalog: starterCatalog, me, now: NOW })),
    );
    const numbers = results.map((r) => {
      if (!r.ok) throw new Error(r.issues.map((i) => i.message).join());
      return r.record.documents.find((d) => d.docType === 'noPenaltyDecision')?.number;
    });
    expect(new Set(numbers).size).toBe(3);
    expect(numbers.sort()).toEqual([
      '六城管测〔2026〕第0011号',
      '六城管测〔2026〕第0012号',
      '六城管测〔2026〕第0013号',
    ]);
    expect((await db.numberBlocks.get('b-noPenaltyDecision'))?.next).toBe(14);
    expect(await db.outbox.count()).toBe(3);
  });

  it('numbers an earlier release took and remembered in the draft are used again', async () => {
    const db = await freshDb();
    await db.numberBlocks.put(block('noPenaltyDecision', 11, 20));
    const draft = completeDraft();
    const taken = {
      id: '0190a0b0-0000-7000-8000-0000000000ff',
      docType: 'noPenaltyDecision' as const,
      number: '六城管测〔2026〕第0009号',
      provisional: false,
      templateVersion: '2',
    };
    await db.drafts.put({ ...draft, issuedDocuments: [taken] });
    const r = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
    if (!r.ok) throw new Error(r.issues.map((i) => i.message).join());
    expect(r.record.documents.find((d) => d.docType === 'noPenaltyDecision')).toEqual(taken);
    expect((await db.numberBlocks.get('b-noPenaltyDecision'))?.next).toBe(11);
  });

  it('a text over its limit is refused before locking, naming the field', async () => {
    const db = await freshDb();
    const draft = completeDraft();
    draft.education.partyStatement = '我'.repeat(5000);
    await db.drafts.put(draft);
    const r = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
    expect(r.ok).toBe(false);
    if (r.ok) throw new Error('the record was locked');
    expect(r.issues).toEqual([
      expect.objectContaining({
        path: ['education', 'partyStatement'],
        code: 'tooLong',
        params: { max: 2000, length: 5000 },
        message: '当事人陈述：超过 2000 字的上限（现为 5000 字）',
      }),
    ]);
    expect(await db.records.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    // Refused before any document number was taken.
    expect((await db.drafts.get(draft.id))?.issuedDocuments).toBeUndefined();
  });
});

describe('re-inspection', () => {
  it('records the result as a new version, closes the follow-up and issues the re-inspection record', async () => {
    const db = await freshDb();
    const draft = completeDraft();
    // SR-03 (goods on a road) allows a deadline of up to 2 days.
    draft.itemCode = 'SR-03';
    draft.answers.conditions = { slightHarm: true, cooperates: true, area: 3, duration: 1 };
    draft.answers.correction = { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-29' };
    draft.evidence = draft.evidence.filter((e) => e.kind === 'before');
    await db.drafts.put(draft);
    const v1 = await finishHeld(db, draft, { catalog: starterCatalog, me, now: NOW });
    if (!v1.ok) throw new Error(v1.issues.map((i) => i.message).join());
    expect(v1.record.evaluation.branch).toBe('pendingCorrection');
    expect(v1.record.followUp).toBe('pending');
    expect((await db.records.get([draft.id, 1]))?.dueDate).toBe('2026-11-29');

    const later = new Date('2026-11-28T03:00:00Z');
    const re = draftFrom(v1.record, 'reinspect', later);
    re.answers.correction = {
      mode: 'deadline',
      setOn: '2026-11-27',
      deadline: '2026-11-29',
      reinspection: { result: 'corrected', on: '2026-11-28' },
    };
    re.evidence.push({
      sha256: fakeHash('after2'),
      kind: 'after',
      mime: 'image/jpeg',
      bytes: 10,
      takenAt: '2026-11-28T11:00:00+08:00',
      capturedBy: me.id,
    });
    re.secondOfficerForReinspection = {
      userId: 'u-officer2',
      name: '王喆',
      certificateNo: '34151002',
    };
    re.reinspection = {
      result: 'corrected',
      note: '已撤除',
      signatures: [
        { sha256: fakeHash('r1'), signerName: '张伟', signedAt: '2026-11-28T11:00:00+08:00' },
        { sha256: fakeHash('r2'), signerName: '王喆', signedAt: '2026-11-28T11:00:00+08:00' },
      ],
    };
    await db.drafts.put(re);
    const v2 = await finishHeld(db, re, { catalog: starterCatalog, me, now: later });
    if (!v2.ok) throw new Error(v2.issues.map((i) => i.message).join());
    expect(v2.record).toMatchObject({
      version: 2,
      followUp: 'corrected',
      evaluation: { branch: 'firstOffence' },
    });
    expect(v2.record.reinspection?.result).toBe('corrected');
    expect(v2.record.documents.map((d) => d.docType)).toEqual(
      expect.arrayContaining(['reinspectionRecord', 'noPenaltyDecision']),
    );
  });
});
