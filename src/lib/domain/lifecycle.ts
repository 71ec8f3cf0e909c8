import { issue, type Issue } from './issues';

/**
 * The life cycle of a record, in one place: which review state, follow-up state and phone-side
 * sync state follow from which event. The phone, the sync engine, the review service, ingest and
 * the console all ask these tables; nothing else decides a transition (a lint rule refuses state
 * values written anywhere else). Each table is data, so the tests read every allowed and every
 * refused transition from it.
 */

export class IllegalTransitionError extends Error {
  constructor(
    public readonly machine: string,
    public readonly from: string,
    public readonly event: string,
  ) {
    super(`illegal ${machine} transition: ${event} from ${from}`);
    this.name = 'IllegalTransitionError';
  }
}

type Table<S extends string, E extends string> = Record<S, Partial<Record<E, S>>>;

function step<S extends string, E extends string>(
  machine: string,
  table: Table<S, E>,
  from: S,
  event: E,
): S {
  const to = table[from][event];
  if (to === undefined) throw new IllegalTransitionError(machine, from, event);
  return to;
}

// ---------------------------------------------------------------- review (server)

export const REVIEW_STATES = ['pending', 'returned', 'approved', 'escalated'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const REVIEW_ACTIONS = ['approve', 'return', 'escalate'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
/** `received`: a new version of the record reached the server. */
export type ReviewEvent = ReviewAction | 'received';

/**
 * A record is reviewed version by version. A new version always asks for a review again: after
 * a return (the amendment), after an approval (a deadline case re-inspected later), and after an
 * escalation (a re-inspection locked offline before the officer learnt of it), so the supervisor
 * sees what the officers did last and decides on that.
 */
export const REVIEW_TRANSITIONS: Table<ReviewState | 'new', ReviewEvent> = {
  new: { received: 'pending' },
  pending: { approve: 'approved', return: 'returned', escalate: 'escalated', received: 'pending' },
  returned: { received: 'pending' },
  approved: { received: 'pending' },
  escalated: { received: 'pending' },
};

export function nextReviewState(from: ReviewState | 'new', event: ReviewEvent): ReviewState {
  return step('review', REVIEW_TRANSITIONS, from, event) as ReviewState;
}

export function reviewActionsFrom(state: ReviewState): ReviewAction[] {
  return REVIEW_ACTIONS.filter((a) => REVIEW_TRANSITIONS[state][a] !== undefined);
}

// ---------------------------------------------------------------- follow-up (record content)

export const FOLLOW_UP_STATES = ['none', 'pending', 'corrected', 'escalated'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];
export type FollowUpEvent =
  'deadlineSet' | 'reinspectedCorrected' | 'reinspectedNotCorrected' | 'escalate';

/**
 * A deadline makes a record wait for its re-inspection; the re-inspection closes it as corrected
 * or sends it to the ordinary procedure; a supervisor may send any record there (a repeat found
 * after the fact, say), which is idempotent.
 */
export const FOLLOW_UP_TRANSITIONS: Table<FollowUpState, FollowUpEvent> = {
  none: { deadlineSet: 'pending', escalate: 'escalated' },
  pending: {
    reinspectedCorrected: 'corrected',
    reinspectedNotCorrected: 'escalated',
    escalate: 'escalated',
  },
  corrected: { escalate: 'escalated' },
  escalated: { escalate: 'escalated' },
};

export function nextFollowUp(from: FollowUpState, event: FollowUpEvent): FollowUpState {
  return step('follow-up', FOLLOW_UP_TRANSITIONS, from, event);
}

/**
 * The follow-up a record's own content implies: its correction mode, then its re-inspection.
 * The phone writes it, and the server checks that a record says the same.
 */
export function followUpOf(content: {
  answers: { correction?: { mode: string } | undefined };
  reinspection: { result?: 'corrected' | 'notCorrected' | undefined } | null;
}): FollowUpState {
  let state: FollowUpState = 'none';
  if (content.answers.correction?.mode !== 'deadline') return state;
  state = nextFollowUp(state, 'deadlineSet');
  const result = content.reinspection?.result;
  if (result === 'corrected') state = nextFollowUp(state, 'reinspectedCorrected');
  if (result === 'notCorrected') state = nextFollowUp(state, 'reinspectedNotCorrected');
  return state;
}

// ---------------------------------------------------------------- the phone's copy

/**
 * A locked version on the phone: `completed` until the server acknowledges it, then the review
 * state the supervisors give it. A review may overtake the acknowledgement (the answer to a push
 * lost, the review pulled first); a repeated acknowledgement changes nothing.
 */
export const LOCAL_STATES = ['completed', 'synced', 'returned', 'approved', 'escalated'] as const;
export type LocalState = (typeof LOCAL_STATES)[number];
export type LocalEvent = 'acknowledged' | ReviewAction;

export const LOCAL_TRANSITIONS: Table<LocalState, LocalEvent> = {
  completed: {
    acknowledged: 'synced',
    approve: 'approved',
    return: 'returned',
    escalate: 'escalated',
  },
  synced: {
    acknowledged: 'synced',
    approve: 'approved',
    return: 'returned',
    escalate: 'escalated',
  },
  returned: { acknowledged: 'returned' },
  approved: { acknowledged: 'approved' },
  escalated: { acknowledged: 'escalated' },
};

/** The state of a version the phone has just locked. */
export const LOCKED: LocalState = 'completed';

export function nextLocalState(from: LocalState, event: LocalEvent): LocalState {
  return step('local', LOCAL_TRANSITIONS, from, event);
}

/** How far a locked version got with the server. */
export const SYNC_STATUSES = ['waiting', 'synced', 'conflict', 'rejected'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export type SyncEvent =
  'accepted' | 'duplicate' | 'missingBlobs' | 'error' | 'conflict' | 'rejected';

/**
 * A version waits until the server answers. `rejected` and `conflict` are final for that
 * version: the officer amends it into a new version, which waits again. `missingBlobs` and
 * `error` (the server failed on this record) leave it waiting, to be sent again.
 */
export const SYNC_TRANSITIONS: Table<SyncStatus, SyncEvent> = {
  waiting: {
    accepted: 'synced',
    duplicate: 'synced',
    missingBlobs: 'waiting',
    error: 'waiting',
    conflict: 'conflict',
    rejected: 'rejected',
  },
  synced: { accepted: 'synced', duplicate: 'synced' },
  conflict: {},
  rejected: {},
};

export const UNSENT: SyncStatus = 'waiting';

export function nextSyncStatus(from: SyncStatus, event: SyncEvent): SyncStatus {
  return step('sync', SYNC_TRANSITIONS, from, event);
}

/** What an officer may start from the newest local version of a record. */
export function allowedDrafts(local: {
  state: LocalState;
  syncStatus: SyncStatus;
  followUp: FollowUpState;
}): { amend: boolean; reinspect: boolean } {
  const rejected = local.syncStatus === 'rejected';
  return {
    // A returned record, or one the server refused: both are amended into a new version.
    amend: local.state === 'returned' || rejected,
    reinspect: local.followUp === 'pending' && !rejected && local.state !== 'returned',
  };
}

// ---------------------------------------------------------------- officers' confirmation (server)

/**
 * An officer a record names, other than the one who sent it, confirms on their own account that
 * they took part (Art. 42: two officers; the names print on the notices). The sender's own part
 * is confirmed by sending. A part is the inspection (the record's two officers) or the
 * re-inspection (its two officers). A decision is final; the same decision again is a replay.
 */
export const CONFIRMATION_STATES = ['requested', 'confirmed', 'denied'] as const;
export type ConfirmationState = (typeof CONFIRMATION_STATES)[number];
export const CONFIRMATION_DECISIONS = ['confirm', 'deny'] as const;
export type ConfirmationDecision = (typeof CONFIRMATION_DECISIONS)[number];
export const CONFIRMATION_PARTS = ['inspection', 'reinspection'] as const;
export type ConfirmationPart = (typeof CONFIRMATION_PARTS)[number];
/** `named`: a stored version names the officer; `sent`: the officer sent it themselves. */
export type ConfirmationEvent = ConfirmationDecision | 'named' | 'sent';

export const CONFIRMATION_TRANSITIONS: Table<ConfirmationState | 'new', ConfirmationEvent> = {
  new: { named: 'requested', sent: 'confirmed' },
  requested: { confirm: 'confirmed', deny: 'denied', named: 'requested', sent: 'confirmed' },
  confirmed: { confirm: 'confirmed', named: 'confirmed', sent: 'confirmed' },
  denied: { deny: 'denied', named: 'denied', sent: 'denied' },
};

export function nextConfirmation(
  from: ConfirmationState | 'new',
  event: ConfirmationEvent,
): ConfirmationState {
  return step('confirmation', CONFIRMATION_TRANSITIONS, from, event) as ConfirmationState;
}

/** Why an officer's decision cannot be taken: a denial needs a reason; a decision is final. */
export function confirmationDecisionIssues(d: {
  state: ConfirmationState;
  decision: ConfirmationDecision;
  reason: string;
}): Issue[] {
  if (CONFIRMATION_TRANSITIONS[d.state][d.decision] === undefined) {
    return [issue(['decision'], 'confirmationDecided', { state: d.state })];
  }
  if (d.decision === 'deny' && d.reason.trim().length === 0) {
    return [issue(['reason'], 'denialReasonRequired')];
  }
  return [];
}

// ---------------------------------------------------------------- the reviewer's decision

/** The automatic-fail items a reviewer checks (REFERENCE §6). */
export const REVIEW_CHECKS = [
  'twoOfficers',
  'factsAndEvidence',
  'lawApplied',
  'procedure',
  'educationRecorded',
  'commitmentSigned',
  'reinspectionOnTime',
] as const;
export type ReviewCheck = (typeof REVIEW_CHECKS)[number];

export type ReviewDecision = {
  state: ReviewState;
  action: ReviewAction;
  comment: string;
  checklist: Partial<Record<ReviewCheck, boolean>>;
  /** Codes of the system's flags on the version under review. */
  flags: readonly string[];
  /** Where each officer the record names stands on having taken part. */
  confirmations: readonly ConfirmationState[];
};

/**
 * Why a decision cannot be taken, if it cannot. Returning or escalating needs a reason; approving
 * needs every checklist item confirmed, and a written comment when the system flagged the
 * version (a repeat found after sync, a provisional number replaced, an evaluation that differs),
 * so the audit log shows what the reviewer made of each flag.
 */
export function reviewDecisionIssues(d: ReviewDecision): Issue[] {
  const out: Issue[] = [];
  if (REVIEW_TRANSITIONS[d.state][d.action] === undefined) {
    out.push(issue(['state'], 'reviewNotPending', { state: d.state }));
    return out;
  }
  const comment = d.comment.trim();
  if (d.action !== 'approve' && comment.length === 0) {
    out.push(issue(['comment'], 'reviewCommentRequired'));
  }
  if (d.action === 'approve') {
    const unchecked = REVIEW_CHECKS.filter((c) => d.checklist[c] !== true);
    if (unchecked.length > 0) {
      out.push(issue(['checklist'], 'reviewChecklistIncomplete', { n: unchecked.length }));
    }
    if (d.flags.length > 0 && comment.length === 0) {
      out.push(issue(['comment'], 'reviewFlagsNeedComment', { n: d.flags.length }));
    }
    // An officer who has not confirmed taking part, or says they did not, leaves the record
    // short of the two officers the law asks for: it may be returned or escalated, not approved.
    const waiting = d.confirmations.filter((c) => c === 'requested').length;
    if (waiting > 0) out.push(issue(['confirmations'], 'officerUnconfirmed', { n: waiting }));
    const denied = d.confirmations.filter((c) => c === 'denied').length;
    if (denied > 0) out.push(issue(['confirmations'], 'officerDenied', { n: denied }));
  }
  return out;
}

/**
 * Where a task's result stands with the city platform (ADR 0023): delivered (a webhook answered
 * 2xx, or the platform's pull cursor passed it), waiting for the platform to pull it (its system
 * has no webhook), retrying (a delivery failed and the next one is scheduled), or pending (not
 * tried yet).
 */
export const DELIVERY_STATES = ['delivered', 'awaitingPull', 'retrying', 'pending'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export function deliveryStateOf(r: {
  delivered: boolean;
  scheduled: boolean;
  attempts: number;
}): DeliveryState {
  if (r.delivered) return 'delivered';
  if (!r.scheduled) return 'awaitingPull';
  return r.attempts > 0 ? 'retrying' : 'pending';
}
