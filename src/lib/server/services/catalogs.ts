import { catalogFieldErrors, catalogSchema, type Catalog } from '$lib/domain/catalog';
import type { AppContext } from '../app';
import { audit } from '../repos/audit';
import { CatalogExistsError, publishCatalog } from '../repos/catalogs';
import { findBureau } from '../repos/users';

/**
 * Publishing a catalog version, from the form editor or a JSON import: validated field by field
 * with the schema the phone uses, stored and audited in one transaction. A published version
 * never changes; records keep the version they were evaluated with.
 */

export type PublishOutcome =
  | { ok: true; versionId: string; items: number }
  | {
      ok: false;
      status: 400 | 409;
      error: string;
      params?: Record<string, string>;
      fieldErrors: Record<string, string>;
    };

/** The largest catalog text a form may send (a whole list with every item is about 200 KB). */
export const MAX_CATALOG_TEXT = 2_000_000;

export type Unreadable = {
  ok: false;
  status: 400 | 413;
  unreadable: 'tooLarge' | 'notJson';
  detail: string;
};

/**
 * A catalog sent as JSON text (the form editor's draft, or an import): too large or not JSON is
 * said apart from a list that does not pass the schema, which `publishCatalogDraft` explains
 * field by field.
 */
export async function publishCatalogText(
  ctx: AppContext,
  text: string,
  actor: { userId: string; ip: string | null },
): Promise<PublishOutcome | Unreadable> {
  if (text.length > MAX_CATALOG_TEXT)
    return { ok: false, status: 413, unreadable: 'tooLarge', detail: '' };
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (e) {
    const detail = e instanceof Error ? e.message : '';
    return { ok: false, status: 400, unreadable: 'notJson', detail };
  }
  return publishCatalogDraft(ctx, { data, ...actor, at: new Date().toISOString() });
}

export async function publishCatalogDraft(
  ctx: AppContext,
  input: { data: unknown; userId: string; ip: string | null; at: string },
): Promise<PublishOutcome> {
  const parsed = catalogSchema.safeParse(input.data);
  if (!parsed.success) {
    const fieldErrors = catalogFieldErrors(parsed.error);
    return {
      ok: false,
      status: 400,
      error: '清单有 {n} 处需要修改，见各字段下的提示',
      params: { n: String(Object.keys(fieldErrors).length) },
      fieldErrors,
    };
  }
  const catalog: Catalog = parsed.data;
  const bureau = await findBureau(ctx.db);
  if (!bureau) return { ok: false, status: 400, error: '尚未设置执法机关', fieldErrors: {} };
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await publishCatalog(tx, {
        catalog,
        bureauId: bureau.id,
        userId: input.userId,
        at: input.at,
      });
      await audit(tx, {
        userId: input.userId,
        action: 'catalog.publish',
        target: catalog.versionId,
        detail: { effectiveFrom: catalog.effectiveFrom, items: catalog.items.length },
        ip: input.ip,
      });
    });
  } catch (e) {
    if (e instanceof CatalogExistsError) {
      return {
        ok: false,
        status: 409,
        error: e.message,
        fieldErrors: { versionId: '该版本号已发布，请换一个新的版本号' },
      };
    }
    throw e;
  }
  return { ok: true, versionId: catalog.versionId, items: catalog.items.length };
}
