import type { DocType } from '$lib/domain/record';
import { chineseDate, chineseDateTime, shanghaiDate } from '$lib/domain/time';
import { DOC_TITLES, type ContentInput, type DocBlock, type DocContent } from '../types';
import {
  LAW,
  SOURCES,
  BY_HAND,
  you,
  self,
  partyText,
  officersText,
  clause,
  correctionText,
  signedSlots,
  partySlot,
  photoLines,
  listRef,
  branchReason,
  educationText,
  measuresText,
  hasStatement,
  decidedAtReinspection,
  procedureOf,
  remediesOf,
  partyName,
  TemplateInputError,
} from './v2-text';

export { partyName, TemplateInputError };

/**
 * Template version 2 (REFERENCE §5 and §7 read by a legal section): the party addressed as 你 or
 * 你单位; the organisation's legal representative; certificates shown and the right to ask for
 * recusal in the inspection record, with the recorder chosen on site; the agency's side of the
 * commitment letter; the reconsideration body and court from the bureau's settings; officers'
 * signatures on the decision; a decision issued at a re-inspection dated, signed and served as
 * it happened; 留置送达 only at the party's residence or premises; evidence named only where it
 * exists. Once documents are issued under it, this file is frozen like v1: changes go into v3.
 */

export function contentV2({ record: r, doc, catalog }: ContentInput): DocContent {
  const item = catalog.items.find((i) => i.code === r.itemCode);
  if (!item) throw new Error(`item ${r.itemCode} not in catalog ${catalog.versionId}`);
  const procedure = procedureOf(r);
  const atReinspection = decidedAtReinspection(r);
  const onSite = chineseDate(shanghaiDate(r.foundAt));
  const reinspected = r.reinspection?.doneAt
    ? chineseDate(shanghaiDate(r.reinspection.doneAt))
    : null;
  const date =
    doc.docType === 'reinspectionRecord' || (doc.docType === 'noPenaltyDecision' && atReinspection)
      ? (reinspected ?? onSite)
      : onSite;
  const facts = `${chineseDateTime(r.foundAt)}，执法人员在${r.place.address}发现：${r.facts}`;
  const numberOf = (t: DocType) => r.documents.find((d) => d.docType === t)?.number;
  const who = you(r.party);
  const blocks: DocBlock[] = [];
  const field = (label: string, value: string) => blocks.push({ kind: 'field', label, value });
  const para = (text: string) => blocks.push({ kind: 'paragraph', text });
  const onSiteOfficers = () => signedSlots(r.officers, r.signatures.officers, '执法人员');

  switch (doc.docType) {
    case 'orderToCorrect':
      field('当事人', partyText(r.party));
      field('违法事实', facts);
      para(`${who}的上述行为违反了${clause(item.prohibitingClause)}的规定。`);
      para(
        `根据${LAW}第二十八条第一款和${clause(item.penaltyClause)}的规定，现责令${who}${correctionText(r)}上述违法行为，停止${item.name}行为，恢复原状。`,
      );
      para('逾期不改正的，本机关将依法予以行政处罚。');
      field('执法人员', officersText(r.officers));
      para(`${catalog.bureau.name}（印章）`);
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '当事人签收'), ...onSiteOfficers()],
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
        `当事人承诺：${self(r.party)}已知晓上述违法行为及其法律依据，承诺${correctionText(r)}，今后自觉遵守相关法律法规。如未按期改正或者再次实施同一违法行为，自愿依法承担相应的法律责任，接受行政处罚。`,
      );
      para(
        `执法机关告知：根据${LAW}第三十三条第一款和${listRef(item, catalog)}，当事人按照本承诺${correctionText(r)}，且符合清单规定的其他条件的，本机关依法不予行政处罚；未按承诺改正或者再次实施同一违法行为的，本机关将依法处理。`,
      );
      field('执法人员', officersText(r.officers));
      para(`${catalog.bureau.name}（印章）`);
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '承诺人'), ...onSiteOfficers()],
      });
      break;
    case 'noPenaltyDecision': {
      const remedies = remediesOf(catalog);
      const evidence = [
        `现场照片 ${r.evidence.length} 张`,
        `现场检查笔录（${numberOf('inspectionRecord') ?? '—'}）`,
        ...(hasStatement(r) ? ['当事人陈述'] : []),
        ...(atReinspection ? [`复查记录（${numberOf('reinspectionRecord') ?? '—'}）`] : []),
      ];
      field('当事人', partyText(r.party));
      field('违法事实和证据', `${facts} 以上事实有${evidence.join('、')}等证据证实。`);
      field('违反条款', clause(item.prohibitingClause));
      field('不予处罚理由', branchReason(r, item, catalog));
      para(`本机关决定对${who}不予行政处罚。`);
      field(
        '教育情况',
        `本机关已依照${LAW}第三十三条第三款对${who}进行了教育。${educationText(r)}`,
      );
      para(
        `如不服本决定，可以自收到本决定书之日起六十日内向${remedies.reconsiderationBody}申请行政复议，或者自收到本决定书之日起六个月内向${remedies.court}提起行政诉讼。`,
      );
      const officers =
        atReinspection && r.reinspection?.officers ? r.reinspection.officers : r.officers;
      const signatures =
        atReinspection && r.reinspection?.officers
          ? r.reinspection.signatures
          : r.signatures.officers;
      field('执法人员', officersText(officers));
      para(`${catalog.bureau.name}（印章）`);
      blocks.push({ kind: 'signatures', slots: signedSlots(officers, signatures, '执法人员') });
      break;
    }
    case 'inspectionRecord': {
      const recorder = r.officers[procedure.recorder];
      field('检查事由', `${SOURCES[r.source] ?? r.source}：${item.name}`);
      field('检查时间', `${chineseDateTime(r.foundAt)} 至 ${chineseDateTime(r.completedAt)}`);
      field(
        '检查地点',
        r.place.address +
          (r.place.lat !== undefined
            ? `（GPS ${r.place.lat}, ${r.place.lng}，精度约 ${r.place.accuracyM ?? '?'} 米）`
            : ''),
      );
      field('检查人员', officersText(r.officers));
      field('记录人', `${recorder.name}（${recorder.certificateNo}）`);
      field('当事人', partyText(r.party));
      field(
        '见证人',
        r.signatures.party.kind === 'refused'
          ? `${r.signatures.party.witness.name}（${r.signatures.party.witness.role}）`
          : '无',
      );
      para(
        `执法人员已向当事人出示执法证件（${LAW}第五十五条），并告知当事人有权申请执法人员回避（第四十三条）。`,
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
      field('当事人陈述', hasStatement(r) ? (r.education?.partyStatement ?? '') : '无');
      field('现场照片', photoLines(r, ['before', 'scene']));
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '当事人'), ...onSiteOfficers()],
      });
      break;
    }
    case 'proofOfService': {
      const onSiteDocs = r.documents
        .filter(
          (d) =>
            d.docType !== 'proofOfService' &&
            d.docType !== 'reinspectionRecord' &&
            !(d.docType === 'noPenaltyDecision' && atReinspection),
        )
        .map((d) => `${DOC_TITLES[d.docType]}（${d.number}）`)
        .join('；');
      field('送达文书', onSiteDocs || '—');
      field('受送达人', partyName(r.party));
      const p = r.signatures.party;
      if (p.kind === 'refused') {
        const left = procedure.leftAt;
        if (!left)
          throw new TemplateInputError('a refusal needs the place the documents were left');
        const where = left.kind === 'residence' ? '住所' : '经营场所';
        field('送达地点', `受送达人${where}：${left.address}`);
        field('送达方式', '留置送达');
        para(
          `受送达人拒绝签收，拒收理由：${p.reason}。执法人员于${chineseDateTime(p.witness.signature.signedAt)}在见证人${p.witness.name}（${p.witness.role}）见证下，将上述文书留置于受送达人${where}，视为送达。`,
        );
      } else {
        field('送达地点', r.place.address);
        field('送达方式', '直接送达');
      }
      field('送达人', officersText(r.officers));
      blocks.push({
        kind: 'signatures',
        slots: [...partySlot(r, '受送达人签收'), ...onSiteOfficers()],
      });
      const decision = r.documents.find((d) => d.docType === 'noPenaltyDecision');
      if (decision && atReinspection && reinspected) {
        // Made at the re-inspection: the app does not know when or how it reached the party,
        // so the paper leaves the receipt to be completed by hand and claims nothing.
        field(
          '复查时作出的文书',
          `${DOC_TITLES.noPenaltyDecision}（${decision.number}），${reinspected}作出，应当场交付；当事人不在场的，于七日内依法送达（${LAW}第六十一条）。`,
        );
        field('送达时间、地点和方式', '（由送达人填写）');
        blocks.push({
          kind: 'signatures',
          slots: [
            { label: '受送达人签收', name: partyName(r.party), sha256: null, date: BY_HAND },
            { label: '送达人', name: '', sha256: null, date: BY_HAND },
          ],
        });
      }
      break;
    }
    case 'reinspectionRecord': {
      const re = r.reinspection;
      const c = r.answers.correction;
      const deadline = c?.mode === 'deadline' ? c.deadline : null;
      const doneOn = re?.doneAt ? shanghaiDate(re.doneAt) : null;
      const late = deadline !== null && doneOn !== null && doneOn > deadline;
      field(
        '原案情况',
        `${item.name}；当事人：${partyName(r.party)}；责令改正通知书：${numberOf('orderToCorrect') ?? '—'}`,
      );
      field('改正期限', deadline ? chineseDate(deadline) : '—');
      field('复查时间', re?.doneAt ? chineseDateTime(re.doneAt) : '—');
      field('复查人员', re?.officers ? officersText(re.officers) : officersText(r.officers));
      field(
        '复查结果',
        re?.result === 'corrected'
          ? late
            ? '当事人已改正，但未在期限内改正'
            : '当事人已按期改正'
          : '当事人逾期未改正',
      );
      if (r.answers.commitmentBroken)
        field('承诺履行情况', '当事人违反承诺或者再次实施同一违法行为');
      field('改正后照片', photoLines(r, ['after']));
      field('复查情况', re?.note || '—');
      const exempt =
        r.evaluation.branch === 'mild' ||
        r.evaluation.branch === 'firstOffence' ||
        r.evaluation.branch === 'noFault';
      const decision = numberOf('noPenaltyDecision');
      para(
        exempt
          ? `处理意见：当事人已按期改正，依法不予行政处罚${decision ? `（${DOC_TITLES.noPenaltyDecision} ${decision}）` : ''}，本案结案。`
          : '处理意见：不符合不予行政处罚的条件，转一般程序办理。',
      );
      blocks.push({
        kind: 'signatures',
        slots: signedSlots(re?.officers ?? r.officers, re?.signatures, '复查人员'),
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
