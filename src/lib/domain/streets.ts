import { z } from 'zod';
import { hasForbiddenCharacters, LIMITS, line } from './fields';

/**
 * A squad's street names (街道名录), configured by the administrator and carried on each phone of
 * the squad: offered as places to pick instead of typing, and, where a street has a point, found
 * from the phone's position fix with no network (the nearest named point within reach). The
 * points are the squad's own (a street's middle, a market's gate): no map data leaves or enters
 * the phone.
 */

/** At most this many names per squad (one screen of the console, a few KB on a phone). */
export const MAX_STREETS = 300;
/** A point further than this from the fix is not offered as "here". */
export const NEAR_METERS = 500;

/** Mainland China's extent, so a swapped latitude and longitude is refused, not stored. */
const LAT = { min: 3, max: 54 };
const LNG = { min: 73, max: 136 };

export const streetSchema = z.object({
  name: line(LIMITS.address),
  lat: z.number().min(LAT.min).max(LAT.max).optional(),
  lng: z.number().min(LNG.min).max(LNG.max).optional(),
});
export type Street = z.infer<typeof streetSchema>;
export const streetListSchema = z.array(streetSchema).max(MAX_STREETS);

export type StreetLineProblem = {
  line: number;
  code: 'empty' | 'tooLong' | 'controlChars' | 'badPoint' | 'outsideChina' | 'duplicate';
};

/**
 * The console's text form of the list, one street a line: `名称` or `名称, 纬度, 经度` (commas
 * half- or full-width, or tabs, as pasted from a spreadsheet). Blank lines are skipped. Every
 * problem is reported with its line number; nothing is kept unless the whole list is right.
 */
export function parseStreetList(
  text: string,
):
  { ok: true; streets: Street[] } | { ok: false; problems: StreetLineProblem[]; tooMany: boolean } {
  const problems: StreetLineProblem[] = [];
  const streets: Street[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    const parts = raw.split(/[,，\t]/).map((p) => p.trim());
    const name = parts[0] ?? '';
    if (name === '') return problems.push({ line: lineNo, code: 'empty' });
    if (hasForbiddenCharacters(name, true))
      return problems.push({ line: lineNo, code: 'controlChars' });
    if (name.length > LIMITS.address) return problems.push({ line: lineNo, code: 'tooLong' });
    if (seen.has(name)) return problems.push({ line: lineNo, code: 'duplicate' });
    seen.add(name);
    const point = parts.slice(1).filter((p) => p !== '');
    if (point.length === 0) return streets.push({ name });
    const [lat, lng] = point.map(Number);
    if (point.length !== 2 || !Number.isFinite(lat) || !Number.isFinite(lng))
      return problems.push({ line: lineNo, code: 'badPoint' });
    const inside = (v: number, r: { min: number; max: number }) => v >= r.min && v <= r.max;
    if (!inside(lat as number, LAT) || !inside(lng as number, LNG))
      return problems.push({ line: lineNo, code: 'outsideChina' });
    streets.push({ name, lat: round6(lat as number), lng: round6(lng as number) });
  });
  const tooMany = streets.length > MAX_STREETS;
  return problems.length === 0 && !tooMany
    ? { ok: true, streets }
    : { ok: false, problems, tooMany };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** The list as the console shows it for editing (what `parseStreetList` reads back). */
export function formatStreetList(streets: readonly Street[]): string {
  return streets
    .map((s) =>
      s.lat !== undefined && s.lng !== undefined ? `${s.name}, ${s.lat}, ${s.lng}` : s.name,
    )
    .join('\n');
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceMeters(
  a: { lat: number; lng: number },
  b: { lat: number; lng: number },
): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The squad's named points nearest to a position fix, nearest first, within `within` metres
 * (widened by the fix's own accuracy, so a poor fix still finds the street it may be on).
 */
export function nearestStreets(
  streets: readonly Street[],
  fix: { lat: number; lng: number; accuracyM?: number },
  options: { within?: number; limit?: number } = {},
): { name: string; meters: number }[] {
  const reach = (options.within ?? NEAR_METERS) + Math.min(fix.accuracyM ?? 0, 1000);
  return streets
    .flatMap((s) =>
      s.lat !== undefined && s.lng !== undefined
        ? [{ name: s.name, meters: Math.round(distanceMeters(fix, { lat: s.lat, lng: s.lng })) }]
        : [],
    )
    .filter((s) => s.meters <= reach)
    .sort((a, b) => a.meters - b.meters || a.name.localeCompare(b.name))
    .slice(0, options.limit ?? 3);
}

/**
 * The places the party step offers, in order, without repeats and never the place already
 * typed: outside the shop's own premises; the squad's named points nearest the fix; this phone's
 * latest places; the squad's frequent places; then the squad's other street names.
 */
export function placeSuggestions(input: {
  premises?: string | undefined;
  near: readonly { name: string }[];
  recent: readonly string[];
  /** The squad's frequent places of late (from the server; see `FREQUENT_PLACES`). */
  squad?: readonly string[];
  streets: readonly Street[];
  current: string | undefined;
  limit?: number;
}): string[] {
  const out: string[] = [];
  const add = (p: string | undefined) => {
    const v = p?.trim();
    if (v && !out.includes(v) && v !== input.current?.trim()) out.push(v);
  };
  add(input.premises);
  for (const n of input.near) add(n.name);
  for (const r of input.recent) add(r);
  for (const p of input.squad ?? []) add(p);
  for (const s of input.streets) add(s.name);
  return out.slice(0, input.limit ?? 6);
}

/**
 * The squad's frequent places a phone is given: places of at least `minCases` of the squad's
 * records found in the last `days` days, most frequent first. Places of patrol (a market's gate,
 * a street), not of one case: an address seen once (which may be someone's home) stays on the
 * phone that recorded it.
 */
export const FREQUENT_PLACES = { days: 30, minCases: 2, limit: 10 } as const;
