import { z } from 'zod';
import {
  findItem,
  lookbackStart,
  type Catalog,
  type CatalogBranch,
  type CatalogItem,
} from './catalog';
import { freeText, LIMITS, localDateSchema as localDate } from './fields';
import { issue, type Issue } from './issues';
import { daysBetween, shanghaiDate, type LocalDate } from './time';

/**
 * Checklist evaluation: which branch of Administrative Penalty Law Art. 33 applies to a finding,
 * and why. Pure: the same inputs give the same result on the phone and on the server, which
 * re-runs it on every pushed record and flags any record whose stored result differs.
 */

export const LAW = '《中华人民共和国行政处罚法》';

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

export const BRANCH_RESULTS = [
  'mild',
  'firstOffence',
  'noFault',
  'pendingCorrection',
  'ineligible',
] as const;
export type BranchResult = (typeof BRANCH_RESULTS)[number];

export type LegalBasis =
  | { kind: 'law'; law: string; article: string }
  | { kind: 'catalog'; versionId: string; itemCode: string; itemName: string };

export type ReasonEffect = 'supports' | 'blocks' | 'pending' | 'warning';

export type Reason = {
  code: ReasonCode;
  effect: ReasonEffect;
  /** Branches the reason concerns; empty means the item as a whole. */
  branches: CatalogBranch[];
  params: Record<string, string | number>;
  basis: LegalBasis[];
};

export type ReasonCode =
  | 'notInCatalog'
  | 'notOnExemptionList'
  | 'exclusionPresent'
  | 'noFaultEvidence'
  | 'factHolds'
  | 'factContrary'
  | 'thresholdWithin'
  | 'thresholdExceeded'
  | 'noPriorRecord'
  | 'priorRecordFound'
  | 'partyUnidentified'
  | 'priorNoPenaltyWarning'
  | 'correctedOnTheSpot'
  | 'notCorrectedOnTheSpot'
  | 'correctionModeNotAllowed'
  | 'deadlineTooLong'
  | 'deadlineBeforeFinding'
  | 'orderNotOnFindingDay'
  | 'reinspectionBeforeFinding'
  | 'uncorrectedBeforeDeadlineEnd'
  | 'deadlinePending'
  | 'correctedByDeadline'
  | 'correctedAfterDeadline'
  | 'deadlinePassedUncorrected'
  | 'commitmentSigned'
  | 'commitmentRefused'
  | 'commitmentBroken'
  | 'resultMild'
  | 'resultFirstOffence'
  | 'resultNoFault'
  | 'discretionDeclined'
  | 'educationRequired';

export type QuestionKind =
  | 'condition'
  | 'exclusion'
  | 'correction'
  | 'commitment'
  | 'education'
  | 'discretionReason'
  | 'noFaultEvidence';

export type Question = { kind: QuestionKind; id: string; text?: string };

export type Evaluation = {
  itemCode: string;
  catalogVersion: string;
  /** null while a question that could change the branch is unanswered. */
  branch: BranchResult | null;
  /** For pendingCorrection: the branch that applies once the correction is confirmed. */
  prospectiveBranch: 'mild' | 'firstOffence' | null;
  /** mandatory: must not be penalised; discretionary: may be left unpenalised, reason needed. */
  noPenalty: 'mandatory' | 'discretionary' | 'none' | null;
  discretionReasonRequired: boolean;
  reasons: Reason[];
  unanswered: Question[];
  /** Everything needed to finish the record is answered. */
  complete: boolean;
  firstOffence: {
    windowStart: LocalDate;
    lookbackMonths: number;
    /** Present when the window is the calendar year of the finding. */
    lookbackKind?: 'calendarYear';
    priors: PriorRecord[];
  } | null;
};

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

const ART33 = (para: string): LegalBasis => ({
  kind: 'law',
  law: LAW,
  article: `第三十三条${para}`,
});
const BASIS = {
  mild: ART33('第一款前段'),
  firstOffence: ART33('第一款后段'),
  noFault: ART33('第二款'),
  education: ART33('第三款'),
} as const;

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

/** The reason an input error is explained by in the evaluation panel. */
const CORRECTION_ERROR_REASONS: Partial<Record<Issue['code'], ReasonCode>> = {
  correctionModeNotAllowed: 'correctionModeNotAllowed',
  deadlineTooLong: 'deadlineTooLong',
  deadlineBeforeFinding: 'deadlineBeforeFinding',
  orderNotOnFindingDay: 'orderNotOnFindingDay',
  reinspectionBeforeFinding: 'reinspectionBeforeFinding',
  uncorrectedBeforeDeadlineEnd: 'uncorrectedBeforeDeadlineEnd',
};

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

function dedupe(questions: Question[]): Question[] {
  const seen = new Set<string>();
  return questions.filter((q) => {
    const key = `${q.kind}:${q.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function mergeReasons(reasons: Reason[]): Reason[] {
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

/** Wire form of an Evaluation, for records that travel between phone and server. */
export const evaluationSchema = z
  .object({
    itemCode: z.string().max(20),
    catalogVersion: z.string().max(64),
    branch: z.enum(BRANCH_RESULTS).nullable(),
    prospectiveBranch: z.enum(['mild', 'firstOffence']).nullable(),
    noPenalty: z.enum(['mandatory', 'discretionary', 'none']).nullable(),
    discretionReasonRequired: z.boolean(),
    reasons: z
      .array(
        z
          .object({
            code: z.string().max(40),
            effect: z.enum(['supports', 'blocks', 'pending', 'warning']),
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
    complete: z.boolean(),
    firstOffence: z
      .object({
        windowStart: localDate,
        lookbackMonths: z.number().int().min(1).max(60),
        lookbackKind: z.literal('calendarYear').optional(),
        priors: z.array(priorRecordSchema).max(200),
      })
      .strict()
      .nullable(),
  })
  .strict();
