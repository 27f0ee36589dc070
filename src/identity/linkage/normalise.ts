/**
 * @module identity/linkage/normalise
 * Name normalisation before any comparison: the same name typed by two systems should compare equal whatever their
 * case, accents, hyphens, apostrophes or spacing (O'Brien, OBRIEN, o brien; Zoë, ZOE; Smith-Jones, SMITH JONES).
 */

/** Text with no character beyond ASCII (no accents to fold). */
const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
};

/**
 * Upper case A–Z only: diacritics folded (NFD, then combining marks dropped), a few letters NFD cannot split mapped by
 * hand, and everything else that is not a letter (hyphens, apostrophes, spaces, dots) removed. Removing rather than
 * keeping spaces is deliberate: feeds disagree about "Mc Donald" and "McDonald" far more often than two different
 * people differ only by a space. Returns undefined for a name with no letters (treated as missing).
 */
export function normaliseName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // Plain ASCII (nearly every name) has no accents to fold: skip the Unicode decomposition, the costly part.
  if (isAscii(text)) {
    const upper = text.toUpperCase().replace(/[^A-Z]/g, '');
    return upper === '' ? undefined : upper;
  }
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁ]/g, 'L')
    .replace(/[øØ]/g, 'O')
    .replace(/ß/g, 'SS')
    .replace(/[æÆ]/g, 'AE')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  return folded === '' ? undefined : folded;
}

/** A UK postcode as upper case without spaces, or undefined when empty. */
export function normalisePostcode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const compact = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return compact === '' ? undefined : compact;
}

/**
 * The outward code (postcode district) of a UK postcode: everything before the three-character inward code
 * (LS1 4AP → LS1, BD10 0AA → BD10). Undefined when the text is not UK-shaped (the inward code is always a digit and
 * two letters), so a foreign postcode never earns the district level.
 */
export function outwardCode(postcode: string | undefined): string | undefined {
  if (postcode === undefined || postcode.length < 5 || postcode.length > 7) return undefined;
  return /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/.test(postcode) ? postcode.slice(0, -3) : undefined;
}

/** Date of birth as year, month, day, from ISO `YYYY-MM-DD` (or `YYYYMMDD`); undefined when not a real date. */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function parseDate(text: string | undefined): DateParts | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Round-trip through Date so 31 February and month 13 are refused.
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return { year, month, day };
}

/**
 * An address's lines (everything before the postcode), split for comparison: the tokens carrying digits (house and
 * flat numbers, in order) and the words. Numbers and words are compared apart because they fail differently: a
 * mistyped or missing house number leaves the street, and the same street with another number is a neighbour.
 */
export interface AddressParts {
  /** Tokens with a digit, in order, space-separated ("3 12" for "Flat 3, 12 High Street"); '' when none. */
  readonly numbers: string;
  /** The words, in order, space-separated. */
  readonly words: string;
  readonly wordSet: ReadonlySet<string>;
}

export function normaliseAddress(text: string | undefined): AddressParts | undefined {
  if (text === undefined) return undefined;
  const tokens = (isAscii(text) ? text : text.normalize('NFD').replace(/\p{M}/gu, ''))
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((token) => token !== '');
  if (tokens.length === 0) return undefined;
  const numbers = tokens.filter((token) => /\d/.test(token));
  const words = tokens.filter((token) => !/\d/.test(token));
  return { numbers: numbers.join(' '), words: words.join(' '), wordSet: new Set(words) };
}

/** An email address in lower case without surrounding space; undefined unless it has one @ with text either side. */
export function normaliseEmail(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const email = text.trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(email) ? email : undefined;
}

/** An identifier as upper-case letters and digits only (spaces, dashes and dots are formatting). */
export function normaliseIdentifier(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const compact = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return compact === '' ? undefined : compact;
}
