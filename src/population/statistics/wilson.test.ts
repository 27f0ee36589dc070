import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';

describe('wilsonInterval', () => {
  // Newcombe R. G. (1998), Statistics in Medicine 17:857-872, table II, method 3 (score interval without continuity
  // correction), 95%: 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605; 0/20 → 0 to 0.1611; 1/29 → 0.0061 to
  // 0.1718.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i: %s to %s (Newcombe 1998)', (x, n, lower, upper) => {
    const result = wilsonInterval(x, n);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.value).toBeCloseTo(x / n, 12);
    expect(result.value.lower).toBeCloseTo(lower, 4);
    expect(result.value.upper).toBeCloseTo(upper, 4);
  });

  it('refuses a numerator above the denominator, a negative count and an empty denominator', () => {
    expect(wilsonInterval(30, 20)).toEqual({
      ok: false,
      error: 'the numerator (30) is greater than the denominator (20); a proportion cannot exceed 1',
    });
    expect(wilsonInterval(-1, 20).ok).toBe(false);
    expect(wilsonInterval(0, 0).ok).toBe(false);
  });

  it('stays within [0, 1], holds the proportion and widens with the level', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 10_000_000 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x, n]) => {
          const at95 = wilsonInterval(x, n, 95);
          const at998 = wilsonInterval(x, n, 99.8);
          if (!at95.ok || !at998.ok) throw new Error('refused a valid proportion');
          const p = x / n;
          expect(at95.value.lower).toBeGreaterThanOrEqual(0);
          expect(at95.value.upper).toBeLessThanOrEqual(1);
          expect(at95.value.lower).toBeLessThanOrEqual(p + 1e-12);
          expect(at95.value.upper).toBeGreaterThanOrEqual(p - 1e-12);
          expect(at998.value.lower).toBeLessThanOrEqual(at95.value.lower + 1e-12);
          expect(at998.value.upper).toBeGreaterThanOrEqual(at95.value.upper - 1e-12);
        },
      ),
    );
  });
});
