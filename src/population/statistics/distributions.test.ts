import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  gammaQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
  regularisedGammaP,
  regularisedGammaQ,
  zForLevel,
} from './distributions.js';

describe('normal distribution', () => {
  // Reference values: the standard normal table (e.g. Abramowitz & Stegun table 26.5), to the digits shown there,
  // and SciPy 1.17 (scipy.stats.norm.ppf) for the full-precision figures.
  it.each([
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [0.5, 0],
    [0.025, -1.959963984540054],
    [1e-10, -6.361340902404056],
  ])('Φ⁻¹(%s) = %s', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 12);
  });

  it('gives the deviates of the published levels: 95% → 1.96, 99.8% → 3.09', () => {
    expect(zForLevel(95)).toBeCloseTo(1.959964, 6);
    expect(zForLevel(99.8)).toBeCloseTo(3.090232, 6);
  });

  it('Φ(1.96) = 0.9750021 (normal table)', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
  });

  it('is outside (0, 1) infinite or not a number', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
  });

  it('inverts Φ: Φ(Φ⁻¹(p)) = p to 1e-12', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), (p) => {
        expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(1e-12 * Math.max(1, p / (1 - p)));
      }),
    );
  });
});

describe('gamma functions', () => {
  it('ln Γ(10) = ln 9! and Γ(½) = √π', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('P(1, x) = 1 − e^(−x) and P + Q = 1', () => {
    for (const x of [0.01, 0.5, 1, 3, 20]) {
      expect(regularisedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 14);
      expect(regularisedGammaP(4.5, x) + regularisedGammaQ(4.5, x)).toBeCloseTo(1, 14);
    }
  });

  it('P(3, 2.5) = 0.45618688411667 (SciPy gammainc)', () => {
    expect(regularisedGammaP(3, 2.5)).toBeCloseTo(0.45618688411667035, 13);
  });

  it('inverts P to ~1e-10 across shapes from 0.5 to 100,000', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 1e5, noNaN: true }),
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        (a, p) => {
          const x = gammaQuantile(a, p);
          expect(Math.abs(regularisedGammaP(a, x) - p)).toBeLessThan(1e-10);
        },
      ),
    );
  });
});
