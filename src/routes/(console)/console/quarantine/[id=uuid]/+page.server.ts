import { error, fail } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { field } from '$lib/server/forms';
import { clientIp } from '$lib/server/http';
import { quarantineEntry } from '$lib/server/repos/quarantine';
import { closeQuarantineEntry } from '$lib/server/services/quarantine';
import { latestVersion } from '$lib/server/repos/records';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  requireAdmin(locals);
  const ctx = await app();
  const entry = await quarantineEntry(ctx.db, params.id);
  if (!entry) error(404, 'console.quarantineItem.noSuchRefusedRecord');
  const acceptedVersion = entry.recordId ? await latestVersion(ctx.db, entry.recordId) : null;
  return {
    entry: { ...entry, payload: JSON.stringify(entry.payload, null, 2) },
    acceptedVersion,
  };
};

export const actions: Actions = {
  resolve: async (event) => {
    const user = requireAdmin(event.locals);
    const form = await event.request.formData();
    const note = field(form, 'note').trim().slice(0, 1000);
    if (!note) return fail(400, { error: 'console.quarantineItem.sayHowWasHandled' });
    const done = await closeQuarantineEntry((await app()).db, event.params.id, note, {
      adminId: user.id,
      ip: clientIp(event),
    });
    if (!done) return fail(409, { error: 'console.quarantineItem.entryWasAlreadyHandled' });
    return { resolved: true };
  },
};
