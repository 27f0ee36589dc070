/**
 * @module synthetic/feeds/local-ids
 * Each organisation's own record numbers: the hospital number, the practice's patient number, the council's person
 * id. Every organisation numbers its records in its own format and order, so the same person has unrelated numbers
 * in different feeds — as in life, the NHS number (where held) is the only identifier they share.
 *
 * A record number is a keyed permutation of the person's key in the ground truth (a four-round Feistel network over
 * 28 bits, walked until it falls below 10^8, keyed by the seed and the organisation). So the number is stable for a
 * person, needs no table of numbers already issued, can be worked out for any chunk on its own, and reveals neither
 * the person's key nor the order of the ground truth. A duplicate record gets the number of the key moved up by
 * DUPLICATE_OFFSET: a second number, unrelated to the first.
 *
 * Formats (8 digits each, from the permutation):
 *   gp             12345678        the clinical system's patient number
 *   acute          RR812345678     ODS code + hospital number
 *   mental-health  RGD-12345678    ODS code, hyphen, number
 *   community      RY6C12345678    ODS code (or none), C, number
 *   ambulance      RX8E12345678    ODS code + E (electronic patient record) + number
 *   social-care    12345678        the case management system's person id
 */
import { createHash } from 'node:crypto';
import type { FeedOrganisation, OrganisationKind } from './organisations.js';

const DOMAIN = 100_000_000;
const HALF_BITS = 14;
const HALF_MASK = (1 << HALF_BITS) - 1;
/** Keys of duplicate records: person keys must stay below this. */
export const DUPLICATE_OFFSET = 50_000_000;

/** The identifier system of an organisation's own record numbers (an Accord URI: these systems have none public). */
export const localIdSystem = (organisation: string): string =>
  `https://accord.example/fhir/sid/${organisation}/patient-id`;

/**
 * The identifier system of an organisation's own episode of care numbers (a referral or spell number, in life). An
 * episode's number is its resource id: the patient's record number and the episode's place in the record.
 */
export const localEpisodeIdSystem = (organisation: string): string =>
  `https://accord.example/fhir/sid/${organisation}/episode-id`;

/** A bijection of 0…10^8−1 keyed by the four round keys. */
function permute(value: number, keys: Uint32Array): number {
  let x = value;
  do {
    let left = x >>> HALF_BITS;
    let right = x & HALF_MASK;
    for (let round = 0; round < 4; round++) {
      const mixed = Math.imul(right ^ (keys[round] ?? 0), 0x9e3779b1);
      const f = ((mixed >>> 15) ^ mixed) & HALF_MASK;
      const next = left ^ f;
      left = right;
      right = next;
    }
    x = (left << HALF_BITS) | right;
  } while (x >= DOMAIN);
  return x;
}

const FORMATS: Readonly<Record<OrganisationKind, (ods: string, digits: string) => string>> = {
  gp: (_ods, digits) => digits,
  acute: (ods, digits) => `${ods}${digits}`,
  'mental-health': (ods, digits) => `${ods}-${digits}`,
  community: (ods, digits) => `${ods}C${digits}`,
  ambulance: (ods, digits) => `${ods}E${digits}`,
  'social-care': (_ods, digits) => digits,
};

export interface LocalIds {
  /** The record number of a person's main record (`duplicate` false) or of their second record. */
  of(personKey: number, duplicate?: boolean): string;
  /** The number without its format, for ordering records as the organisation's system would list them. */
  rank(personKey: number, duplicate?: boolean): number;
}

/**
 * The keyed permutation of a source's numbers (`key`: its folder name), as a number below 10^8: what `localIds`
 * formats, and the deaths register's registration numbers (deaths-register.ts).
 */
export function keyedNumbers(seed: number, key: string): (personKey: number, duplicate?: boolean) => number {
  const digest = createHash('sha256').update(`${seed}\u0000local-ids\u0000${key}`).digest();
  const keys = new Uint32Array([0, 4, 8, 12].map((offset) => digest.readUInt32LE(offset)));
  return (personKey: number, duplicate = false): number => {
    if (!Number.isInteger(personKey) || personKey < 0 || personKey >= DUPLICATE_OFFSET) {
      throw new Error(`person key ${personKey} is outside 0…${DUPLICATE_OFFSET - 1}`);
    }
    return permute(duplicate ? personKey + DUPLICATE_OFFSET : personKey, keys);
  };
}

export function localIds(
  seed: number,
  organisation: Pick<FeedOrganisation, 'key' | 'kind' | 'odsCode'>,
): LocalIds {
  const format = FORMATS[organisation.kind];
  const ods = organisation.odsCode ?? '';
  const rank = keyedNumbers(seed, organisation.key);
  return {
    rank,
    of: (personKey, duplicate = false) => format(ods, String(rank(personKey, duplicate)).padStart(8, '0')),
  };
}
