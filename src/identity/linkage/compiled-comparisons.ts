/**
 * @module identity/linkage/compiled-comparisons
 * The comparison levels of `comparisons.ts` compiled into one function per field over a record table
 * (`record-table.ts`), for the tens of millions of pairs a large run compares. The data definitions test level after
 * level, and several levels of a field ask the same question again (Jaro–Winkler ≥ 0.92, then ≥ 0.88, on the same
 * two names); the compiled form computes each similarity once, compares equal values as equal numbers, and walks the
 * same levels in the same order. The data remain the definition: a comparison is compiled only when it names a
 * kernel, and `compiled-comparisons.test.ts` checks on many random pairs that every kernel gives the level the data
 * give.
 *
 * A comparison without a kernel (a caller's own) is run from its data on the prepared records, so any comparison set
 * works here; only a fully compiled set can run in a worker thread, which has the table but not the records.
 */
import type { Comparison, ComparisonKernel } from './comparisons.js';
import { withinOneEdit } from './edit-distance.js';
import { jaroWinklerFrom } from './jaro-winkler.js';
import { compileNicknames, type NicknameIndex } from './nicknames.js';
import type { PreparedRecord } from './record.js';
import { COLUMN, LETTER_COLUMNS, type RecordTable, ROW_WIDTH, WORD_SLOTS } from './record-table.js';
import { forEachChunk } from './work-share.js';

// The thresholds of the levels in `comparisons.ts` (the equivalence test pins them to the data).
const CLOSE = 0.92;
const SIMILAR = 0.88;

/**
 * What the field functions read: the table's rows and dictionaries, and the forename kernel's nickname index. One
 * object of one shape, passed to plain module-level functions, so every call site in the loop below sees one target
 * and V8 can inline it (a closure per field would make the loop's call site megamorphic, which costs more than the
 * comparisons themselves).
 */
interface Context {
  readonly rows: Int32Array;
  readonly names: readonly string[];
  readonly dictionaries: RecordTable['dictionaries'];
  readonly nicknames: NicknameIndex;
  /** Per name number: 1 when the name is in some nickname group. */
  readonly hasNicknames: Uint8Array;
  /** Per pair: whether the names are transposed (−1 not yet asked), shared by forename and surname. */
  transposed: number;
}

/** Missing (0), equal (1) or different (2) for one column. */
function columnLevel(t: Context, x: number, y: number, column: number): number {
  const a = t.rows[x + column] ?? -1;
  const b = t.rows[y + column] ?? -1;
  return a < 0 || b < 0 ? 0 : a === b ? 1 : 2;
}

function similarity(values: readonly string[], a: number, b: number): number {
  return jaroWinklerFrom(values[a] ?? '', values[b] ?? '', SIMILAR);
}

/** Each record's forename close to the other's surname and the other way round (`comparisons.ts`'s transposed). */
function transposed(t: Context, x: number, y: number): boolean {
  if (t.transposed < 0) {
    const af = t.rows[x + COLUMN.forename] ?? -1;
    const as = t.rows[x + COLUMN.surname] ?? -1;
    const bf = t.rows[y + COLUMN.forename] ?? -1;
    const bs = t.rows[y + COLUMN.surname] ?? -1;
    t.transposed =
      af >= 0 &&
      as >= 0 &&
      bf >= 0 &&
      bs >= 0 &&
      similarity(t.names, af, bs) >= SIMILAR &&
      similarity(t.names, as, bf) >= SIMILAR
        ? 1
        : 0;
  }
  return t.transposed === 1;
}

function forenameLevel(t: Context, x: number, y: number): number {
  const a = t.rows[x + COLUMN.forename] ?? -1;
  const b = t.rows[y + COLUMN.forename] ?? -1;
  if (a < 0 || b < 0) return 0;
  if (a === b) return 1;
  if (
    t.hasNicknames[a] === 1 &&
    t.hasNicknames[b] === 1 &&
    t.nicknames.areNicknames(t.names[a] ?? '', t.names[b] ?? '')
  )
    return 2;
  const s = similarity(t.names, a, b);
  if (s >= CLOSE) return 3;
  if (s >= SIMILAR) return 4;
  if (t.rows[x + COLUMN.forenameCode] === t.rows[y + COLUMN.forenameCode]) return 5;
  return transposed(t, x, y) ? 6 : 7;
}

function surnameLevel(t: Context, x: number, y: number): number {
  const a = t.rows[x + COLUMN.surname] ?? -1;
  const b = t.rows[y + COLUMN.surname] ?? -1;
  if (a < 0 || b < 0) return 0;
  if (a === b) return 1;
  const s = similarity(t.names, a, b);
  if (s >= CLOSE) return 2;
  if (s >= SIMILAR) return 3;
  if (t.rows[x + COLUMN.surnameCode] === t.rows[y + COLUMN.surnameCode]) return 4;
  return transposed(t, x, y) ? 5 : 6;
}

function dateOfBirthLevel(t: Context, x: number, y: number): number {
  const a = t.rows[x + COLUMN.dob] ?? -1;
  const b = t.rows[y + COLUMN.dob] ?? -1;
  if (a < 0 || b < 0) return 0;
  if (a === b) return 1;
  // Packed as year × 10,000 + month × 100 + day (`record-table.ts`).
  const year = Math.floor(a / 10_000) === Math.floor(b / 10_000);
  const am = Math.floor(a / 100) % 100;
  const bm = Math.floor(b / 100) % 100;
  const ad = a % 100;
  const bd = b % 100;
  if (year && am === bd && ad === bm) return 2;
  return Number(year) + Number(am === bm) + Number(ad === bd) === 2 ? 3 : 4;
}

function postcodeLevel(t: Context, x: number, y: number): number {
  const level = columnLevel(t, x, y, COLUMN.postcode);
  if (level < 2) return level;
  const a = t.rows[x + COLUMN.district] ?? -1;
  return a >= 0 && a === t.rows[y + COLUMN.district] ? 2 : 3;
}

/** How many words rows x and y's addresses share (each list ascending, so one merge pass). */
function sharedWords(t: Context, x: number, y: number, a: number, b: number): number {
  const na = t.rows[x + COLUMN.wordCount] ?? 0;
  const nb = t.rows[y + COLUMN.wordCount] ?? 0;
  let shared = 0;
  if (na <= WORD_SLOTS && nb <= WORD_SLOTS) {
    for (let i = 0, j = 0; i < na && j < nb;) {
      const u = t.rows[x + COLUMN.words + i] ?? 0;
      const v = t.rows[y + COLUMN.words + j] ?? 0;
      if (u === v) shared++;
      if (u <= v) i++;
      if (v <= u) j++;
    }
    return shared;
  }
  const { wordStart, wordIds } = t.dictionaries;
  const pEnd = wordStart[a + 1] ?? 0;
  const qEnd = wordStart[b + 1] ?? 0;
  for (let i = wordStart[a] ?? 0, j = wordStart[b] ?? 0; i < pEnd && j < qEnd;) {
    const u = wordIds[i] ?? 0;
    const v = wordIds[j] ?? 0;
    if (u === v) shared++;
    if (u <= v) i++;
    if (v <= u) j++;
  }
  return shared;
}

/**
 * An upper bound on the Jaro–Winkler similarity of rows x and y's address words from the row alone (as
 * `jaroWinklerBound` computes it from the text): matching characters are at most those the two have in common,
 * counted from the letter counts, where a saturated count (3 or more) is taken as the whole length. 1 when the
 * text is beyond ASCII (no bound).
 */
function addressWordsBound(t: Context, x: number, y: number): number {
  const la = t.rows[x + COLUMN.wordsLength] ?? 0;
  const lb = t.rows[y + COLUMN.wordsLength] ?? 0;
  const pa = t.rows[x + COLUMN.wordsPrefix] ?? -1;
  const pb = t.rows[y + COLUMN.wordsPrefix] ?? -1;
  if (la === 0 || lb === 0 || pa < 0 || pb < 0) return 1;
  const shorter = Math.min(la, lb);
  let common = 0;
  for (let column = 0; column < LETTER_COLUMNS; column++) {
    const ca = t.rows[x + COLUMN.wordsLetters + column] ?? 0;
    const cb = t.rows[y + COLUMN.wordsLetters + column] ?? 0;
    for (let shift = 0; shift < 32; shift += 2) {
      const na = (ca >>> shift) & 3;
      const nb = (cb >>> shift) & 3;
      common += Math.min(na === 3 ? shorter : na, nb === 3 ? shorter : nb);
    }
  }
  const matches = Math.min(common, shorter);
  if (matches === 0) return 0;
  const jaroBound = (matches / la + matches / lb + 1) / 3;
  let prefix = 0;
  while (
    prefix < 4 &&
    prefix < shorter &&
    ((pa >>> (24 - 8 * prefix)) & 255) === ((pb >>> (24 - 8 * prefix)) & 255)
  )
    prefix++;
  return jaroBound + prefix * 0.1 * (1 - jaroBound);
}

/**
 * `comparisons.ts`'s address-words test. Its parts are alternatives, so the cheap ones go first — same words, half
 * the shorter address's words in the other — and Jaro–Winkler, the dear one, runs only when the bound allows.
 */
function addressWordsAlike(t: Context, x: number, y: number): boolean {
  const a = t.rows[x + COLUMN.addressWords] ?? -1;
  const b = t.rows[y + COLUMN.addressWords] ?? -1;
  if (a === b) return true;
  const fewer = Math.min(t.rows[x + COLUMN.wordCount] ?? 0, t.rows[y + COLUMN.wordCount] ?? 0);
  if (fewer > 0 && 2 * sharedWords(t, x, y, a, b) >= fewer) return true;
  if (addressWordsBound(t, x, y) < SIMILAR - 1e-9) return false;
  return similarity(t.dictionaries.addressWords, a, b) >= SIMILAR;
}

function addressLevel(t: Context, x: number, y: number): number {
  const an = t.rows[x + COLUMN.addressNumbers] ?? -1;
  const bn = t.rows[y + COLUMN.addressNumbers] ?? -1;
  if (an < 0 || bn < 0) return 0;
  const numbers = an === bn;
  if (numbers && t.rows[x + COLUMN.addressWords] === t.rows[y + COLUMN.addressWords]) return 1;
  const alike = addressWordsAlike(t, x, y);
  if (numbers && alike) return 2;
  if (alike) return 3;
  return numbers && t.dictionaries.addressNumbers[an] !== '' ? 4 : 5;
}

function emailLevel(t: Context, x: number, y: number): number {
  const level = columnLevel(t, x, y, COLUMN.email);
  if (level < 2) return level;
  const close = similarity(
    t.dictionaries.emails,
    t.rows[x + COLUMN.email] ?? 0,
    t.rows[y + COLUMN.email] ?? 0,
  );
  return close >= SIMILAR ? 2 : 3;
}

function otherIdentifierLevel(t: Context, x: number, y: number): number {
  const level = columnLevel(t, x, y, COLUMN.otherIdentifier);
  if (level < 2) return level;
  const values = t.dictionaries.otherIdentifiers;
  const a = values[t.rows[x + COLUMN.otherIdentifier] ?? 0] ?? '';
  const b = values[t.rows[y + COLUMN.otherIdentifier] ?? 0] ?? '';
  return withinOneEdit(a, b) ? 2 : 3;
}

/** Kernel numbers for the dispatch in the comparer; −1 runs the comparison from its data. */
const KERNEL_NUMBER: Record<ComparisonKernel['kind'], number> = {
  nhsNumber: 0,
  forename: 1,
  surname: 2,
  dateOfBirth: 3,
  sex: 4,
  postcode: 5,
  address: 6,
  email: 7,
  otherIdentifier: 8,
};

function fieldLevel(t: Context, kernel: number, x: number, y: number): number {
  switch (kernel) {
    case 0:
      return columnLevel(t, x, y, COLUMN.nhsNumber);
    case 1:
      return forenameLevel(t, x, y);
    case 2:
      return surnameLevel(t, x, y);
    case 3:
      return dateOfBirthLevel(t, x, y);
    case 4:
      return columnLevel(t, x, y, COLUMN.sex);
    case 5:
      return postcodeLevel(t, x, y);
    case 6:
      return addressLevel(t, x, y);
    case 7:
      return emailLevel(t, x, y);
    default:
      return otherIdentifierLevel(t, x, y);
  }
}

type Interpreted = (x: number, y: number) => number;

/** A comparison run from its data on the prepared records: the first level whose test the pair meets. */
function interpreted(comparison: Comparison, records: readonly PreparedRecord[] | undefined): Interpreted {
  if (records === undefined)
    throw new Error(`comparison ${comparison.field} has no kernel and no records to run on`);
  const { levels } = comparison;
  return (x, y) => {
    const a = records[x / ROW_WIDTH];
    const b = records[y / ROW_WIDTH];
    if (a === undefined || b === undefined) throw new Error('row outside the records');
    for (let l = 0; l < levels.length; l++) if (levels[l]?.test(a, b) === true) return l;
    // The last level of every comparison always matches; falling through would be a bug in the level list.
    throw new Error(`comparison ${comparison.field} has no level for a pair`);
  };
}

/** Writes the comparison vector of table rows i and j into `out` at `offset` (one byte per comparison). */
export type PairComparer = (i: number, j: number, out: Uint8Array, offset: number) => void;

export interface CompileOptions {
  /** The records the table was built from, in row order: needed by comparisons without a kernel. */
  readonly records?: readonly PreparedRecord[];
  /** false: run every comparison from its data (the reference the kernels are tested against). */
  readonly useKernels?: boolean;
}

export function compileComparisons(
  comparisons: readonly Comparison[],
  table: RecordTable,
  options: CompileOptions = {},
): PairComparer {
  const useKernels = options.useKernels ?? true;
  // The context holds one nickname index: a second forename comparison (with other groups) runs from its data.
  const forename = comparisons.find((comparison) => comparison.kernel?.kind === 'forename');
  const kernels = Int32Array.from(comparisons, (comparison) =>
    useKernels &&
    comparison.kernel !== undefined &&
    (comparison.kernel.kind !== 'forename' || comparison === forename)
      ? KERNEL_NUMBER[comparison.kernel.kind]
      : -1,
  );
  const fromData = comparisons.map((comparison, c) =>
    kernels[c] === -1 ? interpreted(comparison, options.records) : undefined,
  );
  // The forename kernel carries its nickname groups; a set without one never asks about nicknames.
  const groups = forename?.kernel?.kind === 'forename' ? forename.kernel.nicknames : [];
  const inGroup = new Set(groups.flat());
  const context: Context = {
    rows: table.rows,
    names: table.dictionaries.names,
    dictionaries: table.dictionaries,
    nicknames: compileNicknames(groups),
    hasNicknames: Uint8Array.from(table.dictionaries.names, (name) => (inGroup.has(name) ? 1 : 0)),
    transposed: -1,
  };
  const count = kernels.length;
  return (i, j, out, offset) => {
    context.transposed = -1;
    const x = i * ROW_WIDTH;
    const y = j * ROW_WIDTH;
    for (let c = 0; c < count; c++) {
      const kernel = kernels[c] ?? -1;
      out[offset + c] = kernel >= 0 ? fieldLevel(context, kernel, x, y) : (fromData[c] as Interpreted)(x, y);
    }
  };
}

/**
 * Which pairs a thread compares: a fixed range from … to − 1, or chunks of 0 … count − 1 taken from a counter shared
 * with the other threads of the run (`work-share.ts`).
 */
export type PairShare =
  | { readonly from: number; readonly to: number }
  | { readonly counter: Int32Array; readonly count: number; readonly chunk?: number };

/**
 * Writes the comparison vectors of a share of the pairs — rows pairsLeft[k] and rightBase + pairsRight[k], the right
 * list's rows starting at `rightBase` (0 when deduplicating one list) — into `vectors` at k × comparisons. Threads
 * sharing one run each write their own pairs of one shared array.
 */
export function compareInto(
  comparisons: readonly Comparison[],
  table: RecordTable,
  pairs: { readonly pairsLeft: Int32Array; readonly pairsRight: Int32Array; readonly rightBase: number },
  share: PairShare,
  vectors: Uint8Array,
  options: CompileOptions = {},
): void {
  const compare = compileComparisons(comparisons, table, options);
  const width = comparisons.length;
  const { pairsLeft, pairsRight, rightBase } = pairs;
  const compareRange = ({ from, to }: { readonly from: number; readonly to: number }) => {
    for (let k = from; k < to; k++) {
      compare(pairsLeft[k] ?? 0, rightBase + (pairsRight[k] ?? 0), vectors, k * width);
    }
  };
  if ('counter' in share) forEachChunk(share.counter, share.count, compareRange, share.chunk);
  else compareRange(share);
}

/** The comparison vectors of all the pairs, one after another (`compareInto` over every pair). */
export function compareCandidates(
  comparisons: readonly Comparison[],
  table: RecordTable,
  pairsLeft: Int32Array,
  pairsRight: Int32Array,
  rightBase: number,
  options: CompileOptions = {},
): Uint8Array {
  const vectors = new Uint8Array(pairsLeft.length * comparisons.length);
  const range = { from: 0, to: pairsLeft.length };
  compareInto(comparisons, table, { pairsLeft, pairsRight, rightBase }, range, vectors, options);
  return vectors;
}
