import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashCanonical, sha256Hex, webDigests } from '$lib/domain/integrity';
import { partyKeyDigest } from '$lib/domain/party';
import { nodeDigests } from './digests';

/**
 * The server hashes with Node's crypto, the phone with WebCrypto; a record's content hash and a
 * party key's digest must come out the same on both, for any input (a difference would make the
 * server refuse every record the phone locks, or the phone miss every prior it is sent).
 */
describe('nodeDigests against WebCrypto', () => {
  it('SHA-256 of any bytes and any text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }),
          fc.string({ unit: 'grapheme', maxLength: 500 }),
        ),
        async (data) => {
          expect(await sha256Hex(data, nodeDigests)).toBe(await sha256Hex(data, webDigests));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the canonical hash of any JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        expect(await hashCanonical(value, nodeDigests)).toBe(await hashCanonical(value));
      }),
      { numRuns: 300 },
    );
  });

  it('the party-key digest under any ledger key', async () => {
    const hex = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => Buffer.from(b).toString('hex'));
    await fc.assert(
      fc.asyncProperty(
        hex,
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        async (key, partyKey) => {
          const server = await partyKeyDigest(key, partyKey, nodeDigests);
          expect(server).toMatch(/^k:[0-9a-f]{32}$/);
          expect(server).toBe(await partyKeyDigest(key, partyKey));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('known answers (FIPS 180-2, RFC 4231 case 2)', async () => {
    expect(await sha256Hex('abc', nodeDigests)).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const mac = await nodeDigests.hmacSha256(
      new TextEncoder().encode('Jefe'),
      new TextEncoder().encode('what do ya want for nothing?'),
    );
    expect(Buffer.from(mac).toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
