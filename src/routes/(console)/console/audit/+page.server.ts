import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import type { PageServerLoad } from './$types';

/** The audit log: read-only for administrators; the database refuses edits and deletes. */
export const load: PageServerLoad = async ({ locals, url }) => {
  requireAdmin(locals);
  const ctx = await app();
  const action = url.searchParams.get('action') ?? '';
  const before = Number(url.searchParams.get('before') ?? 0) || null;
  let qb = ctx.db
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
  if (action) qb = qb.where('audit_log.action', 'like', `${action.replace(/[\\%_]/g, '')}%`);
  if (before) qb = qb.where('audit_log.id', '<', before);
  const rows = await qb.orderBy('audit_log.id', 'desc').limit(101).execute();
  return { rows: rows.slice(0, 100), next: rows.length > 100 ? rows[99]?.id : null, action };
};
