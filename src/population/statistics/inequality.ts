/**
 * @module population/statistics/inequality
 * The slope index of inequality (SII) and relative index of inequality (RII) across ordered quantiles of a
 * population, usually deprivation deciles or quintiles (Low A., Low A., "Measuring the gap: quantifying and
 * comparing local health inequalities", Journal of Public Health 2004; 26:388-395; PHE/OHID's SII tool).
 *
 * The quantiles come in order, the first being the most deprived. Each is given the midpoint of its share of the
 * cumulative population as its relative rank xᵢ (a first quantile holding 12% of the people has x = 0.06), and the
 * values yᵢ are regressed on xᵢ by least squares weighted by each quantile's population. Then
 *   SII = the slope = the fitted value at x = 1 (least deprived end) minus that at x = 0 (most deprived end);
 *   RII = SII / ȳ, ȳ the population-weighted mean value (the fitted value at x = ½).
 * So for life expectancy the SII is positive (the least deprived live longer) and for mortality it is negative.
 *
 * Interval: PHE/OHID simulate. This does the same, deterministically: each of `repetitions` rounds draws every
 * quantile's value from a normal distribution with its value and standard error, refits, and keeps the SII and
 * RII; the limits are the percentiles of those at (1 − level)/2 and (1 + level)/2. The random numbers come from
 * a seeded generator (sfc32 seeded by splitmix32, normals by Box–Muller), so the same input and seed give the same
 * limits on every machine. A quantile's standard error can be found from 95% limits: (upper − lower) / (2 × 1.96).
 */
import { err, ok, type Result } from '../../core/result.js';
import { zForLevel } from './distributions.js';
import { checkDenominator, checkLevel } from './interval.js';

export interface QuantileValue {
  readonly population: number;
  readonly value: number;
  readonly standardError: number;
}

export interface InequalityIndices {
  readonly sii: number;
  readonly siiLower: number;
  readonly siiUpper: number;
  readonly rii: number;
  readonly riiLower: number;
  readonly riiUpper: number;
  readonly level: number;
  readonly repetitions: number;
  readonly seed: number;
  readonly method: string;
}

/** The fewest quantiles a slope is fitted to. */
export const MINIMUM_QUANTILES = 2;

/** A standard error from symmetric limits at a level (e.g. from a published 95% interval). */
export function standardErrorFromLimits(lower: number, upper: number, level = 95): number {
  return (upper - lower) / (2 * zForLevel(level));
}

/** The midpoint of each quantile's share of the cumulative population. */
export function relativeRanks(populations: readonly number[]): number[] {
  const total = populations.reduce((sum, p) => sum + p, 0);
  let before = 0;
  return populations.map((p) => {
    const rank = (before + p / 2) / total;
    before += p;
    return rank;
  });
}

/** Weighted least squares of y on x: the slope and the weighted mean of y. */
function fit(
  x: readonly number[],
  y: readonly number[],
  w: readonly number[],
): { slope: number; mean: number } {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i] ?? 0;
    sw += wi;
    sx += wi * (x[i] ?? 0);
    sy += wi * (y[i] ?? 0);
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i] ?? 0;
    const dx = (x[i] ?? 0) - mx;
    sxy += wi * dx * ((y[i] ?? 0) - my);
    sxx += wi * dx * dx;
  }
  return { slope: sxy / sxx, mean: my };
}

/** splitmix32: spreads a 32-bit seed into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): uniform numbers in (0, 1). */
export function seededUniform(seed: number): () => number {
  const mix = splitmix32(seed);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return (t + 0.5) / 4294967296;
  };
}

/** Standard normal draws by the Box–Muller transform. */
function seededNormal(seed: number): () => number {
  const uniform = seededUniform(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** The p-quantile of sorted numbers, interpolating linearly between order statistics (R's type 7). */
function percentile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (h - lo) * (b - a);
}

/** The SII and RII of quantiles given most deprived first, with simulated limits. */
export function inequalityIndices(
  quantiles: readonly QuantileValue[],
  options: { readonly level?: number; readonly repetitions?: number; readonly seed?: number } = {},
): Result<InequalityIndices, string> {
  const level = options.level ?? 95;
  const repetitions = options.repetitions ?? 10_000;
  const seed = options.seed ?? 1;
  const checked = checkLevel(level);
  if (!checked.ok) return checked;
  if (!(Number.isInteger(repetitions) && repetitions >= 100)) {
    return err(`the number of repetitions must be a whole number, 100 or more, not ${repetitions}`);
  }
  if (!Number.isInteger(seed)) return err(`the seed must be a whole number, not ${seed}`);
  if (quantiles.length < MINIMUM_QUANTILES) {
    return err(`a slope needs at least ${MINIMUM_QUANTILES} quantiles; got ${quantiles.length}`);
  }
  for (const [i, q] of quantiles.entries()) {
    const p = checkDenominator(`the population of quantile ${i + 1}`, q.population);
    if (!p.ok) return p;
    if (!Number.isFinite(q.value))
      return err(`the value of quantile ${i + 1} must be a number, not ${q.value}`);
    if (!(Number.isFinite(q.standardError) && q.standardError >= 0)) {
      return err(`the standard error of quantile ${i + 1} must be ≥ 0, not ${q.standardError}`);
    }
  }
  const w = quantiles.map((q) => q.population);
  const x = relativeRanks(w);
  const y = quantiles.map((q) => q.value);
  const point = fit(x, y, w);
  const normal = seededNormal(seed);
  const siis: number[] = [];
  const riis: number[] = [];
  const draw = new Array<number>(y.length).fill(0);
  for (let r = 0; r < repetitions; r++) {
    for (let i = 0; i < y.length; i++) draw[i] = (y[i] ?? 0) + (quantiles[i]?.standardError ?? 0) * normal();
    const f = fit(x, draw, w);
    siis.push(f.slope);
    riis.push(f.slope / f.mean);
  }
  siis.sort((a, b) => a - b);
  riis.sort((a, b) => a - b);
  const alpha = 1 - level / 100;
  return ok({
    sii: point.slope,
    siiLower: percentile(siis, alpha / 2),
    siiUpper: percentile(siis, 1 - alpha / 2),
    rii: point.slope / point.mean,
    riiLower: percentile(riis, alpha / 2),
    riiUpper: percentile(riis, 1 - alpha / 2),
    level,
    repetitions,
    seed,
    method: `weighted least squares on relative rank; ${repetitions} seeded simulations (seed ${seed})`,
  });
}
