import { app } from '$lib/server/app';
import { consoleUser, officerOptions, squadOptions } from '$lib/server/console';
import { decodeCursor, listRecords } from '$lib/server/repos/records';
import { latestCatalog } from '$lib/server/repos/catalogs';
import { recordsQuerySchema } from '$lib/sync/contract';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = consoleUser(locals);
  const ctx = await app();
  const raw = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''));
  const parsed = recordsQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : recordsQuerySchema.parse({});
  const cursor = query.cursor && decodeCursor(query.cursor) ? query.cursor : undefined;
  const list = await listRecords(ctx.db, user, { ...query, cursor });
  const officers = await officerOptions(ctx.db, user);
  const squads = await squadOptions(ctx.db, user);
  const catalog = await latestCatalog(ctx.db);
  return {
    list,
    filters: raw,
    invalid: parsed.success
      ? null
      : parsed.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；'),
    squads,
    officers,
    items: catalog?.items.map((i) => ({ code: i.code, name: i.name })) ?? [],
  };
};
