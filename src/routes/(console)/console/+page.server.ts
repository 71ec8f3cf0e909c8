import { error } from '@sveltejs/kit';
import { shanghaiDate } from '$lib/domain/time';
import { app } from '$lib/server/app';
import { consoleUser, squadOptions } from '$lib/server/console';
import { HttpError } from '$lib/server/http';
import { monthlyStats } from '$lib/server/services/stats';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = consoleUser(locals);
  const ctx = await app();
  const monthParam = url.searchParams.get('month') ?? '';
  const month = /^20\d{2}-(0[1-9]|1[0-2])$/.test(monthParam)
    ? monthParam
    : shanghaiDate(new Date()).slice(0, 7);
  const squad = url.searchParams.get('squad') || null;
  try {
    const stats = await monthlyStats(ctx.db, user, { month, squadId: squad });
    return { stats, month, squad, squads: await squadOptions(ctx.db, user) };
  } catch (e) {
    if (e instanceof HttpError) error(e.status, e.message);
    throw e;
  }
};
