import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { listQuarantine } from '$lib/server/repos/quarantine';
import type { PageServerLoad } from './$types';

/**
 * Record versions the server refused or found in conflict: every one a phone or an import sent is
 * kept here until it is superseded by an accepted amendment or an administrator resolves it.
 */
export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  const ctx = await app();
  return {
    open: await listQuarantine(ctx.db, { open: true }),
    closed: await listQuarantine(ctx.db, { open: false, limit: 50 }),
  };
};
