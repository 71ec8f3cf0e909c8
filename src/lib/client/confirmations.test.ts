import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { Confirmation } from '$lib/sync/contract';
import { applyConfirmation, decide, unsent } from './confirmations';
import { PatrolDb } from './db';
import { unlockedVault } from '../../../tests/support/phone-db';

const names: string[] = [];
function open(): PatrolDb {
  const name = `confirm-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return new PatrolDb(name, unlockedVault());
}
afterEach(async () => {
  for (const n of names.splice(0)) await Dexie.delete(n);
});

const asked: Confirmation = {
  recordId: '0193a8f0-0000-7000-8000-000000000001',
  part: 'inspection',
  userId: 'u-officer2',
  officerName: '王喆',
  state: 'requested',
  reason: '',
  decidedAt: null,
  foundAt: '2026-11-27T10:30:00+08:00',
  itemCode: 'SR-02',
  itemName: '出店经营',
  partyHint: '欧阳**',
  squadName: '金安区中队',
  sentBy: '张伟',
};
const key = [asked.recordId, asked.part, asked.userId] as [string, 'inspection', string];

describe("the phone's side of officers' confirmation", () => {
  it.each([
    ['a denial without a reason', 'deny', '  ', ['denialReasonRequired']],
    ['a confirmation', 'confirm', '', []],
    ['a denial with a reason', 'deny', '当天休假', []],
  ] as const)('%s: %j', async (_name, decision, reason, codes) => {
    const db = open();
    await applyConfirmation(db, asked);
    const issues = await decide(db, key, decision, reason);
    expect(issues.map((i) => i.code)).toEqual(codes);
    expect((await unsent(db)).length).toBe(codes.length === 0 ? 1 : 0);
  });

  it('a decision is final on the phone too, and a pulled change does not undo one not yet sent', async () => {
    const db = open();
    await applyConfirmation(db, asked);
    expect(await decide(db, key, 'confirm', '')).toEqual([]);
    const again = await decide(db, key, 'deny', '按错了');
    expect(again.map((i) => i.code)).toEqual(['confirmationDecided']);
    // The same request arrives again with a later pull: the decision waits to be sent still.
    await applyConfirmation(db, { ...asked, sentBy: '张伟' });
    expect((await db.confirmations.get(key))?.local?.decision).toBe('confirm');
    // The server's word that it was decided replaces the local one.
    await applyConfirmation(db, {
      ...asked,
      state: 'confirmed',
      decidedAt: '2026-11-27T03:00:00Z',
    });
    const row = await db.confirmations.get(key);
    expect([row?.state, row?.local]).toEqual(['confirmed', null]);
    expect(await unsent(db)).toEqual([]);
  });
});
