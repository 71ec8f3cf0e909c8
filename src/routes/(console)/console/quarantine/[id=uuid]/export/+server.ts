import { error } from '@sveltejs/kit';
import { UUID } from '$lib/domain/uuid';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { quarantineEntry } from '$lib/server/repos/quarantine';
import type { RequestHandler } from './$types';

/** The refused version as received, with why and from whom: audited, as it holds personal data. */
export const GET: RequestHandler = async (event) => {
  const user = requireAdmin(event.locals);
  if (!UUID.test(event.params.id)) error(404, '没有这条拒收记录');
  const ctx = await app();
  const entry = await quarantineEntry(ctx.db, event.params.id);
  if (!entry) error(404, '没有这条拒收记录');
  await audit(ctx.db, {
    userId: user.id,
    action: 'quarantine.export',
    target: entry.id,
    ip: clientIp(event),
  });
  return new Response(JSON.stringify(entry, null, 2), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="quarantine-${entry.id}.json"`,
      'cache-control': 'no-store',
    },
  });
};
