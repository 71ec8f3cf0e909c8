/**
 * Party identifiers: validation, normalisation, masking and the matching key that finds the same
 * party however the number was typed (full-width digits, lowercase x, spaces, dashes).
 */

export type IdentifierCheck =
  { ok: true; value: string } | { ok: false; error: IdentifierError; value: string };

export type IdentifierError =
  | 'empty'
  | 'length'
  | 'characters'
  | 'checkDigit'
  | 'birthDate'
  | 'region'
  | 'format'
  | 'registry'
  | 'orgCode';

/** NFKC folds full-width letters and digits to ASCII; then drop separators people type. */
function fold(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\-_·•.。、，,\u3000]/g, '')
    .toUpperCase();
}

// ---------------------------------------------------------------- resident ID (GB 11643)

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41',
  '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71',
  '81', '82', '83',
]); // prettier-ignore

/** ISO 7064 MOD 11-2 check character of the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] ?? '';
}

/**
 * @param today Shanghai date `YYYY-MM-DD`; a birth date after it is rejected.
 */
export function checkResidentId(raw: string, today?: string): IdentifierCheck {
  const value = fold(raw);
  if (!value) return { ok: false, error: 'empty', value };
  if (value.length !== 18) return { ok: false, error: 'length', value };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, error: 'characters', value };
  if (!PROVINCES.has(value.slice(0, 2))) return { ok: false, error: 'region', value };
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const birthIso = value.slice(6, 10) + '-' + value.slice(10, 12) + '-' + value.slice(12, 14);
  if (
    y < 1900 ||
    birth.getUTCFullYear() !== y ||
    birth.getUTCMonth() !== m - 1 ||
    birth.getUTCDate() !== d ||
    (today !== undefined && birthIso > today)
  ) {
    return { ok: false, error: 'birthDate', value };
  }
  if (residentIdCheckChar(value) !== value[17]) return { ok: false, error: 'checkDigit', value };
  return { ok: true, value };
}

// ---------------------------------------------------------------- unified social credit code (GB 32100)

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += USCC_CHARS.indexOf(first17[i] ?? '') * (USCC_WEIGHTS[i] ?? 0);
  }
  const c = 31 - (sum % 31);
  return USCC_CHARS[c === 31 ? 0 : c] ?? '';
}

/**
 * GB 32100 position 1 (registration authority) and the institution categories position 2 may
 * take under it.
 */
const USCC_REGISTRY: Record<string, string> = {
  '1': '1239', // 机构编制: 机关, 事业单位, 群众团体, 其他
  '2': '19', // 外交
  '3': '123459', // 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定, 仲裁委员会, 其他
  '4': '19', // 文化
  '5': '1239', // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  '6': '129', // 旅游
  '7': '129', // 宗教
  '8': '19', // 工会
  '9': '123', // 市场监管: 企业, 个体工商户, 农民专业合作社
  A: '19', // 中央军委改革和编制办公室
  N: '1239', // 农业农村: 集体经济组织
  Y: '1', // 其他
};

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check character of an organisation code's first 8 characters (digits, A=10…Z=35). */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8[i] ?? '';
    const v = /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55;
    sum += v * (ORG_WEIGHTS[i] ?? 0);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * The unified social credit code: 18 characters of its alphabet, a registration authority and
 * an institution category that exist, a six-digit division code of a province, the embedded
 * organisation code's own check character (GB 11714, positions 9-17) and the code's check
 * character (position 18).
 */
export function checkUscc(raw: string): IdentifierCheck {
  const value = fold(raw);
  if (!value) return { ok: false, error: 'empty', value };
  if (value.length !== 18) return { ok: false, error: 'length', value };
  if (![...value].every((ch) => USCC_CHARS.includes(ch))) {
    return { ok: false, error: 'characters', value };
  }
  if (!USCC_REGISTRY[value[0] ?? '']?.includes(value[1] ?? '')) {
    return { ok: false, error: 'registry', value };
  }
  const division = value.slice(2, 8);
  if (
    !/^\d{6}$/.test(division) ||
    !(PROVINCES.has(division.slice(0, 2)) || division === '100000')
  ) {
    return { ok: false, error: 'region', value };
  }
  if (usccCheckChar(value) !== value[17]) return { ok: false, error: 'checkDigit', value };
  if (orgCodeCheckChar(value.slice(8, 16)) !== value[16]) {
    return { ok: false, error: 'orgCode', value };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------- vehicle plates (GA 36)

const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const L = 'A-HJ-NP-Z'; // letters without I and O
const ORDINARY = new RegExp(`^[${PLATE_PROVINCES}][${L}][${L}0-9]{4}[${L}0-9挂学警港澳]$`);
// New-energy (8 chars): small cars D/F then a letter or digit then 4 digits; large: 5 digits then D/F.
const NEW_ENERGY = new RegExp(`^[${PLATE_PROVINCES}][${L}](?:[DF][${L}0-9]\\d{4}|\\d{5}[DF])$`);

export function checkPlate(raw: string): IdentifierCheck {
  const value = fold(raw);
  if (!value) return { ok: false, error: 'empty', value };
  if (value.length !== 7 && value.length !== 8) return { ok: false, error: 'length', value };
  if (!(value.length === 7 ? ORDINARY : NEW_ENERGY).test(value)) {
    return { ok: false, error: 'format', value };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------- mobile numbers

export function checkMobile(raw: string): IdentifierCheck {
  let value = fold(raw).replace(/[()（）]/g, '');
  if (value.startsWith('+86')) value = value.slice(3);
  else if (value.startsWith('0086')) value = value.slice(4);
  else if (value.length === 13 && value.startsWith('86')) value = value.slice(2);
  if (!value) return { ok: false, error: 'empty', value };
  if (!/^\d+$/.test(value)) return { ok: false, error: 'characters', value };
  if (value.length !== 11) return { ok: false, error: 'length', value };
  if (!/^1[3-9]\d{9}$/.test(value)) return { ok: false, error: 'format', value };
  return { ok: true, value };
}

// ---------------------------------------------------------------- masking

export function maskResidentId(id: string): string {
  const v = fold(id);
  if (v.length <= 8) return '*'.repeat(v.length);
  return v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4);
}

export function maskMobile(mobile: string): string {
  const check = checkMobile(mobile);
  const v = check.value;
  if (v.length < 7) return '*'.repeat(v.length);
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
}

/** Keeps the province, the letter and the last two characters: 皖A***45. */
export function maskPlate(plate: string): string {
  const v = fold(plate);
  if (v.length < 5) return '*'.repeat(v.length);
  return v.slice(0, 2) + '*'.repeat(v.length - 4) + v.slice(-2);
}

/** Keeps the family name (one character, or two for common compound surnames): 欧阳**. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  const compound = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐'];
  const keep = chars.length > 2 && compound.includes(chars.slice(0, 2).join('')) ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(Math.max(1, chars.length - keep));
}

// ---------------------------------------------------------------- party model
