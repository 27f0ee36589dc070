/**
 * @module identity/linkage/record-table
 * Prepared records packed for comparing tens of millions of pairs: each distinct value of a field is numbered once
 * (a dictionary per kind of value), and each record is a row of those numbers in one Int32Array. Comparing two
 * records then reads two short rows — one or two cache lines — instead of chasing a dozen objects and strings spread
 * over the heap, which at a million records is what a comparison's time goes on; equal values are equal numbers, and
 * only values that differ are looked up as text (Jaro–Winkler on two names), in dictionaries small enough to stay in
 * cache. The rows live in a SharedArrayBuffer, so worker threads read the same table without a copy.
 */
import { isValidNhsNumber } from '../nhs-number.js';
import type { PreparedRecord } from './record.js';

/** Column of each field in a row; −1 in a column means the value is missing. */
export const COLUMN = {
  forename: 0,
  surname: 1,
  forenameCode: 2,
  surnameCode: 3,
  /** year × 10,000 + month × 100 + day */
  dob: 4,
  /** 1 female, 2 male, 3 other */
  sex: 5,
  postcode: 6,
  district: 7,
  nhsNumber: 8,
  /** The address's numbers; −1 when there is no address. */
  addressNumbers: 9,
  addressWords: 10,
  email: 11,
  otherIdentifier: 12,
  /**
   * The address words' distinct words: how many, and the first WORD_SLOTS of their numbers, ascending — in the row,
   * so the shared-words test reads no other memory (beyond WORD_SLOTS words, the dictionary's list is read).
   */
  wordCount: 13,
  words: 14,
  /** The words' length, first four characters (8 bits each; −1 beyond ASCII) and letter counts (`letterCounts`). */
  wordsLength: 14 + 6,
  wordsPrefix: 15 + 6,
  wordsLetters: 16 + 6,
  /** The number of the address's first word (the blocking rule on house number and street); −1 when none. */
  firstWord: 16 + 6 + 2,
} as const;
export const WORD_SLOTS = 6;
/** Columns of `wordsLetters`: 27 symbols (A–Z, then everything else) at 2 bits each, 16 to a column. */
export const LETTER_COLUMNS = 2;
export const ROW_WIDTH = 16 + 6 + LETTER_COLUMNS + 1;

/** The values behind the numbers. Forenames and surnames share one dictionary, so the two can be compared. */
export interface Dictionaries {
  readonly names: readonly string[];
  readonly codes: readonly string[];
  readonly postcodes: readonly string[];
  readonly addressNumbers: readonly string[];
  readonly addressWords: readonly string[];
  /**
   * For each address-words entry a, the numbers of its distinct words, ascending: wordIds[wordStart[a] …
   * wordStart[a + 1] − 1]. Two flat arrays rather than an array per entry, which a worker would copy one by one.
   */
  readonly wordStart: Int32Array;
  readonly wordIds: Int32Array;
  readonly emails: readonly string[];
  readonly otherIdentifiers: readonly string[];
  /** How many distinct words the addresses have (the numbers in `wordIds` and `firstWord` are below it). */
  readonly wordCount: number;
}

export interface RecordTable {
  readonly rows: Int32Array;
  readonly count: number;
  readonly dictionaries: Dictionaries;
}

class Numbering {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(value: string | undefined): number {
    if (value === undefined) return -1;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }
}

const SEX = { female: 1, male: 2, other: 3 } as const;

/**
 * One table for one or two lists of records (the second's rows follow the first's, so left and right share the
 * dictionaries and equal values get equal numbers across the two lists).
 */
export function buildRecordTable(...lists: readonly (readonly PreparedRecord[])[]): RecordTable {
  const count = lists.reduce((sum, list) => sum + list.length, 0);
  const rows = new Int32Array(new SharedArrayBuffer(count * ROW_WIDTH * Int32Array.BYTES_PER_ELEMENT));
  const names = new Numbering();
  const codes = new Numbering();
  const postcodes = new Numbering();
  const otherNhsNumbers = new Numbering();
  // A valid NHS number is fixed by its first nine digits (the tenth is their check digit), so they are its number in
  // the row, with no dictionary: at a million records that dictionary would be the largest lookup of all. Anything
  // else in the field (a caller's own record) is numbered from 10⁹ up.
  const nhsId = (value: string | undefined): number =>
    value === undefined
      ? -1
      : isValidNhsNumber(value)
        ? Number(value.slice(0, 9))
        : 1e9 + otherNhsNumbers.id(value);
  const addressNumbers = new Numbering();
  const addressWords = new Numbering();
  const words = new Numbering();
  // Per address-words entry, its words' numbers, flattened at the end. Plain arrays, not a typed array each: a
  // million small typed arrays would each be an allocation outside the heap, which sets off full collections.
  const wordLists: number[][] = [];
  const emails = new Numbering();
  const otherIdentifiers = new Numbering();
  let row = 0;
  for (const list of lists) {
    for (const r of list) {
      const at = row * ROW_WIDTH;
      rows[at + COLUMN.forename] = names.id(r.forename);
      rows[at + COLUMN.surname] = names.id(r.surname);
      rows[at + COLUMN.forenameCode] = codes.id(r.forenameCode);
      rows[at + COLUMN.surnameCode] = codes.id(r.surnameCode);
      rows[at + COLUMN.dob] = r.dob === undefined ? -1 : r.dob.year * 10_000 + r.dob.month * 100 + r.dob.day;
      rows[at + COLUMN.sex] = r.sex === undefined ? -1 : SEX[r.sex];
      rows[at + COLUMN.postcode] = postcodes.id(r.postcode);
      rows[at + COLUMN.district] = postcodes.id(r.district);
      rows[at + COLUMN.nhsNumber] = nhsId(r.nhsNumber);
      rows[at + COLUMN.addressNumbers] = addressNumbers.id(r.address?.numbers);
      const wordsId = addressWords.id(r.address?.words);
      rows[at + COLUMN.addressWords] = wordsId;
      if (r.address !== undefined && wordsId === wordLists.length) {
        wordLists.push(Array.from(r.address.wordSet, (word) => words.id(word)).sort((x, y) => x - y));
      }
      const list = wordLists[wordsId];
      rows[at + COLUMN.firstWord] = -1;
      if (r.address !== undefined && list !== undefined) {
        const text = r.address.words;
        rows[at + COLUMN.wordCount] = list.length;
        for (let w = 0; w < WORD_SLOTS; w++) rows[at + COLUMN.words + w] = list[w] ?? -1;
        rows[at + COLUMN.wordsLength] = text.length;
        rows[at + COLUMN.wordsPrefix] = packedPrefix(text);
        const space = text.indexOf(' ');
        const first = space < 0 ? text : text.slice(0, space);
        rows[at + COLUMN.firstWord] = first === '' ? -1 : words.id(first);
        writeLetterCounts(text, rows, at + COLUMN.wordsLetters);
      }
      rows[at + COLUMN.email] = emails.id(r.email);
      rows[at + COLUMN.otherIdentifier] = otherIdentifiers.id(r.otherIdentifier);
      row++;
    }
  }
  return {
    rows,
    count,
    dictionaries: {
      names: names.values,
      codes: codes.values,
      postcodes: postcodes.values,
      addressNumbers: addressNumbers.values,
      addressWords: addressWords.values,
      ...flatten(wordLists),
      emails: emails.values,
      otherIdentifiers: otherIdentifiers.values,
      wordCount: words.values.length,
    },
  };
}

function flatten(lists: readonly (readonly number[])[]): { wordStart: Int32Array; wordIds: Int32Array } {
  const wordStart = new Int32Array(lists.length + 1);
  lists.forEach((list, a) => {
    wordStart[a + 1] = (wordStart[a] ?? 0) + list.length;
  });
  const wordIds = new Int32Array(wordStart[lists.length] ?? 0);
  lists.forEach((list, a) => {
    wordIds.set(list, wordStart[a] ?? 0);
  });
  return { wordStart, wordIds };
}

/** The first four UTF-16 units of a text, 8 bits each, for the common-prefix count; −1 if any is beyond ASCII. */
export function packedPrefix(text: string): number {
  let packed = 0;
  for (let i = 0; i < 4; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0;
    if (code >= 128) return -1;
    packed = (packed << 8) | code;
  }
  return packed;
}

/**
 * How often each letter occurs in a text (symbol 26 counts everything else), 2 bits per symbol and saturating at 3,
 * which stands for "3 or more": enough for an upper bound on the characters two texts have in common. Written into
 * LETTER_COLUMNS columns of `rows` from `at`.
 */
export function writeLetterCounts(text: string, rows: Int32Array, at: number): void {
  for (let l = 0; l < LETTER_COLUMNS; l++) rows[at + l] = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const symbol = code >= 65 && code <= 90 ? code - 65 : 26;
    const column = at + (symbol >> 4);
    const shift = (symbol & 15) * 2;
    const current = ((rows[column] ?? 0) >>> shift) & 3;
    if (current < 3) rows[column] = (rows[column] ?? 0) + (1 << shift);
  }
}
