import type { BranchResult } from '$lib/domain/evaluate';
import type { LocalRecord, OutboxRow } from '$lib/client/db';
import type { MessageKey } from '$lib/i18n';
import { i18n } from '$lib/i18n/locale.svelte';

export function branchKey(branch: BranchResult | null): MessageKey {
  return branch === null ? 'branch.undetermined' : `branch.${branch}`;
}

export type Tone = 'ok' | 'warn' | 'bad' | '';

/** The state an officer sees on a record: waiting, syncing, synced, returned, approved… */
export function stateBadge(r: LocalRecord, syncing: boolean): { key: MessageKey; tone: Tone } {
  if (r.syncStatus === 'conflict') return { key: 'state.conflict', tone: 'bad' };
  if (r.syncStatus === 'rejected') return { key: 'state.rejected', tone: 'bad' };
  if (r.state === 'returned') return { key: 'state.returned', tone: 'bad' };
  if (r.state === 'approved') return { key: 'state.approved', tone: 'ok' };
  if (r.state === 'escalated') return { key: 'state.escalated', tone: 'warn' };
  if (r.syncStatus === 'waiting')
    return syncing
      ? { key: 'state.syncing', tone: 'warn' }
      : { key: 'state.completed', tone: 'warn' };
  return { key: 'state.synced', tone: 'ok' };
}

/** Why the server refused a version, in the officer's language (the codes it answered with). */
export function syncReason(r: LocalRecord): string {
  const issues = r.syncIssues ?? [];
  if (issues.length === 0) return r.syncMessage ?? '';
  return i18n.clauses(issues.map((x) => i18n.issue(x)));
}

/**
 * What the officer is told of a record still waiting after a failed attempt to send it (its outbox
 * row): that it is kept on the phone and when it goes again. Nothing before the first attempt, or
 * for a held version (the record's own banner says why the server refused it).
 */
export function retryNote(
  row: OutboxRow | undefined,
  now: number,
): { key: MessageKey; n: number; at: number | null } | null {
  if (!row || row.status !== 'pending' || row.attempts === 0 || !row.lastError) return null;
  if (row.lastError === 'missingBlobs')
    return { key: 'record.retryFiles', n: row.attempts, at: null };
  if (row.nextAttemptAt !== undefined && row.nextAttemptAt > now)
    return { key: 'record.retryAt', n: row.attempts, at: row.nextAttemptAt };
  return { key: 'record.retrySoon', n: row.attempts, at: null };
}
