/**
 * @module population/indicators/inequality-gap
 * The inequality every indicator carries by default: in each year, the gap between the most deprived national IMD
 * quintile (quintile 1, Core20) and the least deprived (quintile 5), absolute and relative; the slope index of
 * inequality across all five quintiles with its interval; and over the years, whether the gap is narrowing — "improve
 * the lives of the poorest, the fastest" is judged by this trend.
 *
 * The SII is the fitted value at the least deprived end minus the most deprived end (statistics/inequality.ts), so a
 * measure that is worse among the poor has an SII of the sign that shows it: for a low-is-good measure (mortality) a
 * negative SII means more deaths among the most deprived.
 */
import { inequalityIndices, standardErrorFromLimits, type InequalityIndices } from '../statistics/index.js';
import type { IndicatorValue } from './measures.js';

export interface YearGap {
  readonly year: number;
  /** Quintile 1 − quintile 5, and quintile 1 ÷ quintile 5. */
  readonly absoluteGap: number | undefined;
  readonly relativeGap: number | undefined;
  readonly sii: InequalityIndices | undefined;
  readonly note?: string;
}

export type GapTrend = 'narrowing' | 'widening' | 'no-clear-change' | 'not-enough-years';

export interface InequalityGap {
  readonly years: readonly YearGap[];
  /**
   * The latest year's SII against the first year's: narrowing when the latest interval lies wholly nearer zero than
   * the first's, widening when wholly further; otherwise no clear change.
   */
  readonly trend: GapTrend;
}

function yearGap(year: number, quintiles: readonly IndicatorValue[]): YearGap {
  const byQuintile = new Map(quintiles.map((value) => [value.group, value]));
  const q1 = byQuintile.get('1')?.value;
  const q5 = byQuintile.get('5')?.value;
  const absoluteGap = q1 !== undefined && q5 !== undefined ? q1 - q5 : undefined;
  const relativeGap = q1 !== undefined && q5 !== undefined && q5 !== 0 ? q1 / q5 : undefined;
  const usable = ['1', '2', '3', '4', '5']
    .map((q) => byQuintile.get(q))
    .filter(
      (value): value is IndicatorValue & { value: number } =>
        value?.value !== undefined && value.limits95 !== undefined && value.denominator > 0,
    );
  if (usable.length < 5) {
    return { year, absoluteGap, relativeGap, sii: undefined, note: 'not every quintile has a value' };
  }
  const sii = inequalityIndices(
    usable.map((value) => ({
      population: value.denominator,
      value: value.value,
      standardError: standardErrorFromLimits(value.limits95?.lower ?? 0, value.limits95?.upper ?? 0, 95),
    })),
    // The seed is the year: the same data give the same limits on every run.
    { level: 95, repetitions: 10_000, seed: year },
  );
  return sii.ok
    ? { year, absoluteGap, relativeGap, sii: sii.value }
    : { year, absoluteGap, relativeGap, sii: undefined, note: sii.error };
}

export function inequalityGap(values: readonly IndicatorValue[]): InequalityGap {
  const quintiles = values.filter((value) => value.breakdown === 'imd-quintile');
  const years = [...new Set(quintiles.map((value) => value.year))].sort((a, b) => a - b);
  const gaps = years.map((year) =>
    yearGap(
      year,
      quintiles.filter((value) => value.year === year),
    ),
  );
  const withSii = gaps.filter((gap) => gap.sii !== undefined);
  const first = withSii[0]?.sii;
  const last = withSii.at(-1)?.sii;
  let trend: GapTrend = 'not-enough-years';
  if (first !== undefined && last !== undefined && withSii.length >= 2) {
    // Distance from zero of each interval's nearest and furthest points.
    const near = (s: InequalityIndices) =>
      s.siiLower <= 0 && s.siiUpper >= 0 ? 0 : Math.min(Math.abs(s.siiLower), Math.abs(s.siiUpper));
    const far = (s: InequalityIndices) => Math.max(Math.abs(s.siiLower), Math.abs(s.siiUpper));
    trend = far(last) < near(first) ? 'narrowing' : near(last) > far(first) ? 'widening' : 'no-clear-change';
  }
  return { years: gaps, trend };
}
