import { z } from 'zod';
import { isMessageKey, type Message, type MessageKey } from './index';

/*
 * Apart from the catalogs' own module so that start-up code, which words messages but reads none
 * back before the app is unlocked, does not load zod.
 */

const paramsSchema = z.record(z.string(), z.union([z.string(), z.number()]));

/** A message read back from storage; a plain string (as older versions stored) is the server's words. */
export const storedMessageSchema = z.union([
  z.object({
    key: z.custom<MessageKey>((v) => typeof v === 'string' && isMessageKey(v)),
    params: paramsSchema.optional(),
  }),
  z.object({ code: z.string(), text: z.string() }),
  z.string().transform((text): Message => ({ code: '', text })),
]);
