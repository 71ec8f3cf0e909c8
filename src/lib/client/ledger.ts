import type { PriorRecord } from '$lib/domain/evaluate';
import { groupByRecord } from '$lib/domain/ledger';
import { partyKeyDigest } from '$lib/domain/party';
import type { LockedRecord } from '$lib/domain/record';
import { shanghaiDate } from '$lib/domain/time';
import type { LedgerEntry } from '$lib/sync/contract';
import type { Table } from 'dexie';
import type { PatrolDb } from './db';
import { writeTogether } from './write-together';
import {
  bucketOf,
  emptyDict,
  filterBucket,
  findInBucket,
  HeldLedger,
  type LedgerDict,
  type PackedEntry,
} from './ledger-pack';
import { getSetting, setSetting } from './settings';

/**
 * The first-offence ledger on the phone, packed by digest (`ledger-pack.ts`). Entries hold digests
 * of the parties' matching keys (the server sends nothing else): a party typed on the phone is
 * digested with the bureau's key and looked up; the priors found are written back with this
 * party's own keys, which the record holds anyway, so `evaluate` matches them as before.
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

/**
 * The entries of the phone's ledger for these digests: one bucket read each and the dictionary,
 * in one read-only IndexedDB transaction. The officer waits on this at every check, so it reads
 * IndexedDB directly: Dexie's transaction and middleware tripled a read that needs neither (the
 * ledger and its dictionary are never sealed, and nothing else watches them).
 */
export async function ledgerMatches(
  database: PatrolDb,
  digests: Iterable<string>,
): Promise<{ matches: PackedEntry[]; dict: LedgerDict }> {
  const list = [...new Set(digests)];
  if (list.length === 0) return { matches: [], dict: emptyDict() };
  if (!database.isOpen()) await database.open();
  const tx = database.backendDB().transaction(['ledgerBuckets', 'settings'], 'readonly');
  const buckets = tx.objectStore('ledgerBuckets');
  const [dictRow, ...found] = await Promise.all([
    request<{ value: LedgerDict } | undefined>(tx.objectStore('settings').get('ledgerDict')),
    ...list.map((d) => request<Uint8Array | undefined>(buckets.get(bucketOf(d)))),
  ]);
  const dict = dictRow?.value ?? emptyDict();
  return { matches: list.flatMap((d, i) => findInBucket(found[i], d, dict)), dict };
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB read failed'));
  });
}

/** Priors in the phone's ledger for digests already made (`digestsOf`). */
export async function priorsByDigest(
  database: PatrolDb,
  digests: ReadonlyMap<string, string>,
): Promise<PriorRecord[]> {
  const { matches } = await ledgerMatches(database, digests.keys());
  const mine = matches.flatMap((r) => {
    const raw = digests.get(r.digest);
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
 * A change to the ledger: the record's tuples leave the buckets of `scrub` (digests it had or
 * has) and `add` enters.
 */
export type LedgerWrite = {
  recordId: string;
  scrub: readonly string[];
  add: readonly PackedEntry[];
};

/**
 * Writes to the packed ledger in one transaction (joining the caller's when it holds both
 * tables): each bucket touched is read once, rewritten, and put back (or deleted when empty).
 */
export async function writeLedger(
  database: PatrolDb,
  writes: readonly LedgerWrite[],
  names: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  if (writes.length === 0) return;
  await writeHeld(database, heldOf(writes, names));
}

/** Writes held together (see `HeldLedger`), in memory until `writeHeld`. */
export function heldOf(
  writes: readonly LedgerWrite[],
  names: ReadonlyMap<string, string> = new Map(),
  held = new HeldLedger(),
): HeldLedger {
  for (const w of writes) held.hold(w.recordId, w.add, w.scrub);
  for (const [id, name] of names) held.names.set(id, name);
  return held;
}

/** Buckets written per transaction: about 1 MB at the city-wide ledger's three entries a bucket. */
export const BUCKETS_PER_WRITE = 4096;

/**
 * Held writes into the ledger, `BUCKETS_PER_WRITE` buckets a transaction (small transactions:
 * a large one costs the browser's storage engine more on disk). The last transaction also runs
 * `last` over `tables` (a pull's other changes and its cursor), so the work is done when that
 * commits; cut off before it, every bucket written holds writes that can be applied again.
 */
export async function writeHeld(
  database: PatrolDb,
  held: HeldLedger,
  final: { tables: Table[]; last: () => Promise<void> } | null = null,
  perWrite = BUCKETS_PER_WRITE,
): Promise<void> {
  const buckets = held.buckets();
  const rounds = Math.max(1, Math.ceil(buckets.length / perWrite));
  for (let r = 0; r < rounds; r++) {
    const keys = buckets.slice(r * perWrite, (r + 1) * perWrite);
    const lastRound = r === rounds - 1;
    const tables = [database.ledgerBuckets, database.settings];
    await database.transaction('rw', lastRound && final ? final.tables : tables, async () => {
      // Dictionary and buckets read together, then written together: a finished record's
      // ledger entry waits for the browser's storage twice, not four times.
      const [stored, before] = await Promise.all([
        getSetting(database, 'ledgerDict'),
        database.ledgerBuckets.bulkGet([...keys]),
      ]);
      const dict = stored ?? emptyDict();
      const size = dict.strings.length;
      let renamed = false;
      for (const [id, name] of held.names)
        if (dict.names[id] !== name) {
          dict.names[id] = name;
          renamed = true;
        }
      const numbering = held.numberingIn(dict);
      await writeTogether([
        rewriteBuckets(database, keys, (key, old) => held.rewrite(key, old, numbering), before),
        dict.strings.length !== size || renamed ? setSetting(database, 'ledgerDict', dict) : null,
      ]);
      if (lastRound && final) await final.last();
    });
  }
}

/**
 * Entries from the server into the phone's ledger, each replacing the record's earlier tuples
 * under its keys and the keys it withdraws (an entry without keys withdraws them all).
 * Idempotent: a page pulled twice leaves the same buckets.
 */
export async function putLedgerEntries(
  database: PatrolDb,
  entries: readonly LedgerEntry[],
): Promise<void> {
  if (entries.length) await writeHeld(database, holdEntries(entries));
}

/** Entries from the server held to be written together (`writeHeld`). */
export function holdEntries(entries: readonly LedgerEntry[], held = new HeldLedger()): HeldLedger {
  const names = new Map<string, string>();
  for (const e of entries) if (e.squadId && e.squadName) names.set(e.squadId, e.squadName);
  return heldOf(
    entries.map((e) => ({
      recordId: e.recordId,
      scrub: e.withdrawn ?? [],
      add: e.partyKeys.map((digest) => ({
        digest,
        recordId: e.recordId,
        itemCode: e.itemCode,
        date: e.date,
        squadId: e.squadId ?? null,
        branch: e.branch ?? null,
        source: 'server' as const,
        ...(e.partyHint ? { partyHint: e.partyHint } : {}),
      })),
    })),
    names,
    held,
  );
}

/**
 * Who recorded each prior of a party (squad, masked name), as the phone's ledger names them:
 * the party's keys are digested and looked up again.
 */
export async function priorLabels(
  database: PatrolDb,
  ledgerKey: string | null,
  keys: readonly string[],
): Promise<Map<string, { squadName?: string; partyHint?: string }>> {
  const out = new Map<string, { squadName?: string; partyHint?: string }>();
  if (!ledgerKey || keys.length === 0) return out;
  const { matches, dict } = await ledgerMatches(
    database,
    (await digestsOf(ledgerKey, keys)).keys(),
  );
  for (const r of matches) {
    const squadName = r.squadId ? dict.names[r.squadId] : undefined;
    if (squadName || r.partyHint)
      out.set(r.recordId, {
        ...(squadName ? { squadName } : {}),
        ...(r.partyHint ? { partyHint: r.partyHint } : {}),
      });
  }
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

/**
 * The ledger's entries for a record locked on this phone, made before the transaction that
 * writes them (IndexedDB commits a transaction that waits on WebCrypto): its keys' digests, and
 * those of keys its earlier versions named, whose tuples it replaces.
 */
export async function ownEntries(
  record: LockedRecord,
  ledgerKey: string,
  earlierKeys: readonly string[] = [],
): Promise<LedgerWrite> {
  const date = shanghaiDate(record.foundAt);
  const digests = await digestsOf(ledgerKey, record.partyKeys);
  const earlier = await digestsOf(ledgerKey, earlierKeys);
  return {
    recordId: record.id,
    scrub: [...earlier.keys()],
    add: [...digests.keys()].map((digest) => ({
      digest,
      recordId: record.id,
      itemCode: record.itemCode,
      date,
      squadId: record.squadId,
      branch: record.evaluation.branch,
      source: 'local' as const,
    })),
  };
}

/**
 * Entries of this phone's own records, made once the ledger key is known (the ledger was emptied
 * by a database upgrade or a new key, and the feed is pulled again).
 */
export async function rebuildOwnLedger(database: PatrolDb, ledgerKey: string): Promise<void> {
  if ((await getSetting(database, 'ledgerDigests')) === true) return;
  const records = await database.records.where('latest').equals(1).toArray();
  const writes: LedgerWrite[] = [];
  for (const r of records) writes.push(await ownEntries(r.record, ledgerKey));
  await database.transaction('rw', [database.ledgerBuckets, database.settings], async () => {
    await writeLedger(database, writes);
    await setSetting(database, 'ledgerDigests', true);
  });
}

/** Drops server entries dated before `since` (a walk of every bucket, in one transaction). */
export async function pruneLedger(database: PatrolDb, since: string): Promise<void> {
  await database.transaction('rw', [database.ledgerBuckets, database.settings], async () => {
    const keys = await database.ledgerBuckets.toCollection().primaryKeys();
    for (let i = 0; i < keys.length; i += 4096)
      await rewriteBuckets(database, keys.slice(i, i + 4096), (_, old) =>
        old ? filterBucket(old, (date, source) => source === 'local' || date >= since) : old,
      );
  });
}

/**
 * Buckets read once (or as `read` already read them), changed by `change`, and written back where
 * they changed (deleted when empty), inside the caller's transaction.
 */
async function rewriteBuckets(
  database: PatrolDb,
  keys: readonly number[],
  change: (key: number, old: Uint8Array | undefined) => Uint8Array | undefined,
  read?: (Uint8Array | undefined)[],
): Promise<void> {
  const before = read ?? (await database.ledgerBuckets.bulkGet([...keys]));
  const put: { key: number; value: Uint8Array }[] = [];
  const gone: number[] = [];
  keys.forEach((key, i) => {
    const old = before[i];
    const next = change(key, old);
    // Unchanged, or nothing before and nothing now: nothing to write.
    if (next === old || next === undefined || (!old && next.length === 0)) return;
    if (next.length === 0) gone.push(key);
    else put.push({ key, value: next });
  });
  await writeTogether([
    put.length
      ? database.ledgerBuckets.bulkPut(
          put.map((p) => p.value),
          put.map((p) => p.key),
        )
      : null,
    gone.length ? database.ledgerBuckets.bulkDelete(gone) : null,
  ]);
}
