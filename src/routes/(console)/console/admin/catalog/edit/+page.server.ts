import { fail } from '@sveltejs/kit';
import type { CatalogInput } from '$lib/domain/catalog';
import { shanghaiDate } from '$lib/domain/time';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { field } from '$lib/server/forms';
import { clientIp } from '$lib/server/http';
import { latestCatalog } from '$lib/server/repos/catalogs';
import { publishCatalogText } from '$lib/server/services/catalogs';
import type { Actions, PageServerLoad } from './$types';

/** The published catalog as an editable draft: initials are the server's to compute. */
function editable(catalog: CatalogInput): CatalogInput {
  return {
    ...catalog,
    items: catalog.items.map(({ initials: _initials, ...item }) => item),
  };
}

export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  const ctx = await app();
  const latest = await latestCatalog(ctx.db);
  const today = shanghaiDate(new Date().toISOString());
  const published = latest ? editable(latest) : null;
  return {
    published,
    draft: published
      ? { ...published, versionId: nextVersionId(published.versionId, today), effectiveFrom: today }
      : null,
  };
};

/** A new version id from the old one and the day: luan-2026-01 -> luan-2026-01-r20261130. */
function nextVersionId(old: string, today: string): string {
  const base = old.replace(/-r\d{8}(-\d+)?$/, '');
  return `${base}-r${today.replace(/-/g, '')}`.slice(0, 64);
}

export const actions: Actions = {
  publish: async (event) => {
    const admin = requireAdmin(event.locals);
    const f = await event.request.formData();
    const outcome = await publishCatalogText(await app(), field(f, 'catalog'), {
      userId: admin.id,
      ip: clientIp(event),
    });
    if (!outcome.ok && 'unreadable' in outcome) {
      const error =
        outcome.unreadable === 'tooLarge'
          ? 'console.common.listTooLarge'
          : 'console.catalogEdit.formCouldNotRead';
      return fail(outcome.status, { error, fieldErrors: {} });
    }
    if (!outcome.ok) {
      return fail(outcome.status, {
        error: outcome.error,
        params: outcome.params,
        fieldErrors: outcome.fieldErrors,
      });
    }
    return { published: outcome.versionId, fieldErrors: {} };
  },
};
