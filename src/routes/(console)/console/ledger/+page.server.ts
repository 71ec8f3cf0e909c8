import { localDateSchema } from '$lib/domain/fields';
import { app } from '$lib/server/app';
import { consoleUser, squadOptions } from '$lib/server/console';
import { ledgerRows } from '$lib/server/services/ledger';
import type { PageServerLoad } from './$types';

/** Real calendar dates only (the domain's one definition); anything else is no filter. */
const DATE = { test: (v: string) => localDateSchema.safeParse(v).success };

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = consoleUser(locals);
  const ctx = await app();
  const from = url.searchParams.get('from') ?? '';
  const to = url.searchParams.get('to') ?? '';
  const squad = url.searchParams.get('squad') ?? '';
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const pageNo = Math.max(1, Math.min(10_000, Number(url.searchParams.get('page') ?? 1) || 1));
  const size = 50;
  const result = await ledgerRows(ctx.db, user, {
    ...(DATE.test(from) ? { from } : {}),
    ...(DATE.test(to) ? { to } : {}),
    ...(squad ? { squad } : {}),
    ...(q ? { q } : {}),
    limit: size,
    offset: (pageNo - 1) * size,
  });
  return {
    rows: result.rows.map(({ party: _p, identifiers: _i, ...rest }) => rest),
    total: result.total,
    page: pageNo,
    pages: Math.max(1, Math.ceil(result.total / size)),
    filters: { from, to, squad, q },
    squads: await squadOptions(ctx.db, user),
  };
};
