import type { REVIEW_CHECKS } from './contract';

/** The reviewer's checklist items (REFERENCE §6), as shown in the console. */
export const CHECK_LABELS: Record<(typeof REVIEW_CHECKS)[number], string> = {
  twoOfficers: '两名具有执法资格的执法人员',
  factsAndEvidence: '事实清楚、证据充分',
  lawApplied: '适用法律正确（清单事项、条款、适用情形）',
  procedure: '程序合法（告知、送达、文书编号）',
  educationRecorded: '已记录对当事人的教育',
  commitmentSigned: '已签署告知承诺书（需要时）',
  reinspectionOnTime: '限期改正的已按期复查',
};
