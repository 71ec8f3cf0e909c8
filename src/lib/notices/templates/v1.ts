import type { Catalog, CatalogItem } from '$lib/domain/catalog';
import type { Party } from '$lib/domain/party';
import type { DocType, LockedRecord, OfficerRef, Signature } from '$lib/domain/record';
import { chineseDate, chineseDateTime, shanghaiDate } from '$lib/domain/time';
import {
  DOC_TITLES,
  type ContentInput,
  type DocBlock,
  type DocContent,
  type SignatureSlot,
} from '../types';

/**
 * Template version 1, frozen. Paper served under this version is verified by producing its
 * content again with exactly this code: never edit it (the golden test in
 * tests/integration/golden.test.ts fails if its output changes). Changes go into a new version.
 */

const LAW = '《中华人民共和国行政处罚法》';
const METHODS: Record<string, string> = {
  persuasion: '说服教育',
  guidance: '劝导示范',
  publicity: '普法宣传',
};
const SOURCES: Record<string, string> = {
  patrol: '日常巡查发现',
  complaint: '群众投诉',
  hotline12319: '12319 热线转办',
  camera: '视频监控发现',
};

function partyText(p: Party): string {
  switch (p.kind) {
    case 'person':
      return [
        p.name,
        `身份证号：${p.idNumber ?? '—'}`,
        `联系电话：${p.mobile ?? '—'}`,
        `住址：${p.address ?? '—'}`,
      ].join('，');
    case 'business':
      return [
        p.name,
        `统一社会信用代码：${p.uscc ?? '—'}`,
        `经营者：${p.operatorName ?? '—'}`,
        ...(p.operatorIdNumber ? [`身份证号：${p.operatorIdNumber}`] : []),
        `联系电话：${p.mobile ?? '—'}`,
        `地址：${p.address}`,
      ].join('，');
    case 'vehicle':
      return [
        `车牌号：${p.plate}`,
        `驾驶人：${p.driverName ?? '—'}`,
        ...(p.driverIdNumber ? [`身份证号：${p.driverIdNumber}`] : []),
        `联系电话：${p.mobile ?? '—'}`,
      ].join('，');
    case 'unknown':
      return `身份不明（${p.description}）`;
  }
}

function partyName(p: Party): string {
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

const officersText = (o: readonly OfficerRef[]) =>
  o.map((x) => `${x.name}（执法证号 ${x.certificateNo}）`).join('、');
const clause = (c: { law: string; article: string }) => `${c.law}${c.article}`;

function correctionText(r: LockedRecord): string {
  const c = r.answers.correction;
  if (c?.mode === 'deadline') return `于${chineseDate(c.deadline)}前改正`;
  return '立即改正';
}

function officerSlots(r: LockedRecord, date: string): SignatureSlot[] {
  return r.officers.map((o, i) => ({
    label: `执法人员${i + 1}`,
    name: `${o.name}（${o.certificateNo}）`,
    sha256: (r.signatures.officers[i] as Signature).sha256,
    date,
  }));
}

function partySlot(r: LockedRecord, label: string, date: string): SignatureSlot[] {
  const p = r.signatures.party;
  switch (p.kind) {
    case 'signed':
      return [{ label, name: p.signature.signerName, sha256: p.signature.sha256, date }];
    case 'refused':
      return [
        { label, name: partyName(r.party), sha256: null, date, note: `拒绝签字（${p.reason}）` },
        {
          label: '见证人',
          name: `${p.witness.name}（${p.witness.role}）`,
          sha256: p.witness.signature.sha256,
          date,
        },
      ];
    case 'absent':
      return [
        { label, name: partyName(r.party), sha256: null, date, note: `未到场（${p.reason}）` },
      ];
  }
}

function photoLines(r: LockedRecord, kinds: ('before' | 'after' | 'scene')[]): string {
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

function branchReason(r: LockedRecord, item: CatalogItem, catalog: Catalog): string {
  const listRef = `${catalog.title}第 ${item.code} 项（${item.name}）`;
  const e = r.evaluation;
  const branch = e.branch === 'pendingCorrection' ? e.prospectiveBranch : e.branch;
  switch (branch) {
    case 'mild':
      return `你（单位）的违法行为轻微并已及时改正，没有造成危害后果，符合${LAW}第三十三条第一款“违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚”的规定和${listRef}。`;
    case 'firstOffence':
      return (
        `你（单位）系初次违法且危害后果轻微并已及时改正，符合${LAW}第三十三条第一款“初次违法且危害后果轻微并及时改正的，可以不予行政处罚”的规定和${listRef}。` +
        (r.answers.discretionReason ? `裁量理由：${r.answers.discretionReason}。` : '')
      );
    case 'noFault':
      return `你（单位）有证据足以证明没有主观过错，依照${LAW}第三十三条第二款的规定不予行政处罚。`;
    default:
      return '—';
  }
}

function educationText(r: LockedRecord): string {
  if (!r.education) return '—';
  const e = r.education;
  return `教育方式：${e.methods.map((m) => METHODS[m] ?? m).join('、')}。教育内容：${e.content} 讲解的法律：${e.lawExplained}`;
}

function measuresText(r: LockedRecord, item: CatalogItem): string {
  const lines = item.conditions.flatMap((c) =>
    c.kind === 'threshold' && typeof r.answers.conditions[c.id] === 'number'
      ? [`${c.text}：${String(r.answers.conditions[c.id])} ${c.unit}`]
      : [],
  );
  return lines.length ? lines.join('；') : '';
}

export function contentV1({ record: r, doc, catalog }: ContentInput): DocContent {
  const item = catalog.items.find((i) => i.code === r.itemCode);
  if (!item) throw new Error(`item ${r.itemCode} not in catalog ${catalog.versionId}`);
  const issued =
    doc.docType === 'reinspectionRecord' && r.reinspection?.doneAt
      ? r.reinspection.doneAt
      : r.completedAt;
  const date = chineseDate(shanghaiDate(issued));
  const facts = `${chineseDateTime(r.foundAt)}，执法人员在${r.place.address}发现：${r.facts}`;
  const numberOf = (t: DocType) => r.documents.find((d) => d.docType === t)?.number;
  const blocks: DocBlock[] = [];
  const field = (label: string, value: string) => blocks.push({ kind: 'field', label, value });
  const para = (text: string) => blocks.push({ kind: 'paragraph', text });

  switch (doc.docType) {
    case 'orderToCorrect':
      field('当事人', partyText(r.party));
      field('违法事实', facts);
      para(`你（单位）的上述行为违反了${clause(item.prohibitingClause)}的规定。`);
      para(
        `根据${LAW}第二十八条第一款和${clause(item.penaltyClause)}的规定，现责令你（单位）${correctionText(r)}上述违法行为，停止${item.name}行为，恢复原状。`,
      );
      para('逾期不改正的，本机关将依法予以行政处罚。');
      field('执法人员', officersText(r.officers));
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '当事人签收', date), ...officerSlots(r, date)],
      });
      break;
    case 'commitmentLetter':
      field('当事人', partyText(r.party));
      field('违法行为', facts);
      field('违反条款', clause(item.prohibitingClause));
      field('处罚依据', clause(item.penaltyClause));
      field('适用清单事项', `${catalog.title}第 ${item.code} 项：${item.name}`);
      field('已接受的教育', educationText(r));
      para(
        `本人（单位）已知晓上述违法行为及其法律依据，承诺${correctionText(r)}，今后自觉遵守相关法律法规。如未按期改正或者再次实施同一违法行为，自愿依法承担相应的法律责任，接受行政处罚。`,
      );
      field('执法人员', officersText(r.officers));
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '承诺人', date), ...officerSlots(r, date)],
      });
      break;
    case 'noPenaltyDecision':
      field('当事人', partyText(r.party));
      field(
        '违法事实和证据',
        `${facts} 以上事实有现场照片 ${r.evidence.length} 张、现场检查笔录（${numberOf('inspectionRecord') ?? '—'}）及当事人陈述等证据证实。`,
      );
      field('违反条款', clause(item.prohibitingClause));
      field('不予处罚理由', branchReason(r, item, catalog));
      para('本机关决定对你（单位）不予行政处罚。');
      field(
        '教育情况',
        `本机关已依照${LAW}第三十三条第三款对你（单位）进行了教育。${educationText(r)}`,
      );
      para(
        '如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。',
      );
      field('执法人员', officersText(r.officers));
      para(`${catalog.bureau.name}（印章）`);
      break;
    case 'inspectionRecord': {
      const end = r.completedAt;
      field('检查事由', `${SOURCES[r.source] ?? r.source}：${item.name}`);
      field('检查时间', `${chineseDateTime(r.foundAt)} 至 ${chineseDateTime(end)}`);
      field(
        '检查地点',
        r.place.address +
          (r.place.lat !== undefined
            ? `（GPS ${r.place.lat}, ${r.place.lng}，精度约 ${r.place.accuracyM ?? '?'} 米）`
            : ''),
      );
      field('检查人员', officersText(r.officers));
      field('记录人', `${r.officers[0].name}（${r.officers[0].certificateNo}）`);
      field('当事人', partyText(r.party));
      field(
        '见证人',
        r.signatures.party.kind === 'refused'
          ? `${r.signatures.party.witness.name}（${r.signatures.party.witness.role}）`
          : '无',
      );
      field(
        '检查情况',
        `${facts}${measuresText(r, item) ? ` 测量情况：${measuresText(r, item)}。` : ''}`,
      );
      field(
        '改正情况',
        r.answers.correction?.mode === 'onTheSpot'
          ? r.answers.correction.corrected
            ? '当事人已当场改正'
            : '当事人拒不当场改正'
          : `责令${correctionText(r)}`,
      );
      field('当事人陈述', r.education?.partyStatement || '无');
      field('现场照片', photoLines(r, ['before', 'after', 'scene']));
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '当事人', date), ...officerSlots(r, date)],
      });
      break;
    }
    case 'proofOfService': {
      const served = r.documents
        .filter((d) => d.docType !== 'proofOfService' && d.docType !== 'reinspectionRecord')
        .map((d) => `${DOC_TITLES[d.docType]}（${d.number}）`)
        .join('；');
      field('送达文书', served || '—');
      field('受送达人', partyName(r.party));
      field('送达地点', r.place.address);
      const p = r.signatures.party;
      if (p.kind === 'refused') {
        field('送达方式', '留置送达');
        para(
          `受送达人拒绝签收，拒收理由：${p.reason}。执法人员于${chineseDateTime(r.completedAt)}在见证人${p.witness.name}（${p.witness.role}）见证下，将上述文书留置于送达地点，视为送达。`,
        );
      } else {
        field('送达方式', '直接送达');
      }
      field('送达人', officersText(r.officers));
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '受送达人签收', date), ...officerSlots(r, date)],
      });
      break;
    }
    case 'reinspectionRecord': {
      const re = r.reinspection;
      const c = r.answers.correction;
      field(
        '原案情况',
        `${item.name}；当事人：${partyName(r.party)}；责令改正通知书：${numberOf('orderToCorrect') ?? '—'}`,
      );
      field('改正期限', c?.mode === 'deadline' ? chineseDate(c.deadline) : '—');
      field('复查时间', re?.doneAt ? chineseDateTime(re.doneAt) : '—');
      field('复查人员', re?.officers ? officersText(re.officers) : officersText(r.officers));
      field('复查结果', re?.result === 'corrected' ? '当事人已按期改正' : '当事人逾期未改正');
      field('改正后照片', photoLines(r, ['after']));
      field('复查情况', re?.note ?? '—');
      para(
        re?.result === 'corrected'
          ? '处理意见：当事人已按期改正，免予行政处罚，本案结案。'
          : '处理意见：当事人未按期改正，免罚失效，转一般程序办理。',
      );
      blocks.push({
        kind: 'signatures',
        slots: (re?.officers ?? r.officers).map((o, i) => ({
          label: `复查人员${i + 1}`,
          name: `${o.name}（${o.certificateNo}）`,
          sha256: re?.signatures?.[i]?.sha256 ?? null,
          date,
        })),
      });
      break;
    }
  }
  return {
    docId: doc.id,
    recordId: r.id,
    docType: doc.docType,
    templateVersion: doc.templateVersion,
    issuer: catalog.bureau.name,
    title: DOC_TITLES[doc.docType],
    number: doc.number,
    date,
    blocks,
  };
}
