import type { PatrolDb } from './db';
import { choosePrinter, knownDevice, PrinterLink, type PairedPrinter } from './printer';
import { getSetting, setSetting } from './settings';

/**
 * The paired printer and its open connection, shared by the settings screen and a record's
 * documents. The pairing is kept in settings; the connection lives while the app runs.
 */
class Printing {
  printer = $state<PairedPrinter | null>(null);
  #loaded = false;
  #link: PrinterLink | null = null;

  async load(db: PatrolDb): Promise<void> {
    if (this.#loaded) return;
    this.printer = (await getSetting(db, 'printer')) ?? null;
    this.#loaded = true;
  }

  /** The system chooser; the chosen printer is connected once to check it can print. */
  async pair(db: PatrolDb): Promise<PrinterLink> {
    const device = await choosePrinter();
    const link = await PrinterLink.open(device);
    this.#link?.disconnect();
    this.#link = link;
    await this.update(db, {
      id: device.id,
      name: device.name ?? device.id,
      paper: this.printer?.paper ?? '58mm',
      chunk: this.printer?.chunk ?? 180,
    });
    return link;
  }

  async update(db: PatrolDb, printer: PairedPrinter): Promise<void> {
    await setSetting(db, 'printer', printer);
    this.printer = printer;
  }

  async forget(db: PatrolDb): Promise<void> {
    const device = this.#link?.device;
    this.drop();
    await device?.forget?.().catch(() => undefined);
    await db.settings.delete('printer');
    this.printer = null;
  }

  /**
   * The paired printer: the open connection, else the remembered device reconnected without the
   * chooser where the browser allows it, else the chooser again (one more tap on the printer).
   */
  async connect(db: PatrolDb): Promise<PrinterLink> {
    await this.load(db);
    if (this.#link?.connected) return this.#link;
    const device = this.printer ? await knownDevice(this.printer.id) : null;
    if (device) {
      try {
        this.#link = await PrinterLink.open(device);
        return this.#link;
      } catch {
        // Not heard (switched off, or this browser cannot listen for it): ask the officer.
      }
    }
    return this.pair(db);
  }

  /** After a failure: the next print connects afresh. */
  drop(): void {
    this.#link?.disconnect();
    this.#link = null;
  }
}

export const printing = new Printing();
