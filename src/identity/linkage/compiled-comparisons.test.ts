import { describe, expect, it } from 'vitest';
import { type Comparison, compareRecords, defaultComparisons } from './comparisons.js';
import { compileComparisons } from './compiled-comparisons.js';
import { NICKNAME_GROUPS } from './nicknames.js';
import { type Rng, seededRng } from './random.js';
import { type LinkRecord, prepareRecord, type PreparedRecord } from './record.js';
import { buildRecordTable } from './record-table.js';

// Values from small pools, with typos, swaps and gaps, so random pairs meet every level of every comparison (a
// random pair of realistic records would almost never reach "transposed" or "day and month swapped").
const NAMES = [
  'CATHERINE',
  'KATHERINE',
  'CATHY',
  'SMITH',
  'SMYTH',
  'HEPWORTH',
  'WILLIAM',
  'BILL',
  'JOHN',
  'JON',
  'ALI',
];
const WORDS = ['HIGH', 'STREET', 'CHURCH', 'ROAD', 'LEEDS', 'HEADINGLEY', 'MILL', 'LANE'];

const pick = <T>(items: readonly T[], rng: Rng): T => items[rng.int(items.length)] as T;
const maybe = <T>(rng: Rng, value: T): T | undefined => (rng.next() < 0.1 ? undefined : value);
function typo(text: string, rng: Rng): string {
  const at = rng.int(text.length);
  return rng.next() < 0.5
    ? text.slice(0, at) + text.slice(at + 1)
    : `${text.slice(0, at)}X${text.slice(at + 1)}`;
}

function randomRecord(rng: Rng, id: number): LinkRecord {
  const name = () => {
    const value = pick<string>(rng.next() < 0.2 ? pick(NICKNAME_GROUPS, rng) : NAMES, rng);
    return rng.next() < 0.2 ? typo(value, rng) : value;
  };
  const [day, month] = [1 + rng.int(12), 1 + rng.int(12)];
  const words = Array.from({ length: 1 + rng.int(3) }, () => pick(WORDS, rng)).join(' ');
  const identifier = String(1000 + rng.int(30));
  return {
    id: String(id),
    forename: maybe(rng, name()),
    surname: maybe(rng, name()),
    dateOfBirth: maybe(
      rng,
      `${1970 + rng.int(3)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ),
    sex: maybe(rng, pick(['male', 'female', 'other', 'unknown'] as const, rng)),
    postcode: maybe(rng, pick(['LS1 4AP', 'LS1 4AQ', 'LS6 2AB', 'XX', 'BD10 0AA'], rng)),
    nhsNumber: maybe(rng, pick(['943 476 5919', '9434765870', '1234567890'], rng)),
    address: maybe(
      rng,
      `${pick(['', '12 ', '3 12 ', '7 '], rng)}${rng.next() < 0.2 ? typo(words, rng) : words}`,
    ),
    email: maybe(rng, pick(['a.smith@x.org', 'a.smyth@x.org', 'bob@y.com'], rng)),
    otherIdentifier: maybe(rng, rng.next() < 0.3 ? typo(identifier, rng) : identifier),
  };
}

/** A record and a copy with one field swapped, so pairs that differ in one place are common too. */
function pairs(count: number, seed: number): [LinkRecord, LinkRecord][] {
  const rng = seededRng(seed);
  return Array.from({ length: count }, (_, k): [LinkRecord, LinkRecord] => {
    const a = randomRecord(rng, 2 * k);
    const b = randomRecord(rng, 2 * k + 1);
    const roll = rng.next();
    if (roll < 0.3) return [a, b];
    if (roll < 0.4) return [a, { ...a, id: b.id, forename: a.surname, surname: a.forename }];
    const fields = Object.keys(b).filter((field) => field !== 'id') as (keyof LinkRecord)[];
    const field = pick(fields, rng);
    return [a, { ...a, id: b.id, [field]: b[field] }];
  });
}

describe('compiled comparisons', () => {
  const comparisons = defaultComparisons();
  // Pair k is rows 2k and 2k + 1.
  const records: PreparedRecord[] = pairs(50_000, 3).flatMap(([a, b]) => [
    prepareRecord(a),
    prepareRecord(b),
  ]);
  const table = buildRecordTable(records);
  const at = (row: number) => records[row] as PreparedRecord;

  it('give the level the data definitions give, on 50,000 random pairs, and the pairs meet every level', () => {
    const compiled = compileComparisons(comparisons, table);
    const seen = comparisons.map((c) => new Array<boolean>(c.levels.length).fill(false));
    const fast = new Uint8Array(comparisons.length);
    let differing = 0;
    for (let row = 0; row < records.length; row += 2) {
      compiled(row, row + 1, fast, 0);
      const reference = compareRecords(comparisons, at(row), at(row + 1));
      if (fast.some((level, c) => level !== reference[c])) differing++;
      reference.forEach((level, c) => {
        const levels = seen[c];
        if (levels !== undefined) levels[level] = true;
      });
    }
    expect(differing).toBe(0);
    // Every level reached, so no kernel branch went untested.
    const unseen = comparisons.flatMap((c, i) =>
      c.levels.filter((_, l) => seen[i]?.[l] !== true).map((level) => `${c.field}: ${level.label}`),
    );
    expect(unseen).toEqual([]);
  });

  it('give the same level either way round, as the data do', () => {
    const compiled = compileComparisons(comparisons, table);
    const backward = new Uint8Array(comparisons.length);
    let differing = 0;
    for (let row = 0; row < 10_000; row += 2) {
      compiled(row + 1, row, backward, 0);
      const reference = compareRecords(comparisons, at(row + 1), at(row));
      if (backward.some((level, c) => level !== reference[c])) differing++;
    }
    expect(differing).toBe(0);
  });

  it('run a comparison without a kernel from its data, given the records', () => {
    const own: Comparison = {
      field: 'initial',
      levels: [
        {
          label: 'missing',
          neutral: true,
          test: (a, b) => a.forename === undefined || b.forename === undefined,
        },
        { label: 'same initial', test: (a, b) => a.forename?.[0] === b.forename?.[0] },
        { label: 'else', test: () => true },
      ],
    };
    expect(() => compileComparisons([own], table)).toThrow(/no kernel/);
    const compiled = compileComparisons([...comparisons, own], table, { records });
    const out = new Uint8Array(comparisons.length + 1);
    for (let row = 0; row < 4_000; row += 2) {
      compiled(row, row + 1, out, 0);
      expect([...out]).toEqual([...compareRecords([...comparisons, own], at(row), at(row + 1))]);
    }
  });
});
