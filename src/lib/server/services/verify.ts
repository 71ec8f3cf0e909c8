import { normaliseShortHash } from '$lib/domain/integrity';
import { maskName } from '$lib/domain/party';
import type { LockedRecord } from '$lib/domain/record';
import { documentContent, documentShortHash, DOC_TITLES, partyName } from '$lib/notices/content';
import type { AppContext } from '../app';
import { catalogVersion } from '../repos/catalogs';

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
  /** match: the paper equals the current record; superseded: an earlier version; mismatch: neither. */
  check: 'match' | 'superseded' | 'mismatch' | 'notChecked';
  latestVersion: number;
  matchedVersion: number | null;
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
  if (!doc) return null;
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
    const record = JSON.parse(v.body) as LockedRecord;
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
  const assigned = await ctx.db
    .selectFrom('provisional_numbers')
    .select('assigned')
    .where('document_id', '=', docId)
    .executeTakeFirst();
  const latestVersion = versions[0]?.version ?? doc.first_version;
  return {
    title: latest.title ?? DOC_TITLES[doc.doc_type as keyof typeof DOC_TITLES],
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
  };
}
