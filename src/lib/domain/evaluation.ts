import { z } from 'zod';
import type { Catalog } from './catalog';
import { priorRecordSchema, type ChecklistAnswers, type PriorRecord } from './checklist';
import { localDateSchema as localDate } from './fields';
import type { Issue } from './issues';
import type { LocalDate } from './time';

/** What `evaluate` answers: the branch, the reasons with their legal basis, what is still open. */

export const LAW = '《中华人民共和国行政处罚法》';

const ART33 = (para: string): LegalBasis => ({
  kind: 'law',
  law: LAW,
  article: `第三十三条${para}`,
});
/** Administrative Penalty Law Art. 33, paragraph by paragraph. */
export const BASIS = {
  mild: ART33('第一款前段'),
  firstOffence: ART33('第一款后段'),
  noFault: ART33('第二款'),
  education: ART33('第三款'),
} as const;

export const BRANCH_RESULTS = [
  'mild',
  'firstOffence',
  'noFault',
  'pendingCorrection',
  'ineligible',
] as const;
export type BranchResult = (typeof BRANCH_RESULTS)[number];

export const REASON_CODES = [
  'notInCatalog',
  'notOnExemptionList',
  'exclusionPresent',
  'noFaultEvidence',
  'factHolds',
  'factContrary',
  'thresholdWithin',
  'thresholdExceeded',
  'noPriorRecord',
  'priorRecordFound',
  'partyUnidentified',
  'priorNoPenaltyWarning',
  'correctedOnTheSpot',
  'notCorrectedOnTheSpot',
  'correctionModeNotAllowed',
  'deadlineTooLong',
  'deadlineBeforeFinding',
  'orderNotOnFindingDay',
  'reinspectionBeforeFinding',
  'uncorrectedBeforeDeadlineEnd',
  'deadlinePending',
  'correctedByDeadline',
  'correctedAfterDeadline',
  'deadlinePassedUncorrected',
  'commitmentSigned',
  'commitmentRefused',
  'commitmentBroken',
  'resultMild',
  'resultFirstOffence',
  'resultNoFault',
  'discretionDeclined',
  'educationRequired',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const REASON_EFFECTS = ['supports', 'blocks', 'pending', 'warning'] as const;
export type ReasonEffect = (typeof REASON_EFFECTS)[number];

/**
 * What `evaluate` decides from: the list in force, the item and the officers' answers, who the
 * party is and what the first-offence lookup found, and two moments (the finding, and now).
 */
export type EvaluateInput = {
  catalog: Catalog;
  itemCode: string;
  answers: ChecklistAnswers;
  /** Keys of the party (see partyKeys); empty when the party is unknown. */
  partyKeys: readonly string[];
  /** Records found by the first-offence lookup (local ledger and, when online, the server's). */
  history: readonly PriorRecord[];
  /** The record being evaluated, so its own earlier versions never count as priors. */
  recordId?: string;
  /**
   * The Shanghai date of the finding: the first-offence window looks back from it, and the order
   * to correct is given on it. Not the time of evaluation (an amendment weeks later must not
   * move the window or lengthen the deadline).
   */
  foundOn: LocalDate;
  /** When the evaluation runs: whether a deadline has passed. */
  now: Date | string;
};

/** Each question once (by kind and id), first occurrence kept. */
export function dedupe(questions: Question[]): Question[] {
  const seen = new Set<string>();
  return questions.filter((q) => {
    const key = `${q.kind}:${q.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One reason per code and subject, with the branches it concerns merged. */
export function mergeReasons(reasons: Reason[]): Reason[] {
  const byKey = new Map<string, Reason>();
  for (const r of reasons) {
    const key = `${r.code}:${String(r.params.id ?? '')}`;
    const existing = byKey.get(key);
    if (existing) {
      for (const b of r.branches) if (!existing.branches.includes(b)) existing.branches.push(b);
    } else {
      byKey.set(key, { ...r, branches: [...r.branches] });
    }
  }
  return [...byKey.values()];
}

/**
 * The parts of two evaluations that must agree for a pushed record to be trusted: the server
 * flags a record whose stored result differs from its own run of `evaluate`.
 */
export function evaluationSignature(e: Evaluation): string {
  return JSON.stringify({
    branch: e.branch,
    prospectiveBranch: e.prospectiveBranch,
    noPenalty: e.noPenalty,
    complete: e.complete,
    reasons: e.reasons.map((r) => `${r.code}:${r.effect}:${String(r.params.id ?? '')}`).sort(),
  });
}

const legalBasisSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('law'), law: z.string().max(200), article: z.string().max(200) })
    .strict(),
  z
    .object({
      kind: z.literal('catalog'),
      versionId: z.string().max(64),
      itemCode: z.string().max(20),
      itemName: z.string().max(100),
    })
    .strict(),
]);

/** An evaluation as it travels between phone and server, and the definition of its type. */
export const evaluationSchema = z
  .object({
    itemCode: z.string().max(20),
    catalogVersion: z.string().max(64),
    /** null while a question that could change the branch is unanswered. */
    branch: z.enum(BRANCH_RESULTS).nullable(),
    /** For pendingCorrection: the branch that applies once the correction is confirmed. */
    prospectiveBranch: z.enum(['mild', 'firstOffence']).nullable(),
    /** mandatory: must not be penalised; discretionary: may be left unpenalised, reason needed. */
    noPenalty: z.enum(['mandatory', 'discretionary', 'none']).nullable(),
    discretionReasonRequired: z.boolean(),
    reasons: z
      .array(
        z
          .object({
            code: z.enum(REASON_CODES),
            effect: z.enum(REASON_EFFECTS),
            /** Branches the reason concerns; empty means the item as a whole. */
            branches: z.array(z.enum(['mild', 'firstOffence'])).max(2),
            params: z.record(z.string().max(40), z.union([z.string().max(500), z.number()])),
            basis: z.array(legalBasisSchema).max(5),
          })
          .strict(),
      )
      .max(100),
    unanswered: z
      .array(
        z
          .object({
            kind: z.enum([
              'condition',
              'exclusion',
              'correction',
              'commitment',
              'education',
              'discretionReason',
              'noFaultEvidence',
            ]),
            id: z.string().max(40),
            text: z.string().max(300).optional(),
          })
          .strict(),
      )
      .max(100),
    /** Everything needed to finish the record is answered. */
    complete: z.boolean(),
    firstOffence: z
      .object({
        windowStart: localDate,
        lookbackMonths: z.number().int().min(1).max(60),
        /** Present when the window is the calendar year of the finding. */
        lookbackKind: z.literal('calendarYear').optional(),
        priors: z.array(priorRecordSchema).max(200),
      })
      .strict()
      .nullable(),
  })
  .strict();

/**
 * The result of `evaluate`, as the schema above defines it: the phone, the server and the
 * records between them share one definition.
 */
export type Evaluation = z.infer<typeof evaluationSchema>;
export type Reason = Evaluation['reasons'][number];
export type LegalBasis = Reason['basis'][number];
export type Question = Evaluation['unanswered'][number];
export type QuestionKind = Question['kind'];

/** The reason an input error is explained by in the evaluation panel. */
export const CORRECTION_ERROR_REASONS: Partial<Record<Issue['code'], ReasonCode>> = {
  correctionModeNotAllowed: 'correctionModeNotAllowed',
  deadlineTooLong: 'deadlineTooLong',
  deadlineBeforeFinding: 'deadlineBeforeFinding',
  orderNotOnFindingDay: 'orderNotOnFindingDay',
  reinspectionBeforeFinding: 'reinspectionBeforeFinding',
  uncorrectedBeforeDeadlineEnd: 'uncorrectedBeforeDeadlineEnd',
};
