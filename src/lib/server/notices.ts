import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LockedRecord } from '$lib/domain/record';
import {
  documentContent,
  printBlockers,
  printJob,
  type DocContent,
  type PrintBlocker,
} from '$lib/notices/content';
import { base64Of, fontCoverage, markUncovered, type Coverage } from '$lib/notices/font';
import type { Layout } from '$lib/notices/render';
import type { AppContext } from './app';
import { blobMeta } from './repos/blobs';
import { catalogVersion } from './repos/catalogs';

/**
 * Server-side notices: the same content and renderer as the phone, fed from the stored record,
 * the blob store and the font file shipped with the app.
 */

const FONT = 'fonts/wqy-microhei-subset.ttf';
let font: { base64: string; coverage: Coverage } | null = null;

function loadFont(): { base64: string; coverage: Coverage } {
  if (font) return font;
  const candidates = [
    ...(process.env.PB_BUILD_DIR ? [join(resolve(process.env.PB_BUILD_DIR), 'client', FONT)] : []),
    join(process.cwd(), 'build', 'client', FONT),
    join(process.cwd(), 'static', FONT),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`notice font not found (looked in ${candidates.join(', ')})`);
  const bytes = new Uint8Array(readFileSync(file));
  font = { base64: base64Of(bytes), coverage: fontCoverage(bytes) };
  return font;
}

export async function contentFor(
  ctx: AppContext,
  record: LockedRecord,
  docId: string,
): Promise<DocContent | null> {
  const doc = record.documents.find((d) => d.id === docId);
  if (!doc) return null;
  const catalog = await catalogVersion(ctx.db, record.catalogVersion);
  if (!catalog) return null;
  return documentContent({ record, doc, catalog });
}

export function baseUrl(ctx: AppContext, origin: string): string {
  return ctx.config.publicUrl ?? origin;
}

export async function renderDocument(
  ctx: AppContext,
  record: LockedRecord,
  docId: string,
  options: { layout: Layout; origin: string; photos?: boolean },
): Promise<{ bytes: Uint8Array; content: DocContent } | { blockers: PrintBlocker[] } | null> {
  const doc = record.documents.find((d) => d.id === docId);
  const catalog = await catalogVersion(ctx.db, record.catalogVersion);
  if (!doc || !catalog) return null;
  const blockers = printBlockers({ record, doc, catalog });
  if (blockers.length > 0) return { blockers };
  const job = await printJob({ record, doc, catalog, baseUrl: baseUrl(ctx, options.origin) });
  const { renderPdf } = await import('$lib/notices/render');
  const f = loadFont();
  // A character the font lacks prints as a visible □; the phone asks the officer first.
  const printable = JSON.parse(
    markUncovered(JSON.stringify(job.content), f.coverage),
  ) as DocContent;
  const bytes = await renderPdf({
    content: printable,
    layout: options.layout,
    fontBase64: f.base64,
    image: async (sha256) => {
      const row = await blobMeta(ctx.db, sha256);
      if (!row || (row.mime !== 'image/png' && row.mime !== 'image/jpeg')) return null;
      return {
        bytes: await ctx.blobs.readAll(sha256),
        format: row.mime === 'image/png' ? 'PNG' : 'JPEG',
      };
    },
    verify: { url: job.url, short: job.short },
    createdAt: job.createdAt,
    fileId: job.fileId,
    ...(options.photos && options.layout === 'a4' ? { photos: job.photos } : {}),
  });
  return { bytes, content: job.content };
}
