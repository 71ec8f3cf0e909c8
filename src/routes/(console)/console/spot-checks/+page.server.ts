import { fail, redirect } from '@sveltejs/kit';
import { SAMPLE_SIZE } from '$lib/domain/spot-check';
import { shanghaiDate, addMonths } from '$lib/domain/time';
import { app } from '$lib/server/app';
import { consoleUser, squadOptions } from '$lib/server/console';
import { field } from '$lib/server/forms';
import { clientIp, HttpError } from '$lib/server/http';
import { latestCatalog } from '$lib/server/repos/catalogs';
import { drawSpotCheck, spotChecks } from '$lib/server/services/spot-checks';
import type { Actions, PageServerLoad } from './$types';

/** Spot checks: the draws made, and a new draw of a month's approved records. */
export const load: PageServerLoad = async ({ locals }) => {
  const user = consoleUser(locals);
  const ctx = await app();
  const catalog = await latestCatalog(ctx.db);
  const today = shanghaiDate(new Date());
  return {
    draws: await spotChecks(ctx.db, user),
    squads: await squadOptions(ctx.db, user),
    items: catalog?.items.map((i) => ({ code: i.code, name: i.name })) ?? [],
    /** Last month by default: the month a spot check usually looks back on. */
    defaultMonth: addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7),
    thisMonth: today.slice(0, 7),
    sampleSize: SAMPLE_SIZE,
  };
};

export const actions: Actions = {
  draw: async (event) => {
    const user = consoleUser(event.locals);
    const form = await event.request.formData();
    const opt = (name: string) => field(form, name).trim() || null;
    let id: string;
    try {
      ({ id } = await drawSpotCheck(
        (await app()).db,
        user,
        {
          month: field(form, 'month'),
          squadId: opt('squadId'),
          itemCode: opt('itemCode'),
          branch: opt('branch'),
          size: Number(field(form, 'size')),
        },
        { ip: clientIp(event) },
      ));
    } catch (e) {
      if (e instanceof HttpError) return fail(e.status, { error: e.message });
      throw e;
    }
    redirect(303, `/console/spot-checks/${id}`);
  },
};
