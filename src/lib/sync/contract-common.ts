import { z } from 'zod';
import { SHA256_HEX } from '../domain/integrity';
import { CONFIRMATION_PARTS, CONFIRMATION_STATES } from '../domain/lifecycle';
import { UUID } from '../domain/uuid';

/** Wire schemas both halves of the contract use (contract.ts re-exports them). */

export const sha256Schema = z.string().regex(SHA256_HEX, '应为 64 位小写十六进制 SHA-256');
export const uuidSchema = z.string().regex(UUID, '应为 UUID');

export const FLAG_CODES = [
  'evaluationMismatch',
  'priorMissed',
  'provisionalNumber',
  'numberNotReserved',
] as const;
export const flagSchema = z.object({
  code: z.enum(FLAG_CODES),
  message: z.string(),
});
export type Flag = z.infer<typeof flagSchema>;

/**
 * Where an officer stands on a record that names them (ADR 0012). Sent to every officer of the
 * record when it changes; the one asked sees enough to recognise the case (time, item, place of
 * the squad, a masked hint of the party, who sent it), never the party's name or identifiers.
 */
export const confirmationSchema = z.object({
  recordId: uuidSchema,
  part: z.enum(CONFIRMATION_PARTS),
  userId: z.string(),
  officerName: z.string(),
  state: z.enum(CONFIRMATION_STATES),
  reason: z.string(),
  decidedAt: z.string().nullable(),
  foundAt: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  partyHint: z.string(),
  squadName: z.string(),
  sentBy: z.string(),
});
export type Confirmation = z.infer<typeof confirmationSchema>;
