import { fail } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { field, parseForm } from '$lib/server/forms';
import { clientIp } from '$lib/server/http';
import {
  createSquad,
  createUser,
  formError,
  listUsers,
  newUserSchema,
  reportDeviceLost,
  resetPassword,
  setSquadStreets,
  setUserActive,
  updateUser,
  userChangeSchema,
  type Actor,
  type Refusal,
} from '$lib/server/services/users';
import { listDevices } from '$lib/server/repos/wipes';
import { ledgerKeyStatus } from '$lib/server/repos/secrets';
import { rotateLedgerKeyAudited } from '$lib/server/services/device';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Accounts and squads (services/users.ts holds the rules; this page reads forms). */

export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  const db = (await app()).db;
  return {
    ...(await listUsers(db)),
    ledgerKey: await ledgerKeyStatus(db),
    devices: await listDevices(db),
  };
};

function actor(event: RequestEvent): Actor {
  return { adminId: requireAdmin(event.locals).id, ip: clientIp(event) };
}

const refused = (r: Refusal) => fail(r.status, { error: r.error });

export const actions: Actions = {
  create: async (event) => {
    const by = actor(event);
    const parsed = parseForm(newUserSchema, await event.request.formData(), ['supervised']);
    if (!parsed.success) return fail(400, { error: formError(parsed.error) });
    const r = await createUser((await app()).db, parsed.data, by);
    return r.ok ? { created: { username: r.username, password: r.password } } : refused(r);
  },
  update: async (event) => {
    const by = actor(event);
    const parsed = parseForm(userChangeSchema, await event.request.formData(), ['supervised']);
    if (!parsed.success) return fail(400, { error: formError(parsed.error) });
    const r = await updateUser((await app()).db, parsed.data, by);
    return r.ok ? { updated: r.username } : refused(r);
  },
  deactivate: async (event) => {
    const by = actor(event);
    const id = field(await event.request.formData(), 'id');
    const r = await setUserActive((await app()).db, id, false, by);
    return r.ok ? { deactivated: r.id } : refused(r);
  },
  activate: async (event) => {
    const by = actor(event);
    const id = field(await event.request.formData(), 'id');
    const r = await setUserActive((await app()).db, id, true, by);
    return r.ok ? { activated: r.id } : refused(r);
  },
  reset: async (event) => {
    const by = actor(event);
    const id = field(await event.request.formData(), 'id');
    const r = await resetPassword((await app()).db, id, by);
    return r.ok ? { reset: { username: r.username, password: r.password } } : refused(r);
  },
  reportLost: async (event) => {
    const by = actor(event);
    const id = field(await event.request.formData(), 'id');
    const r = await reportDeviceLost((await app()).db, id, by);
    return r.ok ? { lost: r.id } : refused(r);
  },
  rotateLedgerKey: async (event) => {
    const by = actor(event);
    const key = await rotateLedgerKeyAudited((await app()).db, by);
    return { rotated: key.id };
  },
  squad: async (event) => {
    const by = actor(event);
    const f = await event.request.formData();
    const r = await createSquad(
      (await app()).db,
      { name: field(f, 'name'), district: field(f, 'district') },
      by,
    );
    return r.ok ? { squad: r.name } : refused(r);
  },
  streets: async (event) => {
    const by = actor(event);
    const f = await event.request.formData();
    const r = await setSquadStreets(
      (await app()).db,
      { squadId: field(f, 'squadId'), text: field(f, 'streets') },
      by,
    );
    return r.ok ? { streets: { name: r.name, count: r.count } } : refused(r);
  },
};
