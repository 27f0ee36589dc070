/**
 * @module identity/nhs-number
 * The NHS number: ten digits, the last a modulus 11 check digit. Validation, the 3-3-4 display form, and the test
 * range 999 000 000 0 – 999 999 999 9 from which every synthetic person's number is drawn (numbers in that range are
 * never issued to real people).
 *
 * Check digit (NHS Data Dictionary, "NHS Number"): multiply the first nine digits by 10, 9, …, 2; sum; take the
 * remainder on division by 11; subtract it from 11. A result of 11 makes the check digit 0; a result of 10 means the
 * nine digits can never form a valid number.
 */

export type NhsNumberProblem = 'not-ten-digits' | 'check-digit-mismatch' | 'no-valid-check-digit';

/** The check digit for nine digits, or undefined when no check digit makes them valid (the result 10). */
export function checkDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) throw new Error('checkDigit needs exactly nine digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const result = 11 - (sum % 11);
  if (result === 11) return 0;
  return result === 10 ? undefined : result;
}

/** Accepts the digits with or without the spaces or hyphens people type (943 476 5919, 943-476-5919). */
export function normaliseNhsNumber(text: string): string {
  return text.replace(/[\s-]/g, '');
}

export function nhsNumberProblem(text: string): NhsNumberProblem | undefined {
  const digits = normaliseNhsNumber(text);
  if (!/^\d{10}$/.test(digits)) return 'not-ten-digits';
  const expected = checkDigit(digits.slice(0, 9));
  if (expected === undefined) return 'no-valid-check-digit';
  return expected === Number(digits[9]) ? undefined : 'check-digit-mismatch';
}

export const isValidNhsNumber = (text: string): boolean => nhsNumberProblem(text) === undefined;

/** The form people read: 943 476 5919. */
export function formatNhsNumber(text: string): string {
  const digits = normaliseNhsNumber(text);
  if (!/^\d{10}$/.test(digits)) throw new Error('formatNhsNumber needs ten digits');
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** Whether a number lies in the range set aside for testing (999 000 000 0 – 999 999 999 9). */
export const isTestRangeNhsNumber = (text: string): boolean => /^999\d{7}$/.test(normaliseNhsNumber(text));

/**
 * The number of the test range with the given six-digit stem (999 + stem + check digit), or undefined when that stem
 * has no valid check digit (about 1 in 11). The range holds only 1,000,000 stems, so at most
 * TEST_RANGE_CAPACITY distinct valid numbers: fewer than the people of a large ICS.
 */
export function testRangeNhsNumber(stem: number): string | undefined {
  if (!Number.isInteger(stem) || stem < 0 || stem > 999_999)
    throw new Error('stem must be a whole number 0…999999');
  const firstNine = `999${String(stem).padStart(6, '0')}`;
  const digit = checkDigit(firstNine);
  return digit === undefined ? undefined : `${firstNine}${digit}`;
}

/** How many valid NHS numbers the test range holds: 10/11 of its 1,000,000 stems (a test counts them). */
export const TEST_RANGE_CAPACITY = 909_091;

/**
 * The wider range the synthetic population falls back on when the test range is too small for it: 990 000 000 0 –
 * 999 999 999 9. No number beginning 9 is issued to patients — England and Wales issue 3xx, 4xx, 6xx and 7xx; the
 * 320–399 block goes to Northern Ireland and 010–311 are Scotland's CHI numbers — and NHS England's own test patients
 * use numbers beginning 9. Only 999 is formally reserved for test data, so a generation that needs more than the
 * test range says so in its manifest, and the demo stays inside the test range.
 */
export const isSyntheticRangeNhsNumber = (text: string): boolean =>
  /^99\d{8}$/.test(normaliseNhsNumber(text));

/** How many valid NHS numbers 990 000 000 0 – 999 999 999 9 holds (about 10/11 of its 10,000,000 stems; a test counts them). */
export const SYNTHETIC_RANGE_CAPACITY = 9_090_909;

/**
 * The check digit of a nine-digit stem given as a number (leading zeros implied), or undefined when it has none:
 * the same rule as `checkDigit`, by integer arithmetic, for callers that test millions of stems (the generator
 * lists every valid number of its range; through strings that took seconds).
 */
export function checkDigitOfStem(stem: number): number | undefined {
  if (!Number.isInteger(stem) || stem < 0 || stem > 999_999_999)
    throw new Error('stem must be a whole number of at most nine digits');
  const result = 11 - (stemWeightedSum(stem) % 11);
  if (result === 11) return 0;
  return result === 10 ? undefined : result;
}

/**
 * The sum of a nine-digit stem's digits weighted 10, 9, …, 2 (the last digit weighs 2): the check digit's rule. A stem
 * has no valid check digit when this leaves 1 on division by 11.
 */
export function stemWeightedSum(stem: number): number {
  let sum = 0;
  let rest = stem;
  for (let weight = 2; weight <= 10; weight++) {
    sum += (rest % 10) * weight;
    rest = Math.floor(rest / 10);
  }
  return sum;
}

/** The number with the given nine-digit stem (e.g. 990123456 → 990 123 456 + check digit), or undefined. */
export function nhsNumberOfStem(stem: number): string | undefined {
  const digit = checkDigitOfStem(stem);
  return digit === undefined ? undefined : `${String(stem).padStart(9, '0')}${digit}`;
}
