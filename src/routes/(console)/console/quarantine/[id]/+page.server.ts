import { error, fail } from '@sveltejs/kit';
import { UUID } from '$lib/domain/uuid';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { field } from '$lib/server/forms';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { quarantineEntry, resolveQuarantine } from '$lib/server/repos/quarantine';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  requireAdmin(locals);
  if (!UUID.test(params.id)) error(404, '没有这条拒收记录');
  const ctx = await app();
  const entry = await quarantineEntry(ctx.db, params.id);
  if (!entry) error(404, '没有这条拒收记录');
  const accepted = entry.recordId
    ? await ctx.db
        .selectFrom('records')
        .select(['latest_version'])
        .where('id', '=', entry.recordId)
        .executeTakeFirst()
    : undefined;
  return {
    entry: { ...entry, payload: JSON.stringify(entry.payload, null, 2) },
    acceptedVersion: accepted?.latest_version ?? null,
  };
};

export const actions: Actions = {
  resolve: async (event) => {
    const user = requireAdmin(event.locals);
    const form = await event.request.formData();
    const note = field(form, 'note').trim().slice(0, 1000);
    if (!note) return fail(400, { error: '请填写处理说明' });
    const ctx = await app();
    const at = new Date().toISOString();
    const done = await ctx.db.transaction().execute(async (tx) => {
      const ok = await resolveQuarantine(tx, event.params.id, user.id, note, at);
      if (ok) {
        await audit(tx, {
          userId: user.id,
          action: 'quarantine.resolve',
          target: event.params.id,
          detail: { note },
          ip: clientIp(event),
        });
      }
      return ok;
    });
    if (!done) return fail(409, { error: '该记录已处理或已被取代' });
    return { resolved: true };
  },
};
