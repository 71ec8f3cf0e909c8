/// <reference types="web-bluetooth" />
import { z } from 'zod';
import { MessageError } from '$lib/i18n';

/**
 * Portable thermal printers over Web Bluetooth (ESC/POS over a BLE "serial" characteristic). A
 * thin GATT writer of our own rather than @point-of-sale/webbluetooth-receipt-printer: that
 * library swallows a failed write (its queue logs and carries on, and `print()` still resolves),
 * reports no progress and cannot resume; an officer must know whether the paper came out.
 */

/** The BLE services portable ESC/POS printers sold in China expose for printing. */
export const PRINTER_SERVICES = [
  // Most 58/80 mm portable printers (MPT-II, PT-210, "BlueTooth Printer", Xprinter BLE, …).
  '000018f0-0000-1000-8000-00805f9b34fb',
  // Microchip/ISSC transparent UART (Epson TM-P, many OEM modules).
  '49535343-fe7d-4ae5-8fa9-9fafd205e455',
  // A common Chinese OEM module (Goojprt, HPRT portable models).
  'e7810a71-73ae-499d-8c15-faa9aef0c3f2',
  // Nordic-style FF00 modules (some Jiabo/Gprinter portables).
  '0000ff00-0000-1000-8000-00805f9b34fb',
] as const;

/** Names portable printers advertise with when their advertisement carries no service UUID. */
const NAME_PREFIXES = [
  'MPT',
  'PT-',
  'MTP',
  'Printer',
  'BlueTooth Printer',
  'XP-',
  'GP-',
  'HM-',
  'RPP',
];

export const pairedPrinterSchema = z.object({
  /** The browser's id for the device (stable per site), for reconnecting without the chooser. */
  id: z.string().min(1).max(200),
  name: z.string().max(200),
  paper: z.enum(['58mm', '80mm']),
  /**
   * Bytes per write. Web Bluetooth does not expose the negotiated MTU; 180 fits the 185-byte MTU
   * BLE 4.2 printers negotiate, and 20 (the BLE 4.0 minimum) is the fallback for old ones.
   */
  chunk: z.union([z.literal(180), z.literal(20)]),
});
export type PairedPrinter = z.infer<typeof pairedPrinterSchema>;

export type BluetoothSupport = 'yes' | 'noApi' | 'insecure';

/** Chrome on Android (and desktop Chrome) has Web Bluetooth; iOS Safari and Firefox do not. */
export function bluetoothSupport(): BluetoothSupport {
  if (typeof navigator === 'undefined' || !('bluetooth' in navigator)) return 'noApi';
  if (typeof window !== 'undefined' && !window.isSecureContext) return 'insecure';
  return 'yes';
}

/** The system chooser, filtered to printers; needs a tap (user activation). */
export async function choosePrinter(): Promise<BluetoothDevice> {
  try {
    return await navigator.bluetooth.requestDevice({
      filters: [
        ...PRINTER_SERVICES.map((s) => ({ services: [s] })),
        ...NAME_PREFIXES.map((namePrefix) => ({ namePrefix })),
      ],
      optionalServices: [...PRINTER_SERVICES],
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'NotFoundError')
      throw new MessageError({ key: 'printer.noneChosen' });
    throw new MessageError({ key: 'printer.failed', params: { detail: describe(e) } });
  }
}

/** A device chosen before (in this site's permissions), without the chooser; null if gone. */
export async function knownDevice(id: string): Promise<BluetoothDevice | null> {
  if (typeof navigator.bluetooth.getDevices !== 'function') return null;
  const devices = await navigator.bluetooth.getDevices();
  return devices.find((d) => d.id === id) ?? null;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** How long to listen for a remembered printer's advertisements before giving up on it. */
const IN_RANGE_TIMEOUT_MS = 3_000;

/**
 * Connects; a device remembered from an earlier session (`getDevices`) is not known to be in
 * range until it is heard advertising, so on failure listen for it once and connect again.
 */
async function connectGatt(
  device: BluetoothDevice,
  gatt: BluetoothRemoteGATTServer,
): Promise<BluetoothRemoteGATTServer> {
  try {
    return await gatt.connect();
  } catch (e) {
    if (typeof device.watchAdvertisements !== 'function') throw e;
    const stop = new AbortController();
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(e instanceof Error ? e : new Error(String(e))),
          IN_RANGE_TIMEOUT_MS,
        );
        device.addEventListener(
          'advertisementreceived',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true, signal: stop.signal },
        );
        device.watchAdvertisements({ signal: stop.signal }).catch(reject);
      });
    } finally {
      stop.abort();
    }
    return gatt.connect();
  }
}

/** How long a printer may take to acknowledge one write before it counts as gone silent. */
export const WRITE_TIMEOUT_MS = 6_000;

/** A connected printer's writable characteristic. */
export class PrinterLink {
  private constructor(
    readonly device: BluetoothDevice,
    private readonly characteristic: BluetoothRemoteGATTCharacteristic,
  ) {}

  static async open(device: BluetoothDevice): Promise<PrinterLink> {
    const gatt = device.gatt;
    if (!gatt) throw new MessageError({ key: 'printer.noGatt' });
    try {
      const server = gatt.connected ? gatt : await connectGatt(device, gatt);
      for (const uuid of PRINTER_SERVICES) {
        const service = await server.getPrimaryService(uuid).catch(() => null);
        if (!service) continue;
        const writable = (await service.getCharacteristics()).find(
          (c) => c.properties.write || c.properties.writeWithoutResponse,
        );
        if (writable) return new PrinterLink(device, writable);
      }
    } catch (e) {
      throw new MessageError({ key: 'printer.connectFailed', params: { detail: describe(e) } });
    }
    throw new MessageError({ key: 'printer.notAPrinter', params: { name: device.name ?? '' } });
  }

  get connected(): boolean {
    return this.device.gatt?.connected === true;
  }

  /**
   * Sends bytes in chunks, each acknowledged by the printer where the characteristic allows it
   * (write with response: flow control, and silence is noticed); `onSent` after every chunk.
   */
  async send(
    bytes: Uint8Array,
    chunk: number,
    onSent: (sent: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const acknowledged = this.characteristic.properties.write;
    for (let at = 0; at < bytes.length; at += chunk) {
      if (signal?.aborted) throw new MessageError({ key: 'printer.cancelled' });
      if (!this.connected) throw new MessageError({ key: 'printer.lost' });
      const part = bytes.slice(at, Math.min(bytes.length, at + chunk));
      const write = acknowledged
        ? this.characteristic.writeValueWithResponse(part)
        : this.characteristic.writeValueWithoutResponse(part);
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          write,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new MessageError({ key: 'printer.silent' })),
              WRITE_TIMEOUT_MS,
            );
          }),
        ]);
      } catch (e) {
        if (e instanceof MessageError) throw e;
        throw new MessageError({ key: 'printer.lost' });
      } finally {
        clearTimeout(timer);
      }
      onSent(Math.min(bytes.length, at + chunk));
    }
  }

  disconnect(): void {
    if (this.connected) this.device.gatt?.disconnect();
  }
}

/** One printed copy of one document: what the progress line names, and its bytes. */
export type PrintPiece = {
  docId: string;
  title: string;
  number: string;
  copy: string | null;
  bytes: Uint8Array;
};

export type JobProgress = {
  /** Pieces printed whole. */
  done: number;
  total: number;
  /** Bytes of the piece being sent, and of all pieces. */
  sent: number;
  bytes: number;
  current: PrintPiece | null;
};

/**
 * Sends the pieces from `from` on, in order. A piece interrupted part-way is sent again from its
 * top on resume: a printer that lost power has lost what it buffered, and a half notice is not a
 * notice. The document and its number are the same bytes every time.
 */
export async function sendPieces(
  link: PrinterLink,
  pieces: readonly PrintPiece[],
  from: number,
  chunk: number,
  onProgress: (p: JobProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  const bytes = pieces.reduce((n, p) => n + p.bytes.length, 0);
  let before = pieces.slice(0, from).reduce((n, p) => n + p.bytes.length, 0);
  for (let i = from; i < pieces.length; i++) {
    const piece = pieces[i] as PrintPiece;
    onProgress({ done: i, total: pieces.length, sent: before, bytes, current: piece });
    await link.send(
      piece.bytes,
      chunk,
      (sent) =>
        onProgress({ done: i, total: pieces.length, sent: before + sent, bytes, current: piece }),
      signal,
    );
    before += piece.bytes.length;
  }
  onProgress({ done: pieces.length, total: pieces.length, sent: bytes, bytes, current: null });
}
