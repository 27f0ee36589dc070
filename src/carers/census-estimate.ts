/**
 * @module carers/census-estimate
 * How many unpaid carers a population is expected to hold: the Census 2021 share of people providing unpaid care in
 * each age band and sex (England), applied to the people registered in each band. This is the method carers'
 * organisations and commissioners use to set a practice's or a place's expected carers register; its result is a
 * modelled estimate, not a count of anyone.
 *
 * The shares are the national reference's (`reference/life-course/carers.yaml`, source `ons-census-2021-unpaid-care`):
 * the synthetic population draws its carers from the same table, as real carers are what the census counted.
 */
import type { AgeBand } from '../synthetic/life-course/model.js';

export interface CarerRates {
  /** Share providing unpaid care, by age band and sex; the last band is open. */
  readonly bands: readonly AgeBand[];
  /** The source id (reference/sources.yaml). */
  readonly source: string;
}

/** The census counts unpaid care from age 5; younger children are not in the estimate, nor in its population. */
export const MINIMUM_AGE = 5;

/** The index of the band holding `age`, or undefined below the first band. */
export function bandIndexOf(bands: readonly AgeBand[], age: number): number | undefined {
  for (let i = bands.length - 1; i >= 0; i--) if (age >= (bands[i]?.from ?? Infinity)) return i;
  return undefined;
}

/** "5–17", "85+": a band's label. */
export const bandLabel = (band: AgeBand): string =>
  band.to === undefined ? `${band.from}+` : `${band.from}–${band.to}`;

/**
 * The expected share for a band and sex. A person whose sex is not recorded as male or female is given the mean of
 * the two: the census asked everyone, and neither figure is right for them alone.
 */
export function shareOf(band: AgeBand, sex: string): number {
  if (sex === 'male') return band.male;
  if (sex === 'female') return band.female;
  return (band.male + band.female) / 2;
}

/** SQL for bandIndexOf over an integer age expression (portable: a CASE from the oldest band down). */
export function bandIndexSql(bands: readonly AgeBand[], age: string): string {
  const arms = bands
    .map((band, i) => ({ from: band.from, i }))
    .reverse()
    .map(({ from, i }) => `WHEN ${age} >= ${from} THEN ${i}`);
  return `CASE ${arms.join(' ')} END`;
}
