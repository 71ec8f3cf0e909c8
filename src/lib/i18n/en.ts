import type { MessageKey } from './zh-CN';

/** English, the second language. Typed against zh-CN so a missing key fails svelte-check. */
export const en: Record<MessageKey, string> = {
  'app.name': 'Patrolbook',
  'app.shortName': 'Patrolbook',
  'app.tagline': 'On-street assistant for mild and first-offence no-penalty cases',
  'app.loading': 'Loading…',
  'app.offline': 'Offline',
  'app.online': 'Online',
  'app.language': '中文',

  'branch.mild': 'Mild: no penalty',
  'branch.firstOffence': 'First offence: no penalty',
  'branch.noFault': 'No fault: no penalty',
  'branch.pendingCorrection': 'Awaiting re-inspection',
  'branch.ineligible': 'Not eligible for exemption',
  'branch.undetermined': 'Not yet determined',

  'noPenalty.mandatory': 'Must not be penalised',
  'noPenalty.discretionary': 'May be left unpenalised (reason required)',
  'noPenalty.none': 'Ordinary procedure',

  'reason.notInCatalog': 'Item {itemCode} is not on the no-penalty list',
  'reason.exclusionPresent': 'Excluded: {text}',
  'reason.noFaultEvidence': 'The party has sufficient evidence of no subjective fault',
  'reason.factHolds': 'Condition met: {text}',
  'reason.factContrary': 'Condition not met: {text}',
  'reason.thresholdWithin': '{text} {value}{unit}, within {limit}{unit}',
  'reason.thresholdExceeded': '{text} {value}{unit}, over the {limit}{unit} limit',
  'reason.noPriorRecord':
    'No record of this party and item in the {months} months since {windowStart}',
  'reason.priorRecordFound':
    '{count} record(s) of this item within {months} months (latest {latest}): not a first offence',
  'reason.partyUnidentified': 'Party unidentified: first offence cannot be verified',
  'reason.priorNoPenaltyWarning':
    '{count} earlier record(s) of this item for this party: reviewers will check',
  'reason.correctedOnTheSpot': 'Corrected on the spot',
  'reason.notCorrectedOnTheSpot': 'Refused to correct on the spot',
  'reason.correctionModeNotAllowed': 'This correction mode is not allowed for the item',
  'reason.deadlineTooLong': 'Deadline of {days} days exceeds the item maximum of {maxDays}',
  'reason.deadlineBeforeFinding': 'Deadline {deadline} is before the finding',
  'reason.deadlinePending': 'To be corrected by {deadline}; re-inspection decides',
  'reason.correctedByDeadline': 'Re-inspection: corrected on {on} (deadline {deadline})',
  'reason.correctedAfterDeadline': 'Corrected on {on}, after the deadline {deadline}',
  'reason.deadlinePassedUncorrected': 'Deadline {deadline} passed uncorrected: exemption lost',
  'reason.commitmentSigned': 'Commitment letter signed',
  'reason.commitmentRefused': 'Party refused to sign the commitment letter',
  'reason.commitmentBroken': 'Commitment broken or act repeated: exemption lost',
  'reason.resultMild': 'Mild, corrected promptly, no harmful consequence: no penalty',
  'reason.resultFirstOffence':
    'First offence, slight harm, corrected promptly: may be left unpenalised',
  'reason.resultNoFault': 'No subjective fault shown: no penalty',
  'reason.educationRequired': 'Education must be given and recorded',

  'question.correction': 'Corrected? On the spot or by a deadline',
  'question.education': 'Record the education given (method, content, law explained)',
  'question.discretionReason': 'Give the reason for leaving it unpenalised',

  'party.kind.person': 'Person',
  'party.kind.business': 'Business',
  'party.kind.vehicle': 'Vehicle',
  'party.kind.unknown': 'Unknown',
  'party.error.empty': 'Required',
  'party.error.length': 'Wrong length',
  'party.error.characters': 'Invalid characters',
  'party.error.checkDigit': 'Check digit does not match',
  'party.error.birthDate': 'Invalid date of birth',
  'party.error.region': 'Invalid region code',
  'party.error.format': 'Invalid format',

  'doc.orderToCorrect': 'Order to correct',
  'doc.commitmentLetter': 'Notify-and-commit letter',
  'doc.noPenaltyDecision': 'Decision of no penalty',
  'doc.inspectionRecord': 'On-site inspection record',
  'doc.proofOfService': 'Proof of service',
  'doc.reinspectionRecord': 'Re-inspection record',

  'state.draft': 'Draft',
  'state.completed': 'Waiting to sync',
  'state.syncing': 'Syncing',
  'state.synced': 'Synced',
  'state.returned': 'Returned',
  'state.approved': 'Approved',

  'followUp.none': 'No follow-up',
  'followUp.pending': 'Re-inspection due',
  'followUp.corrected': 'Corrected',
  'followUp.escalated': 'Ordinary procedure',

  'education.persuasion': 'Persuasion',
  'education.guidance': 'Guidance by example',
  'education.publicity': 'Legal publicity',

  'shell.title': 'Patrolbook',
  'shell.ready': 'Ready',
};
