/**
 * @module population/statistics/dsr
 * The directly standardised rate (DSR) with Dobson confidence limits, as PHE/OHID publish it ("Technical Guide:
 * Directly standardised rates", and "Technical Guide: Confidence Intervals").
 *
 * For bands i with events Oᵢ, population nᵢ and standard population wᵢ (ESP2013 unless another is given):
 *   DSR = K · Σ wᵢ Oᵢ/nᵢ / Σ wᵢ                (K = 100,000)
 *   var(DSR) = K² · Σ wᵢ² Oᵢ/nᵢ² / (Σ wᵢ)²     (each Oᵢ taken as Poisson)
 * Dobson et al. 1991 ("Confidence intervals for weighted sums of Poisson parameters", Statistics in Medicine
 * 10:457-462) put the interval on the total count O = Σ Oᵢ and carry it over to the DSR:
 *   limit = DSR + √(var(DSR)/O) · (O_limit − O)
 * where O_lower, O_upper are the limits of O: Byar's from 10 events on, exact below (poisson.ts).
 *
 * PHE/OHID do not publish a DSR from fewer than 10 events: its interval is too wide to be useful and the rate too
 * unstable. The result says so (`publishable: false`) rather than leaving it to the caller. With no events at all
 * the Dobson limits are undefined (0/0): the rate is 0 and the limits are left out.
 */
import { err, ok, type Result } from '../../core/result.js';
import { checkCount, checkDenominator, checkLevel } from './interval.js';
import { poissonInterval } from './poisson.js';
import { ESP2013 } from './standard-population.js';

/** Fewer events than this and the DSR is not published (PHE/OHID). */
export const DSR_MINIMUM_EVENTS = 10;

export interface DsrBand {
  readonly events: number;
  readonly population: number;
  /** This band's standard population; ESP2013's, by position, when no band gives one. */
  readonly standard?: number;
}

export interface Dsr {
  /** Rate per `per` (100,000 unless asked otherwise). */
  readonly value: number;
  /** Undefined when there are no events (the Dobson limits are 0/0). */
  readonly lower: number | undefined;
  readonly upper: number | undefined;
  readonly level: number;
  readonly per: number;
  readonly events: number;
  readonly population: number;
  /** False when there are fewer than 10 events: PHE/OHID do not publish such a DSR. */
  readonly publishable: boolean;
  readonly method: string;
}

/**
 * The DSR of bands of events and population. Either every band gives its `standard` population or none does, and
 * then there must be 19 bands in ESP2013's order (0-4 … 90+).
 */
export function directlyStandardisedRate(
  bands: readonly DsrBand[],
  options: { readonly level?: number; readonly per?: number } = {},
): Result<Dsr, string> {
  const level = options.level ?? 95;
  const per = options.per ?? 100_000;
  const checked = checkLevel(level);
  if (!checked.ok) return checked;
  if (bands.length === 0) return err('there are no bands to standardise');
  const given = bands.filter((band) => band.standard !== undefined).length;
  if (given !== 0 && given !== bands.length) {
    return err('either every band gives its standard population or none does (then ESP2013 is used)');
  }
  if (given === 0 && bands.length !== ESP2013.length) {
    return err(
      `the 2013 European Standard Population has ${ESP2013.length} bands (0-4 … 90+), not ${bands.length}`,
    );
  }
  let weightTotal = 0;
  let sum = 0;
  let variance = 0;
  let events = 0;
  let population = 0;
  for (const [i, band] of bands.entries()) {
    const weight = band.standard ?? ESP2013[i] ?? 0;
    const o = checkCount(`events in band ${i + 1}`, band.events);
    if (!o.ok) return o;
    const n = checkDenominator(`the population of band ${i + 1}`, band.population);
    if (!n.ok) return n;
    if (!(Number.isFinite(weight) && weight >= 0)) {
      return err(`the standard population of band ${i + 1} must be ≥ 0, not ${weight}`);
    }
    weightTotal += weight;
    sum += (weight * band.events) / band.population;
    variance += (weight * weight * band.events) / (band.population * band.population);
    events += band.events;
    population += band.population;
  }
  if (!(weightTotal > 0)) return err('the standard population is 0 in every band');
  const value = (per * sum) / weightTotal;
  const base = { value, level, per, events, population, publishable: events >= DSR_MINIMUM_EVENTS };
  if (events === 0) {
    return ok({ ...base, lower: undefined, upper: undefined, method: 'Dobson (undefined with no events)' });
  }
  const count = poissonInterval(events, level);
  if (!count.ok) return count;
  const scale = Math.sqrt((per * per * variance) / (weightTotal * weightTotal) / events);
  return ok({
    ...base,
    lower: value + scale * (count.value.lower - events),
    upper: value + scale * (count.value.upper - events),
    method: `Dobson, with ${count.value.method} limits on the total count`,
  });
}
