import { groupByRecord } from '$lib/domain/ledger';
import { partyKeyDigest } from '$lib/domain/party';
import type { LedgerEntry } from '$lib/sync/contract';
import type { Db } from '../db/db';
import { nodeDigests } from '../digests';
import { ledgerKey } from './secrets';

/** The most rows one lookup reads (the newest first). */
const LOOKUP_LIMIT = 500;

/**
 * Prior records for a party across the whole bureau (any squad, any officer), as the online
 * first-offence check receives them: digests of the matching keys, items, dates, never the
 * identifiers, mobile numbers or names themselves.
 */
export async function ledgerLookup(
  db: Db,
  keys: string[],
  itemCode: string | undefined,
): Promise<LedgerEntry[]> {
  let qb = db
    .selectFrom('ledger')
    .select(['record_id', 'party_key', 'item_code', 'found_date', 'squad_id', 'district', 'branch'])
    .where('party_key', 'in', keys);
  if (itemCode) qb = qb.where('item_code', '=', itemCode);
  const rows = await qb.orderBy('found_date', 'desc').limit(LOOKUP_LIMIT).execute();
  const key = await ledgerKey(db);
  const digested = [];
  for (const r of rows)
    digested.push({
      ...r,
      recordId: r.record_id,
      partyKey: await partyKeyDigest(key, r.party_key, nodeDigests),
    });
  return groupByRecord(digested, (r) => ({
    recordId: r.record_id,
    itemCode: r.item_code,
    date: r.found_date,
    squadId: r.squad_id,
    branch: r.branch,
    source: 'server' as const,
    district: r.district,
  }));
}
