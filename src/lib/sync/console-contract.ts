import { z } from 'zod';
import { itemCodeSchema } from '../domain/catalog';
import { freeText, localDateSchema } from '../domain/fields';
import { BRANCH_RESULTS } from '../domain/evaluate';
import { partySchema } from '../domain/party';
import {
  FOLLOW_UP_STATES,
  REVIEW_ACTIONS,
  REVIEW_CHECKS,
  REVIEW_STATES,
} from '../domain/lifecycle';
import { DOC_TYPES, storedRecordSchema } from '../domain/record';
import { confirmationSchema, flagSchema, sha256Schema, uuidSchema } from './contract-common';

/** The wire contract of the console and the city platform: records, reviews, documents, exports, statistics. */

const localDate = localDateSchema;

// ---------------------------------------------------------------- records (console, city platform)

export const recordsQuerySchema = z
  .object({
    from: localDate.optional(),
    to: localDate.optional(),
    squad: z.string().max(64).optional(),
    item: itemCodeSchema.optional(),
    state: z.enum(REVIEW_STATES).optional(),
    branch: z.enum([...BRANCH_RESULTS, 'undetermined']).optional(),
    followUp: z.enum(FOLLOW_UP_STATES).optional(),
    officer: z.string().max(64).optional(),
    flagged: z.enum(['1', '0']).optional(),
    q: z.string().trim().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type RecordsQuery = z.infer<typeof recordsQuerySchema>;

/** A party as lists show it: identifiers masked. */
export const maskedPartySchema = partySchema;

export const recordSummarySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  foundAt: z.string(),
  squadId: z.string(),
  squadName: z.string(),
  officers: z.array(z.string()),
  itemCode: z.string(),
  itemName: z.string(),
  branch: z.string().nullable(),
  reviewState: z.enum(REVIEW_STATES),
  followUp: z.enum(FOLLOW_UP_STATES),
  reinspectionDue: z.string().nullable(),
  party: maskedPartySchema,
  address: z.string(),
  flagged: z.boolean(),
});
export type RecordSummary = z.infer<typeof recordSummarySchema>;

export const recordsResponseSchema = z.object({
  items: z.array(recordSummarySchema),
  nextCursor: z.string().nullable(),
});

export const reviewSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  action: z.enum(REVIEW_ACTIONS),
  comment: z.string(),
  reviewerId: z.string(),
  reviewerName: z.string(),
  checklist: z.record(z.string(), z.boolean()),
  createdAt: z.string(),
});
export type Review = z.infer<typeof reviewSchema>;

export const recordVersionInfoSchema = z.object({
  version: z.number().int(),
  contentHash: sha256Schema,
  receivedAt: z.string(),
  deviceId: z.string(),
  pushedBy: z.string(),
  flags: z.array(flagSchema),
});

export const recordDetailSchema = z.object({
  record: storedRecordSchema,
  reviewState: z.enum(REVIEW_STATES),
  followUp: z.enum(FOLLOW_UP_STATES),
  versions: z.array(recordVersionInfoSchema),
  reviews: z.array(reviewSchema),
  /** Where each officer the record names stands on having taken part (ADR 0012). */
  confirmations: z.array(confirmationSchema),
  /** Hash the server recomputed from what it stored; equals record.contentHash when intact. */
  serverHash: sha256Schema,
});
export type RecordDetail = z.infer<typeof recordDetailSchema>;

export const recordParamsSchema = z.object({ id: uuidSchema });
export const blobParamsSchema = z.object({ sha256: sha256Schema });

// ---------------------------------------------------------------- export file (phone -> console)

/**
 * "Export unsynced records": one file with the records and their evidence, for a phone that
 * cannot reach the server for a long time. The console imports it through the same ingest path
 * as a push, so importing it twice changes nothing.
 */
export const exportFileSchema = z
  .object({
    format: z.literal('patrolbook-export'),
    version: z.literal(1),
    exportedAt: z.string(),
    deviceId: uuidSchema,
    officer: z.object({ userId: z.string(), name: z.string() }),
    records: z.array(z.unknown()).max(5000),
    blobs: z
      .array(
        z
          .object({
            sha256: sha256Schema,
            mime: z.string().max(50),
            base64: z.string(),
          })
          .strict(),
      )
      .max(50_000),
  })
  .strict();
export type ExportFile = z.infer<typeof exportFileSchema>;

// ---------------------------------------------------------------- review (console, city platform)

export const reviewRequestSchema = z
  .object({
    action: z.enum(REVIEW_ACTIONS),
    comment: freeText(2000).default(''),
    checklist: z.partialRecord(z.enum(REVIEW_CHECKS), z.boolean()).default({}),
  })
  .strict();
export type ReviewRequest = z.infer<typeof reviewRequestSchema>;

// ---------------------------------------------------------------- documents

export const documentListSchema = z.object({
  documents: z.array(
    z.object({
      id: uuidSchema,
      docType: z.enum(DOC_TYPES),
      title: z.string(),
      number: z.string(),
      /** The real number that replaced a provisional one, if any. */
      assignedNumber: z.string().nullable(),
      url: z.string(),
    }),
  ),
});
export const documentParamsSchema = z.object({ id: uuidSchema, docId: uuidSchema });
export const documentQuerySchema = z
  .object({
    layout: z.enum(['a4', '80mm', '58mm']).default('a4'),
    photos: z.enum(['0', '1']).default('0'),
  })
  .strict();

// ---------------------------------------------------------------- statistics

export const statsQuerySchema = z
  .object({
    month: z
      .string()
      .regex(/^20\d{2}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
      .optional(),
    squad: z.string().max(64).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict();

const countSchema = z.object({ key: z.string(), label: z.string(), count: z.number().int() });
export const statsSchema = z.object({
  month: z.string(),
  squadId: z.string().nullable(),
  squadName: z.string(),
  total: z.number().int(),
  noPenalty: z.number().int(),
  noPenaltyShare: z.number().nullable(),
  byItem: z.array(countSchema),
  bySquad: z.array(countSchema),
  byBranch: z.array(countSchema),
  byCorrection: z.array(countSchema),
  reinspection: z.object({
    due: z.number().int(),
    done: z.number().int(),
    onTime: z.number().int(),
    overdue: z.number().int(),
    rate: z.number().nullable(),
  }),
  repeatOffences: z.number().int(),
  brokenCommitments: z.number().int(),
  trend: z.array(
    z.object({ month: z.string(), total: z.number().int(), noPenalty: z.number().int() }),
  ),
  /** The city platform's tasks received in the month, as they stand now. */
  tasks: z.object({
    received: z.number().int(),
    handled: z.number().int(),
    unfounded: z.number().int(),
    open: z.number().int(),
    overdue: z.number().int(),
    averageHours: z.number().nullable(),
    bySource: z.array(countSchema),
    bySquad: z.array(countSchema),
  }),
  /** Spot checks of the month's approved records: draws, records drawn, reviewed, findings. */
  spotChecks: z.object({
    draws: z.number().int(),
    sampled: z.number().int(),
    reviewed: z.number().int(),
    findings: z.number().int(),
    findingRate: z.number().nullable(),
  }),
});
