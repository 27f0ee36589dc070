/**
 * @module identity/linkage/comparisons
 * The comparison levels, as data: for each field, an ordered list of levels, and a pair of records falls in the first
 * level whose test it meets (the last level always matches). Level 0 of every field is "missing": one side or both
 * has no value, and the level is neutral (weight 0), because an absent field is evidence neither way.
 *
 * A level may name a term-frequency field: an exact match on a rare surname is stronger evidence than one on Smith,
 * so the model replaces the level's u by how common the value is (`model.ts`).
 */
import { withinOneEdit } from './edit-distance.js';
import { jaroWinkler } from './jaro-winkler.js';
import { compileNicknames, type NicknameIndex } from './nicknames.js';
import type { PreparedRecord } from './record.js';

export interface ComparisonLevel {
  readonly label: string;
  readonly test: (a: PreparedRecord, b: PreparedRecord) => boolean;
  /** Neutral levels always weigh 0 (missing values). */
  readonly neutral?: boolean;
  /** For exact matches on names: adjust the weight by how common the shared value is. */
  readonly termFrequency?: 'forename' | 'surname';
  /** The level identifies the person outright (equal valid NHS numbers): the decision's deterministic rule. */
  readonly identifies?: boolean;
  /**
   * The level casts doubt on an identifying level however the other fields agree: forenames with nothing in common
   * under an equal NHS number. Twins share surname, date of birth and address, so their weights alone would
   * auto-link them — and a twin's record is where a sibling's NHS number is most often entered.
   */
  readonly contradictsIdentifier?: boolean;
  /**
   * The level rules out auto-link, whatever the weights: two different valid NHS numbers. A person has one NHS number,
   * so such a pair is two people or a number recorded wrongly, and either way a person should look before they are
   * joined; the weights alone would link a household member whose other details are alike (twins, a parent and child
   * of the same name).
   */
  readonly preventsAutoLink?: boolean;
}

/**
 * Names a compiled implementation of a comparison's levels (`compiled-comparisons.ts`): the same levels as the data,
 * written as one function that computes each similarity once per pair. The data stay the definition; a test checks
 * the compiled function gives the same level as the data on many random pairs. Plain data, so it can be sent to a
 * worker thread, which builds the same function there.
 */
export type ComparisonKernel =
  | { readonly kind: 'nhsNumber' }
  | { readonly kind: 'forename'; readonly nicknames: readonly (readonly string[])[] }
  | { readonly kind: 'surname' }
  | { readonly kind: 'dateOfBirth' }
  | { readonly kind: 'sex' }
  | { readonly kind: 'postcode' }
  | { readonly kind: 'address' }
  | { readonly kind: 'email' }
  | { readonly kind: 'otherIdentifier' };

export interface Comparison {
  readonly field: string;
  readonly levels: readonly ComparisonLevel[];
  /** A compiled implementation of exactly these levels, if there is one; without it the levels are tested in turn. */
  readonly kernel?: ComparisonKernel;
}

function missing(field: keyof PreparedRecord): ComparisonLevel {
  return {
    label: 'missing',
    neutral: true,
    test: (a, b) => a[field] === undefined || b[field] === undefined,
  };
}
const always: ComparisonLevel['test'] = () => true;

/** Jaro–Winkler on two values known to be present (the missing level runs first). */
const jw = (x: string | undefined, y: string | undefined) =>
  x !== undefined && y !== undefined ? jaroWinkler(x, y) : 0;

/** Each record's forename is close to the other's surname and the other way round (both names present). */
const TRANSPOSED_SIMILARITY = 0.88;
const transposed: ComparisonLevel['test'] = (a, b) =>
  jw(a.forename, b.surname) >= TRANSPOSED_SIMILARITY && jw(a.surname, b.forename) >= TRANSPOSED_SIMILARITY;

export function forenameComparison(nicknames: NicknameIndex): Comparison {
  return {
    field: 'forename',
    kernel: { kind: 'forename', nicknames: nicknames.groups },
    levels: [
      missing('forename'),
      { label: 'exact', termFrequency: 'forename', test: (a, b) => a.forename === b.forename },
      {
        label: 'nickname',
        test: (a, b) =>
          a.forename !== undefined &&
          b.forename !== undefined &&
          nicknames.areNicknames(a.forename, b.forename),
      },
      { label: 'jaro-winkler ≥ 0.92', test: (a, b) => jw(a.forename, b.forename) >= 0.92 },
      { label: 'jaro-winkler ≥ 0.88', test: (a, b) => jw(a.forename, b.forename) >= 0.88 },
      { label: 'phonetic', test: (a, b) => a.forenameCode === b.forenameCode },
      {
        // Forename and surname entered the wrong way round (common where naming orders differ), allowing a typing
        // error in either as the Jaro–Winkler levels do.
        label: 'transposed with surname',
        test: transposed,
      },
      { label: 'else', test: always, contradictsIdentifier: true },
    ],
  };
}

export const surnameComparison: Comparison = {
  field: 'surname',
  kernel: { kind: 'surname' },
  levels: [
    missing('surname'),
    { label: 'exact', termFrequency: 'surname', test: (a, b) => a.surname === b.surname },
    { label: 'jaro-winkler ≥ 0.92', test: (a, b) => jw(a.surname, b.surname) >= 0.92 },
    { label: 'jaro-winkler ≥ 0.88', test: (a, b) => jw(a.surname, b.surname) >= 0.88 },
    { label: 'phonetic', test: (a, b) => a.surnameCode === b.surnameCode },
    {
      // The forename comparison already counts a swap of the two names; scoring the surname as "else" too would
      // count the same fault twice against the pair.
      label: 'transposed with forename (counted there)',
      neutral: true,
      test: transposed,
    },
    { label: 'else', test: always },
  ],
};

export const dateOfBirthComparison: Comparison = {
  field: 'dateOfBirth',
  kernel: { kind: 'dateOfBirth' },
  levels: [
    missing('dob'),
    {
      label: 'exact',
      test: (a, b) =>
        a.dob?.year === b.dob?.year && a.dob?.month === b.dob?.month && a.dob?.day === b.dob?.day,
    },
    {
      // A date written day-first in one system and month-first in another.
      label: 'day and month swapped',
      test: (a, b) =>
        a.dob?.year === b.dob?.year && a.dob?.month === b.dob?.day && a.dob?.day === b.dob?.month,
    },
    {
      label: 'one component different',
      test: (a, b) =>
        Number(a.dob?.year === b.dob?.year) +
          Number(a.dob?.month === b.dob?.month) +
          Number(a.dob?.day === b.dob?.day) ===
        2,
    },
    { label: 'else', test: always },
  ],
};

export const sexComparison: Comparison = {
  field: 'sex',
  kernel: { kind: 'sex' },
  levels: [
    missing('sex'),
    { label: 'exact', test: (a, b) => a.sex === b.sex },
    { label: 'else', test: always },
  ],
};

export const postcodeComparison: Comparison = {
  field: 'postcode',
  kernel: { kind: 'postcode' },
  levels: [
    missing('postcode'),
    { label: 'full', test: (a, b) => a.postcode === b.postcode },
    { label: 'district', test: (a, b) => a.district !== undefined && a.district === b.district },
    { label: 'else', test: always },
  ],
};

/**
 * The words of two addresses are alike: Jaro–Winkler over the whole word string (a typing error), or at least half
 * the words of the shorter address found in the other (a town added or left out, "Street" against "St").
 */
const ADDRESS_SIMILARITY = 0.88;
function addressWordsAlike(a: PreparedRecord, b: PreparedRecord): boolean {
  if (a.address === undefined || b.address === undefined) return false;
  if (a.address.words === b.address.words) return true;
  if (jaroWinkler(a.address.words, b.address.words) >= ADDRESS_SIMILARITY) return true;
  const [fewer, more] =
    a.address.wordSet.size <= b.address.wordSet.size
      ? [a.address.wordSet, b.address.wordSet]
      : [b.address.wordSet, a.address.wordSet];
  if (fewer.size === 0) return false;
  let shared = 0;
  for (const word of fewer) if (more.has(word)) shared++;
  return 2 * shared >= fewer.size;
}

export const addressComparison: Comparison = {
  field: 'address',
  kernel: { kind: 'address' },
  levels: [
    missing('address'),
    {
      label: 'exact',
      test: (a, b) => a.address?.numbers === b.address?.numbers && a.address?.words === b.address?.words,
    },
    {
      label: 'same numbers, words alike',
      test: (a, b) => a.address?.numbers === b.address?.numbers && addressWordsAlike(a, b),
    },
    // A mistyped house number, or another flat in the same building: the weight EM gives it tells which is commoner.
    { label: 'words alike, numbers differ', test: addressWordsAlike },
    {
      label: 'same house number only',
      test: (a, b) => a.address?.numbers !== '' && a.address?.numbers === b.address?.numbers,
    },
    { label: 'else', test: always },
  ],
};

export const emailComparison: Comparison = {
  field: 'email',
  kernel: { kind: 'email' },
  levels: [
    missing('email'),
    { label: 'exact', test: (a, b) => a.email === b.email },
    { label: 'jaro-winkler ≥ 0.88', test: (a, b) => jw(a.email, b.email) >= 0.88 },
    { label: 'else', test: always },
  ],
};

export const otherIdentifierComparison: Comparison = {
  field: 'otherIdentifier',
  kernel: { kind: 'otherIdentifier' },
  levels: [
    missing('otherIdentifier'),
    { label: 'exact', test: (a, b) => a.otherIdentifier === b.otherIdentifier },
    {
      label: 'one keying error',
      test: (a, b) =>
        a.otherIdentifier !== undefined &&
        b.otherIdentifier !== undefined &&
        withinOneEdit(a.otherIdentifier, b.otherIdentifier),
    },
    { label: 'else', test: always },
  ],
};

/** Only valid numbers reach a PreparedRecord, so "equal" here means equal and valid. */
export const nhsNumberComparison: Comparison = {
  field: 'nhsNumber',
  kernel: { kind: 'nhsNumber' },
  levels: [
    missing('nhsNumber'),
    { label: 'equal and valid', identifies: true, test: (a, b) => a.nhsNumber === b.nhsNumber },
    { label: 'different', preventsAutoLink: true, test: always },
  ],
};

/** The production comparison set, in the order the evidence is shown to a reviewer. */
export function defaultComparisons(nicknames: NicknameIndex = compileNicknames()): readonly Comparison[] {
  return [
    nhsNumberComparison,
    forenameComparison(nicknames),
    surnameComparison,
    dateOfBirthComparison,
    sexComparison,
    postcodeComparison,
    addressComparison,
    emailComparison,
    otherIdentifierComparison,
  ];
}

/** The level index of each comparison for one pair: the comparison vector. */
export function compareRecords(
  comparisons: readonly Comparison[],
  a: PreparedRecord,
  b: PreparedRecord,
): Uint8Array {
  const vector = new Uint8Array(comparisons.length);
  comparisons.forEach((comparison, c) => {
    const level = comparison.levels.findIndex((l) => l.test(a, b));
    // The last level of every comparison always matches; -1 would be a bug in the level list.
    if (level < 0) throw new Error(`comparison ${comparison.field} has no level for a pair`);
    vector[c] = level;
  });
  return vector;
}
