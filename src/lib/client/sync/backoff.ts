/** Exponential backoff with equal jitter (half fixed, half random): 5 s, 10 s, 20 s … capped at 10 minutes. */
export function backoffMs(failures: number, random = Math.random): number {
  const cap = Math.min(10 * 60_000, 5_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
