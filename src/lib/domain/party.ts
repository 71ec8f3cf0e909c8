import { z } from 'zod';
import { canonicalJson, toHex, webDigests, type Digests } from './integrity';
import { LIMITS, line, optionalLine, text } from './fields';
import {
  checkMobile,
  checkPlate,
  checkResidentId,
  checkUscc,
  maskMobile,
  maskName,
  maskPlate,
  maskResidentId,
  type IdentifierCheck,
  type IdentifierError,
} from './identifiers';
import { issue, type Issue, type IssueCode } from './issues';

export * from './identifiers';

/** The party of a finding: who they are, how they are matched, and how they are shown. */

export const PARTY_KINDS = ['person', 'business', 'vehicle', 'unknown'] as const;

export const partySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('person'),
      name: line(LIMITS.personName),
      idNumber: optionalLine(LIMITS.identifier),
      mobile: optionalLine(LIMITS.identifier),
      address: optionalLine(LIMITS.address),
    })
    .strict(),
  z
    .object({
      kind: z.literal('business'),
      /** Shop sign or registered name. */
      name: line(LIMITS.businessName),
      uscc: optionalLine(LIMITS.identifier),
      /** 法定代表人 or 负责人 of the organisation, as registered. */
      legalRepresentative: optionalLine(LIMITS.personName),
      /** The person met on site (经营者 of a sole trader, or staff). */
      operatorName: optionalLine(LIMITS.personName),
      operatorIdNumber: optionalLine(LIMITS.identifier),
      mobile: optionalLine(LIMITS.identifier),
      address: line(LIMITS.address),
    })
    .strict(),
  z
    .object({
      kind: z.literal('vehicle'),
      plate: line(LIMITS.plate),
      driverName: optionalLine(LIMITS.personName),
      driverIdNumber: optionalLine(LIMITS.identifier),
      mobile: optionalLine(LIMITS.identifier),
    })
    .strict(),
  z
    .object({
      kind: z.literal('unknown'),
      /** What the officers could see: clothing, goods, direction of leaving. */
      description: text(LIMITS.partyDescription),
    })
    .strict(),
]);
export type Party = z.infer<typeof partySchema>;

export type PartyIssue = { field: string; error: IdentifierError };

/** Identifier problems of a party (empty optional fields are fine). */
export function validateParty(party: Party, today?: string): PartyIssue[] {
  const issues: PartyIssue[] = [];
  const check = (field: string, value: string | undefined, fn: (v: string) => IdentifierCheck) => {
    if (value === undefined || value.trim() === '') return;
    const r = fn(value);
    if (!r.ok) issues.push({ field, error: r.error });
  };
  const id = (v: string) => checkResidentId(v, today);
  switch (party.kind) {
    case 'person':
      check('idNumber', party.idNumber, id);
      check('mobile', party.mobile, checkMobile);
      break;
    case 'business':
      check('uscc', party.uscc, checkUscc);
      check('operatorIdNumber', party.operatorIdNumber, id);
      check('mobile', party.mobile, checkMobile);
      break;
    case 'vehicle':
      check('plate', party.plate, checkPlate);
      check('driverIdNumber', party.driverIdNumber, id);
      check('mobile', party.mobile, checkMobile);
      break;
    case 'unknown':
      break;
  }
  return issues;
}

/** The issue an identifier's error is reported as (phone and server). */
export const IDENTIFIER_ISSUE: Record<IdentifierError, IssueCode> = {
  empty: 'required',
  length: 'idLength',
  characters: 'idCharacters',
  checkDigit: 'idCheckDigit',
  birthDate: 'idBirthDate',
  region: 'idRegion',
  format: 'idFormat',
  registry: 'idRegistry',
  orgCode: 'idOrgCode',
};

/**
 * A party's identifiers as issues naming each field: the check digits, dates and formats of
 * `validateParty`, and the stored form being the normalised one (so every side derives the same
 * matching keys). Part of the record's rules, so the server refuses what the phone refuses.
 */
export function partyIssues(party: Party, today?: string): Issue[] {
  const found = validateParty(party, today).map((i) =>
    issue(['party', i.field], IDENTIFIER_ISSUE[i.error]),
  );
  if (found.length > 0) return found;
  if (canonicalJson(normaliseParty(party)) !== canonicalJson(party)) {
    return [issue(['party'], 'idNotNormalised')];
  }
  return [];
}

/** Stores identifiers in their normalised form (call after validateParty passes). */
export function normaliseParty(party: Party): Party {
  const norm = (v: string | undefined, fn: (v: string) => IdentifierCheck) =>
    v === undefined || v.trim() === '' ? undefined : fn(v).value;
  switch (party.kind) {
    case 'person':
      return stripUndefined({
        ...party,
        idNumber: norm(party.idNumber, (v) => checkResidentId(v)),
        mobile: norm(party.mobile, checkMobile),
      });
    case 'business':
      return stripUndefined({
        ...party,
        uscc: norm(party.uscc, checkUscc),
        operatorIdNumber: norm(party.operatorIdNumber, (v) => checkResidentId(v)),
        mobile: norm(party.mobile, checkMobile),
      });
    case 'vehicle':
      return stripUndefined({
        ...party,
        plate: norm(party.plate, checkPlate) ?? party.plate,
        driverIdNumber: norm(party.driverIdNumber, (v) => checkResidentId(v)),
        mobile: norm(party.mobile, checkMobile),
      });
    case 'unknown':
      return party;
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Loose text normalisation for names and addresses in matching keys. */
function foldText(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]/gu, '')
    .toUpperCase();
}

/**
 * Every matching key of a party, strongest first (REFERENCE §3): resident ID or credit code,
 * then plate, then shop name + address, then name + mobile. Two parties are the same when they
 * share any key. An unknown party has none, so its first offence cannot be verified.
 */
export function partyKeys(party: Party): string[] {
  const keys: string[] = [];
  const idKey = (v: string | undefined) => {
    if (!v) return;
    const r = checkResidentId(v);
    if (r.ok) keys.push(`id:${r.value}`);
  };
  switch (party.kind) {
    case 'person': {
      idKey(party.idNumber);
      const m = party.mobile ? checkMobile(party.mobile) : undefined;
      if (m?.ok) keys.push(`person:${foldText(party.name)}|${m.value}`);
      break;
    }
    case 'business': {
      if (party.uscc) {
        const r = checkUscc(party.uscc);
        if (r.ok) keys.push(`uscc:${r.value}`);
      }
      idKey(party.operatorIdNumber);
      keys.push(`shop:${foldText(party.name)}|${foldText(party.address)}`);
      break;
    }
    case 'vehicle': {
      const r = checkPlate(party.plate);
      if (r.ok) keys.push(`plate:${r.value}`);
      idKey(party.driverIdNumber);
      break;
    }
    case 'unknown':
      break;
  }
  return keys;
}

/** A party's display name for lists and documents. */
export function partyDisplayName(party: Party): string {
  switch (party.kind) {
    case 'person':
    case 'business':
      return party.name;
    case 'vehicle':
      return party.driverName ? `${party.driverName}（${party.plate}）` : party.plate;
    case 'unknown':
      return '身份不明';
  }
}

/**
 * A hint of who the party is, enough for an officer who was there to recognise the case and no
 * more: a masked name (the family name, or a business's first two characters) or a masked plate.
 * What travels to a phone that asks an officer to confirm a record.
 */
export function partyHint(
  party:
    | { kind: 'person' | 'business'; name: string }
    | { kind: 'vehicle'; plate: string }
    | { kind: 'unknown' },
): string {
  switch (party.kind) {
    case 'person':
      return maskName(party.name);
    case 'business': {
      const chars = [...party.name.trim()];
      const keep = Math.min(2, Math.max(0, chars.length - 1));
      return chars.slice(0, keep).join('') + '*'.repeat(Math.max(1, chars.length - keep));
    }
    case 'vehicle':
      return maskPlate(party.plate);
    case 'unknown':
      return '身份不明';
  }
}

/** The party with every identifier masked: what lists and public pages may show. */
export function maskParty(party: Party): Party {
  const m = <T extends string | undefined>(v: T, fn: (s: string) => string) =>
    v === undefined ? undefined : fn(v);
  switch (party.kind) {
    case 'person':
      return stripUndefined({
        ...party,
        idNumber: m(party.idNumber, maskResidentId),
        mobile: m(party.mobile, maskMobile),
      });
    case 'business':
      return stripUndefined({
        ...party,
        operatorIdNumber: m(party.operatorIdNumber, maskResidentId),
        mobile: m(party.mobile, maskMobile),
      });
    case 'vehicle':
      return stripUndefined({
        ...party,
        driverIdNumber: m(party.driverIdNumber, maskResidentId),
        mobile: m(party.mobile, maskMobile),
      });
    case 'unknown':
      return party;
  }
}

const DIGEST = /^k:[0-9a-f]{32}$/;

/**
 * The digest under which a matching key travels to phones: HMAC-SHA256 with the installation's
 * ledger key, 128 bits in hex. A phone that knows a party's identifiers computes the same digest
 * and finds the party's prior records; a phone that receives the ledger learns no identifier,
 * mobile number or name from it.
 */
export async function partyKeyDigest(
  ledgerKey: string,
  partyKey: string,
  digests: Digests = webDigests,
): Promise<string> {
  const raw = new Uint8Array(ledgerKey.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
  const mac = await digests.hmacSha256(raw, new TextEncoder().encode(partyKey));
  return `k:${toHex(mac.subarray(0, 16))}`;
}

export function isPartyKeyDigest(value: string): boolean {
  return DIGEST.test(value);
}
