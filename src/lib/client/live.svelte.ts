import { liveQuery } from 'dexie';

/**
 * A Dexie live query as reactive state: re-runs when the tables it read change (in this tab or
 * another). Call during component initialisation.
 */
export function live<T>(
  query: () => Promise<T>,
  initial: T,
): { readonly value: T; readonly error: string | null } {
  let value = $state<T>(initial);
  let error = $state<string | null>(null);
  $effect(() => {
    const sub = liveQuery(query).subscribe({
      next: (v) => {
        value = v;
        error = null;
      },
      error: (e: unknown) => {
        error = e instanceof Error ? e.message : String(e);
      },
    });
    return () => sub.unsubscribe();
  });
  return {
    get value() {
      return value;
    },
    get error() {
      return error;
    },
  };
}
