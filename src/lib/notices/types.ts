import type { Catalog } from '$lib/domain/catalog';
import type { DocType, DocumentRef, LockedRecord } from '$lib/domain/record';

/** The shapes every template version produces; a change here is a change of every version. */

export { DOC_TITLES } from '$lib/domain/labels';

export type SignatureSlot = {
  label: string;
  name: string;
  /** PNG of the strokes, by hash; null where the person did not sign (refusal, or to sign by hand). */
  sha256: string | null;
  date: string;
  note?: string;
};

export type DocBlock =
  | { kind: 'field'; label: string; value: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'signatures'; slots: SignatureSlot[] }
  | { kind: 'photos'; items: { sha256: string; caption: string }[] };

export type DocContent = {
  docId: string;
  recordId: string;
  docType: DocType;
  templateVersion: string;
  issuer: string;
  title: string;
  number: string;
  date: string;
  blocks: DocBlock[];
};

export type ContentInput = {
  record: LockedRecord;
  doc: DocumentRef;
  catalog: Catalog;
};
