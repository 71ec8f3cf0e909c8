import { findItem, lookbackStart, type CatalogBranch, type CatalogItem } from './catalog';
import { correctionIssues, type PriorRecord } from './checklist';
import {
  BASIS,
  CORRECTION_ERROR_REASONS,
  dedupe,
  mergeReasons,
  type BranchResult,
  type Evaluation,
  type EvaluateInput,
  type LegalBasis,
  type Question,
  type Reason,
  type ReasonCode,
  type ReasonEffect,
} from './evaluation';
import { shanghaiDate, type LocalDate } from './time';

export * from './checklist';
export * from './evaluation';

/**
 * Checklist evaluation: which branch of Administrative Penalty Law Art. 33 applies to a finding,
 * and why. Pure: the same inputs give the same result on the phone and on the server, which
 * re-runs it on every pushed record and flags any record whose stored result differs.
 */

export function evaluate(input: EvaluateInput): Evaluation {
  const { catalog, itemCode } = input;
  const today = shanghaiDate(input.now);
  const item = findItem(catalog, itemCode);
  if (!item) {
    return {
      itemCode,
      catalogVersion: catalog.versionId,
      branch: 'ineligible',
      prospectiveBranch: null,
      noPenalty: 'none',
      discretionReasonRequired: false,
      reasons: [
        {
          code: 'notInCatalog',
          effect: 'blocks',
          branches: [],
          params: { itemCode },
          basis: [BASIS.mild, BASIS.firstOffence],
        },
      ],
      unanswered: [],
      complete: true,
      firstOffence: null,
    };
  }
  return new Evaluator(item, catalog.versionId, input, today).run();
}

type BranchState = { blocked: boolean; unanswered: Question[] };

class Evaluator {
  private reasons: Reason[] = [];
  private globalBlock = false;
  private globalUnanswered: Question[] = [];
  private state: Record<CatalogBranch, BranchState>;
  private itemBasis: LegalBasis;
  private firstOffence: Evaluation['firstOffence'] = null;

  constructor(
    private item: CatalogItem,
    private versionId: string,
    private input: EvaluateInput,
    private today: LocalDate,
  ) {
    this.state = {
      mild: { blocked: !item.branches.includes('mild'), unanswered: [] },
      firstOffence: { blocked: !item.branches.includes('firstOffence'), unanswered: [] },
    };
    this.itemBasis = { kind: 'catalog', versionId, itemCode: item.code, itemName: item.name };
  }

  private reason(
    code: ReasonCode,
    effect: ReasonEffect,
    branches: CatalogBranch[],
    params: Reason['params'] = {},
    basis: LegalBasis[] = [this.itemBasis],
  ) {
    this.reasons.push({ code, effect, branches, params, basis });
  }

  private branchesOf(c: { branches?: CatalogBranch[] | undefined }): CatalogBranch[] {
    return c.branches ?? this.item.branches;
  }

  private block(branches: CatalogBranch[]) {
    for (const b of branches) this.state[b].blocked = true;
  }

  private ask(branches: CatalogBranch[], q: Question) {
    for (const b of branches) this.state[b].unanswered.push(q);
  }

  run(): Evaluation {
    const { answers } = this.input;
    this.checkExclusions();
    // Art. 33 para 2 stands on its own: a party with evidence of no fault is not penalised, and
    // the list's exclusions (conditions of the para 1 exemptions) do not take that away.
    if (answers.noFaultEvidence === true) {
      // The evidence is named, not just ticked: the decision rests on it (Art. 33 para 2).
      if (!answers.noFaultEvidenceNote?.trim()) {
        return this.result(null, null, [
          ...this.globalUnanswered,
          { kind: 'noFaultEvidence', id: 'noFaultEvidenceNote' },
        ]);
      }
      this.reason('noFaultEvidence', 'supports', [], {}, [BASIS.noFault]);
      return this.result('noFault', null);
    }
    const correction = this.checkCorrection();
    this.lookupPriors();
    for (const condition of this.item.conditions) this.checkCondition(condition);

    if (this.globalBlock || correction === 'failed') return this.result('ineligible', null);

    const order: CatalogBranch[] = ['mild', 'firstOffence'];
    const viable = order.filter((b) => !this.state[b].blocked);
    if (this.item.branches.length === 0) {
      // Recorded, not exempted: no fault (above) was the only way out of a penalty; the other
      // questions still stand so the record shows what was found.
      if (this.globalUnanswered.length > 0) return this.result(null, null, this.globalUnanswered);
      this.reason('notOnExemptionList', 'blocks', []);
      return this.result('ineligible', null);
    }
    if (viable.length === 0) return this.result('ineligible', null);

    // The most favourable viable branch decides; while its questions are open, nothing is decided.
    const best = viable[0] as CatalogBranch;
    const open = [...this.globalUnanswered, ...this.state[best].unanswered];
    if (open.length > 0) return this.result(null, null, dedupe(open));
    if (best === 'firstOffence' && this.input.answers.discretion === 'decline') {
      // The officer's recorded choice not to exempt a first offence: ordinary procedure.
      this.reason('discretionDeclined', 'blocks', ['firstOffence'], {}, [
        BASIS.firstOffence,
        this.itemBasis,
      ]);
      return this.result('ineligible', null, [], true);
    }
    if (correction === 'pending') return this.result('pendingCorrection', best);
    return this.result(best, null);
  }

  private checkExclusions() {
    for (const ex of this.item.exclusions) {
      const present = this.input.answers.exclusions[ex.id];
      if (present === undefined) {
        this.globalUnanswered.push({ kind: 'exclusion', id: ex.id, text: ex.text });
      } else if (present) {
        this.globalBlock = true;
        this.reason('exclusionPresent', 'blocks', [], { id: ex.id, text: ex.text, kind: ex.kind });
      }
    }
  }

  private checkCorrection(): 'corrected' | 'pending' | 'failed' | 'unanswered' {
    const answer = this.input.answers.correction;
    const all: CatalogBranch[] = [];
    if (!answer) {
      this.globalUnanswered.push({ kind: 'correction', id: 'correction' });
      return 'unanswered';
    }
    // The officer's input errors leave the correction unanswered (nothing is decided) and
    // explain themselves; locking is refused by the same rule (catalogIssues).
    const errors = correctionIssues(this.item, answer, this.input.foundOn);
    if (errors.length > 0) {
      for (const e of errors) {
        const code = CORRECTION_ERROR_REASONS[e.code];
        if (code) this.reason(code, 'pending', all, e.params ?? {});
      }
      this.globalUnanswered.push({ kind: 'correction', id: 'correction' });
      return 'unanswered';
    }
    if (answer.mode === 'onTheSpot') {
      if (answer.corrected) {
        this.reason('correctedOnTheSpot', 'supports', all);
        return 'corrected';
      }
      this.reason('notCorrectedOnTheSpot', 'blocks', all);
      return 'failed';
    }
    const re = answer.reinspection;
    if (re?.result === 'corrected') {
      if (re.on <= answer.deadline) {
        this.reason('correctedByDeadline', 'supports', all, {
          deadline: answer.deadline,
          on: re.on,
        });
        return 'corrected';
      }
      this.reason('correctedAfterDeadline', 'blocks', all, {
        deadline: answer.deadline,
        on: re.on,
      });
      return 'failed';
    }
    if (this.today > answer.deadline || re?.result === 'notCorrected') {
      this.reason('deadlinePassedUncorrected', 'blocks', all, { deadline: answer.deadline });
      return 'failed';
    }
    this.reason('deadlinePending', 'pending', all, { deadline: answer.deadline });
    return 'pending';
  }

  private checkCondition(condition: CatalogItem['conditions'][number]) {
    const branches = this.branchesOf(condition);
    const { answers } = this.input;
    switch (condition.kind) {
      case 'fact': {
        const value = answers.conditions[condition.id];
        if (typeof value !== 'boolean') {
          this.ask(branches, { kind: 'condition', id: condition.id, text: condition.text });
        } else if (value === condition.expected) {
          this.reason('factHolds', 'supports', branches, {
            id: condition.id,
            text: condition.text,
          });
        } else {
          this.block(branches);
          this.reason('factContrary', 'blocks', branches, {
            id: condition.id,
            text: condition.text,
          });
        }
        return;
      }
      case 'threshold': {
        const value = answers.conditions[condition.id];
        const params = {
          id: condition.id,
          text: condition.text,
          value: typeof value === 'number' ? value : '',
          limit: condition.limit,
          unit: condition.unit,
        };
        if (typeof value !== 'number') {
          this.ask(branches, { kind: 'condition', id: condition.id, text: condition.text });
        } else if (value <= condition.limit) {
          this.reason('thresholdWithin', 'supports', branches, params);
        } else {
          this.block(branches);
          this.reason('thresholdExceeded', 'blocks', branches, params);
        }
        return;
      }
      case 'firstOffence':
        this.checkFirstOffence(branches);
        return;
      case 'correction':
        // Decided once for the item in checkCorrection.
        return;
      case 'commitment': {
        const deadline = answers.correction?.mode === 'deadline';
        const required = condition.required === 'always' || deadline;
        if (!required) return;
        if (answers.commitmentBroken === true) {
          this.block(branches);
          this.reason('commitmentBroken', 'blocks', branches);
        } else if (answers.commitmentSigned === undefined) {
          this.ask(branches, { kind: 'commitment', id: condition.id, text: condition.text });
        } else if (answers.commitmentSigned) {
          this.reason('commitmentSigned', 'supports', branches);
        } else {
          this.block(branches);
          this.reason('commitmentRefused', 'blocks', branches);
        }
        return;
      }
    }
  }

  /** Runs for every item: first-offence items need it, and reviewers check repeats on all. */
  private lookupPriors() {
    const months = this.item.lookbackMonths;
    const foundOn = this.input.foundOn;
    const windowStart = lookbackStart(this.item, foundOn);
    const keys = new Set(this.input.partyKeys);
    // Records up to the day of the finding; a later one is not a prior of this finding.
    const priors = this.input.history.filter(
      (h) =>
        h.recordId !== this.input.recordId &&
        h.itemCode === this.item.code &&
        h.date >= windowStart &&
        h.date <= foundOn &&
        h.partyKeys.some((k) => keys.has(k)),
    );
    this.firstOffence = {
      windowStart,
      lookbackMonths: months,
      ...(this.item.lookbackKind === 'calendarYear'
        ? { lookbackKind: 'calendarYear' as const }
        : {}),
      priors,
    };
  }

  private checkFirstOffence(branches: CatalogBranch[]) {
    const {
      windowStart,
      lookbackMonths: months,
      priors,
    } = this.firstOffence ?? {
      windowStart: this.input.foundOn,
      lookbackMonths: this.item.lookbackMonths,
      priors: [],
    };
    const basis = [BASIS.firstOffence, this.itemBasis];
    if (this.input.partyKeys.length === 0) {
      this.block(branches);
      this.reason('partyUnidentified', 'blocks', branches, {}, basis);
    } else if (priors.length > 0) {
      const latest = [...priors].sort((a, b) => (a.date < b.date ? 1 : -1))[0] as PriorRecord;
      this.block(branches);
      this.reason(
        'priorRecordFound',
        'blocks',
        branches,
        { count: priors.length, latest: latest.date, months, windowStart },
        basis,
      );
    } else {
      this.reason('noPriorRecord', 'supports', branches, { months, windowStart }, basis);
    }
  }

  private result(
    branch: BranchResult | null,
    prospective: CatalogBranch | null,
    open: Question[] = [],
    declined = false,
  ): Evaluation {
    const effective = branch === 'pendingCorrection' ? prospective : branch;
    const noPenaltyResult =
      effective === 'mild' || effective === 'firstOffence' || effective === 'noFault';
    const unanswered = [...open];
    if (declined && !this.input.answers.discretionReason?.trim()) {
      unanswered.push({ kind: 'discretionReason', id: 'discretionReason' });
    }
    if (effective === 'mild') {
      this.reason('resultMild', 'supports', ['mild'], {}, [BASIS.mild, this.itemBasis]);
      const priors = this.firstOffence?.priors.length ?? 0;
      if (priors > 0) this.reason('priorNoPenaltyWarning', 'warning', ['mild'], { count: priors });
    }
    if (effective === 'firstOffence') {
      this.reason('resultFirstOffence', 'supports', ['firstOffence'], {}, [
        BASIS.firstOffence,
        this.itemBasis,
      ]);
      if (!this.input.answers.discretionReason?.trim()) {
        unanswered.push({ kind: 'discretionReason', id: 'discretionReason' });
      }
    }
    if (effective === 'noFault') this.reason('resultNoFault', 'supports', [], {}, [BASIS.noFault]);
    if (noPenaltyResult && this.input.answers.educationRecorded !== true) {
      this.reason('educationRequired', 'pending', [], {}, [BASIS.education]);
      unanswered.push({ kind: 'education', id: 'education' });
    }
    return {
      itemCode: this.item.code,
      catalogVersion: this.versionId,
      branch,
      prospectiveBranch: branch === 'pendingCorrection' ? prospective : null,
      noPenalty:
        branch === null
          ? null
          : effective === 'mild' || effective === 'noFault'
            ? 'mandatory'
            : effective === 'firstOffence'
              ? 'discretionary'
              : 'none',
      discretionReasonRequired: effective === 'firstOffence' || declined,
      // No commitment letter is issued for a case that goes to the ordinary procedure
      // (requiredDocuments), so the result does not claim one was signed.
      reasons: mergeReasons(
        branch === 'ineligible'
          ? this.reasons.filter((r) => r.code !== 'commitmentSigned')
          : this.reasons,
      ),
      unanswered: dedupe(unanswered),
      complete: branch !== null && unanswered.length === 0,
      firstOffence: this.firstOffence,
    };
  }
}
