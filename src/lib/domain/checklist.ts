import { z } from 'zod';
import type { CatalogItem } from './catalog';
import { freeText, LIMITS, localDateSchema as localDate } from './fields';
import { issue, type Issue } from './issues';
import { daysBetween, type LocalDate } from './time';

/**
 * What the officers answer on the checklist (conditions, exclusions, correction, commitment,
 * education, discretion), the priors the first-offence lookup found, and the officer's own input
 * errors in the correction answer.
 */

export const correctionAnswerSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('onTheSpot'), corrected: z.boolean() }).strict(),
  z
    .object({
      mode: z.literal('deadline'),
      /** The date the order to correct was given (normally the day of the finding). */
      setOn: localDate,
      deadline: localDate,
      /** Filled by the re-inspection. */
      reinspection: z
        .discriminatedUnion('result', [
          z.object({ result: z.literal('corrected'), on: localDate }).strict(),
          z.object({ result: z.literal('notCorrected'), on: localDate }).strict(),
        ])
        .optional(),
    })
    .strict(),
]);
export type CorrectionAnswer = z.infer<typeof correctionAnswerSchema>;

export const answersSchema = z
  .object({
    /** Fact condition id -> yes/no; threshold condition id -> measured value in its unit. */
    conditions: z.record(z.string().max(40), z.union([z.boolean(), z.number().min(0).max(1e9)])),
    /** Exclusion id -> true when the excluding circumstance is present. */
    exclusions: z.record(z.string().max(40), z.boolean()),
    /** Art. 33 para 2: the party has evidence sufficient to show no subjective fault. */
    noFaultEvidence: z.boolean().optional(),
    /** What the party's evidence of no fault is (e.g. a forged permit shown in good faith). */
    noFaultEvidenceNote: freeText(LIMITS.noFaultEvidence).optional(),
    correction: correctionAnswerSchema.optional(),
    commitmentSigned: z.boolean().optional(),
    /** The party broke the commitment or repeated the act before the case closed. */
    commitmentBroken: z.boolean().optional(),
    educationRecorded: z.boolean().optional(),
    /**
     * First offence "may" go unpenalised (Art. 33 para 1): the officer exempts (the default) or
     * declines with a reason, and the case takes the ordinary procedure.
     */
    discretion: z.enum(['exempt', 'decline']).optional(),
    /** Required when the result is discretionary (first offence), either way. */
    discretionReason: freeText(LIMITS.discretionReason).optional(),
  })
  .strict();
export type ChecklistAnswers = z.infer<typeof answersSchema>;

export const priorRecordSchema = z
  .object({
    recordId: z.string().min(1).max(64),
    itemCode: z.string().max(20),
    partyKeys: z.array(z.string().max(300)).max(10),
    date: localDate,
    squadId: z.string().max(64).optional(),
    branch: z.string().max(40).nullable().optional(),
    source: z.enum(['local', 'server']).optional(),
  })
  .strict();
export type PriorRecord = z.infer<typeof priorRecordSchema>;

/**
 * The officer's own input errors in the correction answer, against the item's rules: a mode the
 * item does not allow, an order to correct not dated on the day of the finding, a deadline before
 * it or beyond the item's maximum, an uncorrected finding recorded before the deadline has run
 * out. These say nothing about the party's conduct: they are validation errors naming the field,
 * they block locking, and they never decide the case against the party.
 */
export function correctionIssues(
  item: Pick<CatalogItem, 'correction'>,
  correction: CorrectionAnswer | undefined,
  foundOn: LocalDate,
): Issue[] {
  if (!correction) return [];
  const rule = item.correction;
  const path = ['answers', 'correction'];
  if (correction.mode === 'onTheSpot') {
    return rule.onTheSpot
      ? []
      : [issue([...path, 'mode'], 'correctionModeNotAllowed', { mode: 'onTheSpot' })];
  }
  if (!rule.deadline)
    return [issue([...path, 'mode'], 'correctionModeNotAllowed', { mode: 'deadline' })];
  const out: Issue[] = [];
  if (correction.setOn !== foundOn) {
    out.push(issue([...path, 'setOn'], 'orderNotOnFindingDay', { foundOn }));
  }
  const days = daysBetween(foundOn, correction.deadline);
  if (days < 0) {
    out.push(issue([...path, 'deadline'], 'deadlineBeforeFinding', { foundOn }));
  } else if (days > rule.deadline.maxDays) {
    out.push(
      issue([...path, 'deadline'], 'deadlineTooLong', { days, maxDays: rule.deadline.maxDays }),
    );
  }
  const re = correction.reinspection;
  if (re && re.on < foundOn) {
    out.push(issue([...path, 'reinspection'], 'reinspectionBeforeFinding', { foundOn }));
  } else if (re?.result === 'notCorrected' && re.on <= correction.deadline) {
    // The party has until the end of the deadline day.
    out.push(
      issue([...path, 'reinspection'], 'uncorrectedBeforeDeadlineEnd', {
        deadline: correction.deadline,
      }),
    );
  }
  return out;
}
