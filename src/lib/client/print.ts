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
import type { Paper, RasterImage } from '$lib/notices/raster';
import { COPY_LABELS, PRINT_COPIES } from '$lib/domain/labels';
import type { PrintPiece } from './printer';
import type { PatrolDb } from './db';
import { MessageError } from '$lib/i18n';

/**
 * Printing on the phone, offline: the font comes from the service worker's cache (fetched right
 * after login), jsPDF is loaded only now, and images come from IndexedDB.
 */
import { FONT_URL } from './font-url';
export { FONT_URL };

type LoadedFont = { bytes: Uint8Array; base64: string; coverage: Coverage };
let font: Promise<LoadedFont> | null = null;

export function loadFont(): Promise<LoadedFont> {
  font ??= (async () => {
    const res = await fetch(FONT_URL);
    if (!res.ok) throw new MessageError({ key: 'err.printFont' });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { bytes, base64: base64Of(bytes), coverage: fontCoverage(bytes) };
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

/** The same font for canvas drawing (the printer raster), registered once per session. */
const RASTER_FAMILY = 'Patrolbook WenQuanYi';
let face: Promise<string> | null = null;

function loadFontFace(): Promise<string> {
  face ??= (async () => {
    const { bytes } = await loadFont();
    const loaded = await new FontFace(RASTER_FAMILY, bytes as Uint8Array<ArrayBuffer>).load();
    document.fonts.add(loaded);
    return RASTER_FAMILY;
  })();
  face.catch(() => (face = null));
  return face;
}

/** Content with the characters the font lacks shown as □ (the officer accepted that). */
async function printableContent(prepared: Prepared): Promise<DocContent> {
  const f = await loadFont();
  return JSON.parse(markUncovered(JSON.stringify(prepared.content), f.coverage)) as DocContent;
}

async function imageBytes(db: PatrolDb, sha256: string) {
  const b = await db.evidence.get(sha256);
  if (!b || (b.mime !== 'image/png' && b.mime !== 'image/jpeg')) return null;
  return { bytes: new Uint8Array(b.bytes), mime: b.mime };
}

/**
 * The copies of one prepared document for a thermal printer, as ESC/POS bytes: drawn in printer
 * dots from the same content as the PDF (notices/raster.ts), one per copy the document needs.
 */
export async function escposOnPhone(
  db: PatrolDb,
  prepared: Prepared,
  paper: Paper,
): Promise<PrintPiece[]> {
  const [{ renderRaster }, { escposCopy }, fontFamily, content] = await Promise.all([
    import('$lib/notices/raster'),
    import('$lib/notices/escpos'),
    loadFontFace(),
    printableContent(prepared),
  ]);
  const copies = PRINT_COPIES[content.docType];
  // Each signature read, opened and decoded once for all copies.
  const images = new Map<string, Promise<RasterImage | null>>();
  const image = (sha256: string) => {
    let found = images.get(sha256);
    if (!found) {
      found = imageBytes(db, sha256).then(async (img) => {
        if (!img) return null;
        const source = await createImageBitmap(new Blob([img.bytes], { type: img.mime }));
        return { source, width: source.width, height: source.height };
      });
      images.set(sha256, found);
    }
    return found;
  };
  const pieces: PrintPiece[] = [];
  for (const copy of copies) {
    const label = copies.length > 1 ? COPY_LABELS[copy] : null;
    const bitmap = await renderRaster({
      content,
      paper,
      ...(label ? { copy: label } : {}),
      fontFamily,
      verify: { url: prepared.url, short: prepared.short },
      canvas: (w, h) => new OffscreenCanvas(w, h),
      image,
    });
    pieces.push({
      docId: content.docId,
      title: content.title,
      number: content.number,
      copy: label,
      bytes: escposCopy(bitmap, paper),
    });
  }
  return pieces;
}

export async function renderOnPhone(
  db: PatrolDb,
  prepared: Prepared,
  options: { layout: Layout; photos: boolean },
): Promise<Blob> {
  const [{ renderPdf }, f, content] = await Promise.all([
    import('$lib/notices/render'),
    loadFont(),
    printableContent(prepared),
  ]);
  const bytes = await renderPdf({
    content,
    layout: options.layout,
    fontBase64: f.base64,
    image: async (sha256) => {
      const img = await imageBytes(db, sha256);
      return img && { bytes: img.bytes, format: img.mime === 'image/png' ? 'PNG' : 'JPEG' };
    },
    verify: { url: prepared.url, short: prepared.short },
    createdAt: prepared.createdAt,
    fileId: prepared.fileId,
    ...(options.photos && options.layout === 'a4' ? { photos: prepared.photos } : {}),
  });
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' });
}
