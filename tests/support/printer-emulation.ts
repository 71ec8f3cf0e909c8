import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A Bluetooth LE thermal printer simulated by Chromium itself (DevTools Protocol,
 * `BluetoothEmulation`): the page's Web Bluetooth calls reach a peripheral the test controls,
 * and every byte the app writes to its characteristic is captured here. Nothing in the app is
 * replaced: it runs the same code a phone runs against a real printer.
 *
 * The emulation is a browser-level domain; a persistent profile's context has no Browser object
 * in Playwright, so the test connects to the same Chromium a second time over its DevTools port
 * (the profile must be launched with `--remote-debugging-port=0`).
 */

export const PRINTER_SERVICE = '000018f0-0000-1000-8000-00805f9b34fb';
export const PRINTER_CHARACTERISTIC = '00002af1-0000-1000-8000-00805f9b34fb';

/** Chromium flags the printing test adds: Web Bluetooth (off on Linux) and a DevTools port. */
export const BLUETOOTH_ARGS = [
  '--enable-features=WebBluetooth,WebBluetoothNewPermissionsBackend',
  '--remote-debugging-port=0',
];

export type EmulatedPrinter = {
  /** Every byte written to the print characteristic since the last `clear()`. */
  bytes: () => Uint8Array;
  writes: () => number;
  clear: () => void;
  /**
   * Another printer switched on nearby: its characteristic acknowledges writes (write with
   * response) or not. The chooser picks it from now on.
   */
  switchOn: (name: string, options: { acknowledged: boolean }) => Promise<void>;
  /** The printer stops answering writes (switched off, jammed): the app's writes hang. */
  silence: (afterBytes: number) => void;
  /** Power back on: new writes are answered again (the hung one stays unanswered). */
  wake: () => void;
  close: () => Promise<void>;
};

export async function emulatePrinter(
  context: BrowserContext,
  profileDir: string,
  page: Page,
  /** `acknowledged`: writes with response (the default), else writes without. */
  options: { name?: string; acknowledged?: boolean } = {},
): Promise<EmulatedPrinter> {
  const port = readFileSync(join(profileDir, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const pageCdp = await context.newCDPSession(page);
  try {
    await cdp.send('BluetoothEmulation.enable', { state: 'powered-on', leSupported: true });
  } catch (e) {
    throw new Error(
      `this Chromium has no BluetoothEmulation DevTools domain: the printing test cannot run (${String(e)})`,
    );
  }
  // Printers switched on nearby; the chooser picks the last one switched on (the one the officer
  // taps), by its address.
  let chosen = '';
  const addPrinter = async (address: string, name: string, acknowledged: boolean) => {
    await cdp.send('BluetoothEmulation.simulatePreconnectedPeripheral', {
      address,
      name,
      manufacturerData: [],
      knownServiceUuids: [PRINTER_SERVICE],
    });
    const { serviceId } = await cdp.send('BluetoothEmulation.addService', {
      address,
      serviceUuid: PRINTER_SERVICE,
    });
    await cdp.send('BluetoothEmulation.addCharacteristic', {
      serviceId,
      characteristicUuid: PRINTER_CHARACTERISTIC,
      properties: acknowledged ? { write: true } : { writeWithoutResponse: true },
    });
    chosen = address;
  };
  await addPrinter('09:09:09:09:09:01', options.name ?? 'MPT-II', options.acknowledged ?? true);

  // The system chooser: pick the printer (what the officer taps). Enabled again after each
  // navigation: without it a headless chooser is cancelled at once.
  await pageCdp.send('DeviceAccess.enable');
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) void pageCdp.send('DeviceAccess.enable').catch(() => undefined);
  });
  // The chooser's list is sent again as devices are heard; a prompt is answered once (a second
  // answer to the same prompt takes the page down).
  const answered = new Set<string>();
  pageCdp.on('DeviceAccess.deviceRequestPrompted', (e) => {
    const device = e.devices.find((d) => d.id === chosen);
    if (!device || answered.has(e.id)) return;
    answered.add(e.id);
    void pageCdp
      .send('DeviceAccess.selectPrompt', { id: e.id, deviceId: device.id })
      .catch(() => undefined);
  });
  cdp.on('BluetoothEmulation.gattOperationReceived', (e) => {
    void cdp.send('BluetoothEmulation.simulateGATTOperationResponse', {
      address: e.address,
      type: e.type,
      code: 0,
    });
  });

  let printers = 1;
  let parts: Buffer[] = [];
  let length = 0;
  let writes = 0;
  let silentAfter = Infinity;
  cdp.on('BluetoothEmulation.characteristicOperationReceived', (e) => {
    if (e.type !== 'write') return;
    if (length >= silentAfter) return; // no answer, and nothing printed
    const data = Buffer.from(e.data ?? '', 'base64');
    parts.push(data);
    length += data.length;
    writes++;
    if (e.writeType === 'write-with-response') {
      void cdp.send('BluetoothEmulation.simulateCharacteristicOperationResponse', {
        characteristicId: e.characteristicId,
        type: 'write',
        code: 0,
      });
    }
  });

  return {
    bytes: () => new Uint8Array(Buffer.concat(parts)),
    writes: () => writes,
    clear: () => {
      parts = [];
      length = 0;
      writes = 0;
    },
    switchOn: (name, { acknowledged }) =>
      addPrinter(`09:09:09:09:09:0${++printers}`, name, acknowledged),
    silence: (afterBytes) => {
      silentAfter = length + afterBytes;
    },
    wake: () => {
      silentAfter = Infinity;
    },
    close: async () => {
      await cdp.send('BluetoothEmulation.disable').catch(() => undefined);
      await cdp.detach().catch(() => undefined);
      await pageCdp.detach().catch(() => undefined);
    },
  };
}
