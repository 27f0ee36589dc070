import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inequalityIndices, relativeRanks, seededUniform, standardErrorFromLimits } from './inequality.js';

describe('relativeRanks', () => {
  it('puts each quantile at the midpoint of its cumulative population share (Low & Low 2004)', () => {
    // Shares 0.4, 0.2, 0.2, 0.1, 0.1 → midpoints 0.2, 0.5, 0.7, 0.85, 0.95.
    const ranks = relativeRanks([200, 100, 100, 50, 50]);
    [0.2, 0.5, 0.7, 0.85, 0.95].forEach((r, i) => expect(ranks[i]).toBeCloseTo(r, 12));
  });
});

describe('inequalityIndices', () => {
  // Hand computation, checked with numpy.polyfit(x, y, 1, w=√population): quintiles of 200, 100, 100, 50 and 50
  // people (ranks 0.2, 0.5, 0.7, 0.85, 0.95) with values 70, 72, 75, 78, 80. Weighted mean 73.2; weighted slope
  // Σw(x − x̄)(y − ȳ) / Σw(x − x̄)² = 12.156863; RII = 12.156863 / 73.2 = 0.166077.
  const quintiles = [
    { population: 200, value: 70, standardError: 0.5 },
    { population: 100, value: 72, standardError: 0.6 },
    { population: 100, value: 75, standardError: 0.6 },
    { population: 50, value: 78, standardError: 0.9 },
    { population: 50, value: 80, standardError: 0.9 },
  ];

  it('gives SII 12.156863 and RII 0.166077 for the hand-computed example', () => {
    const result = inequalityIndices(quintiles);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sii).toBeCloseTo(12.156863, 6);
    expect(result.value.rii).toBeCloseTo(0.166077, 6);
  });

  it('simulates limits close to the analytic ±1.96 × SE of the weighted slope (SE = 1.078610)', () => {
    // var(slope) = Σ w²(x − x̄)² se² / (Σ w(x − x̄)²)², the values' errors being independent: SE = 1.078610.
    const result = inequalityIndices(quintiles, { repetitions: 20_000, seed: 7 });
    if (!result.ok) throw new Error(result.error);
    const half = 1.959964 * 1.07861;
    expect(result.value.siiLower).toBeCloseTo(12.156863 - half, 1);
    expect(result.value.siiUpper).toBeCloseTo(12.156863 + half, 1);
  });

  it('gives the same limits for the same seed, and other limits for another', () => {
    const a = inequalityIndices(quintiles, { seed: 3, repetitions: 1000 });
    const b = inequalityIndices(quintiles, { seed: 3, repetitions: 1000 });
    const c = inequalityIndices(quintiles, { seed: 4, repetitions: 1000 });
    expect(a).toEqual(b);
    expect(a.ok && c.ok && a.value.siiLower !== c.value.siiLower).toBe(true);
  });

  it('recovers an exactly linear gradient, with no width when there is no error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 2, maxLength: 20 }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 100, max: 1000, noNaN: true }),
        (populations, slope, intercept) => {
          const ranks = relativeRanks(populations);
          const result = inequalityIndices(
            populations.map((population, i) => ({
              population,
              value: intercept + slope * (ranks[i] ?? 0),
              standardError: 0,
            })),
            { repetitions: 100 },
          );
          if (!result.ok) throw new Error(result.error);
          expect(result.value.sii).toBeCloseTo(slope, 6);
          expect(result.value.siiLower).toBeCloseTo(slope, 6);
          expect(result.value.siiUpper).toBeCloseTo(slope, 6);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses a single quantile and an empty one', () => {
    expect(inequalityIndices([{ population: 10, value: 1, standardError: 0 }]).ok).toBe(false);
    expect(
      inequalityIndices([
        { population: 10, value: 1, standardError: 0 },
        { population: 0, value: 1, standardError: 0 },
      ]).ok,
    ).toBe(false);
  });

  it('finds a standard error from 95% limits', () => {
    expect(standardErrorFromLimits(8.04, 11.96)).toBeCloseTo(1, 4);
  });

  it('draws uniform numbers strictly inside (0, 1)', () => {
    const u = seededUniform(42);
    for (let i = 0; i < 10_000; i++) {
      const x = u();
      expect(x > 0 && x < 1).toBe(true);
    }
  });
});
