import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { lockedRecord } from '../../../tests/support/factories';
import { unlockedVault } from '../../../tests/support/phone-db';
import { partyKeyDigest } from '$lib/domain/party';
import { defineVersions, PatrolDb, SCHEMA_VERSIONS, type LocalRecord } from './db';
import { localPriors, putLedgerEntries, serverPriors } from './ledger';
import { priorRecordSchema } from '$lib/domain/checklist';

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
    // An item that allows a deadline of up to 3 days.
    itemCode: 'SR-04',
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
    expect(new PatrolDb(dbName(), unlockedVault()).verno).toBe(versions.at(-1));
  });

  it.each(SCHEMA_VERSIONS.slice(0, -1).map((v) => v.version))(
    'upgrades from version %i with data in it, losing nothing',
    async (from) => {
      const name = dbName();
      const old = new Dexie(name);
      defineVersions(old, from);
      await old.open();
      // As the release of that version wrote them (version 2 on keeps the due date on the row).
      const pending = await localRecord(from >= 2 ? { dueDate: '2026-11-29' } : {});
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
      // The ledger of row per key (versions 1 to 4).
      if (from < 5)
        await old.table('ledger').put({
          recordId: 'r0',
          partyKey: 'id:340102199003071232',
          itemCode: 'SR-01',
          date: '2026-05-01',
          squadId: 's',
          branch: null,
          source: 'server',
        });
      old.close();

      const upgraded = new PatrolDb(name, unlockedVault());
      await upgraded.open();
      expect(upgraded.verno).toBe(SCHEMA_VERSIONS.at(-1)?.version);
      expect(await upgraded.records.count()).toBe(2);
      expect(await upgraded.outbox.count()).toBe(1);
      // Version 3 dropped ledger rows with raw keys, version 5 the unpacked rows of digests: the
      // ledger starts empty and the feed is pulled again from the start, own records entered
      // again (`ledgerDigests` unset). From version 5 on the cursor stays.
      expect(await upgraded.ledgerBuckets.count()).toBe(0);
      expect(upgraded.tables.map((t) => t.name)).not.toContain('ledger');
      expect((await upgraded.settings.get('pullCursor'))?.value).toBe(from < 5 ? undefined : 42);
      // Version 4 adds the officers' confirmations and version 6 the platform's tasks, empty
      // until the next pull.
      expect(await upgraded.confirmations.count()).toBe(0);
      expect(await upgraded.tasks.count()).toBe(0);
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

  it('finds prior records by the digest of any party key, and names them by the keys asked', async () => {
    const key = 'cd'.repeat(32);
    const d = (k: string) => partyKeyDigest(key, k);
    const db = new PatrolDb(dbName(), unlockedVault());
    const entry0 = { itemCode: 'SR-01', squadId: 's', branch: 'firstOffence', district: 'd' };
    await putLedgerEntries(db, [
      {
        ...entry0,
        recordId: 'r1',
        partyKeys: [await d('id:1'), await d('shop:x')],
        date: '2026-05-01',
      },
      { ...entry0, recordId: 'r2', partyKeys: [await d('id:2')], date: '2026-06-01' },
    ]);
    const priors = await localPriors(db, ['shop:x', 'id:1'], key);
    expect(priors).toHaveLength(1);
    expect(priors[0]?.recordId).toBe('r1');
    expect(priors[0]?.partyKeys.sort()).toEqual(['id:1', 'shop:x']);
    expect(await localPriors(db, [], key)).toEqual([]);
    expect(await localPriors(db, ['id:1'], null)).toEqual([]);
    // Entries from the server: only those sharing a key, named by this party's own keys.
    const digests = new Map([[await d('id:1'), 'id:1']]);
    const entry = { recordId: 'r9', itemCode: 'SR-01', date: '2026-05-02', district: '金安区' };
    expect(
      serverPriors(
        [
          { ...entry, partyKeys: [await d('id:1'), await d('person:x|1')] },
          { ...entry, recordId: 'r8', partyKeys: [await d('id:7')] },
        ],
        digests,
      ),
    ).toEqual([
      {
        recordId: 'r9',
        itemCode: 'SR-01',
        date: '2026-05-02',
        partyKeys: ['id:1'],
        source: 'server',
      },
    ]);
    // An entry as the city-wide feed sends it: what the phone keeps is a valid prior of a record.
    const [fromFeed] = serverPriors(
      [
        {
          ...entry,
          squadId: 'sq-yuan',
          branch: 'firstOffence',
          squadName: '裕安区中队',
          partyHint: '陈**',
          partyKeys: [await d('id:1')],
        },
      ],
      digests,
    );
    expect(priorRecordSchema.parse(fromFeed)).toEqual(fromFeed);
    expect(JSON.stringify(fromFeed)).not.toMatch(/裕安区中队|陈\*\*/);
    db.close();
  });
});
