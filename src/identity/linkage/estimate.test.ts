import { describe, expect, it } from 'vitest';
import type { Comparison } from './comparisons.js';
import { estimateU, expectationMaximisation, patternCounts, patternCountsOfColumn } from './estimate.js';
import { seededRng, type Rng } from './random.js';
import { prepareRecord } from './record.js';
import { surnameComparison } from './comparisons.js';

// Three abstract fields with a neutral "missing" level 0, as the real comparisons have; the tests below never look at
// records, only at comparison vectors drawn from known parameters.
const field = (name: string, levels: number): Comparison => ({
  field: name,
  levels: [
    { label: 'missing', neutral: true, test: () => false },
    ...Array.from({ length: levels }, (_, l) => ({ label: `level ${l + 1}`, test: () => l === levels - 1 })),
  ],
});
const comparisons = [field('a', 3), field('b', 2), field('c', 4)];
const trueM = [
  [1, 0.85, 0.1, 0.05],
  [1, 0.95, 0.05],
  [1, 0.7, 0.15, 0.1, 0.05],
];
const trueU = [
  [1, 0.02, 0.08, 0.9],
  [1, 0.3, 0.7],
  [1, 0.01, 0.04, 0.15, 0.8],
];
const trueLambda = 0.3;
const MISSING = 0.05;

function draw(shares: readonly number[], rng: Rng): number {
  let x = rng.next();
  for (let l = 1; l < shares.length; l++) {
    x -= shares[l] ?? 0;
    if (x < 0) return l;
  }
  return shares.length - 1;
}

function simulate(pairs: number, seed: number): Uint8Array[] {
  const rng = seededRng(seed);
  return Array.from({ length: pairs }, () => {
    const match = rng.next() < trueLambda;
    return Uint8Array.from(
      comparisons.map((_, c) => {
        if (rng.next() < MISSING) return 0;
        return draw((match ? trueM : trueU)[c] ?? [], rng);
      }),
    );
  });
}

describe('expectation maximisation', () => {
  // Starting from a flat u (every non-neutral level equally likely), so u must be found too.
  const flatU = trueU.map((row) => row.map((_, l) => (l === 0 ? 1 : 1 / (row.length - 1))));

  it('recovers known m, u and λ within 0.02 from 50,000 seeded pairs', () => {
    const result = expectationMaximisation(comparisons, flatU, patternCounts(simulate(50_000, 42)));
    expect(result.converged).toBe(true);
    expect(Math.abs(result.lambda - trueLambda)).toBeLessThan(0.02);
    const within = (estimate: number[][], truth: number[][], name: string) => {
      truth.forEach((row, c) => {
        row.forEach((value, l) => {
          if (l === 0) return;
          expect(Math.abs((estimate[c]?.[l] ?? NaN) - value), `${name}[${c}][${l}]`).toBeLessThan(0.02);
        });
      });
    };
    within(result.m, trueM, 'm');
    within(result.u, trueU, 'u');
  });

  it('with u held fixed, recovers m and λ and leaves u alone', () => {
    const result = expectationMaximisation(comparisons, trueU, patternCounts(simulate(50_000, 43)), {
      fixU: true,
    });
    expect(Math.abs(result.lambda - trueLambda)).toBeLessThan(0.02);
    expect(result.u).toEqual(trueU);
    expect(Math.abs((result.m[2]?.[1] ?? NaN) - 0.7)).toBeLessThan(0.02);
  });

  it('is deterministic: the same pairs give the same estimates', () => {
    const patterns = patternCounts(simulate(5_000, 7));
    expect(expectationMaximisation(comparisons, trueU, patterns)).toEqual(
      expectationMaximisation(comparisons, trueU, patterns),
    );
  });

  it('counts identical vectors once with their multiplicity', () => {
    const patterns = patternCounts([Uint8Array.of(1, 2), Uint8Array.of(1, 2), Uint8Array.of(0, 1)]);
    expect(patterns.map((p) => p.count).sort()).toEqual([1, 2]);
  });

  it('counts vectors kept one after another in one array as it counts separate vectors', () => {
    const comparisons = [field('a', 3), field('b', 5), field('c', 4)];
    const rng = seededRng(5);
    const column = Uint8Array.from({ length: 3 * 20_000 }, (_, k) => rng.int([3, 5, 4][k % 3] ?? 1));
    const separate = Array.from({ length: 20_000 }, (_, k) => column.slice(3 * k, 3 * k + 3));
    const asText = (patterns: { vector: Uint8Array; count: number }[]) =>
      patterns.map((p) => `${p.vector.join(',')}:${p.count}`).sort();
    const fromColumn = patternCountsOfColumn(comparisons, column);
    expect(asText(fromColumn)).toEqual(asText(patternCounts(separate)));
    expect(fromColumn.reduce((sum, p) => sum + p.count, 0)).toBe(20_000);
    expect(fromColumn.length).toBe(3 * 5 * 4);
  });
});

describe('u from random pairs', () => {
  it('estimates the chance two different people share a surname', () => {
    // Half the records are Smith, half Jones: a random pair agrees exactly about half the time.
    const records = Array.from({ length: 400 }, (_, i) =>
      prepareRecord({ id: String(i), surname: i % 2 === 0 ? 'Smith' : 'Jones' }),
    );
    const [u] = estimateU([surnameComparison], records, records, { samples: 20_000, seed: 3 });
    expect(u?.[1]).toBeGreaterThan(0.47);
    expect(u?.[1]).toBeLessThan(0.53);
    // No level's u is 0, so no weight is infinite.
    expect(u?.every((value) => value > 0)).toBe(true);
  });
});
