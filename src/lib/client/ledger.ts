import type { PriorRecord } from '$lib/domain/evaluate';
import { groupByRecord } from '$lib/domain/ledger';
import { partyKeyDigest } from '$lib/domain/party';
import type { LockedRecord } from '$lib/domain/record';
import { shanghaiDate } from '$lib/domain/time';
import type { LedgerEntry } from '$lib/sync/contract';
import type { LedgerRow, PatrolDb } from './db';
import { getSetting, setSetting } from './settings';

/**
 * The first-offence ledger on the phone. Rows hold digests of the parties' matching keys (the
 * server sends nothing else): a party typed on the phone is digested with the installation's
 * key and looked up; the priors found are written back with this party's own keys, which the
 * record holds anyway, so `evaluate` matches them as before.
 */

/** Digest → raw key, for the keys of the party being checked. */
export async function digestsOf(
  ledgerKey: string,
  keys: readonly string[],
): Promise<Map<string, string>> {
  // Side by side: each digest is a WebCrypto round trip.
  const digests = await Promise.all(keys.map((k) => partyKeyDigest(ledgerKey, k)));
  return new Map(digests.map((d, i) => [d, keys[i] as string]));
}

/** Priors in the phone's ledger for a party's keys. */
export async function localPriors(
  database: PatrolDb,
  keys: readonly string[],
  ledgerKey: string | null,
): Promise<PriorRecord[]> {
  if (keys.length === 0 || !ledgerKey) return [];
  return priorsByDigest(database, await digestsOf(ledgerKey, keys));
}

/** Priors in the phone's ledger for digests already made (`digestsOf`). */
export async function priorsByDigest(
  database: PatrolDb,
  digests: ReadonlyMap<string, string>,
): Promise<PriorRecord[]> {
  if (digests.size === 0) return [];
  // One index read per key (IndexedDB's getAll), in one transaction: Dexie's `anyOf` walks a
  // cursor across the keys instead, about twice as slow with a large ledger.
  const rows = (
    await database.transaction('r', database.ledger, () =>
      Promise.all(
        [...digests.keys()].map((k) => database.ledger.where('partyKey').equals(k).toArray()),
      ),
    )
  ).flat();
  const mine = rows.flatMap((r) => {
    const raw = digests.get(r.partyKey);
    return raw ? [{ ...r, partyKey: raw }] : [];
  });
  return groupByRecord(mine, (r) => ({
    recordId: r.recordId,
    itemCode: r.itemCode,
    date: r.date,
    ...(r.squadId ? { squadId: r.squadId } : {}),
    branch: r.branch,
    source: r.source,
  }));
}

/**
 * Entries from the server into the phone's ledger, each replacing the record's earlier rows (an
 * entry without keys withdraws them). Idempotent: a page pulled twice leaves the same rows.
 */
export async function putLedgerEntries(
  database: PatrolDb,
  entries: readonly LedgerEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await database.ledger
    .where('recordId')
    .anyOf(entries.map((e) => e.recordId))
    .delete();
  await database.ledger.bulkPut(
    entries.flatMap((e) =>
      e.partyKeys.map((partyKey) => ({
        recordId: e.recordId,
        partyKey,
        itemCode: e.itemCode,
        date: e.date,
        squadId: e.squadId ?? null,
        branch: e.branch ?? null,
        source: 'server' as const,
        ...(e.squadName ? { squadName: e.squadName } : {}),
        ...(e.partyHint ? { partyHint: e.partyHint } : {}),
      })),
    ),
  );
}

/** Who recorded each prior, as the phone's ledger names them (squad, masked name). */
export async function priorLabels(
  database: PatrolDb,
  recordIds: readonly string[],
): Promise<Map<string, { squadName?: string; partyHint?: string }>> {
  const rows = recordIds.length
    ? await database.ledger
        .where('recordId')
        .anyOf([...recordIds])
        .toArray()
    : [];
  const out = new Map<string, { squadName?: string; partyHint?: string }>();
  for (const r of rows)
    if (r.squadName || r.partyHint)
      out.set(r.recordId, {
        ...(r.squadName ? { squadName: r.squadName } : {}),
        ...(r.partyHint ? { partyHint: r.partyHint } : {}),
      });
  return out;
}

/** Entries from the server as priors of this party (only those sharing one of its keys). */
export function serverPriors(
  entries: readonly LedgerEntry[],
  digests: ReadonlyMap<string, string>,
): PriorRecord[] {
  return entries.flatMap((e) => {
    const raw = e.partyKeys.flatMap((d) => {
      const k = digests.get(d);
      return k ? [k] : [];
    });
    if (raw.length === 0) return [];
    // What a record keeps of a prior (the check is part of the locked record, and its schema is
    // strict): never the squad's name or the masked name, which are for the screen only.
    return [
      {
        recordId: e.recordId,
        itemCode: e.itemCode,
        date: e.date,
        ...(e.squadId !== undefined ? { squadId: e.squadId } : {}),
        ...(e.branch !== undefined ? { branch: e.branch } : {}),
        partyKeys: raw,
        source: 'server' as const,
      },
    ];
  });
}

/** The ledger rows of a record locked on this phone. */
export async function ownRows(record: LockedRecord, ledgerKey: string): Promise<LedgerRow[]> {
  const date = shanghaiDate(record.foundAt);
  const digests = await digestsOf(ledgerKey, record.partyKeys);
  return [...digests.keys()].map((partyKey) => ({
    recordId: record.id,
    partyKey,
    itemCode: record.itemCode,
    date,
    squadId: record.squadId,
    branch: record.evaluation.branch,
    source: 'local' as const,
  }));
}

/**
 * Rows of this phone's own records, made once the ledger key is known (a release before digests
 * kept raw keys; its rows were cleared by the database upgrade and the feed is pulled again).
 */
export async function rebuildOwnLedger(database: PatrolDb, ledgerKey: string): Promise<void> {
  if ((await getSetting(database, 'ledgerDigests')) === true) return;
  const records = await database.records.where('latest').equals(1).toArray();
  const rows: LedgerRow[] = [];
  for (const r of records) rows.push(...(await ownRows(r.record, ledgerKey)));
  await database.transaction('rw', [database.ledger, database.settings], async () => {
    await database.ledger.bulkPut(rows);
    await setSetting(database, 'ledgerDigests', true);
  });
}
