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

/** Publishes a new version; phones receive it on their next pull. Versions are never edited. */
export async function publishCatalog(
  tx: Tx,
  options: { catalog: Catalog; bureauId: string; userId: string | null; at: string },
): Promise<void> {
  const exists = await tx
    .selectFrom('catalog_versions')
    .select('version_id')
    .where('version_id', '=', options.catalog.versionId)
    .executeTakeFirst();
  if (exists) throw new CatalogExistsError(`清单版本 ${options.catalog.versionId} 已存在`);
  await tx
    .insertInto('catalog_versions')
    .values({
      version_id: options.catalog.versionId,
      bureau_id: options.bureauId,
      effective_from: options.catalog.effectiveFrom,
      body: JSON.stringify(options.catalog),
      published_at: options.at,
      published_by: options.userId,
    })
    .execute();
  await appendChange(tx, {
    kind: 'catalog',
    broadcast: true,
    payload: { catalog: options.catalog },
    at: options.at,
  });
}
