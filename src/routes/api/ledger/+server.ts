import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, parseOr400, queryObject, requireUser } from '$lib/server/http';
import { ledgerLookup } from '$lib/server/repos/ledger';
import { ledgerQuerySchema } from '$lib/sync/contract';

/** Prior records for a party across the whole bureau: what the online first-offence check needs. */
export const GET = api(async (event) => {
  requireUser(event);
  const ctx = await app();
  const q = parseOr400(ledgerQuerySchema, queryObject(event.url), '查询参数');
  const keys = Array.isArray(q.party) ? q.party : [q.party];
  return json({ entries: await ledgerLookup(ctx.db, keys, q.item) });
});
