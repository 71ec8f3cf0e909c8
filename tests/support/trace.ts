import type { Page } from 'playwright-core';

/**
 * The interaction trace of a scripted run of the officer app, recorded by the page itself (what
 * the app received, not what the script meant to do), and what a person would spend on it by
 * the keystroke-level model.
 *
 * Recorded in the page, capture phase: every pointer press (a tap; on a signature canvas, a pen
 * stroke), every text input with the field's value after it, every choice from a drop-down list
 * and every photo handed to a file input. Counted from it:
 * - taps, counted as issue 17 counted them (its "31 taps, 8 text fields"): pointer presses on
 *   controls outside canvases (the in-app camera's shutter among them: one per photo), one per
 *   drop-down choice, one per photo handed to a file input; text fields apart;
 * - touches, everything a finger does: the taps, plus the tap that focuses each text field (a
 *   script fills a field without one), the second touch of a drop-down (open, then pick) and two
 *   more per photo through the system camera (the app's button and the camera's confirm). The estimate
 *   counts touches;
 * - typed characters: the length of each field's last typed value, Chinese and other apart, and
 *   apart again the party's identity (name, ID number, phone), which no design can spare;
 * - signatures: one per canvas the pen touched and whose signature was confirmed.
 */

export type TraceEvent =
  | { kind: 'tap'; target: string; canvas: string | null; at: number }
  | { kind: 'input'; field: string; value: string; at: number }
  | { kind: 'select'; field: string; at: number }
  | { kind: 'file'; field: string; at: number };

/** Field ids of the party's identity (name, ID number, phone) in the wizard. */
export const IDENTITY_FIELDS = new Set([
  'p-name',
  'p-id',
  'p-mobile',
  'b-name',
  'b-uscc',
  'b-legalrep',
  'b-operator',
  'b-opid',
  'b-mobile',
  'v-plate',
  'v-driver',
  'v-id',
  'v-mobile',
]);

const HAN = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/g;

/** Starts recording on the page (and on every page load after, for reloads). */
export async function startTrace(page: Page): Promise<void> {
  const install = () => {
    const w = window as unknown as { __pbTrace?: unknown[]; __pbTraceOn?: boolean };
    if (w.__pbTraceOn) return;
    w.__pbTraceOn = true;
    w.__pbTrace ??= [];
    const log = w.__pbTrace;
    const describe = (el: Element | null): string => {
      if (!el) return '?';
      const named = el.closest('button, a, label, input, select, textarea, canvas, [role]');
      const e = named ?? el;
      return `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}:${(e.textContent ?? '').trim().slice(0, 30)}`;
    };
    document.addEventListener(
      'pointerdown',
      (e) => {
        const target = e.target instanceof Element ? e.target : null;
        const canvas = target?.closest('canvas');
        const pad = canvas?.closest('[data-testid]')?.getAttribute('data-testid') ?? canvas?.id;
        log.push({
          kind: 'tap',
          target: describe(target),
          canvas: canvas ? (pad ?? 'canvas') : null,
          at: Date.now(),
        });
      },
      true,
    );
    document.addEventListener(
      'input',
      (e) => {
        const t = e.target;
        if (t instanceof HTMLInputElement && (t.type === 'file' || t.type === 'checkbox')) return;
        if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)
          log.push({ kind: 'input', field: t.id || t.name || '?', value: t.value, at: Date.now() });
      },
      true,
    );
    document.addEventListener(
      'change',
      (e) => {
        const t = e.target;
        if (t instanceof HTMLSelectElement)
          log.push({ kind: 'select', field: t.id || '?', at: Date.now() });
        if (t instanceof HTMLInputElement && t.type === 'file')
          log.push({ kind: 'file', field: t.dataset.testid ?? t.id, at: Date.now() });
      },
      true,
    );
  };
  await page.addInitScript(install);
  await page.evaluate(install);
}

/** The events recorded so far, and a fresh start for the next part of the run. */
export async function takeTrace(page: Page): Promise<TraceEvent[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __pbTrace?: unknown[] };
    // Emptied in place: the listeners hold this very array.
    return (w.__pbTrace?.splice(0) ?? []) as never;
  });
}

export type TraceSummary = {
  /** Presses on controls, one per drop-down choice, one per photo (issue 17's count). */
  taps: number;
  /** Every touch: taps, field focus, drop-down opening, the camera's own two taps. */
  touches: number;
  /** Text fields typed into. */
  fields: number;
  typedChinese: number;
  typedOther: number;
  /** Of the typed characters, those of the party's identity (name, ID number, phone). */
  identityChars: number;
  signatures: number;
  /** Photos taken, with the in-app camera (its shutter) or the system camera (a file). */
  photos: number;
  /** Of them, through the system camera: its own two taps and time to open. */
  systemPhotos: number;
  selects: number;
  /** Screens the officer reads and decides on (wizard steps and other pages visited). */
  screens: number;
};

export function summarise(events: readonly TraceEvent[], screens: number): TraceSummary {
  const last = new Map<string, string>();
  for (const e of events) if (e.kind === 'input') last.set(e.field, e.value);
  let typedChinese = 0;
  let typedOther = 0;
  let identityChars = 0;
  for (const [field, value] of last) {
    const chinese = (value.match(HAN) ?? []).length;
    typedChinese += chinese;
    typedOther += value.length - chinese;
    if (IDENTITY_FIELDS.has(field)) identityChars += value.length;
  }
  const strokes = new Set(
    events.flatMap((e) => (e.kind === 'tap' && e.canvas !== null ? [e.canvas] : [])),
  );
  const presses = events.filter((e) => e.kind === 'tap' && e.canvas === null).length;
  const selects = events.filter((e) => e.kind === 'select').length;
  const systemPhotos = events.filter((e) => e.kind === 'file').length;
  // The in-app camera's shutter: a press like any other, one photo each.
  const shutters = events.filter((e) => e.kind === 'tap' && e.target.startsWith('button#shutter'));
  const photos = systemPhotos + shutters.length;
  return {
    taps: presses + selects + systemPhotos,
    touches: presses + last.size + 2 * selects + 3 * systemPhotos,
    fields: last.size,
    typedChinese,
    typedOther,
    identityChars,
    signatures: strokes.size,
    photos,
    systemPhotos,
    selects,
    screens,
  };
}

/**
 * Keystroke-level model operator times, seconds. Card, Moran & Newell (1980), "The
 * keystroke-level model for user performance time with interactive systems", CACM 23(7): M, the
 * mental act of preparing an action, 1.35 s. Holleis, Otto, Hussmann & Schmidt (2007),
 * "Keystroke-level model for advanced mobile phone interaction", CHI: P, pointing at and tapping
 * a target on a phone, 1.00 s. Ruan, Wobbrock, Liou, Ng & Landay (2017), "Comparing speech and
 * keyboard text entry for short messages in two languages on touchscreen phones", IMWUT 1(4):
 * the iOS Pinyin keyboard at 43 words per minute, words of 1.5 characters in their Mandarin
 * measure, so 64.5 Chinese characters a minute (0.93 s each), and the QWERTY keyboard at
 * 52 words per minute of 5 characters (0.23 s a character) for digits and letters. Those are
 * laboratory transcription rates: composing text while standing in the street is slower, so the
 * table also gives the estimate with typing at half those rates.
 *
 * Our own assumptions, not published operator times: a handwritten signature 5 s; the system
 * camera 2 s to open and settle before the shutter (beyond its taps, counted above). The in-app
 * camera is open already on the evidence step: a photo there is aimed (M) and its shutter pressed.
 */
export const KLM = {
  M: 1.35,
  P: 1.0,
  chinese: 60 / 64.5,
  other: 60 / 260,
  signature: 5,
  camera: 2,
} as const;

/**
 * Seconds by the model: a touch each P; a character each its rate (`slow` halves the rates); a
 * signature and the camera their own; M once per screen read, per field before typing into it,
 * per photo aimed and per signature handed over.
 */
export function klmSeconds(s: TraceSummary, slow = 1): number {
  const mental = s.screens + s.fields + s.photos + s.signatures;
  return (
    mental * KLM.M +
    s.touches * KLM.P +
    slow * (s.typedChinese * KLM.chinese + s.typedOther * KLM.other) +
    s.signatures * KLM.signature +
    s.systemPhotos * KLM.camera
  );
}
