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
  | 'squad.streets'
  | 'squad.update'
  | 'catalog.publish'
  | 'numberFormat.update'
  | 'document.download'
  | 'quarantine.export'
  | 'quarantine.resolve'
  | 'confirmation.confirm'
  | 'confirmation.deny'
  | 'ledgerKey.rotate'
  | 'device.lost'
  | 'device.wiped'
  | 'apiSystem.create'
  | 'apiSystem.revoke'
  | 'apiSystem.webhook'
  | 'task.create'
  | 'task.assign'
  | 'task.close'
  | 'task.handled'
  | 'spotCheck.draw'
  | 'spotCheck.review';

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

/** A page of the audit log, newest first: 100 entries before an id, by action prefix. */
export async function auditPage(db: Db, options: { action: string; before: number | null }) {
  let qb = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.user_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.target',
      'audit_log.detail',
      'audit_log.ip',
      'users.real_name',
      'users.username',
    ]);
  if (options.action)
    qb = qb.where('audit_log.action', 'like', `${options.action.replace(/[\\%_]/g, '')}%`);
  if (options.before) qb = qb.where('audit_log.id', '<', options.before);
  const rows = await qb.orderBy('audit_log.id', 'desc').limit(101).execute();
  return { rows: rows.slice(0, 100), next: rows.length > 100 ? (rows[99]?.id ?? null) : null };
}
