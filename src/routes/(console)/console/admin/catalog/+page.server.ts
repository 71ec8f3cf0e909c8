import { fail } from '@sveltejs/kit';
import { unverifiedClauses } from '$lib/domain/catalog';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { latestCatalog, listCatalogVersions } from '$lib/server/repos/catalogs';
import { publishCatalogText } from '$lib/server/services/catalogs';
import type { Actions, PageServerLoad } from './$types';
import { field } from '$lib/server/forms';

export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  const ctx = await app();
  const latest = await latestCatalog(ctx.db);
  return {
    versions: await listCatalogVersions(ctx.db),
    latest,
    unverified: latest ? unverifiedClauses(latest) : [],
    draft: latest ? JSON.stringify({ ...latest, versionId: `${latest.versionId}-r` }, null, 2) : '',
  };
};

export const actions: Actions = {
  /** Bulk import of a whole version as JSON (another bureau's list); the form editor is the rule. */
  publish: async (event) => {
    const admin = requireAdmin(event.locals);
    const f = await event.request.formData();
    const text = field(f, 'catalog');
    const outcome = await publishCatalogText(await app(), text, {
      userId: admin.id,
      ip: clientIp(event),
    });
    if (!outcome.ok && 'unreadable' in outcome) {
      return outcome.unreadable === 'tooLarge'
        ? fail(413, { error: 'console.common.listTooLarge', text: '' })
        : fail(400, {
            error: 'console.catalog.notValidJsonDetail',
            params: { detail: outcome.detail },
            text,
          });
    }
    if (!outcome.ok && outcome.status === 409) {
      return fail(409, { error: outcome.error, text });
    }
    if (!outcome.ok) {
      const issues = Object.entries(outcome.fieldErrors)
        .slice(0, 20)
        .map(([path, message]) => `${path || '—'}: ${message}`)
        .join('\n');
      return fail(outcome.status, {
        error: 'console.catalog.listDoesNotMatch',
        params: { issues: issues || outcome.error },
        text,
      });
    }
    return { published: outcome.versionId };
  },
};
