/**
 * @module identity/linkage/record
 * The demographics linkage compares, as a partner sends them (`LinkRecord`), and the same record prepared once for
 * comparison (`PreparedRecord`): names normalised and phonetically coded, the date split, the postcode district and
 * NHS number validity worked out. Preparing once keeps the pairwise comparison cheap: it runs millions of times.
 */
import { isValidNhsNumber, normaliseNhsNumber } from '../nhs-number.js';
import { nysiis } from './nysiis.js';
import {
  type AddressParts,
  type DateParts,
  normaliseAddress,
  normaliseEmail,
  normaliseIdentifier,
  normaliseName,
  normalisePostcode,
  outwardCode,
  parseDate,
} from './normalise.js';

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface LinkRecord {
  readonly id: string;
  readonly forename?: string | undefined;
  readonly surname?: string | undefined;
  /** ISO `YYYY-MM-DD` (or `YYYYMMDD`). */
  readonly dateOfBirth?: string | undefined;
  readonly sex?: Sex | undefined;
  readonly postcode?: string | undefined;
  readonly nhsNumber?: string | undefined;
  /** The address lines before the postcode, as free text ("Flat 3, 12 High Street, Leeds"). */
  readonly address?: string | undefined;
  readonly email?: string | undefined;
  /**
   * An identifier other than the NHS number that the records being linked share: a council's social care id held by
   * the council and its providers, a trust's hospital number across the trust's systems, a number a benchmark carries.
   */
  readonly otherIdentifier?: string | undefined;
}

export interface PreparedRecord {
  readonly id: string;
  readonly forename: string | undefined;
  readonly surname: string | undefined;
  readonly forenameCode: string | undefined;
  readonly surnameCode: string | undefined;
  readonly dob: DateParts | undefined;
  /** Unknown sex counts as missing: it says nothing about whether two records are one person. */
  readonly sex: 'male' | 'female' | 'other' | undefined;
  readonly postcode: string | undefined;
  readonly district: string | undefined;
  /** Only a valid NHS number is kept: an invalid one is a typing error and compares as missing. */
  readonly nhsNumber: string | undefined;
  readonly address: AddressParts | undefined;
  readonly email: string | undefined;
  readonly otherIdentifier: string | undefined;
}

/** The preparation of each field, as functions of the raw value alone (so a batch can remember them). */
interface Preparers {
  name(text: string | undefined): string | undefined;
  code(name: string | undefined): string | undefined;
  date(text: string | undefined): DateParts | undefined;
  postcode(text: string | undefined): {
    readonly postcode: string | undefined;
    readonly district: string | undefined;
  };
  address(text: string | undefined): AddressParts | undefined;
}

const nameCode = (name: string | undefined) => (name === undefined ? undefined : nysiis(name));
const postcodeParts = (text: string | undefined) => {
  const postcode = normalisePostcode(text);
  return { postcode, district: outwardCode(postcode) };
};

const direct: Preparers = {
  name: normaliseName,
  code: nameCode,
  date: parseDate,
  postcode: postcodeParts,
  address: normaliseAddress,
};

function prepareWith(record: LinkRecord, by: Preparers): PreparedRecord {
  const forename = by.name(record.forename);
  const surname = by.name(record.surname);
  const { postcode, district } = by.postcode(record.postcode);
  const nhs = record.nhsNumber === undefined ? undefined : normaliseNhsNumber(record.nhsNumber);
  return {
    id: record.id,
    forename,
    surname,
    forenameCode: by.code(forename),
    surnameCode: by.code(surname),
    dob: by.date(record.dateOfBirth),
    sex: record.sex === undefined || record.sex === 'unknown' ? undefined : record.sex,
    postcode,
    district,
    nhsNumber: nhs !== undefined && nhs !== '' && isValidNhsNumber(nhs) ? nhs : undefined,
    address: by.address(record.address),
    email: normaliseEmail(record.email),
    otherIdentifier: normaliseIdentifier(record.otherIdentifier),
  };
}

export function prepareRecord(record: LinkRecord): PreparedRecord {
  return prepareWith(record, direct);
}

/** A function remembered by its argument, for one batch: the cache goes when the batch is done. */
function remembered<V>(compute: (text: string | undefined) => V): (text: string | undefined) => V {
  const cache = new Map<string | undefined, V>();
  return (text) => {
    const known = cache.get(text);
    if (known !== undefined || cache.has(text)) return known as V;
    const value = compute(text);
    cache.set(text, value);
    return value;
  };
}

/**
 * Prepares many records, each as `prepareRecord` would. Names, dates, postcodes and addresses repeat across a
 * population (a million records hold perhaps 30,000 distinct dates of birth and a few thousand common names), so
 * each distinct raw value is prepared once per batch; prepared values are immutable, so records may share them.
 */
export function prepareRecords(records: readonly LinkRecord[]): PreparedRecord[] {
  const by: Preparers = {
    name: remembered(normaliseName),
    code: remembered(nameCode),
    date: remembered(parseDate),
    postcode: remembered(postcodeParts),
    address: remembered(normaliseAddress),
  };
  return records.map((record) => prepareWith(record, by));
}
