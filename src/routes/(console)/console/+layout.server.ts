import { app } from '$lib/server/app';
import { localeOf } from '$lib/server/console';
import { countOpenQuarantine } from '$lib/server/repos/quarantine';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, cookies }) => ({
  user: locals.user
    ? {
        id: locals.user.id,
        realName: locals.user.realName,
        role: locals.user.role,
        username: locals.user.username,
      }
    : null,
  locale: localeOf(cookies),
  /** Refused versions nobody has handled yet: administrators see the count in the menu. */
  quarantineOpen: locals.user?.role === 'admin' ? await countOpenQuarantine((await app()).db) : 0,
});
