import type { BranchResult } from '$lib/domain/evaluate';
import type { LocalRecord } from '$lib/client/db';
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
