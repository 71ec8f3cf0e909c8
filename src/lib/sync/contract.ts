import { z } from 'zod';
import { FREQUENT_PLACES, streetListSchema } from '../domain/streets';
import { catalogSchema, itemCodeSchema } from '../domain/catalog';
import { freeText, instantSchema, latitudeSchema, longitudeSchema, text } from '../domain/fields';
import {
  CASE_ID,
  TASK_PHOTO_MEDIA,
  TASK_PHOTOS_MAX,
  TASK_PHOTO_BYTES_MAX,
  TASK_SOURCES,
  TASK_STATES,
} from '../domain/tasks';
import { priorRecordSchema } from '../domain/evaluate';
import { numberBlockSchema } from '../domain/numbering';
import {
  CONFIRMATION_DECISIONS,
  CONFIRMATION_PARTS,
  REVIEW_ACTIONS,
  REVIEW_CHECKS,
  REVIEW_STATES,
} from '../domain/lifecycle';
import { DOC_TYPES } from '../domain/record';
import { confirmationSchema, flagSchema, sha256Schema, uuidSchema } from './contract-common';

/**
 * The wire contract between the phone, the console and the server: one zod schema per request
 * and response. The server validates with these, the client parses what it receives with these,
 * and /api/openapi.json is generated from them.
 */

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

/** What an evidence upload answers: 201 when stored now, 200 when the server already had it. */
export const blobUploadSchema = z.object({
  sha256: sha256Schema,
  size: z.number().int().min(0),
  existed: z.boolean(),
});

/** How many files one `POST /api/blobs/needed` may ask about. */
export const MAX_NEEDED_QUERY = 500;

/** Before uploading: which of these files must I upload before a record I push may name them? */
export const blobsNeededRequestSchema = z
  .object({
    sha256: z
      .array(sha256Schema)
      .min(1, '请至少列出一个文件')
      .max(MAX_NEEDED_QUERY, `一次最多查询 ${MAX_NEEDED_QUERY} 个文件`),
  })
  .strict();

/**
 * The files to upload: those the server lacks, and those the asker never uploaded themselves
 * (being allowed to read a record that names a file is not proof of holding it). The same rule
 * as the push's (`missingBlobs`).
 */
export const blobsNeededResponseSchema = z.object({ needed: z.array(sha256Schema) });
export type BlobsNeededResponse = z.infer<typeof blobsNeededResponseSchema>;

export const logoutResponseSchema = z.object({ ok: z.literal(true) });

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
  /**
   * The squad's street names and points (`domain/streets.ts`), offered as places offline. Absent
   * from a copy saved by an earlier release: it arrives with the next sync.
   */
  streets: streetListSchema.default([]),
  /** The squad's frequent places of late (`FREQUENT_PLACES`), offered offline. */
  squadPlaces: z.array(z.string().max(200)).max(FREQUENT_PLACES.limit).default([]),
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
  /** The ledger key's public id (see `pullResponseSchema`). */
  ledgerKeyId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
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
 * number, a mobile number or a name), item, date, squad and branch, and for the officer's eyes
 * the squad's name and a masked name (`partyHint`: 张*, 六安**, 皖N·***45). An entry without
 * keys withdraws the record's rows (a later version named no identifier).
 */
const partyKeyDigestSchema = z.string().regex(/^k:[0-9a-f]{32}$/, '应为匹配键摘要');
export const ledgerEntrySchema = priorRecordSchema.extend({
  partyKeys: z.array(partyKeyDigestSchema).max(10),
  /** Digests of keys an earlier version of the record named and this one does not. */
  withdrawn: z.array(partyKeyDigestSchema).max(100).optional(),
  district: z.string(),
  squadName: z.string().max(100).optional(),
  partyHint: z.string().max(60).optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const confirmationRequestSchema = z
  .object({
    part: z.enum(CONFIRMATION_PARTS),
    decision: z.enum(CONFIRMATION_DECISIONS),
    reason: freeText(500).default(''),
  })
  .strict();
export type ConfirmationRequest = z.infer<typeof confirmationRequestSchema>;

/**
 * A task from the city platform as the two officers it is dispatched to receive it (issue 19):
 * where, what, the suspected item and when it is due; nothing of it goes to other phones.
 */
export const phoneTaskSchema = z.object({
  id: uuidSchema,
  caseId: z.string(),
  source: z.enum(TASK_SOURCES),
  address: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  description: z.string(),
  suspectedItemCode: z.string().nullable(),
  reportedAt: z.string().nullable(),
  dueAt: z.string(),
  squadId: z.string(),
  officerIds: z.tuple([z.string(), z.string()]),
});
export type PhoneTask = z.infer<typeof phoneTaskSchema>;

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
    kind: z.literal('task'),
    at: z.string(),
    taskId: uuidSchema,
    /** The task now in this officer's inbox, or null: no longer theirs (reassigned, closed). */
    task: phoneTaskSchema.nullable(),
  }),
  z.object({
    seq: z.number().int(),
    kind: z.literal('flags'),
    at: z.string(),
    /** The server's flags on a stored version changed after it was sent (a prior synced later). */
    recordId: z.string(),
    version: z.number().int(),
    flags: z.array(flagSchema),
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
  /**
   * The id of the key the page's ledger digests were made with (officers only). A phone whose
   * ledger was built under another key drops it and pulls the feed again from the start.
   */
  ledgerKeyId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .nullable()
    .default(null),
  /** The oldest day of the ledger phones keep (officers only); older rows can be dropped. */
  ledgerSince: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .default(null),
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

// ---------------------------------------------------------------- remote wipe (ADR 0018)

/** The administrator's order for the phone asking: empty yourself, and why. */
export const deviceStatusSchema = z.object({
  wipe: z.object({ reason: z.enum(['deactivated', 'lost']), orderedAt: z.string() }).nullable(),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** The phone's report that it wiped itself, after sending what it held. */
export const wipedRequestSchema = z
  .object({ recordsSent: z.number().int().min(0).max(1_000_000) })
  .strict();
export const wipedResponseSchema = z.object({ recorded: z.boolean() });

/** A phone's data key (32 bytes, hex), sent to escrow and handed back after a forgotten PIN. */
export const deviceKeySchema = z
  .object({ key: z.string().regex(/^[0-9a-f]{64}$/, '应为 64 位十六进制') })
  .strict();
export type DeviceKey = z.infer<typeof deviceKeySchema>;

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

export * from './console-contract';
export * from './contract-common';

/**
 * A task from the city platform (`POST /api/platform/tasks`): the platform's case id (a second
 * request with the same id and the same content is answered as a duplicate), where, what, the
 * item it suspects, photos inline and when it must be handled.
 */
export const platformTaskRequestSchema = z
  .object({
    caseId: z.string().regex(CASE_ID, '案件编号应为 1–64 位字母、数字或 _ . : -'),
    source: z.enum(TASK_SOURCES, {
      message: '来源应为 hotline、citizen、camera 或 platformPatrol',
    }),
    place: z
      .object({
        address: text(200),
        latitude: latitudeSchema.optional(),
        longitude: longitudeSchema.optional(),
      })
      .strict()
      .refine((p) => (p.latitude === undefined) === (p.longitude === undefined), {
        message: '经纬度应同时提供',
        path: ['longitude'],
      }),
    description: text(2000),
    suspectedItemCode: itemCodeSchema.optional(),
    photos: z
      .array(
        z
          .object({
            mime: z.enum(TASK_PHOTO_MEDIA, { message: '照片只接受 JPEG、PNG 或 WebP' }),
            base64: z
              .string()
              .max(Math.ceil(TASK_PHOTO_BYTES_MAX / 3) * 4, '照片超过 3 MB 的上限')
              .regex(/^[A-Za-z0-9+/]+={0,2}$/, '照片应为 Base64 编码'),
          })
          .strict(),
      )
      .max(TASK_PHOTOS_MAX, `照片最多 ${TASK_PHOTOS_MAX} 张`)
      .default([]),
    reportedAt: instantSchema.optional(),
    dueAt: instantSchema,
  })
  .strict();
export type PlatformTaskRequest = z.infer<typeof platformTaskRequestSchema>;

export const platformTaskSchema = z.object({
  id: uuidSchema,
  caseId: z.string(),
  source: z.enum(TASK_SOURCES),
  state: z.enum(TASK_STATES),
  place: z.object({
    address: z.string(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
  }),
  description: z.string(),
  suspectedItemCode: z.string().nullable(),
  photos: z.array(z.object({ sha256: sha256Schema, mime: z.string(), size: z.number().int() })),
  reportedAt: z.string().nullable(),
  receivedAt: z.string(),
  dueAt: z.string(),
});
export type PlatformTask = z.infer<typeof platformTaskSchema>;

export const platformTaskResponseSchema = z.object({
  task: platformTaskSchema,
  /** The case id was received before with the same content: nothing new was stored. */
  duplicate: z.boolean(),
});

export const caseParamsSchema = z.object({
  caseId: z.string().regex(CASE_ID, '案件编号应为 1–64 位字母、数字或 _ . : -'),
});

export const casePhotoParamsSchema = caseParamsSchema.extend({ sha256: sha256Schema });

/**
 * A task's result as the platform receives it (a webhook's body, or an entry of the pull feed):
 * how the case ended, and with what. `eventId` is the same on every delivery of one result (the
 * platform's idempotency key); `seq` orders the feed. Nothing of the party is sent: the platform
 * learns the outcome, the documents' numbers and the squad, not the citizen.
 */
export const platformResultSchema = z.object({
  eventId: uuidSchema,
  seq: z.number().int().positive(),
  caseId: z.string(),
  taskId: uuidSchema,
  outcome: z.enum(['handled', 'unfounded']),
  closedAt: z.string(),
  squad: z.string().nullable(),
  record: z
    .object({
      id: uuidSchema,
      itemCode: z.string(),
      foundAt: z.string(),
      /** The branch of Art. 33 applied (mild, firstOffence), or ineligible: penalty procedure. */
      decision: z.string().nullable(),
      /** Corrected on the spot, or ordered to correct by the deadline. */
      correction: z.enum(['onTheSpot', 'deadline']).nullable(),
      deadline: z.string().nullable(),
      documents: z.array(z.object({ docType: z.enum(DOC_TYPES), number: z.string() })),
    })
    .nullable(),
  unfounded: z
    .object({
      reason: z.string(),
      photo: z.object({ sha256: sha256Schema, mime: z.string() }).nullable(),
    })
    .nullable(),
});
export type PlatformResult = z.infer<typeof platformResultSchema>;

/** `GET /api/platform/results?after=…`: results after the cursor, oldest first. */
export const platformResultsQuerySchema = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const platformResultsResponseSchema = z.object({
  results: z.array(platformResultSchema),
  /** Ask again with `after` set to this: it also acknowledges every result up to it. */
  cursor: z.number().int().min(0),
  more: z.boolean(),
});

/** `GET /api/platform/tasks/{caseId}`: the task and, once it is closed, its result. */
export const platformTaskDetailSchema = z.object({
  task: platformTaskSchema,
  result: platformResultSchema.nullable(),
});
