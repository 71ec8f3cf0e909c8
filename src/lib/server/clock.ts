/** The server's notion of now, in one place so every timestamp is the same representation. */
export function nowIso(): string {
  return new Date().toISOString();
}
