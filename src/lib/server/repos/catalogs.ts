import { pinyin } from 'pinyin-pro';
import { parseCatalog, type Catalog } from '$lib/domain/catalog';
import type { Db, Tx } from '../db/db';
import { appendChange } from './changes';

/** Published catalog versions are immutable, so a parsed copy can be cached for the process. */
const cache = new Map<string, Catalog>();

export async function catalogVersion(db: Db | Tx, versionId: string): Promise<Catalog | null> {
  const hit = cache.get(versionId);
  if (hit) return hit;
  const row = await db
    .selectFrom('catalog_versions')
    .select('body')
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  if (!row) return null;
  const catalog = parseCatalog(JSON.parse(row.body));
  cache.set(versionId, catalog);
  return catalog;
}

export async function listCatalogVersions(db: Db) {
  return db
    .selectFrom('catalog_versions')
    .select(['version_id', 'effective_from', 'published_at', 'published_by'])
    .orderBy('effective_from', 'desc')
    .orderBy('published_at', 'desc')
    .execute();
}

/** The version in force on a date (the latest effective on or before it). */
export async function catalogInForceOn(db: Db, date: string): Promise<Catalog | null> {
  const row = await db
    .selectFrom('catalog_versions')
    .select('version_id')
    .where('effective_from', '<=', date)
    .orderBy('effective_from', 'desc')
    .orderBy('published_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? catalogVersion(db, row.version_id) : null;
}

export async function latestCatalog(db: Db): Promise<Catalog | null> {
  const row = await db
    .selectFrom('catalog_versions')
    .select('version_id')
    .orderBy('effective_from', 'desc')
    .orderBy('published_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? catalogVersion(db, row.version_id) : null;
}

export class CatalogExistsError extends Error {}

/** Adds pinyin initials to every item, so officers can search 出店经营 by typing "cdjy". */
export function withInitials(catalog: Catalog): Catalog {
  return {
    ...catalog,
    items: catalog.items.map((item) => ({
      ...item,
      initials: pinyin(item.name, {
        pattern: 'first',
        toneType: 'none',
        type: 'array',
        nonZh: 'removed',
      })
        .join('')
        .toLowerCase()
        .replace(/[^a-z]/g, '')
        .slice(0, 60),
    })),
  };
}

/** Publishes a new version; phones receive it on their next pull. Versions are never edited. */
export async function publishCatalog(
  tx: Tx,
  options: { catalog: Catalog; bureauId: string; userId: string | null; at: string },
): Promise<void> {
  const catalog = withInitials(options.catalog);
  const exists = await tx
    .selectFrom('catalog_versions')
    .select('version_id')
    .where('version_id', '=', options.catalog.versionId)
    .executeTakeFirst();
  if (exists) throw new CatalogExistsError(`清单版本 ${options.catalog.versionId} 已存在`);
  await tx
    .insertInto('catalog_versions')
    .values({
      version_id: catalog.versionId,
      bureau_id: options.bureauId,
      effective_from: catalog.effectiveFrom,
      body: JSON.stringify(catalog),
      published_at: options.at,
      published_by: options.userId,
    })
    .execute();
  await appendChange(tx, {
    kind: 'catalog',
    broadcast: true,
    payload: { catalog },
    at: options.at,
  });
}
