import type { MessageKey } from '$lib/i18n';

/** The wizard's steps, in order (their titles). */
export const STEPS: MessageKey[] = [
  'wizard.item',
  'wizard.party',
  'wizard.firstOffence',
  'wizard.conditions',
  'wizard.correction',
  'wizard.education',
  'wizard.evidence',
  'wizard.signatures',
  'wizard.review',
];
export const REVIEW_STEP = STEPS.length - 1;

const STEP_OF: Record<string, number> = {
  itemCode: 0,
  catalogVersion: 0,
  party: 1,
  partyKeys: 1,
  place: 1,
  facts: 1,
  source: 1,
  foundAt: 1,
  firstOffenceCheck: 2,
  answers: 3,
  evaluation: 3,
  reinspection: 4,
  followUp: 4,
  education: 5,
  evidence: 6,
  signatures: 7,
  officers: 7,
};

/** The wizard step where the field an issue names (`party.idNumber`) is entered. */
export function stepOf(path: readonly (string | number)[]): number | undefined {
  const [head, next] = path;
  if (
    head === 'answers' &&
    (next === 'correction' || next === 'discretionReason' || next === 'commitmentSigned')
  )
    return 4;
  if (head === 'procedure') return 7;
  return STEP_OF[String(head)];
}

/**
 * Where an amendment opens: at the first field the server refused, else at the last step, which
 * lists what is still needed beside the reviewer's comment (shown on every step).
 */
export function amendStep(refused: readonly { path: readonly (string | number)[] }[]): number {
  for (const issue of refused) {
    const step = stepOf(issue.path);
    if (step !== undefined) return step;
  }
  return REVIEW_STEP;
}
