import type { LockedRecord } from '$lib/domain/record';

/**
 * The summary columns of a record row that the console's statistics and re-inspection lists
 * filter on, derived from the locked version (the full record stays JSON in record_versions).
 * Live code: migration 0003 keeps its own frozen copy of what it computed when it ran.
 */
export function summaryFacts(
  r: Pick<LockedRecord, 'answers' | 'followUp' | 'reinspection' | 'evaluation'>,
) {
  const c = r.answers.correction;
  return {
    correction_mode: c?.mode ?? null,
    deadline: c?.mode === 'deadline' ? c.deadline : null,
    reinspected_at: r.reinspection?.doneAt ? new Date(r.reinspection.doneAt).toISOString() : null,
    repeat_offence: (r.evaluation.firstOffence?.priors.length ?? 0) > 0 ? 1 : 0,
    broken_commitment:
      r.answers.commitmentBroken === true || (c?.mode === 'deadline' && r.followUp === 'escalated')
        ? 1
        : 0,
  } as const;
}
