/**
 * @module population/statistics/life-expectancy
 * Period life expectancy by the Chiang II abridged life table, with the standard error of Silcocks et al., as
 * PHE/OHID's life expectancy calculator and PHEindicatormethods compute it.
 *
 * Bands <1, 1-4, 5-9, …, 85-89, 90+ (standard-population.ts), of width nᵢ (1, 4, then 5; the last is open), with
 * deaths Dᵢ and population Pᵢ (mid-year, or person-years):
 *   Mᵢ = Dᵢ/Pᵢ; aᵢ = 0.1 for infants (the fraction of the first year lived by those who die in it), 0.5 otherwise;
 *   qᵢ = nᵢMᵢ / (1 + nᵢ(1 − aᵢ)Mᵢ), and q = 1 in the last band;
 *   l₀ = 100,000, dᵢ = lᵢqᵢ, lᵢ₊₁ = lᵢ − dᵢ;
 *   Lᵢ = nᵢ(lᵢ₊₁ + aᵢdᵢ), and L = l/M in the last band;
 *   Tᵢ = Σⱼ≥ᵢ Lⱼ, eᵢ = Tᵢ/lᵢ.
 * (Chiang C. L., "The Life Table and its Applications", 1984.)
 *
 * Variance (Silcocks P. B. S., Jenner D. A., Reza R., "Life expectancy as a summary of mortality in a population:
 * statistical considerations and suitability for use by health authorities", J Epidemiol Community Health 2001;
 * 55:38-43): with var(qᵢ) = nᵢ²Mᵢ(1 − aᵢnᵢMᵢ) / (Pᵢ(1 + (1 − aᵢ)nᵢMᵢ)³) for the closed bands,
 *   var(eₓ) = [ Σ_{x≤i<last} lᵢ²((1 − aᵢ)nᵢ + eᵢ₊₁)² var(qᵢ) + l_last² · D_last / (P_last² M_last⁴) ] / lₓ²,
 * the last term being the variance of l/M in the open band (var(M) = D/P²). The interval is eₓ ± z·√var(eₓ).
 *
 * PHE/OHID do not publish life expectancy for populations below 5,000 (person-years) in total, and flag a band
 * with no deaths; the result says which (`publishable`, `warnings`). A band with more deaths than population or no
 * population is refused, as is the last band without deaths (its L = l/M would be infinite).
 */
import { err, ok, type Result } from '../../core/result.js';
import { zForLevel } from './distributions.js';
import { checkCount, checkDenominator, checkLevel } from './interval.js';
import { LIFE_TABLE_BANDS, LIFE_TABLE_START_AGES } from './standard-population.js';

/** The fraction of the first year of life lived by infants who die in it (PHE/OHID). */
export const INFANT_FRACTION = 0.1;
/** Below this total population, life expectancy is not published (PHE/OHID). */
export const LIFE_EXPECTANCY_MINIMUM_POPULATION = 5000;

export interface LifeTableInput {
  readonly deaths: number;
  readonly population: number;
}

export interface LifeTableRow {
  readonly band: string;
  readonly startAge: number;
  /** Life expectancy at the start of the band, in years. */
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly standardError: number;
}

export interface LifeExpectancy {
  readonly rows: readonly LifeTableRow[];
  readonly level: number;
  readonly publishable: boolean;
  readonly warnings: readonly string[];
  readonly method: string;
}

/** The abridged life table of 20 bands (<1, 1-4, …, 90+) in that order; life expectancy at the start of each. */
export function lifeExpectancy(
  bands: readonly LifeTableInput[],
  options: { readonly level?: number } = {},
): Result<LifeExpectancy, string> {
  const level = options.level ?? 95;
  const checked = checkLevel(level);
  if (!checked.ok) return checked;
  const k = LIFE_TABLE_BANDS.length;
  if (bands.length !== k) {
    return err(`a life table needs the ${k} bands ${LIFE_TABLE_BANDS.join(', ')}; got ${bands.length}`);
  }
  const warnings: string[] = [];
  for (const [i, band] of bands.entries()) {
    const label = LIFE_TABLE_BANDS[i] ?? `${i + 1}`;
    const d = checkCount(`deaths in band ${label}`, band.deaths);
    if (!d.ok) return d;
    const p = checkDenominator(`the population of band ${label}`, band.population);
    if (!p.ok) return p;
    if (band.deaths > band.population) {
      return err(`band ${label} has more deaths (${band.deaths}) than population (${band.population})`);
    }
    if (band.deaths === 0) {
      if (i === k - 1)
        return err(`the last band (${label}) has no deaths, so its life expectancy is infinite`);
      warnings.push(`band ${label} has no deaths`);
    }
  }
  const total = bands.reduce((sum, band) => sum + band.population, 0);
  if (total < LIFE_EXPECTANCY_MINIMUM_POPULATION) {
    warnings.push(`the total population (${total}) is below ${LIFE_EXPECTANCY_MINIMUM_POPULATION}`);
  }

  const width = (i: number): number => (LIFE_TABLE_START_AGES[i + 1] ?? 0) - (LIFE_TABLE_START_AGES[i] ?? 0);
  const a = (i: number): number => (i === 0 ? INFANT_FRACTION : 0.5);
  const m = bands.map((band) => band.deaths / band.population);
  const q = m.map((mi, i) => (i === k - 1 ? 1 : (width(i) * mi) / (1 + width(i) * (1 - a(i)) * mi)));
  const l: number[] = [100_000];
  const d: number[] = [];
  const bigL: number[] = [];
  for (let i = 0; i < k; i++) {
    const li = l[i] ?? 0;
    const di = li * (q[i] ?? 0);
    d.push(di);
    l.push(li - di);
    bigL.push(i === k - 1 ? li / (m[i] ?? 1) : width(i) * (li - di + a(i) * di));
  }
  const t: number[] = new Array<number>(k).fill(0);
  for (let i = k - 1, running = 0; i >= 0; i--) {
    running += bigL[i] ?? 0;
    t[i] = running;
  }
  const e = t.map((ti, i) => ti / (l[i] ?? 1));

  // Silcocks: each band's contribution to the variance of T, summed from the last band down.
  const last = bands[k - 1] ?? { deaths: 1, population: 1 };
  const mLast = m[k - 1] ?? 1;
  const lLast = l[k - 1] ?? 0;
  const contributions: number[] = new Array<number>(k).fill(0);
  contributions[k - 1] = (lLast * lLast * last.deaths) / (last.population * last.population * mLast ** 4);
  for (let i = 0; i < k - 1; i++) {
    const n = width(i);
    const mi = m[i] ?? 0;
    const ai = a(i);
    const population = bands[i]?.population ?? 1;
    const varQ = (n * n * mi * (1 - ai * n * mi)) / (population * (1 + (1 - ai) * n * mi) ** 3);
    const li = l[i] ?? 0;
    contributions[i] = li * li * ((1 - ai) * n + (e[i + 1] ?? 0)) ** 2 * varQ;
  }
  const z = zForLevel(level);
  const rows: LifeTableRow[] = [];
  for (let i = k - 1, running = 0; i >= 0; i--) {
    running += contributions[i] ?? 0;
    const li = l[i] ?? 1;
    const se = Math.sqrt(running / (li * li));
    const value = e[i] ?? 0;
    rows.unshift({
      band: LIFE_TABLE_BANDS[i] ?? '',
      startAge: LIFE_TABLE_START_AGES[i] ?? 0,
      value,
      lower: value - z * se,
      upper: value + z * se,
      standardError: se,
    });
  }
  return ok({
    rows,
    level,
    publishable: total >= LIFE_EXPECTANCY_MINIMUM_POPULATION,
    warnings,
    method: 'Chiang II abridged life table; Silcocks et al. standard error',
  });
}
