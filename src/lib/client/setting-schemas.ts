import { storedMessageSchema } from '$lib/i18n/stored';
import { meSchema } from '$lib/sync/contract';
import { pairedPrinterSchema } from './printer';

/** How the settings read back validated are checked (`settings.ts` loads this when needed). */
export const SETTING_SCHEMAS = {
  me: meSchema,
  printer: pairedPrinterSchema,
  lastSyncError: storedMessageSchema.nullable(),
};
