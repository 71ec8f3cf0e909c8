import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, parseOr400, queryObject, requireUser } from '$lib/server/http';
import { partyKeyDigest } from '$lib/domain/party';
import { ledgerKey } from '$lib/server/repos/secrets';
import { ledgerQuerySchema, type LedgerEntry } from '$lib/sync/contract';

/**
 * Prior records for a party across the whole bureau (any squad, any officer): what the online
 * first-offence check needs. Only digests of the matching keys, items and dates leave the
 * server: no identifier, mobile number or name.
 */
export const GET = api(async (event) => {
  requireUser(event);
  const ctx = await app();
  const q = parseOr400(ledgerQuerySchema, queryObject(event.url), '查询参数');
  const keys = Array.isArray(q.party) ? q.party : [q.party];
  let qb = ctx.db
    .selectFrom('ledger')
    .select(['record_id', 'party_key', 'item_code', 'found_date', 'squad_id', 'district', 'branch'])
    .where('party_key', 'in', keys);
  if (q.item) qb = qb.where('item_code', '=', q.item);
  const rows = await qb.orderBy('found_date', 'desc').limit(500).execute();
  const key = await ledgerKey(ctx.db);
  const byRecord = new Map<string, LedgerEntry>();
  for (const r of rows) {
    const digest = await partyKeyDigest(key, r.party_key);
    const e = byRecord.get(r.record_id);
    if (e) e.partyKeys.push(digest);
    else {
      byRecord.set(r.record_id, {
        recordId: r.record_id,
        itemCode: r.item_code,
        partyKeys: [digest],
        date: r.found_date,
        squadId: r.squad_id,
        branch: r.branch,
        source: 'server',
        district: r.district,
      });
    }
  }
  return json({ entries: [...byRecord.values()] });
});
