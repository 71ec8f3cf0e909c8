import {
  confirmationDecisionIssues,
  type ConfirmationDecision,
  type ConfirmationPart,
} from '$lib/domain/lifecycle';
import type { Issue } from '$lib/domain/issues';
import { confirmationSchema, type Confirmation } from '$lib/sync/contract';
import { ApiFailure, call, httpTransport, type Transport } from './api';
import type { LocalConfirmation, PatrolDb } from './db';

/**
 * The phone's side of officers' confirmation (ADR 0012): requests arrive with the change feed,
 * the officer decides offline if need be, and the decision is sent at the next sync. The rule
 * (a denial needs a reason, a decision is final) is the domain's, the same the server applies.
 */

type Key = [string, ConfirmationPart, string];

/** A change from the feed: the server's word, keeping a decision of this phone not yet sent. */
export async function applyConfirmation(db: PatrolDb, c: Confirmation): Promise<void> {
  const existing = await db.confirmations.get([c.recordId, c.part, c.userId]);
  const local = existing?.local && c.state === 'requested' ? existing.local : null;
  await db.confirmations.put({ ...c, local, error: local ? (existing?.error ?? null) : null });
}

/**
 * The officer's decision, kept on the phone until sent. Refused (nothing saved) when the domain
 * refuses it: a denial without a reason, or a request already decided.
 */
export async function decide(
  db: PatrolDb,
  key: Key,
  decision: ConfirmationDecision,
  reason: string,
  now = new Date(),
): Promise<Issue[]> {
  return db.transaction('rw', db.confirmations, async () => {
    const row = await db.confirmations.get(key);
    if (!row) return [];
    const state = row.local
      ? row.local.decision === 'confirm'
        ? 'confirmed'
        : 'denied'
      : row.state;
    const issues = confirmationDecisionIssues({ state, decision, reason });
    if (issues.length > 0) return issues;
    await db.confirmations.put({
      ...row,
      local: { decision, reason: decision === 'deny' ? reason.trim() : '', at: now.toISOString() },
      error: null,
    });
    return [];
  });
}

/** Decisions waiting to be sent. */
export function unsent(db: PatrolDb): Promise<LocalConfirmation[]> {
  return db.confirmations.filter((c) => c.local !== null).toArray();
}

/**
 * Sends every decision waiting. The server's answer replaces the row; a refusal (the request was
 * decided elsewhere, or withdrawn by an amendment naming someone else) is kept as a message and
 * never sent again. A lost network or session stops here and leaves the rest for next time;
 * another failure leaves that one decision for the next sync and goes on.
 */
export async function sendDecisions(
  db: PatrolDb,
  transport: Transport = httpTransport,
): Promise<number> {
  let sent = 0;
  let failure: ApiFailure | null = null;
  for (const row of await unsent(db)) {
    const local = row.local;
    if (!local) continue;
    const key: Key = [row.recordId, row.part, row.userId];
    try {
      const answer = await call(confirmationSchema, `/api/records/${row.recordId}/confirmations`, {
        json: { part: row.part, decision: local.decision, reason: local.reason },
        transport,
      });
      await db.confirmations.put({ ...answer, local: null, error: null });
      sent++;
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      if (e.endsSync) throw e;
      if (e.status === 404) {
        await db.confirmations.delete(key);
      } else if (e.status === 409 || e.status === 400 || e.status === 403) {
        await db.confirmations.update(key, { local: null, error: e.message });
      } else {
        failure ??= e;
      }
    }
  }
  if (failure) throw failure;
  return sent;
}
