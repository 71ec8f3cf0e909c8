import { execFileSync } from 'node:child_process';
import jsQR from 'jsqr';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '$lib/domain/catalog';
import {
  lockRecord,
  type DocType,
  type LockedRecord,
  type RecordContent,
} from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { documentContent, documentShortHash, verifyUrl } from '$lib/notices/content';
import { base64Of, fontCoverage } from '$lib/notices/font';
import { renderPdf, type Layout } from '$lib/notices/render';
import { tinyPng } from './api';
import { recordContent } from './factories';

/**
 * Fixed records for document tests: every id, time and hash is a constant, so the PDF of one
 * of their documents is the same bytes on every machine (golden files) and its text can be
 * checked field by field (pdftotext).
 */

export const font = new Uint8Array(readFileSync('static/fonts/wqy-microhei-subset.ttf'));
export const fontBase64 = base64Of(font);
export const coverage = fontCoverage(font);
const signature = tinyPng('signature');

export const OFFICERS: LockedRecord['officers'] = [
  { userId: 'u-officer2', name: '王喆', certificateNo: '34151002' },
  { userId: 'u-officer3', name: '李堃', certificateNo: '34151003' },
];

const hex = (c: string) => c.repeat(64);

/** Constant ids (UUIDv7 shape) for the record and its documents. */
function fixIds(content: RecordContent, n: number): RecordContent {
  const id = (i: number) => `019ac3e0-0000-7000-8000-${String(n * 100 + i).padStart(12, '0')}`;
  return {
    ...content,
    id: id(0),
    documents: content.documents.map((d, i) => ({ ...d, id: id(i + 1) })),
  };
}

export type Fixture = 'person' | 'organisation' | 'shop' | 'reinspected';

/** A person who signed, first offence corrected on the spot (SR-02). */
function person(templateVersion: string): RecordContent {
  return fixIds(
    recordContent({
      officers: OFFICERS,
      templateVersion,
      evidenceHashes: [hex('1'), hex('2'), hex('3'), hex('4'), hex('5')],
    }),
    1,
  );
}

const SHOP = {
  kind: 'business' as const,
  name: '皖西土菜馆',
  uscc: '91350100M000100Y43',
  legalRepresentative: '陈建国',
  operatorName: '陈小芳',
  mobile: '13955012345',
  address: '六安市金安区梅山南路12号',
};

/** An organisation whose operator signed: exempt, with a decision addressed to 你单位. */
function shop(templateVersion: string): RecordContent {
  return fixIds(
    recordContent({
      officers: OFFICERS,
      templateVersion,
      evidenceHashes: [hex('1'), hex('2'), hex('3'), hex('4'), hex('5')],
      party: SHOP,
      facts: '当事人在店门外人行道上摆放餐桌经营，占用面积约4平方米。',
    }),
    4,
  );
}

/**
 * An organisation whose operator refused to sign; the documents left at its premises. Refusing
 * to sign is refusing the commitment letter, so the case is not exempt (no decision).
 */
function organisation(templateVersion: string): RecordContent {
  const content = recordContent({
    officers: OFFICERS,
    templateVersion,
    evidenceHashes: [hex('6'), hex('7'), hex('8'), hex('9'), hex('a')],
    party: SHOP,
    answers: { commitmentSigned: false },
  });
  const at = content.createdAt;
  content.signatures = {
    ...content.signatures,
    party: {
      kind: 'refused',
      reason: '当事人称“店是老板的”，拒绝签名',
      witness: {
        name: '周敏',
        role: '社区居委会工作人员',
        signature: { sha256: hex('b'), signerName: '周敏', signedAt: at },
      },
    },
  };
  if (content.procedure) {
    content.procedure = {
      ...content.procedure,
      recorder: 1,
      leftAt: { kind: 'premises', address: '六安市金安区梅山南路12号' },
    };
  }
  // Documents follow the changed answers (no commitment letter).
  return fixIds(
    {
      ...content,
      documents: content.documents.filter((d) => d.docType !== 'commitmentLetter'),
    },
    2,
  );
}

/** A deadline correction (SR-07, 3 days), corrected by the re-inspection two days later. */
function reinspected(templateVersion: string): RecordContent {
  const content = recordContent({
    officers: OFFICERS,
    templateVersion,
    itemCode: 'SR-07',
    facts: '当事人在路灯杆上悬挂广告横幅一条，长约3米。',
    evidenceHashes: [hex('c'), hex('d'), hex('e'), hex('f'), hex('0')],
    answers: {
      conditions: { slightHarm: true, cooperates: true },
      correction: {
        mode: 'deadline',
        setOn: '2026-11-27',
        deadline: '2026-11-30',
        reinspection: { result: 'corrected', on: '2026-11-29' },
      },
      commitmentSigned: true,
      discretionReason: '首次违法，危害后果轻微，已按承诺期限改正',
    },
  });
  const doneAt = '2026-11-29T10:00:00+08:00';
  content.reinspection = {
    dueDate: '2026-11-30',
    doneAt,
    officers: OFFICERS,
    signatures: [
      { sha256: hex('d'), signerName: '王喆', signedAt: doneAt },
      { sha256: hex('e'), signerName: '李堃', signedAt: doneAt },
    ],
    result: 'corrected',
    note: '广告牌已拆除，路灯杆已清理。',
  };
  content.followUp = 'corrected';
  content.documents.push({
    id: '',
    docType: 'reinspectionRecord',
    number: '六城管复查〔2026〕第0001号',
    provisional: false,
    templateVersion: content.documents[0]?.templateVersion ?? '2',
  });
  return fixIds(content, 3);
}

const BUILDERS: Record<Fixture, (v: string) => RecordContent> = {
  person,
  organisation,
  shop,
  reinspected,
};

export async function fixture(name: Fixture, templateVersion: string): Promise<LockedRecord> {
  return lockRecord(BUILDERS[name](templateVersion));
}

export async function renderDoc(
  record: LockedRecord,
  docType: DocType,
  layout: Layout = 'a4',
  catalog: Catalog = starterCatalog,
) {
  const doc = record.documents.find((d) => d.docType === docType);
  if (!doc) throw new Error(`no ${docType} in ${record.id}`);
  const content = documentContent({ record, doc, catalog });
  const short = await documentShortHash(content);
  const url = verifyUrl('https://zfzs.example.gov.cn', doc.id, short);
  const bytes = await renderPdf({
    content,
    layout,
    fontBase64,
    image: () => Promise.resolve({ bytes: signature, format: 'PNG' }),
    verify: { url, short },
    createdAt: record.completedAt,
    fileId: record.contentHash,
  });
  return { bytes, content, short, url, number: doc.number };
}

/** Runs `use` with a fresh temporary folder, removed after. */
function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pb-docs-'));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of a PDF as poppler extracts it, white space removed. */
export function pdftotext(bytes: Uint8Array, name: string): string {
  return withTempDir((dir) => {
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, bytes);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
    }).replace(/\s+/g, '');
  });
}

/**
 * What a phone's camera reads from the QR code on the first page: poppler rasterises it (PPM,
 * 100 dpi) and jsQR decodes it. Null when no code is found.
 */
export function qrOf(bytes: Uint8Array, name: string): string | null {
  const ppm = withTempDir((dir) => {
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, bytes);
    execFileSync('pdftoppm', [
      '-r',
      '100',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      join(dir, name),
    ]);
    return readFileSync(join(dir, `${name}.ppm`));
  });
  // P6 header: magic, width, height, maxval, then RGB bytes.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error(`${name}: not a PPM image`);
  const w = Number(header[1]);
  const h = Number(header[2]);
  const rgb = ppm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    rgba[i * 4] = rgb[i * 3] ?? 0;
    rgba[i * 4 + 1] = rgb[i * 3 + 1] ?? 0;
    rgba[i * 4 + 2] = rgb[i * 3 + 2] ?? 0;
    rgba[i * 4 + 3] = 255;
  }
  return jsQR(rgba, w, h)?.data ?? null;
}
