import { z } from 'zod';
import {
  accuracySchema,
  freeText,
  instantSchema,
  latitudeSchema,
  LIMITS,
  line,
  localDateSchema,
  longitudeSchema,
  text,
} from './fields';
import { priorRecordSchema } from './checklist';
import { SHA256_HEX } from './integrity';
import { UUID } from './uuid';

/** The parts of an enforcement record: officers, place, evidence, signatures, documents, … */

export const sha256Schema = z.string().regex(SHA256_HEX, '应为 64 位小写十六进制 SHA-256');
const sha256 = sha256Schema;

export const certificateNoSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{4,32}$/, '执法证号应为 4 至 32 位字母、数字或连字符');

export const officerRefSchema = z
  .object({
    userId: z.string().min(1).max(64),
    name: line(LIMITS.officerName),
    certificateNo: certificateNoSchema,
  })
  .strict();
export type OfficerRef = z.infer<typeof officerRefSchema>;

export const placeSchema = z
  .object({
    address: line(LIMITS.address),
    lat: latitudeSchema.optional(),
    lng: longitudeSchema.optional(),
    accuracyM: accuracySchema.optional(),
    source: z.enum(['gps', 'manual']),
  })
  .strict()
  .refine((p) => p.source === 'manual' || (p.lat !== undefined && p.lng !== undefined), {
    message: 'GPS 定位缺少经纬度',
    params: { code: 'invalid' },
  });
export type Place = z.infer<typeof placeSchema>;

export const EVIDENCE_MIME = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_EVIDENCE_BYTES = 15 * 1024 * 1024;

export const evidenceSchema = z
  .object({
    sha256,
    /** before: the violation as found; after: the corrected state; scene: anything else. */
    kind: z.enum(['before', 'after', 'scene']),
    mime: z.enum(EVIDENCE_MIME),
    bytes: z.number().int().min(1).max(MAX_EVIDENCE_BYTES),
    width: z.number().int().min(1).max(20_000).optional(),
    height: z.number().int().min(1).max(20_000).optional(),
    takenAt: instantSchema,
    lat: latitudeSchema.optional(),
    lng: longitudeSchema.optional(),
    accuracyM: accuracySchema.optional(),
    capturedBy: z.string().min(1).max(64),
    note: freeText(LIMITS.evidenceNote).optional(),
  })
  .strict();
export type Evidence = z.infer<typeof evidenceSchema>;

export const signatureSchema = z
  .object({
    /** PNG of the strokes, stored as evidence by hash. */
    sha256,
    signerName: line(LIMITS.signerName),
    signedAt: instantSchema,
  })
  .strict();
export type Signature = z.infer<typeof signatureSchema>;

export const partySignatureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed'), signature: signatureSchema }).strict(),
  z
    .object({
      kind: z.literal('refused'),
      reason: text(LIMITS.refusalReason),
      witness: z
        .object({
          name: line(LIMITS.witnessName),
          /** e.g. 社区居委会工作人员. */
          role: line(LIMITS.witnessRole),
          signature: signatureSchema,
        })
        .strict(),
    })
    .strict(),
  /** Only for a party who left or cannot be identified; never allows a no-penalty result. */
  z.object({ kind: z.literal('absent'), reason: text(LIMITS.absentReason) }).strict(),
]);
export type PartySignature = z.infer<typeof partySignatureSchema>;

export const EDUCATION_METHODS = ['persuasion', 'guidance', 'publicity'] as const;
export const educationSchema = z
  .object({
    /** 说服教育 / 劝导示范 / 普法宣传 */
    methods: z.array(z.enum(EDUCATION_METHODS)).min(1).max(3),
    content: text(LIMITS.educationContent),
    lawExplained: text(LIMITS.lawExplained),
    partyStatement: freeText(LIMITS.partyStatement),
  })
  .strict();
export type Education = z.infer<typeof educationSchema>;

export const DOC_TYPES = [
  'orderToCorrect',
  'commitmentLetter',
  'noPenaltyDecision',
  'inspectionRecord',
  'proofOfService',
  'reinspectionRecord',
] as const;
export const docTypeSchema = z.enum(DOC_TYPES);
export type DocType = z.infer<typeof docTypeSchema>;

export const documentRefSchema = z
  .object({
    /** Verification id printed in the QR code. */
    id: z.string().regex(UUID),
    docType: docTypeSchema,
    number: line(LIMITS.documentNumber),
    /** Issued with no reserved number left and no network; the server assigns the real one. */
    provisional: z.boolean(),
    templateVersion: z.string().min(1).max(20),
  })
  .strict();
export type DocumentRef = z.infer<typeof documentRefSchema>;

export const firstOffenceCheckSchema = z
  .object({
    checkedAt: instantSchema,
    sources: z.array(z.enum(['local', 'server'])).max(2),
    partyKeys: z.array(z.string().max(300)).max(10),
    priors: z.array(priorRecordSchema).max(200),
  })
  .strict();
export type FirstOffenceCheck = z.infer<typeof firstOffenceCheckSchema>;

export const reinspectionSchema = z
  .object({
    dueDate: localDateSchema,
    doneAt: instantSchema.optional(),
    officers: z.tuple([officerRefSchema, officerRefSchema]).optional(),
    /** The re-inspecting officers' signatures on the re-inspection record. */
    signatures: z.tuple([signatureSchema, signatureSchema]).optional(),
    result: z.enum(['corrected', 'notCorrected']).optional(),
    note: freeText(LIMITS.reinspectionNote).optional(),
  })
  .strict();
export type Reinspection = z.infer<typeof reinspectionSchema>;

/**
 * How the on-site procedure was conducted, recorded by the officers (documents of template 2 on
 * print it): certificates shown first (Administrative Penalty Law Art. 55), the party told of the
 * right to ask for recusal (Art. 43), which officer wrote the inspection record, and, when the
 * party refused to sign, where the documents were left (留置送达 is valid only at the party's
 * residence or, for an organisation, its premises: Civil Procedure Law Art. 89).
 */
export const procedureSchema = z
  .object({
    certificatesShown: z.boolean(),
    recusalNotified: z.boolean(),
    /** Index into `officers` of the recorder (记录人). */
    recorder: z.union([z.literal(0), z.literal(1)]),
    leftAt: z
      .object({ kind: z.enum(['residence', 'premises']), address: line(LIMITS.address) })
      .strict()
      .optional(),
  })
  .strict();
export type Procedure = z.infer<typeof procedureSchema>;

export const SOURCES = ['patrol', 'complaint', 'hotline12319', 'camera'] as const;
