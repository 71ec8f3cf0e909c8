import { fail } from '@sveltejs/kit';
import { catalogSchema, unverifiedClauses } from '$lib/domain/catalog';
import { app } from '$lib/server/app';
import { findBureau } from '$lib/server/repos/users';
import { requireAdmin } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import {
  CatalogExistsError,
  latestCatalog,
  listCatalogVersions,
  publishCatalog,
} from '$lib/server/repos/catalogs';
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
  publish: async (event) => {
    const admin = requireAdmin(event.locals);
    const f = await event.request.formData();
    const text = field(f, 'catalog');
    if (text.length > 2_000_000) return fail(413, { error: '清单内容过大', text: '' });
    let data: unknown;
    try {
      data = JSON.parse(text) as unknown;
    } catch (e) {
      return fail(400, {
        error: '不是有效的 JSON：{detail}',
        params: { detail: e instanceof Error ? e.message : '' },
        text,
      });
    }
    const parsed = catalogSchema.safeParse(data);
    if (!parsed.success) {
      return fail(400, {
        error: '清单不符合格式：\n{issues}',
        params: {
          issues: parsed.error.issues
            .slice(0, 20)
            .map((i) => `${i.path.join('.') || '—'}: ${i.message}`)
            .join('\n'),
        },
        text,
      });
    }
    const ctx = await app();
    const bureau = await findBureau(ctx.db);
    if (!bureau) return fail(400, { error: '尚未设置执法机关', text });
    try {
      await ctx.db.transaction().execute(async (tx) => {
        await publishCatalog(tx, {
          catalog: parsed.data,
          bureauId: bureau.id,
          userId: admin.id,
          at: new Date().toISOString(),
        });
        await audit(tx, {
          userId: admin.id,
          action: 'catalog.publish',
          target: parsed.data.versionId,
          detail: { effectiveFrom: parsed.data.effectiveFrom, items: parsed.data.items.length },
          ip: clientIp(event),
        });
      });
    } catch (e) {
      if (e instanceof CatalogExistsError) return fail(409, { error: e.message, text });
      throw e;
    }
    return { published: parsed.data.versionId };
  },
};
