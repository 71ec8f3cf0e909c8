import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { lockedRecord } from '../../../tests/support/factories';
import { defineVersions, localPriors, PatrolDb, SCHEMA_VERSIONS, type LocalRecord } from './db';

const names: string[] = [];
function dbName() {
  const name = `test-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}
afterEach(async () => {
  for (const n of names.splice(0)) await Dexie.delete(n);
});

async function localRecord(overrides: Partial<LocalRecord> = {}): Promise<LocalRecord> {
  const record = await lockedRecord({
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-29' },
      commitmentSigned: true,
    },
  });
  return {
    id: record.id,
    version: record.version,
    record,
    latest: 1,
    state: 'completed',
    syncStatus: 'waiting',
    syncMessage: null,
    flags: [],
    reviews: [],
    foundDate: '2026-11-27',
    followUp: record.followUp,
    assignedNumbers: [],
    ...overrides,
  };
}

describe('phone database schema', () => {
  it('lists versions in order, each added after the last', () => {
    const versions = SCHEMA_VERSIONS.map((v) => v.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new PatrolDb(dbName()).verno).toBe(versions.at(-1));
  });

  it.each(SCHEMA_VERSIONS.slice(0, -1).map((v) => v.version))(
    'upgrades from version %i with data in it, losing nothing',
    async (from) => {
      const name = dbName();
      const old = new Dexie(name);
      defineVersions(old, from);
      await old.open();
      const pending = await localRecord();
      const done = await localRecord({ followUp: 'none', syncStatus: 'synced', state: 'approved' });
      done.record = { ...done.record, followUp: 'none' };
      await old.table('records').bulkPut([pending, done]);
      await old.table('outbox').add({
        recordId: pending.id,
        version: 1,
        createdAt: 'x',
        attempts: 0,
        status: 'pending',
        lastError: null,
      });
      await old.table('evidence').put({
        sha256: 'a'.repeat(64),
        bytes: new Uint8Array([1, 2, 3]).buffer,
        mime: 'image/jpeg',
        size: 3,
        createdAt: 'x',
        uploaded: 0,
      });
      await old.table('settings').put({ key: 'pullCursor', value: 42 });
      old.close();

      const upgraded = new PatrolDb(name);
      await upgraded.open();
      expect(upgraded.verno).toBe(SCHEMA_VERSIONS.at(-1)?.version);
      expect(await upgraded.records.count()).toBe(2);
      expect(await upgraded.outbox.count()).toBe(1);
      expect((await upgraded.settings.get('pullCursor'))?.value).toBe(42);
      const evidence = await upgraded.evidence.get('a'.repeat(64));
      expect(new Uint8Array(evidence?.bytes ?? new ArrayBuffer(0))).toEqual(
        new Uint8Array([1, 2, 3]),
      );
      // Version 2 indexes the re-inspection due date of pending records.
      expect(await upgraded.records.where('dueDate').equals('2026-11-29').count()).toBe(1);
      const after = await upgraded.records.get([pending.id, 1]);
      expect(after?.record.contentHash).toBe(pending.record.contentHash);
      upgraded.close();
    },
  );

  it('finds prior records by any party key', async () => {
    const db = new PatrolDb(dbName());
    await db.ledger.bulkPut([
      {
        recordId: 'r1',
        partyKey: 'id:1',
        itemCode: 'SR-01',
        date: '2026-05-01',
        squadId: 's',
        branch: 'firstOffence',
        source: 'server',
      },
      {
        recordId: 'r1',
        partyKey: 'shop:x',
        itemCode: 'SR-01',
        date: '2026-05-01',
        squadId: 's',
        branch: 'firstOffence',
        source: 'server',
      },
      {
        recordId: 'r2',
        partyKey: 'id:2',
        itemCode: 'SR-01',
        date: '2026-06-01',
        squadId: 's',
        branch: null,
        source: 'local',
      },
    ]);
    const priors = await localPriors(db, ['shop:x', 'id:1']);
    expect(priors).toHaveLength(1);
    expect(priors[0]?.partyKeys.sort()).toEqual(['id:1', 'shop:x']);
    expect(await localPriors(db, [])).toEqual([]);
    db.close();
  });
});
