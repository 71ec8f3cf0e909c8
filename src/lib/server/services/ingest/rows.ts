import { referencedBlobs, type LockedRecord } from '$lib/domain/record';
import { shanghaiDate } from '$lib/domain/time';
import type { Tx } from '../../db/db';
import type { ChangeInput } from '../../repos/changes';
import type { PushWrites } from './writes';

/**
 * The rows derived from a record's latest version: its documents (numbers are unique), the
 * evidence it names, and its first-offence ledger rows; returns the ledger change that tells
 * officers' phones the record's ledger entry changed (the entry itself, with digests of the party
 * keys under the key of the moment, is made when a phone pulls: `repos/changes.ts`). With
 * `writes`, the inserts wait for the push's multi-row statements.
 */
export async function writeDerivedRows(
  tx: Tx,
  record: LockedRecord,
  district: string,
  receivedAt: string,
  replacing: boolean,
  writes: PushWrites | null = null,
): Promise<ChangeInput[]> {
  const changes: ChangeInput[] = [];
  const documents = record.documents.map((d) => ({
    doc_id: d.id,
    record_id: record.id,
    doc_type: d.docType,
    number: d.number,
    first_version: record.version,
    provisional: d.provisional ? (1 as const) : (0 as const),
  }));
  if (writes) writes.document(documents);
  else if (documents.length > 0)
    await tx
      .insertInto('documents')
      .values(documents)
      .onConflict((oc) => oc.column('doc_id').doNothing())
      .execute();

  const refs = referencedBlobs(record).map((sha256) => ({ sha256, record_id: record.id }));
  if (writes) writes.blobRef(refs);
  else if (refs.length > 0)
    await tx
      .insertInto('blob_refs')
      .values(refs)
      .onConflict((oc) => oc.columns(['sha256', 'record_id']).doNothing())
      .execute();

  // The first-offence ledger holds one row per party key of the record's latest version (a
  // record's first stored version has none to replace). Keys a later version drops are kept
  // apart: phones are told to withdraw their digests (`ledger_former`, ADR 0018).
  if (replacing) {
    await tx
      .insertInto('ledger_former')
      .columns(['record_id', 'party_key'])
      .expression((eb) =>
        eb
          .selectFrom('ledger')
          .select(['record_id', 'party_key'])
          .where('record_id', '=', record.id),
      )
      .onConflict((oc) => oc.columns(['record_id', 'party_key']).doNothing())
      .execute();
    await tx.deleteFrom('ledger').where('record_id', '=', record.id).execute();
    if (record.partyKeys.length > 0)
      await tx
        .deleteFrom('ledger_former')
        .where('record_id', '=', record.id)
        .where('party_key', 'in', record.partyKeys)
        .execute();
  }
  const date = shanghaiDate(record.foundAt);
  const ledger = record.partyKeys.map((party_key) => ({
    record_id: record.id,
    party_key,
    item_code: record.itemCode,
    found_date: date,
    squad_id: record.squadId,
    district: district,
    branch: record.evaluation.branch,
  }));
  if (writes) writes.ledgerRows(ledger);
  else if (ledger.length > 0) await tx.insertInto('ledger').values(ledger).execute();
  // A later version without keys still tells the phones (they drop the record's rows).
  if (record.partyKeys.length > 0 || replacing)
    changes.push({
      kind: 'ledger',
      district: district,
      at: receivedAt,
      payload: { recordId: record.id },
    });
  return changes;
}
