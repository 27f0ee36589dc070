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

export function prepareRecord(record: LinkRecord): PreparedRecord {
  const forename = normaliseName(record.forename);
  const surname = normaliseName(record.surname);
  const postcode = normalisePostcode(record.postcode);
  const nhs = record.nhsNumber === undefined ? undefined : normaliseNhsNumber(record.nhsNumber);
  return {
    id: record.id,
    forename,
    surname,
    forenameCode: forename === undefined ? undefined : nysiis(forename),
    surnameCode: surname === undefined ? undefined : nysiis(surname),
    dob: parseDate(record.dateOfBirth),
    sex: record.sex === undefined || record.sex === 'unknown' ? undefined : record.sex,
    postcode,
    district: outwardCode(postcode),
    nhsNumber: nhs !== undefined && nhs !== '' && isValidNhsNumber(nhs) ? nhs : undefined,
    address: normaliseAddress(record.address),
    email: normaliseEmail(record.email),
    otherIdentifier: normaliseIdentifier(record.otherIdentifier),
  };
}
