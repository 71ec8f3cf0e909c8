import type { z } from 'zod';

/**
 * What is wrong with a record, as data: a path naming the field, a code and its parameters. The
 * server answers with these (plus a Chinese message for other systems); the phone shows them in
 * the officer's language from the code, so a message never keeps the language of the moment it
 * was made. The Chinese wording lives here, once; the officer app's Chinese catalog takes it from
 * here and the English one translates every code and field.
 */

/** Chinese templates. `{field}` is the label of the field the issue names. */
export const ISSUE_TEXT = {
  // field rules
  required: '{field}：请填写',
  tooLong: '{field}：超过 {max} 字的上限（现为 {length} 字）',
  outOfRange: '{field}：超出允许的范围',
  invalidDate: '{field}：日期无效',
  invalidInstant: '{field}：时间无效',
  invalidFormat: '{field}：格式不正确',
  controlChars: '{field}：含有不可见的控制字符，请删除后重新输入',
  invalid: '{field}：内容无效',
  unknownKey: '{field}：含有无法识别的内容',
  idLength: '{field}：位数不对',
  idCharacters: '{field}：含有无效字符',
  idCheckDigit: '{field}：校验位不正确，请核对',
  idBirthDate: '{field}：出生日期无效',
  idRegion: '{field}：地区码无效',
  idRegistry: '{field}：登记管理部门码或机构类别码（前两位）无效',
  idOrgCode: '{field}：其中的组织机构代码（第 9–17 位）校验不正确，请核对',
  idFormat: '{field}：格式不正确',
  idNotNormalised: '{field}：未按规范格式保存',
  // the record as a whole
  twoOfficers: '须由两名不同的执法人员共同执法（行政处罚法第四十二条）',
  firstVersionHasPrevious: '首个版本不应引用前一版本',
  amendmentNeedsPrevious: '修订版本必须引用前一版本的哈希',
  evaluationMismatch: '评估结果与事项或清单版本不一致',
  checklistIncomplete: '核查清单尚有未回答的问题',
  educationRequired: '不予处罚的，应当对当事人进行教育（第三十三条第三款）',
  absentNoExemption: '当事人未到场的，不能适用免罚',
  evidenceBefore: '至少需要一张违法现场照片',
  evidenceAfter: '当场改正的，需要一张改正后照片',
  completedBeforeCreated: '完成时间早于创建时间',
  partyKeys: '当事人匹配键与当事人信息不一致',
  duplicateDocType: '同一文书类型重复',
  followUpMismatch: '跟进状态与改正方式或复查结果不一致',
  reinspectionMismatch: '复查信息与改正方式不一致',
  notInCatalog: '清单版本 {catalogVersion} 中没有事项 {itemCode}',
  // the officer's correction answer against the item's rules
  correctionModeNotAllowed: '{field}：该事项不允许此改正方式',
  orderNotOnFindingDay: '{field}：责令改正的日期应为发现当日（{foundOn}）',
  deadlineBeforeFinding: '{field}：不能早于发现当日（{foundOn}）',
  deadlineTooLong: '{field}：自发现之日起 {days} 日，超过该事项最长 {maxDays} 日的期限',
  reinspectionBeforeFinding: '{field}：复查日期不能早于发现当日（{foundOn}）',
  uncorrectedBeforeDeadlineEnd:
    '{field}：改正期限至 {deadline} 当日结束，期限届满前不能认定逾期未改正，请期满后再复查',
  commitmentSignedButRefused: '{field}：当事人拒绝签名的，不能记为已签署告知承诺书',
  // the on-site procedure the documents print
  procedureRequired: '请记录现场程序：出示执法证件、告知申请回避权利、记录人',
  certificatesNotShown: '{field}：执法人员应当先出示执法证件（行政处罚法第五十五条）',
  recusalNotNotified: '{field}：应当告知当事人有权申请执法人员回避（行政处罚法第四十三条）',
  serviceAddressRequired:
    '{field}：当事人拒绝签收的，留置送达只能在其住所或经营场所进行，请填写留置地点',
  serviceAddressOnlyForRefusal: '{field}：当事人已签收，不应记录留置送达地点',
  addressRequiredForDecision: '{field}：不予行政处罚决定书须写明当事人住址',
  // a version and the one before it
  signaturesStale: '{field}：第 {version} 版的事实、当事人或处理决定已修改，须重新签名',
  evidenceRemoved: '已锁定版本的原始证据不能删除',
  documentsDropped: '已开具的文书不能从新版本中删除',
  previousChanged: '前一版本的内容与本版本引用的不一致',
  // the phone's own files
  fileNotOnPhone: '有照片或签名未保存到本机，请重新拍摄或签名后再完成',
  // what the phone still needs before it can lock
  itemMissing: '请选择清单事项',
  partyMissing: '当事人信息不完整',
  placeMissing: '请填写违法地点',
  factsMissing: '请填写违法事实',
  notOfficer: '本账号不是执法队员，不能制作记录',
  secondOfficerMissing: '请选择第二名执法人员',
  officerSignaturesMissing: '两名执法人员都须签名',
  partySignatureMissing: '请当事人签名，或记录拒签及见证人',
  checklistMissing: '请完成核查清单',
  questionOpen: '尚未回答：{question}',
  reinspectionResultMissing: '请选择复查结果',
  reinspectionSignaturesMissing: '复查须由两名执法人员签名',
  // what only the server can tell
  recordInvalid: '记录内容不符合要求',
  hashMismatch: '内容哈希与记录内容不符（记录可能被篡改或损坏）',
  deviceMismatch: '记录的设备编号与推送设备不一致',
  notOnRecord: '只能提交本人参与执法的记录',
  officerUnknown:
    '第 {n} 名执法人员与执法人员名册不符（不存在、已停用、不是本中队执法队员，或姓名、执法证号不符）',
  officersChanged: '修订版本不能更换执法人员',
  squadInvalid: '记录所属中队无效',
  catalogUnknown: '服务器上没有清单版本 {catalogVersion}',
  previousMissing: '缺少前一版本（服务器上最新为第 {latest} 版）',
  idTaken: '记录编号已被其他内容占用',
  versionTaken: '服务器上已有该记录同一版本的不同内容',
  serverError: '服务器保存这条记录时出错，将自动重试',
  documentIdTaken: '文书核验编号已被另一条记录使用',
  // a reviewer's decision
  reviewNotPending: '该记录当前版本已审核，等待执法队员修改后再审',
  reviewCommentRequired: '退回或转一般程序时必须填写意见',
  reviewChecklistIncomplete: '审核通过前须逐项确认审核要点（尚有 {n} 项未确认）',
  reviewFlagsNeedComment: '该版本有 {n} 项系统标记，审核通过时须在意见中说明如何处理',
  officerUnconfirmed: '尚有 {n} 名执法人员未确认参与本次执法，确认后方可审核通过',
  officerDenied: '有 {n} 名执法人员否认参与本次执法，不能审核通过，请退回或转一般程序',
  // an officer's confirmation
  confirmationDecided: '已作出过确认或否认，不能更改',
  denialReasonRequired: '否认参与时须说明情况',
} as const;
export type IssueCode = keyof typeof ISSUE_TEXT;

/** Chinese labels of the fields issues name, by dotted path without list indices. */
export const FIELD_LABELS = {
  record: '记录',
  itemCode: '清单事项',
  catalogVersion: '清单版本',
  party: '当事人',
  'party.kind': '当事人类型',
  'party.name': '姓名或名称',
  'party.idNumber': '身份证号',
  'party.uscc': '统一社会信用代码',
  'party.legalRepresentative': '法定代表人（负责人）',
  'party.operatorName': '经营者姓名',
  'party.operatorIdNumber': '经营者身份证号',
  'party.plate': '车牌号',
  'party.driverName': '驾驶人姓名',
  'party.driverIdNumber': '驾驶人身份证号',
  'party.mobile': '手机号',
  'party.address': '当事人地址',
  'party.description': '体貌特征描述',
  procedure: '现场程序',
  'procedure.certificatesShown': '出示执法证件',
  'procedure.recusalNotified': '告知申请回避权利',
  'procedure.recorder': '记录人',
  'procedure.leftAt': '留置送达地点',
  'procedure.leftAt.address': '留置送达地址',
  partyKeys: '当事人匹配键',
  place: '违法地点',
  'place.address': '违法地点',
  foundAt: '发现时间',
  source: '线索来源',
  facts: '违法事实',
  officers: '执法人员',
  'officers.name': '执法人员姓名',
  'officers.certificateNo': '执法证号',
  answers: '核查清单',
  'answers.discretionReason': '不予处罚的裁量理由',
  'answers.noFaultEvidenceNote': '无主观过错的证据',
  'answers.correction': '改正方式',
  'answers.correction.deadline': '改正期限',
  'answers.correction.mode': '改正方式',
  'answers.correction.setOn': '责令改正日期',
  'answers.correction.reinspection': '复查结果',
  'answers.commitmentSigned': '告知承诺书',
  'answers.conditions': '核查条件',
  firstOffenceCheck: '首违核查',
  evaluation: '评估结果',
  education: '教育情况',
  'education.methods': '教育方式',
  'education.content': '教育内容',
  'education.lawExplained': '讲解的法律',
  'education.partyStatement': '当事人陈述',
  evidence: '照片证据',
  'evidence.note': '照片说明',
  signatures: '签名',
  'signatures.party': '当事人签名',
  'signatures.party.reason': '拒签或未到场原因',
  'signatures.party.witness.name': '见证人姓名',
  'signatures.party.witness.role': '见证人身份',
  'signatures.officers': '执法人员签名',
  documents: '文书',
  'documents.number': '文书编号',
  followUp: '跟进状态',
  reinspection: '复查',
  'reinspection.note': '复查说明',
  'reinspection.signatures': '复查签名',
  amendmentNote: '修改说明',
  version: '版本',
  previousVersionHash: '前一版本',
  contentHash: '内容哈希',
  deviceId: '设备',
  squadId: '中队',
  createdAt: '创建时间',
  completedAt: '完成时间',
  state: '审核状态',
  comment: '审核意见',
  checklist: '审核要点',
  confirmations: '执法人员确认',
  decision: '确认结果',
  reason: '情况说明',
} as const;
export type FieldKey = keyof typeof FIELD_LABELS;

export type IssueParams = Record<string, string | number>;
export type Issue = {
  path: (string | number)[];
  code: IssueCode;
  params?: IssueParams;
  /** Chinese, for systems that do not translate codes. */
  message: string;
};

/** The most specific labelled field a path names: `['education','partyStatement']` → itself. */
export function fieldKey(path: readonly (string | number)[]): FieldKey {
  const parts = path.filter((p): p is string => typeof p === 'string');
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join('.');
    if (key in FIELD_LABELS) return key as FieldKey;
  }
  return 'record';
}

/** Fills a template: `{name}` placeholders from params; unknown ones stay visible. */
export function fill(template: string, params: IssueParams): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}

export function issue(path: (string | number)[], code: IssueCode, params: IssueParams = {}): Issue {
  const message = fill(ISSUE_TEXT[code], { field: FIELD_LABELS[fieldKey(path)], ...params });
  return Object.keys(params).length > 0 ? { path, code, params, message } : { path, code, message };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * Zod's findings as issues with codes. `input` (what was parsed) lets a too-long text say how
 * long it is.
 */
export function issuesFromZod(
  error: z.ZodError,
  input?: unknown,
  prefix: (string | number)[] = [],
): Issue[] {
  return error.issues.slice(0, 50).map((i) => {
    const path = [...prefix, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    switch (i.code) {
      case 'too_big':
        if (i.origin === 'string') {
          const v = valueAt(input, i.path);
          const length = typeof v === 'string' ? v.trim().length : '?';
          return issue(path, 'tooLong', { max: Number(i.maximum), length });
        }
        return issue(path, 'outOfRange');
      case 'too_small':
        return i.origin === 'string' || i.origin === 'array'
          ? issue(path, 'required')
          : issue(path, 'outOfRange');
      case 'invalid_type':
        return valueAt(input, i.path) === undefined
          ? issue(path, 'required')
          : issue(path, 'invalid');
      case 'invalid_format':
        return issue(path, 'invalidFormat');
      case 'unrecognized_keys':
        return issue(path, 'unknownKey');
      case 'custom': {
        const code = (i.params as { code?: string } | undefined)?.code;
        if (code && code in ISSUE_TEXT) {
          const { code: _c, ...rest } = i.params as IssueParams & { code: string };
          void _c;
          return issue(path, code as IssueCode, rest);
        }
        return issue(path, 'invalid');
      }
      default:
        return issue(path, 'invalid');
    }
  });
}
