/**
 * @module population/statistics/isr
 * The indirectly standardised ratio (ISR; the standardised mortality ratio, SMR, when the events are deaths): the
 * events observed in a population divided by those expected had it experienced a reference population's rates in
 * each band (PHE/OHID "Technical Guide: Confidence Intervals", and Breslow & Day 1987, vol. II, chapter 2).
 *
 *   E = Σ nᵢ · (reference events ᵢ / reference population ᵢ),   ISR = O / E.
 *
 * The expected count is taken as known exactly, so the ratio's limits are the observed count's limits (exact
 * below 10 events, Byar's from 10 on: poisson.ts) divided by E. Publications often multiply by 100 (an SMR of 112);
 * `multiplier` does that.
 */
import { err, ok, type Result } from '../../core/result.js';
import { checkCount, checkDenominator } from './interval.js';
import { poissonInterval } from './poisson.js';

export interface IsrBand {
  readonly events: number;
  readonly population: number;
  readonly referenceEvents: number;
  readonly referencePopulation: number;
}

export interface Isr {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  readonly observed: number;
  readonly expected: number;
  readonly method: string;
}

/** The ISR of bands of a population against a reference population's rates in the same bands. */
export function indirectlyStandardisedRatio(
  bands: readonly IsrBand[],
  options: { readonly level?: number; readonly multiplier?: number } = {},
): Result<Isr, string> {
  const multiplier = options.multiplier ?? 1;
  if (bands.length === 0) return err('there are no bands to standardise');
  let observed = 0;
  let expected = 0;
  for (const [i, band] of bands.entries()) {
    const checks = [
      checkCount(`events in band ${i + 1}`, band.events),
      checkDenominator(`the population of band ${i + 1}`, band.population),
      checkCount(`reference events in band ${i + 1}`, band.referenceEvents),
      checkDenominator(`the reference population of band ${i + 1}`, band.referencePopulation),
    ];
    for (const check of checks) if (!check.ok) return check;
    observed += band.events;
    expected += (band.population * band.referenceEvents) / band.referencePopulation;
  }
  if (!(expected > 0))
    return err('no events are expected (the reference rates are 0), so the ratio is undefined');
  const count = poissonInterval(observed, options.level ?? 95);
  if (!count.ok) return count;
  const scale = multiplier / expected;
  return ok({
    value: observed * scale,
    lower: count.value.lower * scale,
    upper: count.value.upper * scale,
    level: count.value.level,
    observed,
    expected,
    method: `${count.value.method} limits on the observed count`,
  });
}
