import { DOC_TYPES, type DocType } from '$lib/domain/record';
import {
  DEFAULT_TEMPLATE,
  DEFAULT_TYPE_WORDS,
  formatDocNumber,
  isProvisionalNumber,
  numberFormatSchema,
  type NumberBlock,
} from '$lib/domain/numbering';
import type { LockedRecord } from '$lib/domain/record';
import { z } from 'zod';
import { shanghaiYear } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import { nextCounter, type Db, type Tx } from '../db/db';
import { appendChange } from '../repos/changes';
import { audit } from '../repos/audit';
import { findBureau } from '../repos/users';

/**
 * Reserves a block of document numbers for one device. Serials come from a database counter per
 * bureau, type and year, taken inside the transaction: blocks never overlap, across concurrent
 * requests and across server instances.
 */
export async function reserveBlock(
  db: Db,
  options: {
    bureauId: string;
    deviceId: string;
    userId: string;
    docType: DocType;
    count: number;
    now?: Date;
  },
): Promise<NumberBlock> {
  const now = options.now ?? new Date();
  const year = shanghaiYear(now);
  return db.transaction().execute(async (tx) => {
    const first = await takeSerials(tx, options.bureauId, options.docType, year, options.count);
    const format = await numberFormat(tx, options.bureauId, options.docType);
    const block: NumberBlock = {
      id: uuidv7(now.getTime()),
      docType: options.docType,
      year,
      first,
      last: first + options.count - 1,
      next: first,
      format,
    };
    await tx
      .insertInto('number_blocks')
      .values({
        id: block.id,
        bureau_id: options.bureauId,
        device_id: options.deviceId,
        user_id: options.userId,
        doc_type: options.docType,
        year,
        first: block.first,
        last: block.last,
        format: JSON.stringify(format),
        created_at: now.toISOString(),
      })
      .execute();
    await appendChange(tx, {
      kind: 'numberBlock',
      userId: options.userId,
      at: now.toISOString(),
      payload: { deviceId: options.deviceId, block },
    });
    return block;
  });
}

export async function numberFormat(tx: Db | Tx, bureauId: string, docType: DocType) {
  const row = await tx
    .selectFrom('number_formats')
    .selectAll()
    .where('bureau_id', '=', bureauId)
    .where('doc_type', '=', docType)
    .executeTakeFirst();
  return row
    ? { template: row.template, prefix: row.prefix, word: row.word, width: row.width }
    : { template: DEFAULT_TEMPLATE, prefix: '', word: DEFAULT_TYPE_WORDS[docType], width: 4 };
}

/** Replaces provisional numbers with real ones from the bureau's counter; idempotent per document. */
export async function assignProvisionalNumbers(tx: Tx, record: LockedRecord, at: string) {
  const provisional = record.documents.filter(
    (d) => d.provisional || isProvisionalNumber(d.number),
  );
  const out: { documentId: string; docType: DocType; provisional: string; assigned: string }[] = [];
  if (provisional.length === 0) return out;
  const bureau = await tx
    .selectFrom('squads')
    .select('bureau_id')
    .where('id', '=', record.squadId)
    .executeTakeFirstOrThrow();
  for (const d of provisional) {
    const known = await tx
      .selectFrom('provisional_numbers')
      .select('assigned')
      .where('document_id', '=', d.id)
      .executeTakeFirst();
    if (known) {
      out.push({
        documentId: d.id,
        docType: d.docType,
        provisional: d.number,
        assigned: known.assigned,
      });
      continue;
    }
    const year = shanghaiYear(record.completedAt);
    const serial = await takeSerials(tx, bureau.bureau_id, d.docType, year, 1);
    const assigned = formatDocNumber(
      await numberFormat(tx, bureau.bureau_id, d.docType),
      year,
      serial,
    );
    await tx
      .insertInto('provisional_numbers')
      .values({
        record_id: record.id,
        document_id: d.id,
        doc_type: d.docType,
        provisional: d.number,
        assigned,
        assigned_at: at,
      })
      .execute();
    out.push({ documentId: d.id, docType: d.docType, provisional: d.number, assigned });
  }
  return out;
}

/** Takes `count` consecutive serials from the bureau's counter for a type and year. */
export async function takeSerials(
  tx: Tx,
  bureauId: string,
  docType: string,
  year: number,
  count: number,
): Promise<number> {
  return nextCounter(tx, `number:${bureauId}:${docType}:${year}`, count);
}

/** Every number (type and formatted number) of the blocks reserved for a device. */
export async function reservedNumbers(tx: Db | Tx, deviceId: string): Promise<Set<string>> {
  const rows = await tx
    .selectFrom('number_blocks')
    .select(['doc_type', 'year', 'first', 'last', 'format'])
    .where('device_id', '=', deviceId)
    .execute();
  const set = new Set<string>();
  for (const b of rows) {
    const format = numberFormatSchema.parse(JSON.parse(b.format));
    for (let s = b.first; s <= b.last; s++)
      set.add(`${b.doc_type}|${formatDocNumber(format, b.year, s)}`);
  }
  return set;
}

/** A bureau's number format for one document type, as the administrator edits it. */
export const numberFormatFormSchema = z.object({
  docType: z.enum(DOC_TYPES, { message: '文书类型无效' }),
  prefix: z.string().trim().max(20, '前缀过长（最多 20 字）'),
  word: z.string().trim().max(20, '字号过长（最多 20 字）'),
  template: z
    .string()
    .trim()
    .max(100, '编号格式过长（最多 100 字）')
    .transform((t) => t || DEFAULT_TEMPLATE)
    .refine(
      (t) => t.includes('{serial}') && t.includes('{year}'),
      '编号格式必须包含 {year} 和 {serial}',
    ),
  // An empty field keeps the usual four digits.
  width: z.preprocess(
    (v) => (v === '' ? 4 : v),
    z.coerce
      .number()
      .int('序号位数应为 1 到 8')
      .min(1, '序号位数应为 1 到 8')
      .max(8, '序号位数应为 1 到 8'),
  ),
});
export type NumberFormatForm = z.infer<typeof numberFormatFormSchema>;

/** Each document type's format and an example number, for the administrator's table. */
export async function numberFormatTable(db: Db, now = new Date()) {
  const bureau = await findBureau(db);
  const year = shanghaiYear(now);
  const rows = [];
  for (const t of DOC_TYPES) {
    const f = bureau
      ? await numberFormat(db, bureau.id, t)
      : { template: DEFAULT_TEMPLATE, prefix: '', word: DEFAULT_TYPE_WORDS[t], width: 4 };
    rows.push({ docType: t, ...f, example: formatDocNumber(f, year, 12) });
  }
  return { bureau: bureau ? { name: bureau.name } : null, rows };
}

/** Saves a format with its audit entry, in one transaction. False when no bureau is set up. */
export async function saveNumberFormat(
  db: Db,
  input: NumberFormatForm,
  by: { adminId: string; ip: string | null },
): Promise<boolean> {
  const bureau = await findBureau(db);
  if (!bureau) return false;
  const { docType, template, prefix, word, width } = input;
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('number_formats')
      .values({ bureau_id: bureau.id, doc_type: docType, template, prefix, word, width })
      .onConflict((oc) =>
        oc.columns(['bureau_id', 'doc_type']).doUpdateSet({ template, prefix, word, width }),
      )
      .execute();
    await audit(tx, {
      userId: by.adminId,
      action: 'numberFormat.update',
      target: docType,
      detail: { template, prefix, word, width },
      ip: by.ip,
    });
  });
  return true;
}

/** The real numbers the server gave a record's provisional ones: document id → number. */
export async function assignedNumbersOf(db: Db, recordId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('provisional_numbers')
    .select(['document_id', 'assigned'])
    .where('record_id', '=', recordId)
    .execute();
  return new Map(rows.map((r) => [r.document_id, r.assigned]));
}
