import type { z } from 'zod';
import type { CatalogBranch, CatalogItemInput } from './catalog';

/** What the catalog form editor needs: field errors by path, blank items and conditions. */

/**
 * Zod's findings on a catalog draft as Chinese messages by dotted path
 * (`items.3.prohibitingClause.article`), for the editor to show next to each field.
 */
export function catalogFieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) {
    const path = i.path.map(String).join('.');
    let message: string;
    switch (i.code) {
      case 'too_small':
        message =
          i.origin === 'string'
            ? '请填写'
            : i.origin === 'array'
              ? `至少需要 ${String(i.minimum)} 项`
              : `不能小于 ${String(i.minimum)}`;
        break;
      case 'too_big':
        message =
          i.origin === 'string'
            ? `不能超过 ${String(i.maximum)} 字`
            : i.origin === 'array'
              ? `最多 ${String(i.maximum)} 项`
              : `不能大于 ${String(i.maximum)}`;
        break;
      case 'invalid_type':
        message = i.input === undefined ? '请填写' : '格式不正确';
        break;
      case 'invalid_format':
        message = /[\u4e00-\u9fff]/.test(i.message) ? i.message : '格式不正确';
        break;
      case 'invalid_value':
        message = '请从列表中选择';
        break;
      case 'unrecognized_keys':
        message = `含有无法识别的字段：${i.keys.join('、')}`;
        break;
      default:
        message = /[\u4e00-\u9fff]/.test(i.message) ? i.message : '内容无效';
    }
    out[path] ??= message;
  }
  return out;
}

/** A new item for the editor: first offence, corrected on the spot, nothing confirmed yet. */
export function blankItem(n: number, category: string): CatalogItemInput {
  return {
    code: `SR-${String(n).padStart(2, '0')}`,
    name: '',
    category,
    keywords: [],
    prohibitingClause: { law: '', article: '', verified: false },
    penaltyClause: { law: '', article: '', verified: false },
    branches: ['firstOffence'],
    conditions: [
      { id: 'firstOffence', kind: 'firstOffence', text: '当事人首次实施该违法行为' },
      { id: 'corrected', kind: 'correction', text: '及时改正' },
    ],
    lookbackMonths: 12,
    lookbackKind: 'months',
    correction: { onTheSpot: true, deadline: null },
    exclusions: [],
    educationTemplate: '',
  };
}

type ConditionInput = CatalogItemInput['conditions'][number];

/** A condition changed to another kind in the editor, keeping its id, text and branches. */
export function conditionOfKind(
  kind: ConditionInput['kind'],
  base: { id: string; text: string; branches?: CatalogBranch[] },
): ConditionInput {
  switch (kind) {
    case 'fact':
      return { ...base, kind, expected: true };
    case 'threshold':
      return { ...base, kind, unit: '平方米', limit: 1 };
    case 'commitment':
      return { ...base, kind, required: 'deadlineOnly' };
    case 'firstOffence':
    case 'correction':
      return { ...base, kind };
  }
}
