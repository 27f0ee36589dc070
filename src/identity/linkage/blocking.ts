/**
 * @module identity/linkage/blocking
 * Blocking: only pairs that agree on at least one blocking key are compared, so linkage never forms the full cross
 * product (n² pairs). Each rule is data — a name and a key function; a record with no key for a rule (a missing
 * field) is simply not blocked by it. Candidate pairs are the union over the rules, each pair once. The rules are
 * chosen so a true pair with errors in some fields still shares a key on others: a typo in the surname leaves the
 * date of birth; a wrong date leaves surname sound + year or postcode + initial.
 */
import type { PreparedRecord } from './record.js';
import { COLUMN, type RecordTable, ROW_WIDTH } from './record-table.js';

export interface BlockingRule {
  readonly name: string;
  readonly key: (record: PreparedRecord) => string | undefined;
  /**
   * The same key as a number from a record's row in the record table (−1 for no key): a fast path for a large run,
   * where making and hashing millions of key strings is most of blocking's time. It must put records in the same
   * blocks as `key` (tested for the default rules); `key` remains the definition, and a rule without one is blocked
   * by `key`.
   */
  readonly tableKey?: (table: RecordTable, row: number) => number;
}

const dobKey = (r: PreparedRecord) =>
  r.dob === undefined ? undefined : `${r.dob.year}-${r.dob.month}-${r.dob.day}`;

/** The value of one column of a row (−1 when missing). */
const cell = (table: RecordTable, row: number, column: number) => table.rows[row * ROW_WIDTH + column] ?? -1;
/** Two non-negative numbers below `size` as one number, or −1 when either is missing. */
const both = (a: number, b: number, size: number) => (a < 0 || b < 0 ? -1 : a * size + b);

export const DEFAULT_BLOCKING_RULES: readonly BlockingRule[] = [
  {
    name: 'same NHS number',
    key: (r) => r.nhsNumber,
    tableKey: (t, row) => cell(t, row, COLUMN.nhsNumber),
  },
  { name: 'same date of birth', key: dobKey, tableKey: (t, row) => cell(t, row, COLUMN.dob) },
  {
    name: 'same surname sound and birth year',
    key: (r) =>
      r.surnameCode === undefined || r.dob === undefined ? undefined : `${r.surnameCode}|${r.dob.year}`,
    tableKey: (t, row) => {
      const dob = cell(t, row, COLUMN.dob);
      return both(cell(t, row, COLUMN.surnameCode), dob < 0 ? -1 : Math.floor(dob / 10_000), 10_000);
    },
  },
  {
    name: 'same postcode and forename initial',
    key: (r) =>
      r.postcode === undefined || r.forename === undefined ? undefined : `${r.postcode}|${r.forename[0]}`,
    tableKey: (t, row) => {
      const forename = cell(t, row, COLUMN.forename);
      const initial = forename < 0 ? -1 : (t.dictionaries.names[forename] ?? '').charCodeAt(0);
      return both(cell(t, row, COLUMN.postcode), initial, 65_536);
    },
  },
  {
    // A pair whose names, date of birth and postcode are all damaged can still share the street address. The first
    // word of the street, not all of it, because a street name is where typing errors and run-together words go.
    name: 'same house number and first address word',
    key: (r) => {
      if (r.address === undefined || r.address.numbers === '') return undefined;
      const { words } = r.address;
      const space = words.indexOf(' ');
      const first = space < 0 ? words : words.slice(0, space);
      return first === '' ? undefined : `${r.address.numbers}|${first}`;
    },
    tableKey: (t, row) => {
      const numbers = cell(t, row, COLUMN.addressNumbers);
      const none = numbers < 0 || t.dictionaries.addressNumbers[numbers] === '';
      return none ? -1 : both(numbers, cell(t, row, COLUMN.firstWord), t.dictionaries.wordCount);
    },
  },
  {
    name: 'same other identifier',
    key: (r) => r.otherIdentifier,
    tableKey: (t, row) => cell(t, row, COLUMN.otherIdentifier),
  },
  { name: 'same email', key: (r) => r.email, tableKey: (t, row) => cell(t, row, COLUMN.email) },
  {
    // Catches a pair whose date of birth and postcode both differ (a move and a mistyped date). The two codes are
    // put in order so a forename and surname written the wrong way round still share the key.
    name: 'same forename and surname sounds, in either order',
    key: (r) =>
      r.forenameCode === undefined || r.surnameCode === undefined
        ? undefined
        : r.forenameCode <= r.surnameCode
          ? `${r.forenameCode}|${r.surnameCode}`
          : `${r.surnameCode}|${r.forenameCode}`,
    tableKey: (t, row) => {
      const a = cell(t, row, COLUMN.forenameCode);
      const b = cell(t, row, COLUMN.surnameCode);
      return both(Math.min(a, b), Math.max(a, b), t.dictionaries.codes.length);
    },
  },
];

/** A candidate pair: indices into left and right (for deduplication, into one list, with left < right). */
export type CandidatePair = readonly [number, number];

/**
 * Candidate pairs as two parallel index columns: pair k is (left[k], right[k]). Typed arrays rather than an array of
 * tuples: a million records give tens of millions of pairs, and a tuple costs about ten times the memory.
 */
export interface CandidatePairs {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly count: number;
}

/** A rule's keys left out because too many records shared them. */
export interface SkippedKeys {
  readonly rule: string;
  readonly keys: number;
  /** The pairs those keys would have added under this rule (before removing pairs other rules also find). */
  readonly pairs: number;
}

export interface BlockingOptions {
  /**
   * A key shared by more records than this (both lists together when linking two) is skipped for its rule. A huge
   * block is a common value — a birth date shared by a town's worth of records, "1 HIGH" — that says little about
   * identity and would add pairs by the square of its size; the other rules still bring the true pairs among it
   * together.
   */
  readonly maxBlockSize?: number;
  /**
   * The records' table (left's rows, then right's from `rightBase`): rules with a `tableKey` are then blocked by
   * number rather than by key text.
   */
  readonly table?: RecordTable;
  readonly rightBase?: number;
}

/**
 * Never binds on a few thousand records (FEBRL4's largest block is 11 records). On a million synthetic records
 * (`bench/linkage-scale.ts`) it skips about 1,250 keys — common surnames in a birth year, common name pairs, "12 HIGH" —
 * which takes the candidate pairs from 49 to 30 million and loses 19 of 391,000 true pairs.
 */
export const DEFAULT_MAX_BLOCK_SIZE = 100;

export interface Blocking {
  readonly pairs: CandidatePairs;
  readonly skipped: readonly SkippedKeys[];
}

/**
 * Numbers for whole-number keys (below 2⁵³), in an open-addressing hash table of typed arrays, one for all the rules.
 * At a million records the heap holds millions of objects, so a full collection takes a second or two, and V8 starts
 * one whenever tens of megabytes of typed arrays have been allocated since the last: large arrays are allocated
 * once and reused.
 */
class NumberIds {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  size = 0;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** Empties the table for the next rule, keeping its memory (allocating it again would set off a collection). */
  clear(): void {
    this.values.fill(-1);
    this.size = 0;
  }

  /** The key's number; a new key gets the next one when `register`, else −1. */
  id(key: number, register: boolean): number {
    const low = key % 4_294_967_296;
    const high = Math.floor(key / 4_294_967_296);
    let slot = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) & this.mask;
    for (;;) {
      const value = this.values[slot] ?? -1;
      if (value < 0) break;
      if (this.keys[slot] === key) return value;
      slot = (slot + 1) & this.mask;
    }
    if (!register) return -1;
    this.keys[slot] = key;
    this.values[slot] = this.size;
    return this.size++;
  }
}

/** One rule's blocks: each record's block number (-1: none or skipped) and the members of each block, in order. */
interface Blocks {
  readonly leftBlock: Int32Array;
  readonly start: Int32Array;
  readonly members: Int32Array;
  /** Deduplicating: where each record sits among its block's members, so only later members are paired with it. */
  readonly position: Int32Array;
  /** The pairs this rule's kept blocks hold: an upper bound on what it adds. */
  readonly pairs: number;
  readonly skipped: SkippedKeys;
}

function buildBlocks(
  rule: BlockingRule,
  left: readonly PreparedRecord[],
  other: readonly PreparedRecord[],
  dedupe: boolean,
  options: BlockingOptions,
  numbers: NumberIds,
): Blocks {
  const maxBlockSize = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const { table, tableKey } = { table: options.table, tableKey: rule.tableKey };
  const texts = new Map<string, number>();
  numbers.clear();
  /** Each record's key as a block number (−1: no key, or a key the other list does not have). */
  const keyIds = (records: readonly PreparedRecord[], firstRow: number, register: boolean): Int32Array => {
    const out = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) {
      if (table !== undefined && tableKey !== undefined) {
        const key = tableKey(table, firstRow + i);
        out[i] = key < 0 ? -1 : numbers.id(key, register);
        continue;
      }
      const key = rule.key(records[i] as PreparedRecord);
      let id = key === undefined ? -1 : (texts.get(key) ?? -1);
      if (id < 0 && key !== undefined && register) {
        id = texts.size;
        texts.set(key, id);
      }
      out[i] = id;
    }
    return out;
  };
  const otherBlock = keyIds(other, dedupe ? 0 : (options.rightBase ?? left.length), true);
  const leftBlock = dedupe ? otherBlock : keyIds(left, 0, false);
  const blocks = texts.size + numbers.size;
  const size = new Int32Array(blocks + 1);
  for (const b of otherBlock) if (b >= 0) size[b] = (size[b] ?? 0) + 1;
  const leftSize = dedupe ? size : new Int32Array(blocks);
  if (!dedupe) for (const b of leftBlock) if (b >= 0) leftSize[b] = (leftSize[b] ?? 0) + 1;
  let skippedKeys = 0;
  let skippedPairs = 0;
  let keptPairs = 0;
  const skip = new Uint8Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const members = size[b] ?? 0;
    const leftMembers = leftSize[b] ?? 0;
    const pairs = dedupe ? (members * (members - 1)) / 2 : members * leftMembers;
    if ((dedupe ? members : members + leftMembers) <= maxBlockSize) {
      keptPairs += pairs;
      continue;
    }
    skip[b] = 1;
    skippedKeys++;
    skippedPairs += pairs;
  }
  // Counting sort of the other list's records by block: each block's members in ascending order.
  const start = new Int32Array(blocks + 1);
  for (let b = 0; b < blocks; b++) start[b + 1] = (start[b] ?? 0) + (skip[b] === 1 ? 0 : (size[b] ?? 0));
  const fill = start.slice(0, blocks);
  const members = new Int32Array(start[blocks] ?? 0);
  const position = new Int32Array(other.length);
  otherBlock.forEach((b, j) => {
    if (b < 0 || skip[b] === 1) return;
    const at = fill[b] ?? 0;
    members[at] = j;
    position[j] = at;
    fill[b] = at + 1;
  });
  // The members are placed; the list's own block numbers now serve as the left side's, skipped blocks taken out.
  const leftOut = leftBlock;
  for (let i = 0; i < leftOut.length; i++) {
    const b = leftOut[i] ?? -1;
    if (b >= 0 && skip[b] === 1) leftOut[i] = -1;
  }
  return {
    leftBlock: leftOut,
    start,
    members,
    position,
    pairs: keptPairs,
    skipped: { rule: rule.name, keys: skippedKeys, pairs: skippedPairs },
  };
}

/**
 * Candidate pairs between two lists, or within one when `right` is omitted (then left index < right index), each
 * pair once. Record by record: every block the record is in under every rule is walked, and a stamp per record of
 * the other list drops a pair a second rule finds again — no set of pairs is kept, so memory is the output's.
 * Pairs come ordered by left index, which keeps the comparison stage's reads of the left record local.
 */
export function blockRecords(
  rules: readonly BlockingRule[],
  left: readonly PreparedRecord[],
  right?: readonly PreparedRecord[],
  options: BlockingOptions = {},
): Blocking {
  const other = right ?? left;
  const dedupe = right === undefined;
  const numbers = new NumberIds(other.length);
  const blocks = rules.map((rule) => buildBlocks(rule, left, other, dedupe, options, numbers));
  const stamp = new Int32Array(other.length).fill(-1);
  // Sized once, for the pairs of all kept blocks (pairs two rules share are counted twice): growing by doubling
  // would allocate large buffers again and again, and at a million records each one sets off a full collection of a
  // heap holding the records.
  // In shared memory, so threads comparing the pairs read them where they are.
  const bound = blocks.reduce((sum, b) => sum + b.pairs, 0);
  const outLeft = new Int32Array(new SharedArrayBuffer(bound * Int32Array.BYTES_PER_ELEMENT));
  const outRight = new Int32Array(new SharedArrayBuffer(bound * Int32Array.BYTES_PER_ELEMENT));
  let count = 0;
  for (let i = 0; i < left.length; i++) {
    for (const { leftBlock, start, members, position } of blocks) {
      const b = leftBlock[i] ?? -1;
      if (b < 0) continue;
      const end = start[b + 1] ?? 0;
      for (let k = dedupe ? (position[i] ?? 0) + 1 : (start[b] ?? 0); k < end; k++) {
        const j = members[k] ?? 0;
        if (stamp[j] === i) continue;
        stamp[j] = i;
        outLeft[count] = i;
        outRight[count] = j;
        count++;
      }
    }
  }
  return {
    pairs: { left: outLeft.subarray(0, count), right: outRight.subarray(0, count), count },
    skipped: blocks.map((b) => b.skipped),
  };
}

/** The candidate pairs as tuples: convenient for tests and small lists (see `blockRecords` for large ones). */
export function candidatePairs(
  rules: readonly BlockingRule[],
  left: readonly PreparedRecord[],
  right?: readonly PreparedRecord[],
  options: BlockingOptions = {},
): CandidatePair[] {
  const { pairs } = blockRecords(rules, left, right, options);
  return Array.from({ length: pairs.count }, (_, k): CandidatePair => [
    pairs.left[k] ?? 0,
    pairs.right[k] ?? 0,
  ]);
}
