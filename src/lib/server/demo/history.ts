import type { Catalog, CatalogItem } from '$lib/domain/catalog';
import type { ChecklistAnswers, PriorRecord } from '$lib/domain/evaluate';
import { takeNext, type NumberBlock } from '$lib/domain/numbering';
import type { Party } from '$lib/domain/party';
import {
  lockRecord,
  requiredDocuments,
  type DocType,
  type LockedRecord,
  type OfficerRef,
  type RecordContent,
} from '$lib/domain/record';
import { shanghaiYear } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import { TEMPLATE_VERSION } from '$lib/notices/content';
import type { AppContext } from '../app';
import { linkHandledTasks } from '../services/dispatch';
import { ingestRecords } from '../services/ingest';
import { reserveBlock } from '../services/numbers';
import { makeBlobs, type BlobPool } from './blobs';
import { firstVersion } from './first-version';
import { confirmOthers, reinspect, review } from './follow-up';
import { ITEM_WEIGHTS } from './people';
import { mulberry32, type Rng } from './random';
import { BUREAU, type SeedOfficer } from './roster';

/**
 * Six months of records, built with the real domain code and stored through the real ingest
 * path as the officers' phones would have sent them: first versions, second officers'
 * confirmations, re-inspections of deadline cases, supervisors' reviews and amendments.
 */

/** What every step of the demo history shares. */
export type SeedRun = {
  ctx: AppContext;
  catalog: Catalog;
  officers: SeedOfficer[];
  now: Date;
  rng: Rng;
  blobs: BlobPool;
  /** Items the list exempts, each as often as officers meet it. */
  weighted: CatalogItem[];
  /** What the bureau's ledger holds so far (the phones' first-offence lookups read it). */
  ledger: PriorRecord[];
  /** Parties met so far, some met again. */
  parties: { party: Party; squadId: string; itemCode: string }[];
  deviceOf: (officer: SeedOfficer) => Promise<string>;
  documentsFor: (
    content: RecordContent,
    officer: SeedOfficer,
    deviceId: string,
    when: Date,
    skip?: Set<DocType>,
  ) => Promise<LockedRecord['documents']>;
};

/** One case as its first version was built. */
export type DemoCase = {
  content: RecordContent;
  when: Date;
  date: string;
  lead: SeedOfficer;
  officers: [OfficerRef, OfficerRef];
  item: CatalogItem;
  keys: string[];
  history: PriorRecord[];
  id: string;
  squadId: string;
  deviceId: string;
  answers: ChecklistAnswers;
};

const DAY = 86_400_000;

export async function seedRecords(
  ctx: AppContext,
  options: {
    catalog: Catalog;
    officers: SeedOfficer[];
    count: number;
    now: Date;
    /** Makes a case one the city platform sent (names its task in the content), or leaves it. */
    fromPlatform?: (c: DemoCase) => Promise<void>;
  },
): Promise<number> {
  if (options.count === 0) return 0;
  const rng = mulberry32(20261127);
  const blobs = await makeBlobs(ctx, rng);
  // Every demo officer's phone took these pictures: each of them has uploaded the files, as the
  // server asks before a record may name one.
  const files = [...blobs.photos, ...blobs.afterPhotos, ...blobs.signatures];
  await ctx.db
    .insertInto('blob_uploads')
    .values(options.officers.flatMap((o) => files.map((sha256) => ({ sha256, user_id: o.userId }))))
    .onConflict((oc) => oc.columns(['sha256', 'user_id']).doNothing())
    .execute();
  const run: SeedRun = {
    ctx,
    ...options,
    rng,
    blobs,
    // Items the list does not exempt (no branch) are not part of the demo's lenient cases.
    weighted: options.catalog.items
      .filter((item) => item.branches.length > 0)
      .flatMap((item) => Array<CatalogItem>(ITEM_WEIGHTS[item.code] ?? 1).fill(item)),
    ledger: [],
    parties: [],
    deviceOf: devices(ctx, options.now),
    documentsFor: documents(ctx),
  };

  const end = options.now.getTime() - 2 * 3600_000;
  const start = end - 182 * DAY;
  const times = Array.from({ length: options.count }, () => start + rng() * (end - start)).sort(
    (a, b) => a - b,
  );
  let stored = 0;
  for (const t of times) {
    const c = await firstVersion(run, t, end);
    if (!c || !c.content.evaluation.complete) continue;
    await options.fromPlatform?.(c);
    const record = await lockRecord(c.content);
    const [result] = await ingestRecords(ctx.db, [record], {
      deviceId: c.deviceId,
      pusher: { id: c.lead.userId, role: 'officer' },
      now: new Date(c.when.getTime() + 3600_000).toISOString(),
    });
    if (result?.status !== 'accepted')
      throw new Error(`demo record not accepted: ${JSON.stringify(result)}`);
    stored++;
    // As the push route does: the record closes the task it names, and its result is queued.
    if (record.taskId)
      await linkHandledTasks(
        ctx.db,
        [{ recordId: record.id, taskId: record.taskId, userId: c.lead.userId }],
        new Date(c.when.getTime() + 3600_000),
      );
    // The second officer confirms on their own phone within hours; the last three days' records
    // still wait, so officers' phones have requests to show.
    const ageDays = (options.now.getTime() - c.when.getTime()) / DAY;
    if (ageDays > 3)
      await confirmOthers(ctx, c.id, new Date(c.when.getTime() + 3 * 3600_000).toISOString());
    run.ledger.push({
      recordId: record.id,
      itemCode: record.itemCode,
      partyKeys: record.partyKeys,
      date: c.date,
      squadId: c.squadId,
      branch: record.evaluation.branch,
      source: 'server',
    });
    const latest = await reinspect(run, c, record);
    await review(run, c, latest);
  }
  return stored;
}

/** Each officer's phone, registered the first time it is used. */
function devices(ctx: AppContext, now: Date): SeedRun['deviceOf'] {
  const ids = new Map<string, string>();
  return async (officer) => {
    let id = ids.get(officer.userId);
    if (!id) {
      id = uuidv7(now.getTime() - 200 * DAY + ids.size);
      ids.set(officer.userId, id);
      await ctx.db
        .insertInto('devices')
        .values({
          id,
          user_id: officer.userId,
          registered_at: now.toISOString(),
          last_seen_at: now.toISOString(),
          user_agent: 'demo',
        })
        .execute();
    }
    return id;
  };
}

/** The documents a record needs, numbered from blocks each phone reserved (as phones do). */
function documents(ctx: AppContext): SeedRun['documentsFor'] {
  const blocks = new Map<string, NumberBlock[]>();
  const numberFor = async (
    officer: SeedOfficer,
    deviceId: string,
    docType: DocType,
    when: Date,
  ): Promise<string> => {
    const year = shanghaiYear(when);
    const key = `${deviceId}|${docType}|${year}`;
    let list = blocks.get(key) ?? [];
    let r = takeNext(list, docType, year);
    if (!r.ok) {
      list = [
        ...list,
        await reserveBlock(ctx.db, {
          bureauId: BUREAU.id,
          deviceId,
          userId: officer.userId,
          docType,
          count: 50,
          now: when,
        }),
      ];
      r = takeNext(list, docType, year);
    }
    if (!r.ok) throw new Error('number block');
    const taken = r;
    blocks.set(
      key,
      list.map((b) => (b.id === taken.block.id ? taken.block : b)),
    );
    return r.number;
  };
  return async (content, officer, deviceId, when, skip = new Set()) => {
    const out: LockedRecord['documents'] = [];
    for (const [i, docType] of requiredDocuments(content).entries()) {
      if (skip.has(docType)) continue;
      out.push({
        id: uuidv7(when.getTime() + i),
        docType,
        number: await numberFor(officer, deviceId, docType, when),
        provisional: false,
        templateVersion: TEMPLATE_VERSION,
      });
    }
    return out;
  };
}
