import type { ChecklistAnswers, Evaluation } from '$lib/domain/evaluate';
import { prior } from './factories';

/**
 * The table of `evaluate` cases for an item with the first-offence branch only (the factories'
 * TS-01): answers, history and day of finding in, branch, reasons and open questions out. Run by
 * src/lib/domain/evaluate.test.ts.
 */

export type EvaluateCase = {
  name: string;
  answers?: Partial<ChecklistAnswers>;
  history?: ReturnType<typeof prior>[];
  partyKeys?: string[];
  /** The day of the finding; 2026-11-27 (the day of NOW) unless given. */
  foundOn?: string;
  branch: Evaluation['branch'];
  noPenalty?: Evaluation['noPenalty'];
  reason?: string;
  /** A reason the result must not give. */
  notReason?: string;
  unanswered?: string[];
};
export const FIRST_OFFENCE_CASES: EvaluateCase[] = [
  {
    name: 'all conditions met, corrected on the spot',
    branch: 'firstOffence',
    noPenalty: 'discretionary',
    reason: 'resultFirstOffence',
  },
  {
    name: 'prior record 6 months ago',
    history: [prior({ date: '2026-05-27' })],
    branch: 'ineligible',
    reason: 'priorRecordFound',
  },
  {
    name: 'an ineligible case does not claim a commitment letter (none is issued)',
    history: [prior({ date: '2026-05-27' })],
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-29' },
      commitmentSigned: true,
    },
    branch: 'ineligible',
    notReason: 'commitmentSigned',
  },
  {
    name: 'a case waiting for its deadline states the commitment letter it issues',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-29' },
      commitmentSigned: true,
    },
    branch: 'pendingCorrection',
    reason: 'commitmentSigned',
  },
  {
    name: 'prior exactly at the window edge (12 months to the day) counts',
    history: [prior({ date: '2025-11-27' })],
    branch: 'ineligible',
    reason: 'priorRecordFound',
  },
  {
    name: 'prior one day outside the window does not count',
    history: [prior({ date: '2025-11-26' })],
    branch: 'firstOffence',
    reason: 'noPriorRecord',
  },
  {
    name: 'prior of another item does not count',
    history: [prior({ itemCode: 'TS-99' })],
    branch: 'firstOffence',
  },
  {
    name: 'prior of another party does not count',
    history: [prior({ partyKeys: ['id:11010519491231002X'] })],
    branch: 'firstOffence',
  },
  {
    name: 'prior matched on any shared key',
    partyKeys: ['plate:皖A12345', 'id:340102199003071232'],
    history: [prior()],
    branch: 'ineligible',
  },
  {
    name: 'unidentified party cannot be a verified first offence',
    partyKeys: [],
    branch: 'ineligible',
    reason: 'partyUnidentified',
  },
  {
    name: 'threshold exactly at its limit is within',
    answers: { conditions: { slightHarm: true, area: 5 } },
    branch: 'firstOffence',
    reason: 'thresholdWithin',
  },
  {
    name: 'threshold just over its limit',
    answers: { conditions: { slightHarm: true, area: 5.01 } },
    branch: 'ineligible',
    reason: 'thresholdExceeded',
  },
  {
    name: 'exclusion present',
    answers: { exclusions: { safetyRisk: true } },
    branch: 'ineligible',
    reason: 'exclusionPresent',
  },
  {
    name: 'harm not slight',
    answers: { conditions: { slightHarm: false, area: 1 } },
    branch: 'ineligible',
    reason: 'factContrary',
  },
  {
    name: 'refused to correct on the spot',
    answers: { correction: { mode: 'onTheSpot', corrected: false } },
    branch: 'ineligible',
    reason: 'notCorrectedOnTheSpot',
  },
  {
    name: 'deadline set, not yet corrected, commitment signed',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-30' },
      commitmentSigned: true,
    },
    branch: 'pendingCorrection',
    reason: 'deadlinePending',
  },
  {
    name: 'deadline today, uncorrected: still pending',
    foundOn: '2026-11-25',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-25', deadline: '2026-11-27' },
      commitmentSigned: true,
    },
    branch: 'pendingCorrection',
  },
  {
    name: 'deadline yesterday, uncorrected: exemption lost',
    foundOn: '2026-11-24',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-24', deadline: '2026-11-26' },
      commitmentSigned: true,
    },
    branch: 'ineligible',
    reason: 'deadlinePassedUncorrected',
  },
  {
    name: 'corrected on the deadline day per re-inspection',
    foundOn: '2026-11-24',
    answers: {
      correction: {
        mode: 'deadline',
        setOn: '2026-11-24',
        deadline: '2026-11-26',
        reinspection: { result: 'corrected', on: '2026-11-26' },
      },
      commitmentSigned: true,
    },
    branch: 'firstOffence',
    reason: 'correctedByDeadline',
  },
  {
    name: 'corrected a day late',
    foundOn: '2026-11-23',
    answers: {
      correction: {
        mode: 'deadline',
        setOn: '2026-11-23',
        deadline: '2026-11-25',
        reinspection: { result: 'corrected', on: '2026-11-26' },
      },
      commitmentSigned: true,
    },
    branch: 'ineligible',
    reason: 'correctedAfterDeadline',
  },
  {
    // The party has the whole deadline day: an officer's input error, not the party's conduct.
    name: 'not corrected recorded on the deadline day: nothing decided, the answer is wrong',
    foundOn: '2026-11-24',
    answers: {
      correction: {
        mode: 'deadline',
        setOn: '2026-11-24',
        deadline: '2026-11-27',
        reinspection: { result: 'notCorrected', on: '2026-11-27' },
      },
      commitmentSigned: true,
    },
    branch: null,
    reason: 'uncorrectedBeforeDeadlineEnd',
    unanswered: ['correction:correction'],
  },
  {
    name: 'not corrected found the day after the deadline: exemption lost',
    foundOn: '2026-11-24',
    answers: {
      correction: {
        mode: 'deadline',
        setOn: '2026-11-24',
        deadline: '2026-11-26',
        reinspection: { result: 'notCorrected', on: '2026-11-27' },
      },
      commitmentSigned: true,
    },
    branch: 'ineligible',
    reason: 'deadlinePassedUncorrected',
  },
  {
    name: 'deadline longer than the item allows: an input error, not ineligible',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-12-01' },
      commitmentSigned: true,
    },
    branch: null,
    reason: 'deadlineTooLong',
    unanswered: ['correction:correction'],
  },
  {
    name: 'deadline before the finding: an input error',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-26' },
      commitmentSigned: true,
    },
    branch: null,
    reason: 'deadlineBeforeFinding',
    unanswered: ['correction:correction'],
  },
  {
    // Moving the order's date would lengthen the deadline: it is the day of the finding.
    name: 'order to correct dated after the finding: an input error',
    foundOn: '2026-11-25',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-28' },
      commitmentSigned: true,
    },
    branch: null,
    reason: 'orderNotOnFindingDay',
    unanswered: ['correction:correction'],
  },
  {
    name: 'first-offence window counted from the finding, not from the evaluation',
    foundOn: '2026-11-01',
    answers: { correction: { mode: 'onTheSpot', corrected: true } },
    // 12 months before 2026-11-01; outside a window counted from 2026-11-27.
    history: [prior({ date: '2025-11-15' })],
    branch: 'ineligible',
    reason: 'priorRecordFound',
  },
  {
    name: 'a record after the finding is not a prior of it',
    foundOn: '2026-11-20',
    answers: { correction: { mode: 'onTheSpot', corrected: true } },
    history: [prior({ date: '2026-11-25' })],
    branch: 'firstOffence',
    reason: 'noPriorRecord',
  },
  {
    name: 'deadline exactly the maximum',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-30' },
      commitmentSigned: true,
    },
    branch: 'pendingCorrection',
  },
  {
    name: 'deadline without commitment letter answered',
    answers: { correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-29' } },
    branch: null,
    unanswered: ['commitment:commitment'],
  },
  {
    name: 'party refused the commitment letter',
    answers: {
      correction: { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-29' },
      commitmentSigned: false,
    },
    branch: 'ineligible',
    reason: 'commitmentRefused',
  },
  {
    name: 'broken commitment',
    answers: {
      correction: {
        mode: 'deadline',
        setOn: '2026-11-20',
        deadline: '2026-11-23',
        reinspection: { result: 'corrected', on: '2026-11-22' },
      },
      commitmentSigned: true,
      commitmentBroken: true,
    },
    branch: 'ineligible',
    reason: 'commitmentBroken',
  },
  {
    name: 'no-fault evidence, named',
    answers: {
      noFaultEvidence: true,
      noFaultEvidenceNote: '出示的占道许可证系他人伪造，当事人不知情',
    },
    branch: 'noFault',
    noPenalty: 'mandatory',
    reason: 'resultNoFault',
  },
  {
    name: 'no-fault ticked without naming the evidence: nothing decided yet',
    answers: { noFaultEvidence: true, noFaultEvidenceNote: '  ' },
    branch: null,
    unanswered: ['noFaultEvidence:noFaultEvidenceNote'],
  },
  {
    name: "the list's exclusions do not take away no-fault (Art. 33 para 2)",
    answers: {
      noFaultEvidence: true,
      noFaultEvidenceNote: '占道许可证系他人伪造，当事人不知情',
      exclusions: { safetyRisk: true },
    },
    branch: 'noFault',
    noPenalty: 'mandatory',
  },
  {
    name: 'nothing answered yet',
    answers: { conditions: {}, exclusions: {}, correction: undefined },
    branch: null,
    unanswered: [
      'exclusion:safetyRisk',
      'correction:correction',
      'condition:slightHarm',
      'condition:area',
    ],
  },
  {
    name: 'education not yet recorded',
    answers: { educationRecorded: false },
    branch: 'firstOffence',
    unanswered: ['education:education'],
  },
  {
    // Art. 33 para 1 says "may": the officer may decline, saying why.
    name: 'the officer declines the first-offence exemption, with a reason',
    answers: { discretion: 'decline', discretionReason: '当事人拒不配合，多次劝导无效' },
    branch: 'ineligible',
    noPenalty: 'none',
    reason: 'discretionDeclined',
  },
  {
    name: 'declining the exemption needs a reason too',
    answers: { discretion: 'decline', discretionReason: ' ' },
    branch: 'ineligible',
    unanswered: ['discretionReason:discretionReason'],
  },
  {
    name: 'corrected by the deadline, but the commitment broken (a repeat before the re-inspection)',
    foundOn: '2026-11-24',
    answers: {
      correction: {
        mode: 'deadline',
        setOn: '2026-11-24',
        deadline: '2026-11-26',
        reinspection: { result: 'corrected', on: '2026-11-26' },
      },
      commitmentSigned: true,
      commitmentBroken: true,
    },
    branch: 'ineligible',
    reason: 'commitmentBroken',
  },
  {
    name: 'discretion reason missing',
    answers: { discretionReason: '  ' },
    branch: 'firstOffence',
    unanswered: ['discretionReason:discretionReason'],
  },
];
