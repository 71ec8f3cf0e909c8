import { z } from 'zod';
import { catalogSchema, itemCodeSchema } from '../domain/catalog';
import { freeText, localDateSchema } from '../domain/fields';
import { BRANCH_RESULTS, priorRecordSchema } from '../domain/evaluate';
import { SHA256_HEX } from '../domain/integrity';
import { numberBlockSchema } from '../domain/numbering';
import { partySchema } from '../domain/party';
import {
  CONFIRMATION_DECISIONS,
  CONFIRMATION_PARTS,
  CONFIRMATION_STATES,
  FOLLOW_UP_STATES,
  REVIEW_ACTIONS,
  REVIEW_CHECKS,
  REVIEW_STATES,
} from '../domain/lifecycle';
import { DOC_TYPES, storedRecordSchema } from '../domain/record';
import { UUID } from '../domain/uuid';

/**
 * The wire contract between the phone, the console and the server: one zod schema per request
 * and response. The server validates with these, the client parses what it receives with these,
 * and /api/openapi.json is generated from them.
 */

export const sha256Schema = z.string().regex(SHA256_HEX, '应为 64 位小写十六进制 SHA-256');
export const uuidSchema = z.string().regex(UUID, '应为 UUID');
const localDate = localDateSchema;

export const issueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  /** What the issue is, for clients that word it themselves (the phone, in its language). */
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type WireIssue = z.infer<typeof issueSchema>;

export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(issueSchema).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

// ---------------------------------------------------------------- health

export const healthSchema = z.object({
  status: z.literal('ok'),
  db: z.enum(['sqlite', 'postgres']),
});

// ---------------------------------------------------------------- auth

export const ROLE_VALUES = ['officer', 'supervisor', 'admin'] as const;

export const loginRequestSchema = z
  .object({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
    deviceId: uuidSchema.optional(),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

const squadRefSchema = z.object({ id: z.string(), name: z.string(), district: z.string() });
export const rosterEntrySchema = z.object({
  userId: z.string(),
  name: z.string(),
  certificateNo: z.string(),
});

export const meSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(ROLE_VALUES),
  realName: z.string(),
  certificateNo: z.string().nullable(),
  squad: squadRefSchema.nullable(),
  supervisedSquads: z.array(squadRefSchema),
  bureau: z.object({ id: z.string(), name: z.string(), shortName: z.string() }),
  /** Officers of the user's squad, cached on the phone to pick the second officer offline. */
  roster: z.array(rosterEntrySchema),
  deviceId: uuidSchema.nullable(),
  /** Base of the verification URL printed in QR codes. */
  publicUrl: z.string(),
  /**
   * The key of the party-key digests in the ledger phones receive (officers only). Absent from a
   * copy saved by an earlier release: it arrives with the next sync.
   */
  ledgerKey: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .default(null),
  /** Failed sign-ins to this account between its previous sign-in and the latest one. */
  failedSignIns: z
    .object({ count: z.number().int(), lastAt: z.string(), addresses: z.number().int() })
    .nullable()
    .default(null),
});
export type Me = z.infer<typeof meSchema>;

// ---------------------------------------------------------------- sync push

export const MAX_PUSH_RECORDS = 100;
export const MAX_PUSH_BYTES = 2 * 1024 * 1024;

export const pushRequestSchema = z
  .object({
    deviceId: uuidSchema,
    /** Each record is validated on its own, so one bad record never blocks the others. */
    records: z.array(z.unknown()).min(1).max(MAX_PUSH_RECORDS),
  })
  .strict();
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const FLAG_CODES = [
  'evaluationMismatch',
  'priorMissed',
  'provisionalNumber',
  'numberNotReserved',
] as const;
export const flagSchema = z.object({
  code: z.enum(FLAG_CODES),
  message: z.string(),
});
export type Flag = z.infer<typeof flagSchema>;

export const assignedNumberSchema = z.object({
  documentId: uuidSchema,
  docType: z.enum(DOC_TYPES),
  provisional: z.string(),
  assigned: z.string(),
});

export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('accepted'),
    id: z.string(),
    version: z.number().int(),
    serverHash: sha256Schema,
    receivedAt: z.string(),
    flags: z.array(flagSchema),
    assignedNumbers: z.array(assignedNumberSchema),
  }),
  z.object({
    status: z.literal('duplicate'),
    id: z.string(),
    version: z.number().int(),
    serverHash: sha256Schema,
    receivedAt: z.string(),
  }),
  z.object({
    status: z.literal('conflict'),
    id: z.string(),
    version: z.number().int(),
    message: z.string(),
    code: z.string().optional(),
  }),
  z.object({
    status: z.literal('missingBlobs'),
    id: z.string(),
    version: z.number().int(),
    missing: z.array(sha256Schema),
  }),
  z.object({
    /** The server failed to store this record (its fault, not the record's): send it again later. */
    status: z.literal('error'),
    id: z.string(),
    version: z.number().int(),
    message: z.string(),
    code: z.string().optional(),
  }),
  z.object({
    status: z.literal('rejected'),
    id: z.string().nullable(),
    version: z.number().int().nullable(),
    message: z.string(),
    code: z.string().optional(),
    issues: z.array(issueSchema),
  }),
]);
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({ results: z.array(pushResultSchema) });
export type PushResponse = z.infer<typeof pushResponseSchema>;

// ---------------------------------------------------------------- sync pull

export { REVIEW_ACTIONS, REVIEW_CHECKS, REVIEW_STATES };

export const pullQuerySchema = z
  .object({
    cursor: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();

/**
 * A prior record as phones receive it: the party's matching keys only as digests (never an ID
 * number, a mobile number or a name), item, date, squad and branch.
 */
export const ledgerEntrySchema = priorRecordSchema.extend({
  partyKeys: z.array(z.string().regex(/^k:[0-9a-f]{32}$/, '应为匹配键摘要')).max(10),
  district: z.string(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/**
 * Where an officer stands on a record that names them (ADR 0012). Sent to every officer of the
 * record when it changes; the one asked sees enough to recognise the case (time, item, place of
 * the squad, a masked hint of the party, who sent it), never the party's name or identifiers.
 */
export const confirmationSchema = z.object({
  recordId: uuidSchema,
  part: z.enum(CONFIRMATION_PARTS),
  userId: z.string(),
  officerName: z.string(),
  state: z.enum(CONFIRMATION_STATES),
  reason: z.string(),
  decidedAt: z.string().nullable(),
  foundAt: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  partyHint: z.string(),
  squadName: z.string(),
  sentBy: z.string(),
});
export type Confirmation = z.infer<typeof confirmationSchema>;

export const confirmationRequestSchema = z
  .object({
    part: z.enum(CONFIRMATION_PARTS),
    decision: z.enum(CONFIRMATION_DECISIONS),
    reason: freeText(500).default(''),
  })
  .strict();
export type ConfirmationRequest = z.infer<typeof confirmationRequestSchema>;

export const changeSchema = z.discriminatedUnion('kind', [
  z.object({
    seq: z.number().int(),
    kind: z.literal('review'),
    at: z.string(),
    review: z.object({
      id: z.string(),
      recordId: z.string(),
      version: z.number().int(),
      action: z.enum(REVIEW_ACTIONS),
      comment: z.string(),
      reviewerName: z.string(),
      reviewState: z.enum(REVIEW_STATES),
    }),
  }),
  z.object({
    seq: z.number().int(),
    kind: z.literal('catalog'),
    at: z.string(),
    catalog: catalogSchema,
  }),
  z.object({
    seq: z.number().int(),
    kind: z.literal('ledger'),
    at: z.string(),
    entry: ledgerEntrySchema,
  }),
  z.object({
    seq: z.number().int(),
    kind: z.literal('numberBlock'),
    at: z.string(),
    deviceId: uuidSchema,
    block: numberBlockSchema,
  }),
  z.object({
    seq: z.number().int(),
    kind: z.literal('confirmation'),
    at: z.string(),
    confirmation: confirmationSchema,
  }),
  z.object({
    seq: z.number().int(),
    kind: z.literal('numberAssigned'),
    at: z.string(),
    recordId: z.string(),
    number: assignedNumberSchema,
  }),
]);
export type Change = z.infer<typeof changeSchema>;

export const pullResponseSchema = z.object({
  cursor: z.number().int(),
  more: z.boolean(),
  changes: z.array(changeSchema),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

// ---------------------------------------------------------------- numbers

export const reserveRequestSchema = z
  .object({
    deviceId: uuidSchema,
    docType: z.enum(DOC_TYPES),
    count: z.number().int().min(1).max(200),
  })
  .strict();
export const reserveResponseSchema = z.object({ block: numberBlockSchema });

// ---------------------------------------------------------------- ledger (online first-offence check)

export const ledgerQuerySchema = z
  .object({
    party: z.union([
      z.string().min(3).max(300),
      z.array(z.string().min(3).max(300)).min(1).max(10),
    ]),
    item: itemCodeSchema.optional(),
  })
  .strict();
export const ledgerResponseSchema = z.object({ entries: z.array(ledgerEntrySchema) });

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
});
