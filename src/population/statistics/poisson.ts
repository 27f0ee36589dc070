/**
 * @module population/statistics/poisson
 * Confidence limits for a count of events taken to follow a Poisson distribution, and for a rate (the count per
 * some number of the population at risk).
 *
 * - Exact limits (Garwood 1936): lower = G⁻¹(α/2; O), upper = G⁻¹(1 − α/2; O + 1), where G⁻¹(p; a) is the p-quantile
 *   of the gamma distribution with shape a (equivalently χ²-quantiles with 2O and 2O + 2 degrees of freedom, halved);
 *   the lower limit of 0 events is 0.
 * - Byar's approximation (Breslow & Day 1987, "Statistical Methods in Cancer Research, Volume II", p. 69):
 *   lower = O (1 − 1/(9O) − z/(3√O))³, upper = (O + 1)(1 − 1/(9(O + 1)) + z/(3√(O + 1)))³.
 *
 * PHE/OHID ("Technical Guide: Confidence Intervals", 2018, section on counts and rates) use Byar's method, and the
 * exact method when there are fewer than 10 events, where Byar's is less accurate; `poissonInterval` does the same.
 * A rate's limits are the count's limits divided by the denominator (the denominator is taken as known exactly).
 */
import { err, ok, type Result } from '../../core/result.js';
import { gammaQuantile, zForLevel } from './distributions.js';
import { checkCount, checkDenominator, checkLevel, type Interval } from './interval.js';

/** Below this many events the exact method is used rather than Byar's (PHE/OHID practice). */
export const EXACT_BELOW = 10;

/** Exact Poisson limits for an observed count. */
export function exactPoissonLimits(observed: number, level: number): { lower: number; upper: number } {
  const alpha = 1 - level / 100;
  return {
    lower: observed === 0 ? 0 : gammaQuantile(observed, alpha / 2),
    upper: gammaQuantile(observed + 1, 1 - alpha / 2),
  };
}

/** Byar's approximate limits for an observed count (the lower limit of 0 events is 0). */
export function byarLimits(observed: number, level: number): { lower: number; upper: number } {
  const z = zForLevel(level);
  const lower =
    observed === 0 ? 0 : observed * Math.pow(1 - 1 / (9 * observed) - z / (3 * Math.sqrt(observed)), 3);
  const o1 = observed + 1;
  const upper = o1 * Math.pow(1 - 1 / (9 * o1) + z / (3 * Math.sqrt(o1)), 3);
  return { lower: Math.max(lower, 0), upper };
}

export type PoissonMethod = 'exact' | 'byar' | 'auto';

/** The words each method is reported with. */
const METHOD_NAMES = { exact: 'exact Poisson', byar: 'Byar' } as const;

/**
 * The count with its limits: by `method` 'exact', 'byar', or 'auto' (the default: exact below 10 events, Byar's
 * from 10 on, as PHE/OHID publish).
 */
export function poissonInterval(
  observed: number,
  level = 95,
  method: PoissonMethod = 'auto',
): Result<Interval, string> {
  const count = checkCount('the count of events', observed);
  if (!count.ok) return count;
  const checked = checkLevel(level);
  if (!checked.ok) return checked;
  const used = method === 'auto' ? (observed < EXACT_BELOW ? 'exact' : 'byar') : method;
  const limits = used === 'exact' ? exactPoissonLimits(observed, level) : byarLimits(observed, level);
  return ok({ value: observed, ...limits, level, method: METHOD_NAMES[used] });
}

/**
 * A rate per `per` of the population (e.g. per 100,000) with the limits of its count divided by the denominator.
 */
export function rateInterval(
  observed: number,
  denominator: number,
  options: { readonly level?: number; readonly per?: number; readonly method?: PoissonMethod } = {},
): Result<Interval, string> {
  const per = options.per ?? 100_000;
  const d = checkDenominator('the denominator', denominator);
  if (!d.ok) return d;
  if (!(Number.isFinite(per) && per > 0)) return err(`the multiplier must be greater than 0, not ${per}`);
  const count = poissonInterval(observed, options.level ?? 95, options.method ?? 'auto');
  if (!count.ok) return count;
  const scale = per / denominator;
  return ok({
    ...count.value,
    value: observed * scale,
    lower: count.value.lower * scale,
    upper: count.value.upper * scale,
  });
}
