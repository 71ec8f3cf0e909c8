import { readFileSync } from 'node:fs';
import { jsPDF } from 'jspdf';
import { describe, it } from 'vitest';
import type { DocType, LockedRecord } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { printJob, TEMPLATE_VERSION } from '$lib/notices/content';
import { base64Of, fontCoverage } from '$lib/notices/font';
import { embedFont, forgetParsedFonts, renderPdf } from '$lib/notices/render';
import { tinyPng } from '../tests/support/api';
import { fixture } from '../tests/support/documents';
import { percentile, record, save, wants } from './support/report';

const FONT = 'static/fonts/wqy-microhei-subset.ttf';

describe.skipIf(!wants('documents'))('notice PDFs', () => {
  it('renders each notice warm and cold, against a one-line PDF with the same font', async () => {
    // The fixed records of the document tests: a deadline case decided at its re-inspection
    // (all six notices) and a case corrected on the spot.
    const reinspected: LockedRecord = await fixture('reinspected', TEMPLATE_VERSION);
    const onTheSpot: LockedRecord = await fixture('person', TEMPLATE_VERSION);
    const png = tinyPng('sig');
    const render = async (docType: DocType, fontBase64: string) => {
      const locked = docType === 'reinspectionRecord' ? reinspected : onTheSpot;
      const doc = locked.documents.find((d) => d.docType === docType);
      if (!doc) throw new Error(docType);
      const job = await printJob({
        record: locked,
        doc,
        catalog: starterCatalog,
        baseUrl: 'https://zfzs.example.gov.cn',
      });
      return renderPdf({
        content: job.content,
        layout: 'a4',
        fontBase64,
        image: () => Promise.resolve({ bytes: png, format: 'PNG' }),
        verify: { url: job.url, short: job.short },
        createdAt: job.createdAt,
        fileId: job.fileId,
      });
    };
    const loadFont = () => {
      const bytes = new Uint8Array(readFileSync(FONT));
      fontCoverage(bytes);
      return base64Of(bytes);
    };
    const warmFont = loadFont();
    const oneLine = () => {
      const d = new jsPDF({ unit: 'mm', format: 'a4', compress: true, putOnlyUsedFonts: true });
      // The font as every notice now gets it: parsed once per session (embedFont).
      embedFont(d, warmFont, 'f');
      d.text('不予行政处罚决定书', 20, 20);
      return new Uint8Array(d.output('arraybuffer'));
    };
    oneLine();
    let baseSize = 0;
    for (const docType of [
      ...onTheSpot.documents.map((d) => d.docType),
      'reinspectionRecord' as const,
    ]) {
      forgetParsedFonts();
      const c0 = performance.now();
      await render(docType, loadFont());
      const cold = performance.now() - c0;
      // Warm-up, then the notice and the one-line PDF in interleaved pairs, the order swapped
      // every pair: on this shared machine a phase of a few hundred milliseconds can run at
      // half the speed of the next, and a baseline timed once before every notice moved the
      // ratios by half between two runs of the same code.
      for (let i = 0; i < 3; i++) {
        oneLine();
        await render(docType, warmFont);
      }
      const times: number[] = [];
      const baseTimes: number[] = [];
      let size = 0;
      const timeOneLine = () => {
        const t0 = performance.now();
        baseSize = oneLine().length;
        baseTimes.push(performance.now() - t0);
      };
      const timeNotice = async () => {
        const t0 = performance.now();
        size = (await render(docType, warmFont)).length;
        times.push(performance.now() - t0);
      };
      for (let i = 0; i < 20; i++) {
        if (i % 2 === 0) {
          timeOneLine();
          await timeNotice();
        } else {
          await timeNotice();
          timeOneLine();
        }
      }
      const baseline = percentile(baseTimes, 50);
      record({
        part: 'documents',
        figure: `${docType} (A4), font loaded, p50`,
        value: percentile(times, 50),
        unit: 'ms',
        baseline,
        baselineLabel: `ms, one-line PDF, same font (${(baseSize / 1024).toFixed(0)} KB)`,
        note: `${(size / 1024).toFixed(1)} KB`,
      });
      record({
        part: 'documents',
        figure: `${docType} (A4), cold (font read + parsed)`,
        value: cold,
        unit: 'ms',
        baseline,
        baselineLabel: 'ms, one-line PDF, same font',
      });
      record({
        part: 'documents',
        figure: `${docType} size`,
        value: size / 1024,
        unit: 'KB',
        baseline: baseSize / 1024,
        baselineLabel: 'KB, one-line PDF',
      });
    }
    save('documents');
  });
});
