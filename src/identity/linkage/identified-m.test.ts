import { describe, expect, it } from 'vitest';
import { defaultComparisons } from './comparisons.js';
import { MIN_IDENTIFIED_PAIRS, mFromIdentifiedPairs } from './identified-m.js';

const comparisons = defaultComparisons();
const field = (name: string) => comparisons.findIndex((c) => c.field === name);
const level = (name: string, label: string) =>
  comparisons[field(name)]?.levels.findIndex((l) => l.label === label) ?? -1;

/** A comparison vector: every field missing (level 0) except those given. */
function vector(levels: Record<string, string>): Uint8Array {
  const v = new Uint8Array(comparisons.length);
  for (const [name, label] of Object.entries(levels)) v[field(name)] = level(name, label);
  return v;
}

describe('m from pairs the NHS number identifies', () => {
  it('measures each level’s share among identified pairs only, leaving the NHS number’s own m to EM', () => {
    const n = 10_000;
    const patterns = [
      // Identified pairs: 90% exact forename, 10% nickname.
      { vector: vector({ nhsNumber: 'equal and valid', forename: 'exact' }), count: 0.9 * n },
      { vector: vector({ nhsNumber: 'equal and valid', forename: 'nickname' }), count: 0.1 * n },
      // A household: different NHS numbers, different forenames — not counted.
      { vector: vector({ nhsNumber: 'different', forename: 'else' }), count: 5 * n },
    ];
    const measured = mFromIdentifiedPairs(comparisons, patterns);
    expect(measured?.pairs).toBe(n);
    expect(measured?.m[field('nhsNumber')]).toBe(undefined);
    const forename = measured?.m[field('forename')] ?? [];
    expect(forename[level('forename', 'exact')]).toBeCloseTo(0.9, 2);
    expect(forename[level('forename', 'nickname')]).toBeCloseTo(0.1, 2);
    // Never 0, so never an infinite weight.
    expect(forename[level('forename', 'else')]).toBeGreaterThan(0);
    // The surname was missing on every pair: its m is only the pseudo-counts, spread evenly.
    const surnameLevels = comparisons[field('surname')]?.levels ?? [];
    const surname = (measured?.m[field('surname')] ?? []).filter(
      (_, l) => surnameLevels[l]?.neutral !== true,
    );
    expect(new Set(surname.map((p) => p.toFixed(6))).size).toBe(1);
  });

  it('gives nothing with too few identified pairs, or without an identifying comparison', () => {
    const few = [{ vector: vector({ nhsNumber: 'equal and valid' }), count: MIN_IDENTIFIED_PAIRS - 1 }];
    expect(mFromIdentifiedPairs(comparisons, few)).toBe(undefined);
    const many = [{ vector: vector({ nhsNumber: 'equal and valid' }), count: 10_000 }];
    expect(
      mFromIdentifiedPairs(
        comparisons.slice(1),
        many.map((p) => ({ ...p, vector: p.vector.slice(1) })),
      ),
    ).toBe(undefined);
  });
});
