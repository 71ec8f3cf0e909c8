import type { TaskSource, TaskState } from './tasks';
import type { BranchResult } from './evaluation';
import type {
  ConfirmationPart,
  ConfirmationState,
  FollowUpState,
  ReviewAction,
  ReviewCheck,
  ReviewState,
} from './lifecycle';
import type { PARTY_KINDS } from './party';
import type { DocType, EDUCATION_METHODS, SOURCES } from './record-parts';

type PartyKind = (typeof PARTY_KINDS)[number];
export type EducationMethod = (typeof EDUCATION_METHODS)[number];
export type Source = (typeof SOURCES)[number];
/** How a party corrected (the answer's mode), or `none` in counts of records not corrected. */
export type CorrectionMode = 'onTheSpot' | 'deadline';

/**
 * The product's Chinese names for its codes, written once. The phone's catalog and the console's
 * are built from these tables (`i18n/zh-CN.ts`, English beside them in `i18n/en.ts` under the
 * same keys), the server's exports and statistics print them, and the notices take their titles
 * from here. A new code without its name does not compile.
 */

export const BRANCH_LABELS: Record<BranchResult | 'undetermined', string> = {
  mild: '轻微不罚',
  firstOffence: '首违不罚',
  noFault: '无主观过错不罚',
  pendingCorrection: '待复查（限期改正中）',
  ineligible: '不适用免罚',
  undetermined: '尚未确定',
};

export const CORRECTION_LABELS: Record<CorrectionMode | 'none', string> = {
  onTheSpot: '当场改正',
  deadline: '限期改正',
  none: '未改正',
};

export const SOURCE_LABELS: Record<Source, string> = {
  patrol: '日常巡查',
  complaint: '群众投诉',
  hotline12319: '12319 热线',
  camera: '视频监控',
};

/** Where a task from the city platform came from (domain/tasks.ts). */
export const TASK_SOURCE_LABELS: Record<TaskSource, string> = {
  hotline: '12319 热线',
  citizen: '群众举报',
  camera: '视频监控',
  platformPatrol: '平台巡查',
};

export const TASK_STATE_LABELS: Record<TaskState, string> = {
  received: '待派发',
  assigned: '已派发',
  handled: '已处置',
  unfounded: '不予立案',
};

export const EDUCATION_LABELS: Record<EducationMethod, string> = {
  persuasion: '说服教育',
  guidance: '劝导示范',
  publicity: '普法宣传',
};

export const DOC_TITLES: Record<DocType, string> = {
  orderToCorrect: '责令（限期）改正通知书',
  commitmentLetter: '轻微违法行为免予处罚告知承诺书',
  noPenaltyDecision: '不予行政处罚决定书',
  inspectionRecord: '现场检查笔录',
  proofOfService: '送达回证',
  reinspectionRecord: '复查记录',
};

/**
 * The copies of each document printed on the spot: the party keeps one of what is served on them
 * and signs the bureau's copy for the case file (REFERENCE §5: "party's signature of receipt");
 * the records the bureau keeps (inspection, service, re-inspection) print once.
 */
export type PrintCopy = 'party' | 'bureau';
export const PRINT_COPIES: Record<DocType, readonly PrintCopy[]> = {
  inspectionRecord: ['bureau'],
  orderToCorrect: ['party', 'bureau'],
  commitmentLetter: ['party', 'bureau'],
  noPenaltyDecision: ['party', 'bureau'],
  proofOfService: ['bureau'],
  reinspectionRecord: ['bureau'],
};
/** Printed under the number where a document has two copies. */
export const COPY_LABELS: Record<PrintCopy, string> = {
  party: '第一联（当事人收执）',
  bureau: '第二联（执法机关存档）',
};

export const PARTY_KIND_LABELS: Record<PartyKind, string> = {
  person: '个人',
  business: '商户 / 单位',
  vehicle: '车辆',
  unknown: '身份不明',
};

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  pending: '待审核',
  returned: '已退回修改',
  approved: '审核通过',
  escalated: '已转一般程序',
};

export const REVIEW_ACTION_LABELS: Record<ReviewAction, string> = {
  approve: '审核通过',
  return: '退回修改',
  escalate: '转一般程序',
};

export const FOLLOW_UP_LABELS: Record<FollowUpState, string> = {
  none: '无需复查',
  pending: '待复查',
  corrected: '已改正',
  escalated: '转一般程序',
};

export const CONFIRMATION_STATE_LABELS: Record<ConfirmationState, string> = {
  requested: '待确认',
  confirmed: '已确认',
  denied: '否认参与',
};

export const CONFIRMATION_PART_LABELS: Record<ConfirmationPart, string> = {
  inspection: '现场检查',
  reinspection: '复查',
};

/** The reviewer's checklist items (REFERENCE §6). */
export const CHECK_LABELS: Record<ReviewCheck, string> = {
  twoOfficers: '两名具有执法资格的执法人员',
  factsAndEvidence: '事实清楚、证据充分',
  lawApplied: '适用法律正确（清单事项、条款、适用情形）',
  procedure: '程序合法（告知、送达、文书编号）',
  educationRecorded: '已记录对当事人的教育',
  commitmentSigned: '已签署告知承诺书（需要时）',
  reinspectionOnTime: '限期改正的已按期复查',
};

/** The identifier kinds, as written in the ledger and its export. */
export const IDENTIFIER_LABELS = {
  idNumber: '身份证',
  uscc: '信用代码',
  operatorIdNumber: '经营者身份证',
  driverIdNumber: '驾驶人身份证',
  plate: '车牌',
  mobile: '电话',
} as const;

/**
 * Every table under the key prefix its catalog entries take (`branch.mild`, …). The catalogs
 * are built from this; pages and services name a code's label through it.
 */
export const LABELS = {
  branch: BRANCH_LABELS,
  correction: CORRECTION_LABELS,
  source: SOURCE_LABELS,
  taskSource: TASK_SOURCE_LABELS,
  taskState: TASK_STATE_LABELS,
  education: EDUCATION_LABELS,
  doc: DOC_TITLES,
  'party.kind': PARTY_KIND_LABELS,
  reviewState: REVIEW_STATE_LABELS,
  reviewAction: REVIEW_ACTION_LABELS,
  followUp: FOLLOW_UP_LABELS,
  'confirm.state': CONFIRMATION_STATE_LABELS,
  'confirm.part': CONFIRMATION_PART_LABELS,
  check: CHECK_LABELS,
  identifier: IDENTIFIER_LABELS,
} as const;

export type LabelSet = keyof typeof LABELS;

/** A code's Chinese label, or the code itself where its table has none (data from elsewhere). */
export function labelOf(set: LabelSet, code: string): string {
  const table: Readonly<Record<string, string>> = LABELS[set];
  return table[code] ?? code;
}
