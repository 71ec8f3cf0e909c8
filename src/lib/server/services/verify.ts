import { normaliseShortHash } from '$lib/domain/integrity';
import { maskName } from '$lib/domain/party';
import { storedRecordSchema, type LockedRecord } from '$lib/domain/record';
import { labelOf } from '$lib/domain/labels';
import { documentContent, documentShortHash, partyName } from '$lib/notices/content';
import type { AppContext } from '../app';
import { catalogVersion } from '../repos/catalogs';
import { quarantinedDocument } from '../repos/quarantine';
import { parseStoredRecord } from '../repos/stored';

export type Verification = {
  title: string;
  number: string;
  assignedNumber: string | null;
  date: string;
  issuer: string;
  itemName: string;
  party: string;
  reviewState: string;
  followUp: string;
  /**
   * match: the paper equals the current record; superseded: an earlier version; mismatch:
   * neither; held: printed from a version the bureau received but has not accepted (yet).
   */
  check: 'match' | 'superseded' | 'mismatch' | 'notChecked' | 'held' | 'heldUnchecked';
  latestVersion: number;
  matchedVersion: number | null;
  /** The matched version is one the server refused (kept in the quarantine) and an amendment replaced. */
  matchedRefused: boolean;
};

/**
 * What the public may learn about a notice from its verification id: enough to know it is
 * genuine and current, nothing about the party beyond a masked name.
 */
export async function verifyDocument(
  ctx: AppContext,
  docId: string,
  printed: string | null,
): Promise<Verification | null> {
  const doc = await ctx.db
    .selectFrom('documents')
    .selectAll()
    .where('doc_id', '=', docId)
    .executeTakeFirst();
  if (!doc) return heldDocument(ctx, docId, printed);
  const row = await ctx.db
    .selectFrom('records')
    .selectAll()
    .where('id', '=', doc.record_id)
    .executeTakeFirst();
  if (!row) return null;
  const versions = await ctx.db
    .selectFrom('record_versions')
    .select(['version', 'body'])
    .where('record_id', '=', doc.record_id)
    .where('version', '>=', doc.first_version)
    .orderBy('version', 'desc')
    .execute();
  const wanted = printed ? normaliseShortHash(printed) : '';
  let matchedVersion: number | null = null;
  let latest: {
    record: LockedRecord;
    title: string;
    date: string;
    issuer: string;
    itemName: string;
  } | null = null;
  for (const v of versions) {
    const record = parseStoredRecord(v.body);
    const ref = record.documents.find((d) => d.id === docId);
    const catalog = await catalogVersion(ctx.db, record.catalogVersion);
    if (!ref || !catalog) continue;
    const content = documentContent({ record, doc: ref, catalog });
    latest ??= {
      record,
      title: content.title,
      date: content.date,
      issuer: content.issuer,
      itemName: catalog.items.find((i) => i.code === record.itemCode)?.name ?? record.itemCode,
    };
    if (wanted && matchedVersion === null && (await documentShortHash(content)) === wanted)
      matchedVersion = v.version;
  }
  if (!latest) return null;
  let matchedRefused = false;
  if (wanted && matchedVersion === null) {
    const refused = await quarantinedMatch(ctx, docId, wanted);
    if (refused !== null) {
      matchedVersion = refused;
      matchedRefused = true;
    }
  }
  const assigned = await ctx.db
    .selectFrom('provisional_numbers')
    .select('assigned')
    .where('document_id', '=', docId)
    .executeTakeFirst();
  const latestVersion = versions[0]?.version ?? doc.first_version;
  return {
    title: latest.title ?? labelOf('doc', doc.doc_type),
    number: doc.number,
    assignedNumber: assigned?.assigned ?? null,
    date: latest.date,
    issuer: latest.issuer,
    itemName: latest.itemName,
    party: maskName(partyName(latest.record.party)),
    reviewState: row.review_state,
    followUp: row.follow_up,
    check: !wanted
      ? 'notChecked'
      : matchedVersion === null
        ? 'mismatch'
        : matchedVersion === latestVersion
          ? 'match'
          : 'superseded',
    latestVersion,
    matchedVersion,
    matchedRefused,
  };
}

type Printed = {
  record: LockedRecord;
  version: number;
  short: string;
  title: string;
  date: string;
  issuer: string;
  itemName: string;
};

/** The document as printed from each quarantined version that carried it (newest first). */
async function quarantinedPrints(ctx: AppContext, docId: string): Promise<Printed[]> {
  const out: Printed[] = [];
  for (const q of await quarantinedDocument(ctx.db, docId)) {
    const parsed = storedRecordSchema.safeParse(JSON.parse(q.payload));
    if (!parsed.success) continue;
    const record = parsed.data;
    const ref = record.documents.find((d) => d.id === docId);
    const catalog = await catalogVersion(ctx.db, record.catalogVersion);
    if (!ref || !catalog || !catalog.items.some((i) => i.code === record.itemCode)) continue;
    const content = documentContent({ record, doc: ref, catalog });
    out.push({
      record,
      version: record.version,
      short: await documentShortHash(content),
      title: content.title,
      date: content.date,
      issuer: content.issuer,
      itemName: catalog.items.find((i) => i.code === record.itemCode)?.name ?? record.itemCode,
    });
  }
  return out;
}

async function quarantinedMatch(
  ctx: AppContext,
  docId: string,
  wanted: string,
): Promise<number | null> {
  const match = (await quarantinedPrints(ctx, docId)).find((p) => p.short === wanted);
  return match?.version ?? null;
}

/**
 * A notice printed from a version the server refused, before any amendment was accepted: the
 * paper is genuine (the bureau holds what it was printed from), the case is being put right.
 */
async function heldDocument(
  ctx: AppContext,
  docId: string,
  printed: string | null,
): Promise<Verification | null> {
  const prints = await quarantinedPrints(ctx, docId);
  const latest = prints[0];
  if (!latest) {
    // Received, but its list version or item is not on the server (yet): the number is the
    // bureau's, the code cannot be compared until the record is put right.
    const [q] = await quarantinedDocument(ctx.db, docId);
    if (!q) return null;
    return {
      title: labelOf('doc', q.doc_type),
      number: q.number,
      assignedNumber: null,
      date: '—',
      issuer: '—',
      itemName: '—',
      party: '—',
      reviewState: 'held',
      followUp: 'held',
      check: 'heldUnchecked',
      latestVersion: q.version ?? 0,
      matchedVersion: null,
      matchedRefused: false,
    };
  }
  const wanted = printed ? normaliseShortHash(printed) : '';
  const matched = wanted ? prints.find((p) => p.short === wanted) : undefined;
  const ref = latest.record.documents.find((d) => d.id === docId);
  return {
    title: latest.title,
    number: ref?.number ?? '',
    assignedNumber: null,
    date: latest.date,
    issuer: latest.issuer,
    itemName: latest.itemName,
    party: maskName(partyName(latest.record.party)),
    reviewState: 'held',
    followUp: 'held',
    check: !wanted ? 'notChecked' : matched ? 'held' : 'mismatch',
    latestVersion: latest.version,
    matchedVersion: matched?.version ?? null,
    matchedRefused: matched !== undefined,
  };
}
