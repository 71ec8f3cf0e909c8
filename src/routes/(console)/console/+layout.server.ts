import { localeOf } from '$lib/server/console';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies }) => ({
  user: locals.user
    ? {
        id: locals.user.id,
        realName: locals.user.realName,
        role: locals.user.role,
        username: locals.user.username,
      }
    : null,
  locale: localeOf(cookies),
});
