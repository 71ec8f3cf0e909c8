import { groupByRecord } from '$lib/domain/ledger';
import type { LedgerEntry } from '$lib/sync/contract';
import { z } from 'zod';
import { partyHint, partyKeyDigest } from '$lib/domain/party';
import type { Db } from '../db/db';
import { nodeDigests } from '../digests';
import { ledgerKeyInfo } from './secrets';

/** The most records one lookup answers (the newest first). */
const LOOKUP_LIMIT = 200;

/**
 * Prior records for a party across the whole bureau (any squad, any officer), as the online
 * first-offence check receives them: digests of the matching keys, items, dates, the squad's
 * name and a masked name, never the identifiers, mobile numbers or names themselves.
 */
export async function ledgerLookup(
  db: Db,
  keys: string[],
  itemCode: string | undefined,
): Promise<LedgerEntry[]> {
  let qb = db
    .selectFrom('ledger')
    .select(['record_id', 'found_date'])
    .distinct()
    .where('party_key', 'in', keys);
  if (itemCode) qb = qb.where('item_code', '=', itemCode);
  const rows = await qb
    .orderBy('found_date', 'desc')
    .orderBy('record_id')
    .limit(LOOKUP_LIMIT)
    .execute();
  const entries = await ledgerEntries(
    db,
    rows.map((r) => r.record_id),
    (await ledgerKeyInfo(db)).key,
  );
  return rows.flatMap((r) => {
    const e = entries.get(r.record_id);
    return e ? [e] : [];
  });
}

/**
 * Ledger entries of records as their rows stand now, the one shape phones receive (the pull
 * feed and the online lookup): party keys as digests under `key`, the squad's name, a masked
 * name. A record whose rows are gone (a later version named no identifier) gets an entry without
 * keys; keys an earlier version named come as `withdrawn` digests (a phone's ledger is packed by
 * digest, not by record, and drops them by digest).
 */
export async function ledgerEntries(
  db: Db,
  ids: readonly string[],
  key: string,
): Promise<Map<string, LedgerEntry>> {
  const out = new Map<string, LedgerEntry>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await db
      .selectFrom('records')
      .innerJoin('squads', 'squads.id', 'records.squad_id')
      .leftJoin('ledger', 'ledger.record_id', 'records.id')
      .select([
        'records.id as record_id',
        'records.item_code',
        'records.found_date',
        'records.squad_id',
        'records.branch',
        'records.party_masked',
        'squads.name as squad_name',
        'squads.district',
        'ledger.party_key',
      ])
      .where('records.id', 'in', chunk)
      .execute();
    const former = new Map<string, string[]>();
    for (const f of await db
      .selectFrom('ledger_former')
      .select(['record_id', 'party_key'])
      .where('record_id', 'in', chunk)
      .orderBy('record_id')
      .orderBy('party_key')
      .execute()) {
      const list = former.get(f.record_id) ?? [];
      if (list.length < 100) list.push(await partyKeyDigest(key, f.party_key, nodeDigests));
      former.set(f.record_id, list);
    }
    const digested = [];
    for (const r of rows)
      digested.push({
        ...r,
        recordId: r.record_id,
        partyKey: r.party_key ? await partyKeyDigest(key, r.party_key, nodeDigests) : '',
      });
    for (const e of groupByRecord(digested, (r) => ({
      recordId: r.record_id,
      itemCode: r.item_code,
      date: r.found_date,
      squadId: r.squad_id,
      branch: r.branch,
      source: 'server' as const,
      district: r.district,
      squadName: r.squad_name,
      partyHint: hintOf(r.party_masked),
    })))
      out.set(e.recordId, {
        ...e,
        partyKeys: e.partyKeys.filter((k) => k !== ''),
        ...(former.has(e.recordId) ? { withdrawn: former.get(e.recordId) } : {}),
      });
  }
  return out;
}

const storedNames = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), name: z.string() }),
  z.object({ kind: z.literal('business'), name: z.string() }),
  z.object({ kind: z.literal('vehicle'), plate: z.string() }),
  z.object({ kind: z.literal('unknown') }),
]);

/** A masked name from the summary row's party (never more than `partyHint` gives). */
function hintOf(masked: string | null): string {
  const parsed = storedNames.safeParse(masked ? JSON.parse(masked) : null);
  return parsed.success ? partyHint(parsed.data) : '—';
}
