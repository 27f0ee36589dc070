import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byarLimits, exactPoissonLimits, poissonInterval, rateInterval } from './poisson.js';

describe('exact Poisson limits', () => {
  // Published 95% exact limits for a Poisson count (Garwood 1936; the table reproduced in e.g. Breslow & Day 1987,
  // vol. II, appendix, and in PHE/OHID's "Technical Guide: Confidence Intervals"): 0 → (0, 3.689),
  // 1 → (0.0253, 5.572), 2 → (0.242, 7.225), 5 → (1.623, 11.668), 10 → (4.795, 18.390).
  it.each([
    [0, 0, 3.689],
    [1, 0.0253, 5.572],
    [2, 0.242, 7.225],
    [5, 1.623, 11.668],
    [10, 4.795, 18.39],
  ])('%i events: %s to %s', (count, lower, upper) => {
    const limits = exactPoissonLimits(count, 95);
    expect(limits.lower).toBeCloseTo(lower, lower < 0.1 ? 4 : 3);
    expect(limits.upper).toBeCloseTo(upper, 3);
  });
});

describe("Byar's limits", () => {
  // Hand computation for 65 events at 95% (z = 1.959964):
  //   lower = 65 (1 − 1/585 − 1.959964/(3√65))³ = 65 × 0.90136…³ = 50.163188
  //   upper = 66 (1 − 1/594 + 1.959964/(3√66))³ = 66 × 1.07887…³ = 82.849139
  it('65 events at 95%: 50.163188 to 82.849139', () => {
    const limits = byarLimits(65, 95);
    expect(limits.lower).toBeCloseTo(50.163188, 5);
    expect(limits.upper).toBeCloseTo(82.849139, 5);
  });

  it('65 events at 99.8%: 42.880261 to 94.000291 (same formula, z = 3.090232)', () => {
    const limits = byarLimits(65, 99.8);
    expect(limits.lower).toBeCloseTo(42.880261, 5);
    expect(limits.upper).toBeCloseTo(94.000291, 5);
  });

  it('is within 5 in 10,000 of the exact limits from 100 events on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1_000_000 }), fc.constantFrom(95, 99.8), (count, level) => {
        const byar = byarLimits(count, level);
        const exact = exactPoissonLimits(count, level);
        expect(Math.abs(byar.lower - exact.lower) / exact.lower).toBeLessThan(5e-4);
        expect(Math.abs(byar.upper - exact.upper) / exact.upper).toBeLessThan(5e-4);
      }),
    );
  });
});

describe('poissonInterval', () => {
  it('uses the exact method below 10 events and Byar from 10 on, as PHE/OHID do', () => {
    const nine = poissonInterval(9);
    const ten = poissonInterval(10);
    expect(nine.ok && nine.value.method).toBe('exact Poisson');
    expect(ten.ok && ten.value.method).toBe('Byar');
  });

  it('refuses a negative or fractional count, and a strange level', () => {
    expect(poissonInterval(-3)).toEqual({
      ok: false,
      error: 'the count of events is negative (-3); counts must be whole numbers ≥ 0',
    });
    expect(poissonInterval(2.5).ok).toBe(false);
    expect(poissonInterval(5, 30).ok).toBe(false);
  });

  it('holds the count and widens with the level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (count) => {
        const at95 = poissonInterval(count, 95);
        const at998 = poissonInterval(count, 99.8);
        if (!at95.ok || !at998.ok) throw new Error('refused a valid count');
        expect(at95.value.lower).toBeLessThanOrEqual(count);
        expect(at95.value.upper).toBeGreaterThan(count);
        expect(at998.value.lower).toBeLessThanOrEqual(at95.value.lower);
        expect(at998.value.upper).toBeGreaterThan(at95.value.upper);
      }),
    );
  });
});

describe('rateInterval', () => {
  it('divides the count and its limits by the denominator: 65 in 50,000 is 130 per 100,000', () => {
    const rate = rateInterval(65, 50_000);
    expect(rate.ok).toBe(true);
    if (!rate.ok) return;
    expect(rate.value.value).toBeCloseTo(130, 10);
    expect(rate.value.lower).toBeCloseTo((50.163188 * 100_000) / 50_000, 4);
    expect(rate.value.upper).toBeCloseTo((82.849139 * 100_000) / 50_000, 4);
  });

  it('refuses a denominator of 0', () => {
    expect(rateInterval(3, 0)).toEqual({
      ok: false,
      error: 'the denominator is 0; it must be greater than 0',
    });
  });
});
