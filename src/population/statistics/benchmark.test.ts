import { describe, expect, it } from 'vitest';
import { compareAtLevels, compareWithBenchmark, type Polarity } from './benchmark.js';

describe('compareWithBenchmark (Fingertips rules)', () => {
  // The area's interval against the benchmark's value of 100.
  const above = { value: 120, lower: 110, upper: 130 };
  const below = { value: 80, lower: 70, upper: 90 };
  const across = { value: 105, lower: 95, upper: 115 };
  it.each<[string, { value: number; lower: number; upper: number }, Polarity, string]>([
    ['above', above, 'high-is-good', 'better'],
    ['above', above, 'low-is-good', 'worse'],
    ['above', above, 'no-judgement', 'higher'],
    ['below', below, 'high-is-good', 'worse'],
    ['below', below, 'low-is-good', 'better'],
    ['below', below, 'no-judgement', 'lower'],
    ['across', across, 'high-is-good', 'similar'],
    ['across', across, 'low-is-good', 'similar'],
    ['across', across, 'no-judgement', 'similar'],
  ])('an interval %s the benchmark with polarity %s is %s', (_where, area, polarity, expected) => {
    expect(compareWithBenchmark(area, 100, polarity)).toBe(expected);
  });

  it('calls an interval touching the benchmark similar', () => {
    expect(compareWithBenchmark({ value: 110, lower: 100, upper: 120 }, 100, 'low-is-good')).toBe('similar');
  });

  it('does not compare what is not published or has no benchmark', () => {
    expect(compareWithBenchmark({ value: 3, lower: undefined, upper: undefined }, 100, 'low-is-good')).toBe(
      'not-compared',
    );
    expect(compareWithBenchmark(above, undefined, 'low-is-good')).toBe('not-compared');
    expect(compareWithBenchmark({ value: Number.NaN, lower: 1, upper: 2 }, 1, 'low-is-good')).toBe(
      'not-compared',
    );
  });

  it('can differ at 95% and 99.8%: a difference at 95% may not hold at the stricter level', () => {
    expect(
      compareAtLevels(
        { value: 120, lower: 105, upper: 135 },
        { value: 120, lower: 97, upper: 145 },
        100,
        'low-is-good',
      ),
    ).toEqual({ 95: 'worse', 99.8: 'similar' });
  });
});
