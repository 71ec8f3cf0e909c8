import type { Catalog, CatalogItem } from '$lib/domain/catalog';
import type { Party } from '$lib/domain/party';
import type { LockedRecord, OfficerRef, Signature } from '$lib/domain/record';
import { chineseDate, chineseDateTime, shanghaiDate } from '$lib/domain/time';
import type { SignatureSlot } from '../types';

/**
 * The wording template version 2 builds its documents from (frozen with it; see v2.ts).
 */

export class TemplateInputError extends Error {
  constructor(message: string) {
    super(message);
  }
}

export const LAW = '《中华人民共和国行政处罚法》';
export const METHODS: Record<string, string> = {
  persuasion: '说服教育',
  guidance: '劝导示范',
  publicity: '普法宣传',
};
export const SOURCES: Record<string, string> = {
  patrol: '日常巡查发现',
  complaint: '群众投诉',
  hotline12319: '12319 热线转办',
  camera: '视频监控发现',
};
/** A blank the party fills in by hand: the printed paper claims no date it does not know. */
export const BY_HAND = '____年__月__日';

export const you = (p: Party) => (p.kind === 'business' ? '你单位' : '你');
export const self = (p: Party) => (p.kind === 'business' ? '本单位' : '本人');

export function partyText(p: Party): string {
  const parts: string[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value) parts.push(`${label}：${value}`);
  };
  switch (p.kind) {
    case 'person':
      parts.push(p.name);
      add('身份证号', p.idNumber);
      add('联系电话', p.mobile);
      add('住址', p.address);
      break;
    case 'business':
      parts.push(p.name);
      add('统一社会信用代码', p.uscc);
      add('法定代表人（负责人）', p.legalRepresentative);
      add('现场经营者', p.operatorName);
      add('身份证号', p.operatorIdNumber);
      add('联系电话', p.mobile);
      add('住所（经营场所）', p.address);
      break;
    case 'vehicle':
      parts.push(`车牌号：${p.plate}`);
      add('驾驶人', p.driverName);
      add('身份证号', p.driverIdNumber);
      add('联系电话', p.mobile);
      break;
    case 'unknown':
      return `身份不明（${p.description}）`;
  }
  return parts.join('，');
}

export function partyName(p: Party): string {
  switch (p.kind) {
    case 'person':
      return p.name;
    case 'business':
      return p.operatorName ? `${p.name}（${p.operatorName}）` : p.name;
    case 'vehicle':
      return p.driverName ?? p.plate;
    case 'unknown':
      return '当事人';
  }
}

export const officersText = (o: readonly OfficerRef[]) =>
  o.map((x) => `${x.name}（执法证号 ${x.certificateNo}）`).join('、');
export const clause = (c: { law: string; article: string }) => `${c.law}${c.article}`;

export function correctionText(r: LockedRecord): string {
  const c = r.answers.correction;
  if (c?.mode === 'deadline') return `于${chineseDate(c.deadline)}前改正`;
  return '立即改正';
}

export function signedSlots(
  officers: readonly OfficerRef[],
  signatures: readonly Signature[] | undefined,
  label: string,
): SignatureSlot[] {
  return officers.map((o, i) => ({
    label: `${label}${i + 1}`,
    name: `${o.name}（${o.certificateNo}）`,
    sha256: signatures?.[i]?.sha256 ?? null,
    date: signatures?.[i] ? chineseDate(shanghaiDate(signatures[i].signedAt)) : BY_HAND,
  }));
}

/** The party's slot as it happened on site: signed, refused before a witness, or not there. */
export function partySlot(r: LockedRecord, label: string): SignatureSlot[] {
  const p = r.signatures.party;
  switch (p.kind) {
    case 'signed':
      return [
        {
          label,
          name: p.signature.signerName,
          sha256: p.signature.sha256,
          date: chineseDate(shanghaiDate(p.signature.signedAt)),
        },
      ];
    case 'refused': {
      const date = chineseDate(shanghaiDate(p.witness.signature.signedAt));
      return [
        { label, name: partyName(r.party), sha256: null, date, note: `拒绝签字（${p.reason}）` },
        {
          label: '见证人',
          name: `${p.witness.name}（${p.witness.role}）`,
          sha256: p.witness.signature.sha256,
          date,
        },
      ];
    }
    case 'absent':
      return [
        {
          label,
          name: partyName(r.party),
          sha256: null,
          date: chineseDate(shanghaiDate(r.completedAt)),
          note: `未到场（${p.reason}）`,
        },
      ];
  }
}

export function photoLines(r: LockedRecord, kinds: ('before' | 'after' | 'scene')[]): string {
  const photos = r.evidence.filter((e) => kinds.includes(e.kind));
  if (photos.length === 0) return '无';
  return photos
    .map(
      (e, i) =>
        `${i + 1}. ${e.kind === 'after' ? '改正后' : '现场'}照片 ${chineseDateTime(e.takenAt)}` +
        `${e.lat !== undefined ? `（${e.lat}, ${e.lng}）` : ''} SHA-256 ${e.sha256.slice(0, 12)}`,
    )
    .join('\n');
}

export function listRef(item: CatalogItem, catalog: Catalog): string {
  return `${catalog.title}第 ${item.code} 项（${item.name}）`;
}

export function branchReason(r: LockedRecord, item: CatalogItem, catalog: Catalog): string {
  const e = r.evaluation;
  const branch = e.branch === 'pendingCorrection' ? e.prospectiveBranch : e.branch;
  const who = you(r.party);
  switch (branch) {
    case 'mild':
      return `${who}的违法行为轻微并已及时改正，没有造成危害后果，符合${LAW}第三十三条第一款“违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚”的规定和${listRef(item, catalog)}。`;
    case 'firstOffence':
      return (
        `${who}系初次违法且危害后果轻微并已及时改正，符合${LAW}第三十三条第一款“初次违法且危害后果轻微并及时改正的，可以不予行政处罚”的规定和${listRef(item, catalog)}。` +
        (r.answers.discretionReason ? `裁量理由：${r.answers.discretionReason}。` : '')
      );
    case 'noFault':
      return `${who}有证据足以证明没有主观过错（${r.answers.noFaultEvidenceNote ?? ''}），依照${LAW}第三十三条第二款的规定不予行政处罚。`;
    default:
      throw new TemplateInputError(`no decision of no penalty for branch ${String(branch)}`);
  }
}

export function educationText(r: LockedRecord): string {
  if (!r.education) return '—';
  const e = r.education;
  return `教育方式：${e.methods.map((m) => METHODS[m] ?? m).join('、')}。教育内容：${e.content} 讲解的法律：${e.lawExplained}`;
}

export function measuresText(r: LockedRecord, item: CatalogItem): string {
  const lines = item.conditions.flatMap((c) =>
    c.kind === 'threshold' && typeof r.answers.conditions[c.id] === 'number'
      ? [`${c.text}：${String(r.answers.conditions[c.id])} ${c.unit}`]
      : [],
  );
  return lines.length ? lines.join('；') : '';
}

export const hasStatement = (r: LockedRecord) => {
  const s = r.education?.partyStatement.trim() ?? '';
  return s !== '' && s !== '无';
};

/** The decision is made at the re-inspection when the case waited for a deadline correction. */
export function decidedAtReinspection(r: LockedRecord): boolean {
  return r.answers.correction?.mode === 'deadline' && r.reinspection?.doneAt !== undefined;
}

export function procedureOf(r: LockedRecord) {
  if (!r.procedure) throw new TemplateInputError('template 2 needs the on-site procedure');
  return r.procedure;
}

export function remediesOf(catalog: Catalog) {
  const remedies = catalog.bureau.remedies;
  if (!remedies) throw new TemplateInputError('the bureau has no reconsideration body or court');
  return remedies;
}
