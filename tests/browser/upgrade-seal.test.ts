import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDraft } from '$lib/client/records';
import { residentIdCheckChar } from '$lib/domain/identifiers';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { Me } from '$lib/sync/contract';
import { ApiClient } from '../support/api';
import { dumpIndexedDb, launchProfile, watchPage } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { FieldApp } from './pages/field';

/**
 * A phone of the release before encryption at rest (everything in clear, a PIN hash) starts the
 * new release: its old PIN unlocks it once, every sealed table is written again sealed, the PIN
 * hash is gone, and nothing of the party is readable in the storage any more.
 */
describe('upgrade: a phone from before encryption at rest', () => {
  let server: TestServer;
  let profile: Awaited<ReturnType<typeof launchProfile>>;
  beforeAll(async () => {
    server = await startServer({ env: { DEMO_SEED: '1', DEMO_RECORDS: '0' } });
    profile = await launchProfile();
  });
  afterAll(async () => {
    await profile?.close();
    await server?.stop();
  });

  it('is sealed at its first unlock with the old PIN, losing nothing', async () => {
    const api = new ApiClient(server.url);
    await api.login('officer1');
    const me = (await api.json<Me>('GET', '/api/auth/me')).body;
    const idNumber = `11010519700101123${residentIdCheckChar('11010519700101123')}`;
    const draft = {
      ...newDraft(starterCatalog),
      party: { kind: 'person', name: '赵六', idNumber, mobile: '13700137000' },
    };
    // The old release's PIN hash: PBKDF2-SHA-256, 210,000 iterations, hex.
    const salt = randomBytes(16);
    const pin = {
      salt: salt.toString('hex'),
      iterations: 210_000,
      hash: pbkdf2Sync('246810', salt, 210_000, 32, 'sha256').toString('hex'),
    };

    const page = await profile.context.newPage();
    const errors = watchPage(page);
    const app = new FieldApp(page, server.url);
    await app.open();
    await page.getByLabel('用户名').waitFor();
    // What the old release left in IndexedDB, in clear.
    await page.evaluate(
      async ({ me, pin, draft }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('patrolbook');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(new Error(String(r.error)));
        });
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction(['settings', 'drafts'], 'readwrite');
          tx.objectStore('settings').put({ key: 'me', value: me });
          tx.objectStore('settings').put({ key: 'pin', value: pin });
          tx.objectStore('drafts').put(draft);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(new Error(String(tx.error)));
        });
        db.close();
      },
      { me, pin, draft },
    );
    const before = (await dumpIndexedDb(page)).map((s) => s.text).join('\n');
    expect(before).toContain(idNumber);

    await page.reload();
    await page.getByRole('button', { name: '解锁', exact: true }).waitFor();
    await app.unlock('246810');
    await page.getByRole('button', { name: '开始巡查记录' }).waitFor();
    await page.getByTestId('draft-card').waitFor();

    const after = await dumpIndexedDb(page);
    const text = after.map((s) => s.text).join('\n');
    for (const secret of ['赵六', idNumber, '13700137000', me.ledgerKey ?? 'no key'])
      expect(text, secret).not.toContain(secret);
    const settings = after.find((s) => s.database === 'patrolbook' && s.store === 'settings');
    expect(settings?.text).toContain('"keyring"');
    expect(settings?.text).not.toContain('"pin"');
    expect(errors).toEqual([]);
  });
});
