import { residentIdCheckChar } from '$lib/domain/party';

/**
 * A valid resident ID, distinct for every n below 10,000,000: born 1950-01-01 plus n / 1,000
 * days, sequence n % 1,000. (Until 2026-12-02 the ID depended on n % 1,000 alone, so every ID
 * number came back once per 1,000 records: each push read and flagged priors that grew with the
 * run, which the figures of earlier runs include.)
 */
export function uniqueId(n: number): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 1000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const first17 = `341502${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}
