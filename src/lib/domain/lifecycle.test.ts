import { describe, expect, it } from 'vitest';
import {
  allowedDrafts,
  CONFIRMATION_DECISIONS,
  CONFIRMATION_STATES,
  CONFIRMATION_TRANSITIONS,
  confirmationDecisionIssues,
  nextConfirmation,
  type ConfirmationEvent,
  type ConfirmationState,
  FOLLOW_UP_STATES,
  FOLLOW_UP_TRANSITIONS,
  followUpOf,
  IllegalTransitionError,
  LOCAL_STATES,
  LOCAL_TRANSITIONS,
  nextFollowUp,
  nextLocalState,
  nextReviewState,
  nextSyncStatus,
  REVIEW_ACTIONS,
  REVIEW_CHECKS,
  REVIEW_STATES,
  REVIEW_TRANSITIONS,
  reviewActionsFrom,
  reviewDecisionIssues,
  SYNC_STATUSES,
  SYNC_TRANSITIONS,
  type FollowUpEvent,
  type FollowUpState,
  type LocalEvent,
  type LocalState,
  type ReviewEvent,
  type ReviewState,
  type SyncEvent,
  type SyncStatus,
} from './lifecycle';

/** Every (from, event) pair of a machine, with what the table says (undefined: refused). */
function pairs<S extends string, E extends string>(
  states: readonly S[],
  events: readonly E[],
  table: Record<S, Partial<Record<E, S>>>,
): [S, E, S | undefined][] {
  return states.flatMap((s) => events.map((e): [S, E, S | undefined] => [s, e, table[s][e]]));
}

describe('review states', () => {
  const legal: [ReviewState | 'new', ReviewEvent, ReviewState][] = [
    ['new', 'received', 'pending'],
    ['pending', 'approve', 'approved'],
    ['pending', 'return', 'returned'],
    ['pending', 'escalate', 'escalated'],
    ['pending', 'received', 'pending'],
    ['returned', 'received', 'pending'],
    ['approved', 'received', 'pending'],
    ['escalated', 'received', 'pending'],
  ];
  it.each(legal)('%s --%s--> %s', (from, event, to) => {
    expect(nextReviewState(from, event)).toBe(to);
  });

  const illegal: [ReviewState | 'new', ReviewEvent][] = [
    ['new', 'approve'],
    ['approved', 'approve'],
    ['approved', 'return'],
    ['returned', 'approve'],
    ['returned', 'escalate'],
    ['escalated', 'approve'],
    ['escalated', 'escalate'],
  ];
  it.each(illegal)('%s --%s--> refused', (from, event) => {
    expect(() => nextReviewState(from, event)).toThrow(IllegalTransitionError);
  });

  it('the table answers every pair, and only pending can be reviewed', () => {
    const all = pairs(
      ['new', ...REVIEW_STATES],
      [...REVIEW_ACTIONS, 'received'],
      REVIEW_TRANSITIONS,
    );
    expect(all).toHaveLength(5 * 4);
    for (const [from, event, to] of all) {
      if (to === undefined) expect(() => nextReviewState(from, event)).toThrow();
      else expect(nextReviewState(from, event)).toBe(to);
    }
    expect(REVIEW_STATES.map((s) => [s, reviewActionsFrom(s)])).toEqual([
      ['pending', ['approve', 'return', 'escalate']],
      ['returned', []],
      ['approved', []],
      ['escalated', []],
    ]);
  });
});

describe('follow-up', () => {
  const table: [FollowUpState, FollowUpEvent, FollowUpState | 'refused'][] = [
    ['none', 'deadlineSet', 'pending'],
    ['none', 'escalate', 'escalated'],
    ['none', 'reinspectedCorrected', 'refused'],
    ['pending', 'reinspectedCorrected', 'corrected'],
    ['pending', 'reinspectedNotCorrected', 'escalated'],
    ['pending', 'escalate', 'escalated'],
    ['pending', 'deadlineSet', 'refused'],
    ['corrected', 'escalate', 'escalated'],
    ['corrected', 'reinspectedNotCorrected', 'refused'],
    ['escalated', 'escalate', 'escalated'],
    ['escalated', 'reinspectedCorrected', 'refused'],
  ];
  it.each(table)('%s --%s--> %s', (from, event, to) => {
    if (to === 'refused') expect(() => nextFollowUp(from, event)).toThrow(IllegalTransitionError);
    else expect(nextFollowUp(from, event)).toBe(to);
  });

  it('the table answers every pair', () => {
    const events: FollowUpEvent[] = [
      'deadlineSet',
      'reinspectedCorrected',
      'reinspectedNotCorrected',
      'escalate',
    ];
    for (const [from, event, to] of pairs(FOLLOW_UP_STATES, events, FOLLOW_UP_TRANSITIONS)) {
      if (to === undefined) expect(() => nextFollowUp(from, event)).toThrow();
      else expect(nextFollowUp(from, event)).toBe(to);
    }
  });

  const deadline = { mode: 'deadline', setOn: '2026-11-27', deadline: '2026-11-30' };
  it.each([
    ['no correction yet', {}, null, 'none'],
    ['on the spot', { correction: { mode: 'onTheSpot', corrected: true } }, null, 'none'],
    ['a deadline', { correction: deadline }, {}, 'pending'],
    ['re-inspected, corrected', { correction: deadline }, { result: 'corrected' }, 'corrected'],
    [
      're-inspected, not corrected',
      { correction: deadline },
      { result: 'notCorrected' },
      'escalated',
    ],
  ] as const)('a record with %s is followed up as %s', (_name, answers, reinspection, expected) => {
    expect(followUpOf({ answers, reinspection })).toBe(expected);
  });
});

describe("the phone's copy", () => {
  it('a locked version is acknowledged, then reviewed; a review may come first', () => {
    expect(nextLocalState('completed', 'acknowledged')).toBe('synced');
    expect(nextLocalState('synced', 'return')).toBe('returned');
    expect(nextLocalState('completed', 'approve')).toBe('approved');
    expect(nextLocalState('returned', 'acknowledged')).toBe('returned');
    expect(() => nextLocalState('returned', 'approve')).toThrow(IllegalTransitionError);
    expect(() => nextLocalState('approved', 'return')).toThrow(IllegalTransitionError);
    const events: LocalEvent[] = ['acknowledged', ...REVIEW_ACTIONS];
    for (const [from, event, to] of pairs<LocalState, LocalEvent>(
      LOCAL_STATES,
      events,
      LOCAL_TRANSITIONS,
    )) {
      if (to === undefined) expect(() => nextLocalState(from, event)).toThrow();
      else expect(nextLocalState(from, event)).toBe(to);
    }
  });

  it('a refusal or a conflict is final for the version; acknowledgements repeat safely', () => {
    expect(nextSyncStatus('waiting', 'accepted')).toBe('synced');
    expect(nextSyncStatus('waiting', 'missingBlobs')).toBe('waiting');
    expect(nextSyncStatus('synced', 'duplicate')).toBe('synced');
    expect(nextSyncStatus('waiting', 'rejected')).toBe('rejected');
    expect(() => nextSyncStatus('rejected', 'accepted')).toThrow(IllegalTransitionError);
    expect(() => nextSyncStatus('synced', 'rejected')).toThrow(IllegalTransitionError);
    const events: SyncEvent[] = [
      'accepted',
      'duplicate',
      'missingBlobs',
      'error',
      'conflict',
      'rejected',
    ];
    for (const [from, event, to] of pairs<SyncStatus, SyncEvent>(
      SYNC_STATUSES,
      events,
      SYNC_TRANSITIONS,
    )) {
      if (to === undefined) expect(() => nextSyncStatus(from, event)).toThrow();
      else expect(nextSyncStatus(from, event)).toBe(to);
    }
  });

  it.each([
    ['returned', 'synced', 'none', { amend: true, reinspect: false }],
    ['synced', 'rejected', 'pending', { amend: true, reinspect: false }],
    ['completed', 'rejected', 'none', { amend: true, reinspect: false }],
    ['synced', 'synced', 'pending', { amend: false, reinspect: true }],
    ['approved', 'synced', 'pending', { amend: false, reinspect: true }],
    ['approved', 'synced', 'none', { amend: false, reinspect: false }],
    ['completed', 'waiting', 'none', { amend: false, reinspect: false }],
  ] as const)('%s / %s / follow-up %s allows %o', (state, syncStatus, followUp, expected) => {
    expect(allowedDrafts({ state, syncStatus, followUp })).toEqual(expected);
  });
});

describe("the reviewer's decision", () => {
  const all = Object.fromEntries(REVIEW_CHECKS.map((c) => [c, true]));
  const base = {
    state: 'pending' as const,
    comment: '',
    checklist: all,
    flags: [] as string[],
    confirmations: ['confirmed', 'confirmed'] as ConfirmationState[],
  };
  it.each([
    ['approve with every item confirmed', { action: 'approve' }, []],
    [
      'approve with an item unconfirmed',
      { action: 'approve', checklist: { ...all, procedure: false } },
      ['reviewChecklistIncomplete'],
    ],
    [
      'approve with nothing ticked',
      { action: 'approve', checklist: {} },
      ['reviewChecklistIncomplete'],
    ],
    [
      'approve a flagged version without a comment',
      { action: 'approve', flags: ['priorMissed'] },
      ['reviewFlagsNeedComment'],
    ],
    [
      'approve a flagged version with a comment',
      { action: 'approve', flags: ['priorMissed'], comment: '已核实前案为他人' },
      [],
    ],
    [
      'approve a flagged version with blanks only',
      { action: 'approve', flags: ['provisionalNumber'], comment: '   ' },
      ['reviewFlagsNeedComment'],
    ],
    ['return without a reason', { action: 'return' }, ['reviewCommentRequired']],
    ['escalate with a reason', { action: 'escalate', comment: '重复违法' }, []],
    ['approve an approved version', { action: 'approve', state: 'approved' }, ['reviewNotPending']],
    [
      'approve while the second officer has not confirmed',
      { action: 'approve', confirmations: ['confirmed', 'requested'] },
      ['officerUnconfirmed'],
    ],
    [
      'approve when an officer denies taking part',
      { action: 'approve', confirmations: ['confirmed', 'denied'] },
      ['officerDenied'],
    ],
    [
      'return while an officer denies taking part',
      { action: 'return', comment: '协办队员否认参与', confirmations: ['confirmed', 'denied'] },
      [],
    ],
    [
      'approve a record stored before confirmations existed',
      { action: 'approve', confirmations: [] },
      [],
    ],
  ] as const)('%s', (_name, change, codes) => {
    const issues = reviewDecisionIssues({ ...base, ...change });
    expect(issues.map((i) => i.code)).toEqual(codes);
  });
});

describe("officers' confirmation", () => {
  const events: ConfirmationEvent[] = [...CONFIRMATION_DECISIONS, 'named', 'sent'];
  const table: [ConfirmationState | 'new', ConfirmationEvent, ConfirmationState | 'refused'][] = [
    ['new', 'named', 'requested'],
    ['new', 'sent', 'confirmed'],
    ['new', 'confirm', 'refused'],
    ['new', 'deny', 'refused'],
    ['requested', 'confirm', 'confirmed'],
    ['requested', 'deny', 'denied'],
    ['requested', 'named', 'requested'],
    ['requested', 'sent', 'confirmed'],
    ['confirmed', 'confirm', 'confirmed'],
    ['confirmed', 'deny', 'refused'],
    ['confirmed', 'named', 'confirmed'],
    ['confirmed', 'sent', 'confirmed'],
    ['denied', 'deny', 'denied'],
    ['denied', 'confirm', 'refused'],
    ['denied', 'named', 'denied'],
    ['denied', 'sent', 'denied'],
  ];
  it.each(table)('%s --%s--> %s', (from, event, to) => {
    if (to === 'refused')
      expect(() => nextConfirmation(from, event)).toThrow(IllegalTransitionError);
    else expect(nextConfirmation(from, event)).toBe(to);
  });

  it('the table answers every pair', () => {
    const all = pairs(['new', ...CONFIRMATION_STATES], events, CONFIRMATION_TRANSITIONS);
    expect(all).toHaveLength(table.length);
    for (const [from, event, to] of all) {
      const row = table.find(([f, e]) => f === from && e === event);
      expect(row?.[2]).toBe(to ?? 'refused');
    }
  });

  it.each([
    ['confirm a request', 'requested', 'confirm', '', []],
    ['deny with a reason', 'requested', 'deny', '当天我在休假', []],
    ['deny without a reason', 'requested', 'deny', '  ', ['denialReasonRequired']],
    ['confirm again (a replay)', 'confirmed', 'confirm', '', []],
    ['deny after confirming', 'confirmed', 'deny', '弄错了', ['confirmationDecided']],
    ['confirm after denying', 'denied', 'confirm', '', ['confirmationDecided']],
  ] as const)('%s', (_name, state, decision, reason, codes) => {
    expect(confirmationDecisionIssues({ state, decision, reason }).map((i) => i.code)).toEqual(
      codes,
    );
  });
});
