import { z } from 'zod';
import { DOC_TYPES, type DocType } from './record';

/**
 * Document numbers such as 六城管不罚〔2026〕第0012号: unique per bureau prefix, document type and
 * year. A phone may only use serials from blocks the server reserved for it, so two phones offline
 * for days can never issue the same number.
 */

export const DEFAULT_TEMPLATE = '{prefix}{word}〔{year}〕第{serial}号';

/** Default type words (an administrator may change them per bureau). */
export const DEFAULT_TYPE_WORDS: Record<DocType, string> = {
  orderToCorrect: '责改',
  commitmentLetter: '承诺',
  noPenaltyDecision: '不罚',
  inspectionRecord: '检查',
  proofOfService: '送达',
  reinspectionRecord: '复查',
};

/** How a bureau writes one type's document numbers (`{prefix}{word}〔{year}〕第{serial}号`). */
export const numberFormatSchema = z
  .object({
    template: z.string().min(1).max(100),
    prefix: z.string().max(20),
    word: z.string().max(20),
    /** Minimum serial width, zero-padded. */
    width: z.number().int().min(1).max(8),
  })
  .strict();
export type NumberFormat = z.infer<typeof numberFormatSchema>;

export function formatDocNumber(format: NumberFormat, year: number, serial: number): string {
  if (!Number.isInteger(serial) || serial < 1) throw new RangeError(`bad serial ${serial}`);
  if (!Number.isInteger(year) || year < 2000 || year > 2999)
    throw new RangeError(`bad year ${year}`);
  return format.template
    .replaceAll('{prefix}', format.prefix)
    .replaceAll('{word}', format.word)
    .replaceAll('{year}', String(year))
    .replaceAll('{serial}', String(serial).padStart(format.width, '0'));
}

export const numberBlockSchema = z
  .object({
    id: z.string().min(1).max(64),
    docType: z.enum(DOC_TYPES),
    year: z.number().int().min(2000).max(2999),
    /** Inclusive range of serials reserved for this device. */
    first: z.number().int().min(1),
    last: z.number().int().min(1),
    /** Next serial to hand out; last + 1 when exhausted. Only ever increases. */
    next: z.number().int().min(1),
    format: numberFormatSchema,
  })
  .strict()
  .refine((b) => b.first <= b.last && b.next >= b.first && b.next <= b.last + 1, {
    message: 'inconsistent number block',
  });
export type NumberBlock = z.infer<typeof numberBlockSchema>;

export function remaining(block: NumberBlock): number {
  return block.last + 1 - block.next;
}

export function remainingFor(
  blocks: readonly NumberBlock[],
  docType: DocType,
  year: number,
): number {
  return blocks
    .filter((b) => b.docType === docType && b.year === year)
    .reduce((n, b) => n + remaining(b), 0);
}

export type TakeResult =
  | { ok: true; number: string; serial: number; block: NumberBlock }
  | { ok: false; reason: 'exhausted' };

/**
 * Takes the next serial from the oldest usable block of that type and year. Returns the updated
 * block; the caller persists it in the same transaction that stores the number's use, so a serial
 * is never handed out twice.
 */
export function takeNext(
  blocks: readonly NumberBlock[],
  docType: DocType,
  year: number,
): TakeResult {
  const usable = blocks
    .filter((b) => b.docType === docType && b.year === year && remaining(b) > 0)
    .sort((a, b) => a.first - b.first);
  const block = usable[0];
  if (!block) return { ok: false, reason: 'exhausted' };
  const serial = block.next;
  return {
    ok: true,
    serial,
    number: formatDocNumber(block.format, year, serial),
    block: { ...block, next: serial + 1 },
  };
}

/** How many numbers a phone should hold per type: a few days of a busy officer's work. */
export const LOW_WATER_MARK = 10;
export const RESERVE_COUNT = 30;

export function isLow(blocks: readonly NumberBlock[], docType: DocType, year: number): boolean {
  return remainingFor(blocks, docType, year) < LOW_WATER_MARK;
}

/**
 * A provisional number for when no reserved serial is left and there is no network. It names the
 * device and a device-local counter, so it cannot collide with a real number or another device's
 * provisional one; the server replaces it on sync and reports the replacement.
 */
export function provisionalNumber(deviceId: string, docType: DocType, counter: number): string {
  return `临时-${DEFAULT_TYPE_WORDS[docType]}-${deviceId.replace(/-/g, '').slice(0, 8).toUpperCase()}-${String(counter).padStart(4, '0')}`;
}

export function isProvisionalNumber(number: string): boolean {
  return number.startsWith('临时-');
}
