/**
 * @module population/statistics/standard-population
 * The 2013 European Standard Population (ESP2013): 19 five-year bands, 0-4 to 90+, summing to 100,000. Source:
 * Eurostat, "Revision of the European Standard Population: report of Eurostat's task force", Methodologies and
 * Working papers, 2013 edition (ISBN 978-92-79-31094-2), table 3. PHE/OHID use it for every directly standardised
 * rate ("Technical Guide: Directly standardised rates"). Also the 20 bands of the abridged life table (<1, 1-4, 5-9,
 * …, 85-89, 90+) that PHE's life expectancy calculator uses, and the functions that find an age's band.
 */

/** The ESP2013 bands' labels, youngest first. */
export const ESP2013_BANDS = [
  '0-4',
  '5-9',
  '10-14',
  '15-19',
  '20-24',
  '25-29',
  '30-34',
  '35-39',
  '40-44',
  '45-49',
  '50-54',
  '55-59',
  '60-64',
  '65-69',
  '70-74',
  '75-79',
  '80-84',
  '85-89',
  '90+',
] as const;

export type Esp2013Band = (typeof ESP2013_BANDS)[number];

/** The ESP2013 population of each band, in the order of ESP2013_BANDS (Eurostat 2013, table 3). */
export const ESP2013: readonly number[] = [
  5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500,
  1000,
];

/** The index in ESP2013_BANDS of the band holding an age in completed years, or undefined for a bad age. */
export function esp2013BandIndex(age: number): number | undefined {
  if (!Number.isInteger(age) || age < 0) return undefined;
  return Math.min(Math.floor(age / 5), ESP2013_BANDS.length - 1);
}

/** The bands of the abridged life table (Chiang II as PHE uses it): <1, 1-4, then five-year bands to 90+. */
export const LIFE_TABLE_BANDS = [
  '<1',
  '1-4',
  '5-9',
  '10-14',
  '15-19',
  '20-24',
  '25-29',
  '30-34',
  '35-39',
  '40-44',
  '45-49',
  '50-54',
  '55-59',
  '60-64',
  '65-69',
  '70-74',
  '75-79',
  '80-84',
  '85-89',
  '90+',
] as const;

export type LifeTableBand = (typeof LIFE_TABLE_BANDS)[number];

/** The age each life-table band starts at. */
export const LIFE_TABLE_START_AGES: readonly number[] = [
  0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90,
];

/** The index in LIFE_TABLE_BANDS of the band holding an age in completed years, or undefined for a bad age. */
export function lifeTableBandIndex(age: number): number | undefined {
  if (!Number.isInteger(age) || age < 0) return undefined;
  if (age === 0) return 0;
  if (age < 5) return 1;
  return Math.min(Math.floor(age / 5) + 1, LIFE_TABLE_BANDS.length - 1);
}
