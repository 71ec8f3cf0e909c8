import { fail } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { field } from '$lib/server/forms';
import { clientIp, HttpError } from '$lib/server/http';
import { setWebhook } from '$lib/server/services/results';
import { bureauOfUser } from '$lib/server/repos/users';
import { apiSystems, createApiSystem, revokeApiSystem } from '$lib/server/services/tasks';
import type { Actions, PageServerLoad } from './$types';

/** External systems (the city platform) and their API keys: made (shown once), revoked. */
export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  return { systems: await apiSystems((await app()).db) };
};

export const actions: Actions = {
  create: async (event) => {
    const admin = requireAdmin(event.locals);
    const name = field(await event.request.formData(), 'name').trim();
    if (name.length < 2 || name.length > 60 || /[\p{Cc}\p{Cf}]/u.test(name))
      return fail(400, { error: 'console.systems.nameRule' });
    const db = (await app()).db;
    const bureau = await bureauOfUser(db, admin);
    const made = await createApiSystem(db, { bureauId: bureau.id, name, createdBy: admin.id });
    // The key is in this answer only: the server keeps its hash.
    return { created: { name, key: made.key } };
  },
  revoke: async (event) => {
    const admin = requireAdmin(event.locals);
    const id = field(await event.request.formData(), 'id');
    const done = await revokeApiSystem((await app()).db, id, {
      adminId: admin.id,
      ip: clientIp(event),
    });
    if (!done) return fail(409, { error: 'console.systems.alreadyRevoked' });
    return { revoked: id };
  },
  /** Where results are posted; a new address comes with a new signing secret, shown once. */
  webhook: async (event) => {
    const admin = requireAdmin(event.locals);
    const form = await event.request.formData();
    try {
      const { secret } = await setWebhook((await app()).db, field(form, 'id'), field(form, 'url'), {
        adminId: admin.id,
        ip: clientIp(event),
      });
      return { webhook: { secret } };
    } catch (e) {
      if (e instanceof HttpError) return fail(e.status, { error: e.message });
      throw e;
    }
  },
};
