import type { CatalogItem } from './catalog';
import type { Draft } from './draft';
import { EDUCATION_METHODS } from './record-parts';
import { chineseDateTime } from './time';

/**
 * Text the phone writes for the officer, ready to edit: the statement of facts, the education
 * given and the law explained, drafted from the list item, the place, the time and the answers.
 * A drafted text follows the case while the officer leaves it as drafted; once edited, it is the
 * officer's and is never written over.
 */

type Method = (typeof EDUCATION_METHODS)[number];

/** General wording for the methods an item has no text of its own for. */
const METHOD_TEXT: Record<Exclude<Method, 'persuasion'>, (law: string) => string> = {
  guidance: () => '执法人员现场示范规范做法，引导当事人按要求整改到位。',
  publicity: (law) => `向当事人发放普法宣传资料，讲解${law}的相关规定。`,
};

/** What parties commonly say, offered where the item lists none of its own. */
export const COMMON_STATEMENTS = [
  '知道了，马上改正。',
  '不知道这样违规，以后不会了。',
  '对执法人员认定的事实没有异议。',
] as const;

/** The clauses the officer explains: both of the item's citations, with their summaries. */
export function lawExplainedOf(item: CatalogItem): string {
  const clause = (c: CatalogItem['prohibitingClause']) =>
    `${c.law}${c.article}${c.summary ? `（${c.summary}）` : ''}`;
  return `${clause(item.prohibitingClause)}；${clause(item.penaltyClause)}`;
}

/** The education text for the chosen methods (the item's persuasion text when none is chosen). */
export function educationTextOf(item: CatalogItem, methods: readonly Method[] = []): string {
  const law = item.prohibitingClause.law;
  const parts = [
    item.educationTemplate,
    ...EDUCATION_METHODS.filter((m): m is Exclude<Method, 'persuasion'> => m !== 'persuasion')
      .filter((m) => methods.includes(m))
      .map((m) => item.educationByMethod?.[m] ?? METHOD_TEXT[m](law)),
  ];
  return parts.join('');
}

/** Phrases for the party's statement: the item's own, then the common ones. */
export function statementPhrasesOf(item: CatalogItem | null): string[] {
  return [...new Set([...(item?.statementPhrases ?? []), ...COMMON_STATEMENTS])];
}

function partyWords(draft: Draft): string {
  const p = draft.party as Record<string, string | undefined>;
  switch (draft.party.kind) {
    case 'person':
    case 'business':
      return p.name?.trim() ?? '';
    case 'vehicle': {
      const plate = p.plate?.trim();
      const driver = p.driverName?.trim();
      return [driver, plate ? `（车牌号${plate}）` : ''].filter(Boolean).join('');
    }
    default:
      return '';
  }
}

/**
 * A statement of facts: when, where, who, what, and the measured quantities, e.g.
 * 2026年11月30日 10时20分，执法人员在六安市金安区皖西路8号巡查时发现，当事人李某占用城市道路设摊经营。
 */
export function draftFacts(draft: Draft, item: CatalogItem): string {
  const place = draft.place.address?.trim();
  const who = partyWords(draft);
  const act = item.factsAct ?? `存在“${item.name}”的行为`;
  const measured = item.conditions.flatMap((c) => {
    const v = draft.answers.conditions[c.id];
    return c.kind === 'threshold' && typeof v === 'number' ? [`${c.text}${v}${c.unit}`] : [];
  });
  return (
    `${chineseDateTime(draft.foundAt)}，执法人员${place ? `在${place}` : ''}巡查时发现，` +
    `当事人${who}${act}${measured.length > 0 ? `，经现场测量，${measured.join('，')}` : ''}。`
  );
}

/** The texts the phone drafts for a draft, by field; absent where it drafts nothing yet. */
export function draftedTexts(
  draft: Draft,
  item: CatalogItem | null,
): NonNullable<Draft['drafted']> {
  if (!item) return {};
  return {
    facts: draftFacts(draft, item),
    education: educationTextOf(item, draft.education.methods ?? []),
    law: lawExplainedOf(item),
    ...(item.branches.includes('firstOffence') ? { reason: draftReason(draft) } : {}),
  };
}

/**
 * The reason for exempting a first offence, from the answers (the officer edits or declines);
 * empty once the officer declines the exemption, whose reason only they can give.
 */
export function draftReason(draft: Draft): string {
  if (draft.answers.discretion === 'decline') return '';
  const c = draft.answers.correction;
  const corrected =
    c?.mode === 'deadline'
      ? '当事人承诺在期限内改正'
      : c?.mode === 'onTheSpot' && c.corrected
        ? '已当场改正'
        : '及时改正';
  return `初次违法，危害后果轻微，${corrected}`;
}

/**
 * Brings the drafted texts up to date in place: a field still empty, or still holding the text
 * last drafted for it, takes the new draft; a field the officer has edited is left alone.
 * Returns whether anything changed.
 */
export function applyDrafting(draft: Draft, item: CatalogItem | null): boolean {
  if (draft.kind !== 'new') return false;
  const before = draft.drafted ?? {};
  const next = draftedTexts(draft, item);
  let changed = false;
  const follow = (current: string | undefined, was: string | undefined, now: string | undefined) =>
    now !== undefined && (!current?.trim() || current === was) && current !== now;
  if (follow(draft.facts, before.facts, next.facts)) {
    draft.facts = next.facts ?? '';
    changed = true;
  }
  if (follow(draft.education.content, before.education, next.education)) {
    draft.education.content = next.education;
    changed = true;
  }
  if (follow(draft.education.lawExplained, before.law, next.law)) {
    draft.education.lawExplained = next.law;
    changed = true;
  }
  if (follow(draft.answers.discretionReason, before.reason, next.reason)) {
    draft.answers.discretionReason = next.reason;
    changed = true;
  }
  // The drafted education text is persuasion (说服教育): chosen with it, changeable.
  if (item && draft.education.methods === undefined) {
    draft.education.methods = ['persuasion'];
    changed = true;
  }
  if (JSON.stringify(before) !== JSON.stringify(next)) {
    draft.drafted = next;
    changed = true;
  }
  return changed;
}

/** Reasons officers commonly give for the discretionary choice on a first offence. */
export const DISCRETION_PHRASES = {
  exempt: ['初次违法，危害后果轻微，并已当场改正', '初次违法，危害后果轻微，当事人承诺限期改正'],
  decline: ['当事人拒不配合调查，不适用首违不罚', '违法行为持续时间较长，周边群众反映强烈'],
} as const;

/** Words picked from a list, put after what the field holds (or in its place when empty). */
export function withPhrase(current: string | undefined, phrase: string): string {
  const text = current?.trim() ?? '';
  if (!text) return phrase;
  if (text.includes(phrase)) return text;
  return /[。！？.!?]$/.test(text) ? `${text}${phrase}` : `${text}，${phrase}`;
}

/** The place of a finding outside a shop's own premises (the usual place of 出店经营). */
export function premisesPlace(address: string): string {
  return `${address.trim()}门前`;
}

/** How a refusal to sign is usually recorded. */
export const REFUSAL_PHRASES = [
  '当事人拒绝在现场笔录和文书上签名',
  '当事人拒绝签收文书',
  '当事人称需请示经营者，拒绝签名',
] as const;
