import { describe, expect, it } from 'vitest';
import { blockRecords, type BlockingRule, candidatePairs, DEFAULT_BLOCKING_RULES } from './blocking.js';
import { seededRng } from './random.js';
import { type LinkRecord, prepareRecord } from './record.js';
import { buildRecordTable } from './record-table.js';
import { syntheticPairs } from './testing.js';

describe('blocking', () => {
  const { left, right } = syntheticPairs(2_000, 11);
  const a = left.map(prepareRecord);
  const b = right.map(prepareRecord);

  it('keeps at least 99% of true pairs while comparing a small share of the cross product', () => {
    const pairs = candidatePairs(DEFAULT_BLOCKING_RULES, a, b);
    const found = pairs.filter(([i, j]) => i === j).length;
    expect(found / a.length).toBeGreaterThanOrEqual(0.99);
    expect(pairs.length).toBeLessThan((a.length * b.length) / 20);
  });

  it('gives each pair once, and within one list only i < j', () => {
    const all = [...a, ...b];
    const pairs = candidatePairs(DEFAULT_BLOCKING_RULES, all);
    expect(pairs.every(([i, j]) => i < j)).toBe(true);
    expect(new Set(pairs.map(([i, j]) => `${i},${j}`)).size).toBe(pairs.length);
  });

  it('brings together a pair whose names are written the wrong way round and whose date and postcode differ', () => {
    const one = prepareRecord({ id: 'x', forename: 'Claudia', surname: 'Huxley', dateOfBirth: '1944-10-20' });
    const other = prepareRecord({
      id: 'y',
      forename: 'Huxley',
      surname: 'Claudia',
      dateOfBirth: '1985-10-22',
    });
    expect(candidatePairs(DEFAULT_BLOCKING_RULES, [one], [other])).toEqual([[0, 0]]);
  });

  it('brings together a pair whose names, date and postcode all differ but whose street address is the same', () => {
    const one = prepareRecord({
      id: 'x',
      forename: 'Harrison',
      surname: 'Capurso',
      postcode: 'LS6 2AB',
      address: '7 Erldunda Circuit, Headingley',
    });
    const other = prepareRecord({
      id: 'y',
      forename: 'Capurso',
      surname: 'Ruby',
      postcode: 'LS6 2BA',
      address: '7 Erldunda Circiut',
    });
    expect(candidatePairs(DEFAULT_BLOCKING_RULES, [one], [other])).toEqual([[0, 0]]);
  });

  it('blocks nothing on a missing key', () => {
    const empty = [prepareRecord({ id: 'x' }), prepareRecord({ id: 'y' })];
    expect(candidatePairs(DEFAULT_BLOCKING_RULES, empty)).toEqual([]);
  });

  it('gives the same pairs as every pair of records sharing a key, found the slow way', () => {
    const all = [...a.slice(0, 300), ...b.slice(0, 300)];
    const expected = new Set<string>();
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        const x = all[i];
        const y = all[j];
        if (x === undefined || y === undefined) continue;
        if (DEFAULT_BLOCKING_RULES.some((rule) => rule.key(x) !== undefined && rule.key(x) === rule.key(y)))
          expected.add(`${i},${j}`);
      }
    }
    const found = candidatePairs(DEFAULT_BLOCKING_RULES, all).map(([i, j]) => `${i},${j}`);
    expect(found.length).toBe(expected.size);
    expect(found.every((pair) => expected.has(pair))).toBe(true);
  });
});

describe('the block size cap', () => {
  // Eight records share a surname; two of them also share a date of birth.
  const surname: BlockingRule = { name: 'surname', key: (r) => r.surname };
  const dob: BlockingRule = {
    name: 'dob',
    key: (r) => (r.dob === undefined ? undefined : String(r.dob.year)),
  };
  const records = Array.from({ length: 8 }, (_, i) =>
    prepareRecord({
      id: String(i),
      surname: 'Smith',
      dateOfBirth: i < 2 ? '1950-01-01' : `${1960 + i}-01-01`,
    }),
  );

  it('skips a key shared by more records than the cap, reports it, and keeps the other rules’ pairs', () => {
    const capped = blockRecords([surname, dob], records, undefined, { maxBlockSize: 7 });
    expect(capped.pairs.count).toBe(1);
    expect([capped.pairs.left[0], capped.pairs.right[0]]).toEqual([0, 1]);
    expect(capped.skipped).toEqual([
      { rule: 'surname', keys: 1, pairs: 28 },
      { rule: 'dob', keys: 0, pairs: 0 },
    ]);
  });

  it('keeps a key shared by exactly the cap', () => {
    const atCap = blockRecords([surname, dob], records, undefined, { maxBlockSize: 8 });
    expect(atCap.pairs.count).toBe(28);
    expect(atCap.skipped[0]?.keys).toBe(0);
  });

  it('counts both lists when linking two', () => {
    const [left, right] = [records.slice(0, 4), records.slice(4)];
    expect(blockRecords([surname], left, right, { maxBlockSize: 8 }).pairs.count).toBe(16);
    const capped = blockRecords([surname], left, right, { maxBlockSize: 7 });
    expect(capped.pairs.count).toBe(0);
    expect(capped.skipped).toEqual([{ rule: 'surname', keys: 1, pairs: 16 }]);
  });
});

describe('blocking by table keys', () => {
  // Synthetic people with addresses, emails and other identifiers from small pools, so every rule forms blocks.
  const rng = seededRng(17);
  const pick = (items: readonly string[]) => items[rng.int(items.length)];
  const withMore = (record: LinkRecord): LinkRecord => ({
    ...record,
    address:
      rng.next() < 0.1
        ? undefined
        : `${pick(['', '12 ', '3 12 ', '7 '])}${pick(['HIGH STREET', 'MILL LANE', 'STATION RD LEEDS', ''])}`,
    email: rng.next() < 0.5 ? undefined : pick(['a@x.org', 'b@y.com', 'c@z.net']),
    otherIdentifier: rng.next() < 0.5 ? undefined : pick(['A1', 'B2', 'C3', 'D4']),
  });
  const { left, right } = syntheticPairs(1_500, 19);
  const a = left.map(withMore).map(prepareRecord);
  const b = right.map(withMore).map(prepareRecord);

  it('every default rule has a table key', () => {
    expect(DEFAULT_BLOCKING_RULES.every((rule) => rule.tableKey !== undefined)).toBe(true);
  });

  it('give the same pairs as the key text, rule by rule, deduplicating one list', () => {
    const all = [...a, ...b];
    const table = buildRecordTable(all);
    for (const rule of DEFAULT_BLOCKING_RULES) {
      const byText = blockRecords([rule], all, undefined, { maxBlockSize: 1e9 }).pairs;
      const byTable = blockRecords([rule], all, undefined, { maxBlockSize: 1e9, table }).pairs;
      expect(byTable.count, rule.name).toBe(byText.count);
      expect(byTable.left, rule.name).toEqual(byText.left);
      expect(byTable.right, rule.name).toEqual(byText.right);
    }
    expect(blockRecords(DEFAULT_BLOCKING_RULES, all).pairs.count).toBeGreaterThan(all.length);
  });

  it('give the same pairs and skipped keys as the key text, linking two lists', () => {
    const table = buildRecordTable(a, b);
    const byText = blockRecords(DEFAULT_BLOCKING_RULES, a, b, { maxBlockSize: 40 });
    const byTable = blockRecords(DEFAULT_BLOCKING_RULES, a, b, {
      maxBlockSize: 40,
      table,
      rightBase: a.length,
    });
    expect(byTable.pairs.left).toEqual(byText.pairs.left);
    expect(byTable.pairs.right).toEqual(byText.pairs.right);
    expect(byTable.skipped).toEqual(byText.skipped);
    expect(byText.skipped.some((s) => s.keys > 0)).toBe(true);
  });
});
