import type { Catalog } from '$lib/domain/catalog';
import type { DocumentRef, LockedRecord } from '$lib/domain/record';
import { documentText, printBlockers, printJob, type DocContent } from '$lib/notices/content';
import {
  base64Of,
  fontCoverage,
  markUncovered,
  uncoveredCharacters,
  type Coverage,
} from '$lib/notices/font';
import type { Layout } from '$lib/notices/render';
import type { PatrolDb } from './db';
import { MessageError } from '$lib/i18n';

/**
 * Printing on the phone, offline: the font comes from the service worker's cache (fetched right
 * after login), jsPDF is loaded only now, and images come from IndexedDB.
 */
export const FONT_URL = '/fonts/wqy-microhei-subset.ttf';

let font: Promise<{ base64: string; coverage: Coverage }> | null = null;

export function loadFont(): Promise<{ base64: string; coverage: Coverage }> {
  font ??= (async () => {
    const res = await fetch(FONT_URL);
    if (!res.ok) throw new MessageError({ key: 'err.printFont' });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { base64: base64Of(bytes), coverage: fontCoverage(bytes) };
  })();
  font.catch(() => (font = null));
  return font;
}

export type Prepared = Awaited<ReturnType<typeof printJob>> & { uncovered: string[] };

/** A document that would carry something unconfirmed is not printed (printBlockers). */
export class PrintRefusedError extends MessageError {}

export async function prepare(
  record: LockedRecord,
  doc: DocumentRef,
  catalog: Catalog,
  baseUrl: string,
): Promise<Prepared> {
  const [blocker] = printBlockers({ record, doc, catalog });
  if (blocker) {
    throw new PrintRefusedError(
      blocker.code === 'unconfirmedCitation'
        ? {
            key: 'docs.unconfirmedCitation',
            params: { clauses: blocker.clauses.join(', '), version: catalog.versionId },
          }
        : { key: 'docs.noRemedies', params: { version: catalog.versionId } },
    );
  }
  const job = await printJob({ record, doc, catalog, baseUrl });
  const { coverage } = await loadFont();
  return { ...job, uncovered: uncoveredCharacters(documentText(job.content), coverage) };
}

export async function renderOnPhone(
  db: PatrolDb,
  prepared: Prepared,
  options: { layout: Layout; photos: boolean },
): Promise<Blob> {
  const [{ renderPdf }, f] = await Promise.all([import('$lib/notices/render'), loadFont()]);
  const content = JSON.parse(
    markUncovered(JSON.stringify(prepared.content), f.coverage),
  ) as DocContent;
  const bytes = await renderPdf({
    content,
    layout: options.layout,
    fontBase64: f.base64,
    image: async (sha256) => {
      const b = await db.evidence.get(sha256);
      if (!b || (b.mime !== 'image/png' && b.mime !== 'image/jpeg')) return null;
      return { bytes: new Uint8Array(b.bytes), format: b.mime === 'image/png' ? 'PNG' : 'JPEG' };
    },
    verify: { url: prepared.url, short: prepared.short },
    createdAt: prepared.createdAt,
    fileId: prepared.fileId,
    ...(options.photos && options.layout === 'a4' ? { photos: prepared.photos } : {}),
  });
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' });
}
