import { issue, type Issue, type IssueCode } from '$lib/domain/issues';
import type { LockedRecord } from '$lib/domain/record';
import type { PushResult } from '$lib/sync/contract';
import type { Refusal } from '../../repos/quarantine';
import type { Prepared } from './types';

/** The answers a push gives a record it does not store. */

export function idOf(item: unknown): { id: string | null; version: number | null } {
  if (typeof item !== 'object' || item === null) return { id: null, version: null };
  const r = item as Record<string, unknown>;
  return {
    id: typeof r.id === 'string' ? r.id.slice(0, 64) : null,
    version: typeof r.version === 'number' && Number.isInteger(r.version) ? r.version : null,
  };
}

export function refusal(
  status: 'rejected' | 'conflict',
  ids: { id: string | null; version: number | null },
  code: IssueCode,
  issues: Issue[],
  params: Record<string, string | number> = {},
): Refusal {
  const message = issue([], code, params).message;
  if (status === 'conflict') {
    return { status, id: ids.id ?? '', version: ids.version ?? 0, message, code };
  }
  const detail = issues.length > 0 ? `：${issues.map((i) => i.message).join('；')}` : '';
  return {
    status,
    ...ids,
    message: `${message}${detail}`.slice(0, 2000),
    code,
    issues: issues.map(({ path, code: c, params: p, message: m }) => ({
      path,
      message: m,
      code: c,
      ...(p ? { params: p } : {}),
    })),
  };
}

export function rejected(
  item: unknown,
  code: IssueCode,
  issues: Issue[] = [],
  params: Record<string, string | number> = {},
): Prepared {
  return { kind: 'result', result: refusal('rejected', idOf(item), code, issues, params), item };
}

/** A version already stored: the same content is a duplicate, other content a conflict. */
export function sameVersion(
  record: LockedRecord,
  stored: { content_hash: string; received_at: string },
): PushResult {
  if (stored.content_hash === record.contentHash) {
    return {
      status: 'duplicate',
      id: record.id,
      version: record.version,
      serverHash: stored.content_hash,
      receivedAt: stored.received_at,
    };
  }
  return refusal('conflict', { id: record.id, version: record.version }, 'versionTaken', []);
}
