import { findItem, unconfirmedCitations } from '$lib/domain/catalog';
import { canonicalJson, sha256Hex, shortHash } from '$lib/domain/integrity';
import { chineseDateTime } from '$lib/domain/time';
import { contentV1 } from './templates/v1';
import { contentV2 } from './templates/v2';
import type { ContentInput, DocContent } from './types';

/**
 * What each on-site notice says (REFERENCE §5), as data: the same function runs on the phone
 * (printing offline) and on the server (supervisor downloads, verification), so the text on paper
 * and the text the server checks are produced by one piece of code.
 */

export { DOC_TITLES } from './types';
export type { ContentInput, DocBlock, DocContent, SignatureSlot } from './types';

export { TEMPLATE_VERSION } from './version';

/**
 * Every version ever issued, so paper served under an old one still verifies: its content is
 * produced again by the code that produced it.
 */
const TEMPLATES: Record<string, (input: ContentInput) => DocContent> = {
  '1': contentV1,
  '2': contentV2,
};

export const TEMPLATE_VERSIONS = Object.keys(TEMPLATES);

export class UnknownTemplateError extends Error {
  constructor(readonly version: string) {
    super(`unknown document template version ${version}`);
  }
}

/** The content of one document of a record, by the template version the document names. */
export function documentContent(input: ContentInput): DocContent {
  const template = TEMPLATES[input.doc.templateVersion];
  if (!template) throw new UnknownTemplateError(input.doc.templateVersion);
  return template(input);
}

export { partyName } from './templates/v2';

/** Why a document may not be printed now; the phone and the server refuse alike. */
export type PrintBlocker =
  { code: 'unconfirmedCitation'; clauses: string[] } | { code: 'noRemedies' };

/**
 * Paper served on a citizen carries nothing unconfirmed: no citation the legal section has not
 * confirmed, and a decision always names where to appeal (the bureau's remedies setting).
 */
export function printBlockers({ record, doc, catalog }: ContentInput): PrintBlocker[] {
  const out: PrintBlocker[] = [];
  const item = findItem(catalog, record.itemCode);
  const unconfirmed = item ? unconfirmedCitations(item, doc.docType) : [];
  if (unconfirmed.length > 0) {
    out.push({
      code: 'unconfirmedCitation',
      clauses: unconfirmed.map((c) => `${c.law}${c.article}`),
    });
  }
  if (
    doc.docType === 'noPenaltyDecision' &&
    doc.templateVersion !== '1' &&
    !catalog.bureau.remedies
  ) {
    out.push({ code: 'noRemedies' });
  }
  return out;
}

/** The hash printed on the paper (short form) and checked by the verification page. */
export async function documentHash(content: DocContent): Promise<string> {
  return sha256Hex(canonicalJson(content));
}

export async function documentShortHash(content: DocContent): Promise<string> {
  return shortHash(await documentHash(content));
}

export function verifyUrl(base: string, docId: string, short: string): string {
  return `${base.replace(/\/$/, '')}/v/${docId}?h=${encodeURIComponent(short)}`;
}

/** All text of a document, for the coverage check before printing. */
export function documentText(c: DocContent): string {
  return [
    c.issuer,
    c.title,
    c.number,
    c.date,
    ...c.blocks.flatMap((b) => {
      switch (b.kind) {
        case 'field':
          return [b.label, b.value];
        case 'paragraph':
          return [b.text];
        case 'signatures':
          return b.slots.flatMap((s) => [s.label, s.name, s.date, s.note ?? '']);
        case 'photos':
          return b.items.map((i) => i.caption);
      }
    }),
  ].join('\n');
}

/** Everything a rendering needs besides the font and the images, identical on phone and server. */
export async function printJob(input: ContentInput & { baseUrl: string }): Promise<{
  content: DocContent;
  short: string;
  url: string;
  createdAt: string;
  fileId: string;
  photos: { sha256: string; caption: string }[];
}> {
  const content = documentContent(input);
  const hash = await documentHash(content);
  const short = shortHash(hash);
  const r = input.record;
  return {
    content,
    short,
    url: verifyUrl(input.baseUrl, content.docId, short),
    createdAt:
      content.docType === 'reinspectionRecord' && r.reinspection?.doneAt
        ? r.reinspection.doneAt
        : r.completedAt,
    fileId: hash,
    photos: r.evidence
      .filter((e) => e.mime === 'image/jpeg' || e.mime === 'image/png')
      .map((e, i) => ({
        sha256: e.sha256,
        caption: `${i + 1}. ${e.kind === 'after' ? '改正后照片' : '现场照片'} ${chineseDateTime(e.takenAt)}`,
      })),
  };
}
