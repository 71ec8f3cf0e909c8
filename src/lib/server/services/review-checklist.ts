import type { LockedRecord } from '$lib/domain/record';
import { shanghaiDate } from '$lib/domain/time';
import type { Flag, REVIEW_CHECKS } from '$lib/sync/contract';

/**
 * The reviewer's checklist of automatic-fail items (REFERENCE §6), ticked where the data can tell;
 * the reviewer confirms or unticks each.
 */
export function prefillChecklist(
  r: LockedRecord,
  flags: Flag[],
  today = shanghaiDate(new Date()),
): Record<(typeof REVIEW_CHECKS)[number], boolean> {
  const codes = new Set(flags.map((f) => f.code));
  const branch = r.evaluation.branch;
  const noPenalty = branch !== null && branch !== 'ineligible';
  const c = r.answers.correction;
  const commitmentNeeded =
    r.documents.some((d) => d.docType === 'commitmentLetter') || c?.mode === 'deadline';
  let reinspectionOnTime = true;
  if (c?.mode === 'deadline') {
    if (r.reinspection?.doneAt)
      reinspectionOnTime = shanghaiDate(r.reinspection.doneAt) <= c.deadline;
    else reinspectionOnTime = today <= c.deadline;
  }
  return {
    twoOfficers: r.officers[0].userId !== r.officers[1].userId,
    factsAndEvidence:
      r.facts.trim().length > 0 &&
      r.evidence.some((e) => e.kind === 'before' || e.kind === 'scene'),
    lawApplied: !codes.has('evaluationMismatch') && !codes.has('priorMissed'),
    procedure:
      !codes.has('numberNotReserved') &&
      !codes.has('provisionalNumber') &&
      r.signatures.party.kind !== 'absent',
    educationRecorded: !noPenalty || r.education !== null,
    commitmentSigned: !commitmentNeeded || r.answers.commitmentSigned === true,
    reinspectionOnTime,
  };
}
