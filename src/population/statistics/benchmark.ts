/**
 * @module population/statistics/benchmark
 * Comparing an area's value with a benchmark (the ICS, England), as Fingertips does (PHE/OHID, "Technical Guide:
 * Confidence Intervals", and the Fingertips user guide): the area's confidence interval at the chosen level (95%
 * or 99.8%) is compared with the benchmark's value.
 *
 * - the interval holds the benchmark's value → 'similar';
 * - the interval is wholly above it → 'better' when high is good, 'worse' when low is good, 'higher' when the
 *   indicator has no polarity; wholly below → the reverse ('lower' when no polarity);
 * - no value or no interval (e.g. a DSR from fewer than 10 events, which is not published), or no benchmark →
 *   'not-compared'.
 */

export type Polarity = 'high-is-good' | 'low-is-good' | 'no-judgement';
export type BenchmarkLevel = 95 | 99.8;
export type Comparison = 'better' | 'similar' | 'worse' | 'higher' | 'lower' | 'not-compared';

export interface Estimate {
  readonly value: number | undefined;
  readonly lower: number | undefined;
  readonly upper: number | undefined;
}

/** How an area's estimate (its interval at the level being compared) stands against a benchmark value. */
export function compareWithBenchmark(
  area: Estimate,
  benchmark: number | undefined,
  polarity: Polarity,
): Comparison {
  const { value, lower, upper } = area;
  if (value === undefined || lower === undefined || upper === undefined || benchmark === undefined) {
    return 'not-compared';
  }
  if (![value, lower, upper, benchmark].every(Number.isFinite)) return 'not-compared';
  const side = lower > benchmark ? 'higher' : upper < benchmark ? 'lower' : 'similar';
  if (side === 'similar') return 'similar';
  switch (polarity) {
    case 'high-is-good':
      return side === 'higher' ? 'better' : 'worse';
    case 'low-is-good':
      return side === 'higher' ? 'worse' : 'better';
    case 'no-judgement':
      return side;
  }
}

/**
 * Compares at both published levels: the 95% interval decides better/similar/worse, and the 99.8% interval says
 * whether the difference holds at that stricter level too (Fingertips shows both on its spine charts).
 */
export function compareAtLevels(
  at95: Estimate,
  at998: Estimate,
  benchmark: number | undefined,
  polarity: Polarity,
): Record<BenchmarkLevel, Comparison> {
  return {
    95: compareWithBenchmark(at95, benchmark, polarity),
    99.8: compareWithBenchmark(at998, benchmark, polarity),
  };
}
