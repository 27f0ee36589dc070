/**
 * @module carers/figures
 * Carers identified against the estimate: from the register's cells (register.ts), for each year, the registered
 * people aged 5 and over, those coded as carers, and the carers expected from the census shares
 * (census-estimate.ts) — for the system, each place (where people live), each practice (where they are registered),
 * each IMD quintile, and by age band and sex. Neighbourhoods are sums of their practices, made where the
 * partnership's neighbourhoods are known (`sumAreas`).
 *
 * "Identified against the estimate" is observed over expected, as a percentage, with the limits of an indirectly
 * standardised ratio (statistics/isr.ts): the expected count is a census share applied to the list, taken as known,
 * and the identified count varies as a Poisson count. Pure; these are aggregates before disclosure control, which
 * the published view applies.
 */
import { indirectlyStandardisedRatio } from '../population/statistics/isr.js';
import type { AgeBand } from '../synthetic/life-course/model.js';
import { bandLabel, shareOf } from './census-estimate.js';
import type { RegisterCell } from './register.js';

/** One year's counts of an area. `expected` is a modelled number of carers, not whole. */
export interface CarerCount {
  readonly year: number;
  readonly persons: number;
  readonly identified: number;
  readonly expected: number;
}

export interface CarerArea {
  /** A place id, a practice's ODS code, an IMD quintile ("1" most deprived), or "system". */
  readonly id: string;
  /** By year, oldest first. */
  readonly years: readonly CarerCount[];
}

export interface CarerBandCount {
  readonly band: string;
  readonly sex: string;
  readonly persons: number;
  readonly identified: number;
  readonly expected: number;
}

export interface CarersFigures {
  readonly years: { readonly from: number; readonly to: number };
  /** The census shares' source id (reference/sources.yaml). */
  readonly source: string;
  readonly system: CarerArea;
  /** Where people live; people living outside the partnership's places are in the system only. */
  readonly places: readonly CarerArea[];
  /** Where people are registered. */
  readonly practices: readonly CarerArea[];
  readonly quintiles: readonly CarerArea[];
  /** The latest year, system-wide, by census age band and sex. */
  readonly byAgeAndSex: readonly CarerBandCount[];
}

/** Identified as a percentage of expected, with 95% limits; undefined when none are expected. */
export interface IdentifiedShare {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

export function identifiedShare(
  count: Pick<CarerCount, 'identified' | 'expected'>,
): IdentifiedShare | undefined {
  if (!(count.expected > 0)) return undefined;
  // One band holding the totals: the ratio and its limits need only the observed and expected sums.
  const ratio = indirectlyStandardisedRatio(
    [
      {
        events: count.identified,
        population: count.expected,
        referenceEvents: 1,
        referencePopulation: 1,
      },
    ],
    { multiplier: 100 },
  );
  return ratio.ok
    ? { value: ratio.value.value, lower: ratio.value.lower, upper: ratio.value.upper }
    : undefined;
}

function areasBy(
  cells: readonly RegisterCell[],
  bands: readonly AgeBand[],
  years: { from: number; to: number },
  keyOf: (cell: RegisterCell) => string | null,
): CarerArea[] {
  type Sum = { persons: number; identified: number; expected: number };
  const sums = new Map<string, Map<number, Sum>>();
  for (const cell of cells) {
    const key = keyOf(cell);
    if (key === null) continue;
    const band = bands[cell.band];
    if (band === undefined) continue;
    let byYear = sums.get(key);
    if (byYear === undefined) sums.set(key, (byYear = new Map<number, Sum>()));
    const sum = byYear.get(cell.year) ?? { persons: 0, identified: 0, expected: 0 };
    sum.persons += cell.persons;
    sum.identified += cell.identified;
    sum.expected += cell.persons * shareOf(band, cell.sex);
    byYear.set(cell.year, sum);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, byYear]) => ({ id, years: everyYear(years, (year) => byYear.get(year)) }));
}

/** Every year of the range, zeros where nobody was counted: a series has no gaps to misread. */
function everyYear(
  years: { from: number; to: number },
  of: (year: number) => { persons: number; identified: number; expected: number } | undefined,
): CarerCount[] {
  const list: CarerCount[] = [];
  for (let year = years.from; year <= years.to; year++) {
    const sum = of(year);
    list.push({
      year,
      persons: sum?.persons ?? 0,
      identified: sum?.identified ?? 0,
      expected: sum?.expected ?? 0,
    });
  }
  return list;
}

export function carersFigures(
  cells: readonly RegisterCell[],
  bands: readonly AgeBand[],
  years: { from: number; to: number },
  source: string,
): CarersFigures {
  const [system] = areasBy(cells, bands, years, () => 'system');
  const latest = cells.filter((cell) => cell.year === years.to);
  const byAgeAndSex: CarerBandCount[] = [];
  for (const [index, band] of bands.entries()) {
    if (band.male === 0 && band.female === 0) continue; // below the census's ages (0–4)
    for (const sex of ['female', 'male']) {
      const inBand = latest.filter((cell) => cell.band === index && cell.sex === sex);
      const persons = inBand.reduce((sum, cell) => sum + cell.persons, 0);
      byAgeAndSex.push({
        band: bandLabel(band),
        sex,
        persons,
        identified: inBand.reduce((sum, cell) => sum + cell.identified, 0),
        expected: persons * shareOf(band, sex),
      });
    }
  }
  return {
    years,
    source,
    system: system ?? { id: 'system', years: everyYear(years, () => undefined) },
    places: areasBy(cells, bands, years, (cell) => cell.place),
    practices: areasBy(cells, bands, years, (cell) => cell.practice),
    quintiles: areasBy(cells, bands, years, (cell) =>
      cell.imdQuintile === null ? null : String(cell.imdQuintile),
    ),
    byAgeAndSex,
  };
}

/** The sum of some areas, year by year (a neighbourhood from its practices). */
export function sumAreas(
  id: string,
  areas: readonly CarerArea[],
  years: { from: number; to: number },
): CarerArea {
  return {
    id,
    years: everyYear(years, (year) => {
      const counts = areas.map((area) => area.years.find((count) => count.year === year));
      return counts.reduce(
        (sum, count) => ({
          persons: sum.persons + (count?.persons ?? 0),
          identified: sum.identified + (count?.identified ?? 0),
          expected: sum.expected + (count?.expected ?? 0),
        }),
        { persons: 0, identified: 0, expected: 0 },
      );
    }),
  };
}
