import { shanghaiDate } from '$lib/domain/time';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { reinspectionBoard } from '$lib/server/services/reinspections';
import type { PageServerLoad } from './$types';

/** Deadline re-inspections: due today, overdue, upcoming and done, per squad, with the officers. */
export const load: PageServerLoad = async ({ locals }) => {
  const user = consoleUser(locals);
  const ctx = await app();
  return reinspectionBoard(ctx.db, user, shanghaiDate(new Date()));
};
