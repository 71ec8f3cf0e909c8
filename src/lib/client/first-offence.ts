import type { PriorRecord } from '$lib/domain/evaluate';
import type { FirstOffenceCheck } from '$lib/domain/record';
import { shanghaiIso } from '$lib/domain/time';
import { ledgerResponseSchema } from '$lib/sync/contract';
import { call, httpTransport, type Transport } from './api';
import type { PatrolDb } from './db';
import { digestsOf, priorsByDigest, putLedgerEntries, serverPriors } from './ledger';

/** How long the phone waits for the bureau's ledger before it records the local check only. */
export const SERVER_LOOKUP_TIMEOUT_MS = 6000;

/**
 * The first-offence lookup for a party's matching keys: the phone's own ledger always, the
 * bureau's ledger on the server when online (digests only leave and come back, never an
 * identifier), merged by record. The record being written never counts as its own prior. When
 * the server cannot be reached the check says so (`sources` has only 'local') and the reason is
 * returned for the officer to see.
 */
export async function lookUpPriors(options: {
  database: PatrolDb;
  keys: string[];
  ledgerKey: string | null;
  online: boolean;
  recordId: string;
  now?: Date;
  transport?: Transport;
}): Promise<{ check: FirstOffenceCheck; serverError: string | null }> {
  const { database, keys, ledgerKey } = options;
  const sources: ('local' | 'server')[] = ['local'];
  // The keys' digests, made once for the phone's ledger and the server's answer alike.
  const digests =
    ledgerKey && keys.length > 0 ? await digestsOf(ledgerKey, keys) : new Map<string, string>();
  const found: PriorRecord[] = await priorsByDigest(database, digests);
  let serverError: string | null = null;
  if (options.online && ledgerKey && keys.length > 0) {
    try {
      const qs = keys.map((k) => `party=${encodeURIComponent(k)}`).join('&');
      const res = await call(ledgerResponseSchema, `/api/ledger?${qs}`, {
        timeoutMs: SERVER_LOOKUP_TIMEOUT_MS,
        transport: options.transport ?? httpTransport,
      });
      // Kept: the phone's ledger then names who recorded each prior, and has it offline later.
      await putLedgerEntries(database, res.entries);
      for (const p of serverPriors(res.entries, digests)) {
        if (!found.some((x) => x.recordId === p.recordId)) found.push(p);
      }
      sources.push('server');
    } catch (e) {
      serverError = e instanceof Error ? e.message : String(e);
    }
  }
  const priors = found.filter((p) => p.recordId !== options.recordId).slice(0, 200);
  return {
    check: {
      checkedAt: shanghaiIso(options.now ?? new Date()),
      sources,
      partyKeys: keys,
      priors,
    },
    serverError,
  };
}
