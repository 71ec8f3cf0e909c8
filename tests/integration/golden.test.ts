import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DocType } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import {
  documentContent,
  documentHash,
  TEMPLATE_VERSION,
  TEMPLATE_VERSIONS,
} from '$lib/notices/content';
import type { Layout } from '$lib/notices/render';
import { fixture, renderDoc, type Fixture } from '../support/documents';

/**
 * Paper already served is verified by producing its content again: the content of every
 * template version must never change, and what a version prints is pinned byte for byte.
 *
 * - `content-hashes.json` holds the hash of each document's content per version. Entries are
 *   only ever added (`PB_UPDATE_GOLDEN=1` writes missing ones, never changes one): a template
 *   change without a new version fails here, and old versions must keep producing the content
 *   of the paper they printed.
 * - `v<n>/*.pdf` hold the PDFs. `PB_UPDATE_GOLDEN=1` rewrites those of the current version (after
 *   a deliberate change of layout) and writes missing ones; older versions' files stay.
 */

const DIR = 'tests/golden';
const UPDATE = process.env.PB_UPDATE_GOLDEN === '1';
const LAYOUTS: Layout[] = ['a4', '80mm'];

/** Which fixed record shows each document type. */
const CASES: [DocType, Fixture][] = [
  ['orderToCorrect', 'person'],
  ['commitmentLetter', 'person'],
  ['noPenaltyDecision', 'reinspected'],
  ['inspectionRecord', 'organisation'],
  ['proofOfService', 'organisation'],
  ['reinspectionRecord', 'reinspected'],
];

const hashesFile = join(DIR, 'content-hashes.json');
const hashes = JSON.parse(readFileSync(hashesFile, 'utf8')) as Record<string, string>;

describe.each(TEMPLATE_VERSIONS)('document template version %s', (version) => {
  it.each(CASES)('%s keeps the content hash of the paper it printed', async (docType, name) => {
    const record = await fixture(name, version);
    const doc = record.documents.find((d) => d.docType === docType);
    if (!doc) throw new Error(`no ${docType}`);
    const content = documentContent({ record, doc, catalog: starterCatalog });
    const key = `v${version}/${name}/${docType}`;
    const hash = await documentHash(content);
    if (UPDATE && !(key in hashes)) {
      hashes[key] = hash;
      writeFileSync(hashesFile, JSON.stringify(hashes, null, 2) + '\n');
    }
    expect(
      hash,
      `${key}: the content of a released template version changed. Put the change in a new ` +
        'template version (src/lib/notices/templates) and leave this one as it was.',
    ).toBe(hashes[key]);
  });

  it.each(CASES.flatMap(([d, f]) => LAYOUTS.map((l) => [d, f, l] as const)))(
    '%s (%s, %s) is byte-identical to its golden PDF',
    async (docType, name, layout) => {
      const { bytes } = await renderDoc(await fixture(name, version), docType, layout);
      const file = join(DIR, `v${version}`, `${docType}-${layout}.pdf`);
      if (UPDATE && (version === TEMPLATE_VERSION || !existsSync(file))) {
        mkdirSync(join(DIR, `v${version}`), { recursive: true });
        writeFileSync(file, bytes);
      }
      expect(existsSync(file), `${file} missing`).toBe(true);
      const golden = readFileSync(file);
      expect(
        Buffer.from(bytes).equals(golden),
        `${file}: the printed document changed. A change of wording needs a new template ` +
          'version; a deliberate change of layout is recorded with PB_UPDATE_GOLDEN=1.',
      ).toBe(true);
    },
  );
});

it('every released version has its pinned content', () => {
  for (const v of TEMPLATE_VERSIONS) {
    for (const [docType, name] of CASES) expect(hashes).toHaveProperty(`v${v}/${name}/${docType}`);
  }
});
