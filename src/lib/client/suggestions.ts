import type { Party } from '$lib/domain/party';
import { partyDisplayName } from '$lib/domain/party';
import type { PatrolDb } from './db';

/**
 * What the wizard offers instead of typing, from this phone's own records: the places of the
 * latest cases, and the parties already recorded (the same shop, the same plate) to reuse with
 * one tap. Nothing leaves the phone and nothing is fetched: these are records the officer's
 * phone already holds (decrypted by the database's seal layer while unlocked).
 */
export type Suggestions = { places: string[]; parties: Party[] };

export async function recentSuggestions(database: PatrolDb, limit = 40): Promise<Suggestions> {
  const rows = await database.records
    .orderBy('foundDate')
    .reverse()
    .filter((r) => r.latest === 1)
    .limit(limit)
    .toArray();
  const places: string[] = [];
  const parties: Party[] = [];
  const seen = new Set<string>();
  for (const { record } of rows) {
    const place = record.place.address.trim();
    if (place && !places.includes(place) && places.length < 5) places.push(place);
    if (record.party.kind === 'unknown') continue;
    const key = `${record.party.kind}|${partyDisplayName(record.party)}`;
    if (!seen.has(key)) {
      seen.add(key);
      parties.push(record.party);
    }
  }
  return { places, parties };
}

/** The known parties of the same kind whose name, shop name or plate contains the typed text. */
export function matchingParties(
  known: readonly Party[],
  draft: { kind?: Party['kind']; name?: string; plate?: string },
): Party[] {
  const typed = (draft.kind === 'vehicle' ? draft.plate : draft.name)?.trim().toUpperCase() ?? '';
  if (typed.length < 2) return [];
  return known
    .filter((p) => p.kind === draft.kind)
    .filter((p) => {
      const name = p.kind === 'vehicle' ? p.plate : p.kind === 'unknown' ? '' : p.name;
      return name.toUpperCase().includes(typed);
    })
    .slice(0, 3);
}
