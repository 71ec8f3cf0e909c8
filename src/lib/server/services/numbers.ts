import type { DocType } from '$lib/domain/record';
import type { NumberBlock } from '$lib/domain/numbering';
import { shanghaiYear } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import type { Db } from '../db/db';
import { appendChange } from '../repos/changes';
import { numberFormat, takeSerials } from './ingest';

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
