import { z } from 'zod';
import { localDateSchema as localDate } from './fields';
import { addMonths, type LocalDate } from './time';

/**
 * The no-penalty list (免罚清单) as data. Clause references a bureau has not verified carry
 * `verified: false`, so the legal section can find and correct them without a code change.
 */

export const BRANCHES = ['mild', 'firstOffence'] as const;
export const branchSchema = z.enum(BRANCHES);
export type CatalogBranch = z.infer<typeof branchSchema>;

/** How the legal section marks a citation it has not confirmed yet, in the text itself. */
export const UNCONFIRMED_MARK = /待核|待确认|待法制科确认|to confirm/i;

export const clauseSchema = z
  .object({
    /** Name of the law or regulation, e.g. 《城市道路管理条例》. */
    law: z.string().min(1).max(200),
    /** Article reference as written, e.g. 第二十七条第（一）项. */
    article: z.string().min(1).max(200),
    /** A short paraphrase for the notice and the education text. */
    summary: z.string().max(500).optional(),
    /** false while the bureau's legal section has not confirmed this reference. */
    verified: z.boolean(),
  })
  .strict()
  .refine((c) => !c.verified || !UNCONFIRMED_MARK.test(`${c.law}${c.article}${c.summary ?? ''}`), {
    message: '条款文字仍标注“待核/待确认”，不能标记为已确认',
    path: ['verified'],
  });
export type Clause = z.infer<typeof clauseSchema>;

const conditionBase = {
  id: z
    .string()
    .regex(/^[a-z][a-zA-Z0-9]*$/, 'condition id: lowerCamelCase')
    .max(40),
  /** Chinese wording shown in the checklist. */
  text: z.string().min(1).max(300),
  /** Branches this condition is required for; absent means every branch of the item. */
  branches: z.array(branchSchema).min(1).optional(),
};

export const conditionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...conditionBase,
      kind: z.literal('fact'),
      /** The answer that keeps the item eligible. */
      expected: z.boolean(),
    })
    .strict(),
  z
    .object({
      ...conditionBase,
      kind: z.literal('threshold'),
      unit: z.string().min(1).max(20),
      /** Inclusive upper limit: a measure equal to the limit is within it. */
      limit: z.number().positive().finite(),
    })
    .strict(),
  z.object({ ...conditionBase, kind: z.literal('firstOffence') }).strict(),
  z.object({ ...conditionBase, kind: z.literal('correction') }).strict(),
  z
    .object({
      ...conditionBase,
      kind: z.literal('commitment'),
      /**
       * Anhui notify-and-commit practice: a commitment letter is always needed for a deadline
       * correction; some items also ask for one when corrected on the spot.
       */
      required: z.enum(['always', 'deadlineOnly']).default('deadlineOnly'),
    })
    .strict(),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const EXCLUSION_KINDS = ['safety', 'harmToPersons', 'harmToProperty', 'other'] as const;
export const exclusionSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9]*$/)
      .max(40),
    kind: z.enum(EXCLUSION_KINDS),
    text: z.string().min(1).max(300),
  })
  .strict();
export type Exclusion = z.infer<typeof exclusionSchema>;

export const correctionRuleSchema = z
  .object({
    onTheSpot: z.boolean(),
    /** null when the item allows no deadline. */
    deadline: z
      .object({ maxDays: z.number().int().min(1).max(90) })
      .strict()
      .nullable(),
  })
  .strict()
  .refine((c) => c.onTheSpot || c.deadline !== null, {
    message: '至少允许一种改正方式（当场改正或限期改正）',
    path: ['onTheSpot'],
  });
export type CorrectionRule = z.infer<typeof correctionRuleSchema>;

export const itemCodeSchema = z.string().regex(/^[A-Z]{2,4}-\d{2,3}$/, '事项编码格式应如 SR-01');

/** A custom issue at a path, with its message (the form editor shows it beside the field). */
function flag(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

export const catalogItemSchema = z
  .object({
    code: itemCodeSchema,
    name: z.string().min(1).max(100),
    nameEn: z.string().max(200).optional(),
    category: z.string().min(1).max(40),
    /** Keywords for search, beyond the name. */
    keywords: z.array(z.string().max(20)).max(20).default([]),
    /** Pinyin initials of the name (出店经营 -> cdjy), added by the server when publishing. */
    initials: z
      .string()
      .regex(/^[a-z]*$/)
      .max(60)
      .optional(),
    prohibitingClause: clauseSchema,
    penaltyClause: clauseSchema,
    /**
     * The Art. 33 para 1 exemptions the list grants for this item. Empty for a violation the
     * bureau records but does not exempt (not on its list): only no fault (para 2) can then
     * spare the party a penalty, and otherwise the case takes the ordinary procedure.
     */
    branches: z.array(branchSchema).max(2),
    conditions: z.array(conditionSchema).min(1).max(30),
    lookbackMonths: z.number().int().min(1).max(60).default(12),
    /**
     * How the first-offence window is counted: back `lookbackMonths` from the day of the finding
     * (12 months in most published lists), or the calendar year of the finding (e.g. Lishui).
     */
    lookbackKind: z.enum(['months', 'calendarYear']).default('months'),
    correction: correctionRuleSchema,
    exclusions: z.array(exclusionSchema).max(20),
    /** Default education text the officer may edit (persuasion, 说服教育). */
    educationTemplate: z.string().min(1).max(2000),
    /**
     * Education text for the other methods (劝导示范, 普法宣传), joined after the persuasion text
     * when the officer picks them; the domain's general wording where absent.
     */
    educationByMethod: z
      .object({
        guidance: z.string().min(1).max(1000).optional(),
        publicity: z.string().min(1).max(1000).optional(),
      })
      .strict()
      .optional(),
    /**
     * The act in the words of a statement of facts, after 当事人 (e.g. 超出门窗在店门外摆放商品经营):
     * the phone drafts the facts from it, the place, the time and the measured quantities.
     */
    factsAct: z.string().min(1).max(200).optional(),
    /** What parties commonly say for this item: the officer picks one, then edits. */
    statementPhrases: z.array(z.string().min(1).max(100)).max(10).optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    const ids = new Set<string>();
    item.conditions.forEach((c, i) => {
      if (ids.has(c.id)) {
        flag(ctx, ['conditions', i, 'id'], `条件标识 ${c.id} 重复`);
      }
      ids.add(c.id);
      for (const b of c.branches ?? []) {
        if (!item.branches.includes(b)) {
          flag(
            ctx,
            ['conditions', i, 'branches'],
            `条件 ${c.id} 适用的类型（${b}）不是本事项的免罚类型`,
          );
        }
      }
    });
    item.exclusions.forEach((e, i) => {
      if (ids.has(e.id)) {
        flag(ctx, ['exclusions', i, 'id'], `标识 ${e.id} 重复`);
      }
      ids.add(e.id);
    });
    if (new Set(item.branches).size !== item.branches.length) {
      flag(ctx, ['branches'], '免罚类型重复');
    }
    if (item.branches.includes('firstOffence')) {
      if (!item.conditions.some((c) => c.kind === 'firstOffence')) {
        flag(ctx, ['conditions'], '首违不罚事项须有“初次违法”条件');
      }
    }
    if (!item.conditions.some((c) => c.kind === 'correction')) {
      flag(ctx, ['conditions'], '须有“及时改正”条件');
    }
  });
export type CatalogItem = z.infer<typeof catalogItemSchema>;
export type CatalogItemInput = z.input<typeof catalogItemSchema>;

export const categorySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9]*$/)
      .max(40),
    name: z.string().min(1).max(40),
    nameEn: z.string().max(80).optional(),
    /** One of the "ten disorders" (十乱) the 2023 plan targets. */
    tenDisorders: z.boolean(),
  })
  .strict();
export type Category = z.infer<typeof categorySchema>;

export const catalogVersionIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{2,63}$/, '版本号只能包含小写字母、数字和连字符');

export const catalogSchema = z
  .object({
    versionId: catalogVersionIdSchema,
    bureau: z
      .object({
        name: z.string().min(1).max(100),
        /** Short name used on documents and numbers, e.g. 六安市城市管理局. */
        shortName: z.string().min(1).max(40),
        /**
         * Named in every decision's notice of remedies (REFERENCE §7): for a city department the
         * reconsideration body is normally the city people's government (Administrative
         * Reconsideration Law Art. 24); the court depends on the city's designated jurisdiction.
         * A bureau setting, edited in the console; documents of template 2 need it.
         */
        remedies: z
          .object({
            reconsiderationBody: z.string().trim().min(2).max(60),
            court: z.string().trim().min(2).max(60),
          })
          .strict()
          .optional(),
      })
      .strict(),
    title: z.string().min(1).max(200),
    effectiveFrom: localDate,
    categories: z.array(categorySchema).min(1),
    items: z.array(catalogItemSchema).min(1).max(500),
  })
  .strict()
  .superRefine((catalog, ctx) => {
    const categories = new Set(catalog.categories.map((c) => c.id));
    const codes = new Set<string>();
    catalog.items.forEach((item, index) => {
      if (codes.has(item.code)) {
        flag(ctx, ['items', index, 'code'], `事项编码 ${item.code} 重复`);
      }
      codes.add(item.code);
      if (!categories.has(item.category)) {
        flag(ctx, ['items', index, 'category'], `没有分类 ${item.category}`);
      }
    });
  });
export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogInput = z.input<typeof catalogSchema>;

/** Parses untrusted catalog data; throws a ZodError listing every problem. */
export function parseCatalog(data: unknown): Catalog {
  return catalogSchema.parse(data);
}

export function findItem(catalog: Catalog, code: string): CatalogItem | undefined {
  return catalog.items.find((item) => item.code === code);
}

/** Every clause reference still waiting for the legal section's confirmation. */
export function unverifiedClauses(
  catalog: Catalog,
): { code: string; which: 'prohibiting' | 'penalty'; clause: Clause }[] {
  return catalog.items.flatMap((item) => [
    ...(item.prohibitingClause.verified
      ? []
      : [{ code: item.code, which: 'prohibiting' as const, clause: item.prohibitingClause }]),
    ...(item.penaltyClause.verified
      ? []
      : [{ code: item.code, which: 'penalty' as const, clause: item.penaltyClause }]),
  ]);
}

/** Which clauses each document cites (REFERENCE §5); the others cite none of the item's. */
const CITES: Record<string, readonly ('prohibitingClause' | 'penaltyClause')[]> = {
  orderToCorrect: ['prohibitingClause', 'penaltyClause'],
  commitmentLetter: ['prohibitingClause', 'penaltyClause'],
  noPenaltyDecision: ['prohibitingClause'],
};

/**
 * The citations a document would print that the legal section has not confirmed: such a
 * document is not printed (phone) or rendered (server), so no party is served a legal basis
 * nobody checked.
 */
export function unconfirmedCitations(item: CatalogItem, docType: string): Clause[] {
  return (CITES[docType] ?? []).map((k) => item[k]).filter((c) => !c.verified);
}

/** The catalog version in force on a date: the latest effective on or before it. */
export function catalogInForce<T extends { effectiveFrom: string }>(
  versions: readonly T[],
  date: string,
): T | undefined {
  return [...versions]
    .filter((v) => v.effectiveFrom <= date)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
}

type Lookback = Pick<CatalogItem, 'lookbackMonths' | 'lookbackKind'>;

/** The first day of the first-offence window for a finding on `foundOn` (REFERENCE §3). */
export function lookbackStart(item: Lookback, foundOn: LocalDate): LocalDate {
  return item.lookbackKind === 'calendarYear'
    ? `${foundOn.slice(0, 4)}-01-01`
    : addMonths(foundOn, -item.lookbackMonths);
}

/** The last day on which a later finding still counts one on `date` as its prior. */
export function lookbackReach(item: Lookback, date: LocalDate): LocalDate {
  return item.lookbackKind === 'calendarYear'
    ? `${date.slice(0, 4)}-12-31`
    : addMonths(date, item.lookbackMonths);
}

export * from './catalog-editor';
