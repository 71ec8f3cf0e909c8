import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { auditPage } from '$lib/server/repos/audit';
import type { PageServerLoad } from './$types';

/** The audit log: read-only for administrators; the database refuses edits and deletes. */
export const load: PageServerLoad = async ({ locals, url }) => {
  requireAdmin(locals);
  const ctx = await app();
  const action = url.searchParams.get('action') ?? '';
  const before = Number(url.searchParams.get('before') ?? 0) || null;
  return { ...(await auditPage(ctx.db, { action, before })), action };
};
