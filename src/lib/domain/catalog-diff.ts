import type { CatalogInput } from './catalog';

/**
 * What a catalog draft changes against the published version, field by field, for the legal
 * section to read before publishing: items added, removed or changed, and settings changed.
 */

export type FieldChange = { path: string; before: string; after: string };
export type ItemChange =
  | { kind: 'added'; code: string; name: string }
  | { kind: 'removed'; code: string; name: string }
  | { kind: 'changed'; code: string; name: string; fields: FieldChange[] };
export type CatalogDiff = { settings: FieldChange[]; items: ItemChange[] };

const shown = (v: unknown): string =>
  v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

/** Leaf-by-leaf differences of two JSON values; arrays of objects by position. */
function leaves(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  // An object added or removed whole is compared with an empty one, field by field.
  if ((isObj(before) || isObj(after)) && !Array.isArray(before) && !Array.isArray(after)) {
    const b = isObj(before) ? before : before === undefined ? {} : null;
    const a = isObj(after) ? after : after === undefined ? {} : null;
    if (b && a) {
      const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
      for (const k of keys) leaves(b[k], a[k], path ? `${path}.${k}` : k, out);
      return;
    }
  }
  if (Array.isArray(before) && Array.isArray(after) && before.some(isObj)) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) leaves(before[i], after[i], `${path}.${i}`, out);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ path, before: shown(before), after: shown(after) });
  }
}

export function catalogDiff(published: CatalogInput | null, draft: CatalogInput): CatalogDiff {
  const settings: FieldChange[] = [];
  const { items: _a, versionId: _b, effectiveFrom: _c, ...draftSettings } = draft;
  const before = published
    ? (({ items: _x, versionId: _y, effectiveFrom: _z, ...rest }) => rest)(published)
    : {};
  leaves(before, draftSettings, '', settings);
  const old = new Map((published?.items ?? []).map((i) => [i.code, i]));
  const items: ItemChange[] = [];
  for (const item of draft.items) {
    const was = old.get(item.code);
    if (!was) {
      items.push({ kind: 'added', code: item.code, name: item.name });
      continue;
    }
    const fields: FieldChange[] = [];
    leaves(was, item, '', fields);
    if (fields.length) items.push({ kind: 'changed', code: item.code, name: item.name, fields });
  }
  const codes = new Set(draft.items.map((i) => i.code));
  for (const was of published?.items ?? []) {
    if (!codes.has(was.code)) items.push({ kind: 'removed', code: was.code, name: was.name });
  }
  return { settings, items };
}
