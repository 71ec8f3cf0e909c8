import type { Db, Tx } from '../db/db';

export type AuditAction =
  | 'login'
  | 'loginFailed'
  | 'logout'
  | 'review.approve'
  | 'review.return'
  | 'review.escalate'
  | 'export'
  | 'import'
  | 'user.create'
  | 'user.update'
  | 'user.deactivate'
  | 'user.resetPassword'
  | 'squad.create'
  | 'squad.update'
  | 'catalog.publish'
  | 'numberFormat.update'
  | 'document.download'
  | 'quarantine.export'
  | 'quarantine.resolve'
  | 'confirmation.confirm'
  | 'confirmation.deny';

/** Appends to the audit log. The table rejects UPDATE and DELETE (database triggers). */
export async function audit(
  db: Db | Tx,
  entry: {
    userId: string | null;
    action: AuditAction;
    target?: string | null;
    detail?: Record<string, unknown>;
    ip?: string | null;
  },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: new Date().toISOString(),
      user_id: entry.userId,
      action: entry.action,
      target: entry.target ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      ip: entry.ip ?? null,
    })
    .execute();
}
