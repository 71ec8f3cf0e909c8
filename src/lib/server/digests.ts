import { createHash, createHmac } from 'node:crypto';
import type { Digests } from '$lib/domain/integrity';

/**
 * SHA-256 and HMAC-SHA-256 from Node's crypto, answered on the spot (WebCrypto in Node queues
 * every call on the thread pool: about 86 µs per HMAC in a push, against a few µs here). The
 * same algorithms as `webDigests`; `digests.test.ts` checks they agree on any input.
 */
export const nodeDigests: Digests = {
  sha256: (bytes) => createHash('sha256').update(bytes).digest(),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
};
