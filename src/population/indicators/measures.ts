/**
 * @module population/indicators/measures
 * From an indicator's cube to the figures it publishes: for every year, the whole partnership and each group of
 * every breakdown (place, national IMD quintile, sex, age band, ethnic group), the numerator, denominator, value and
 * its 95% and 99.8% limits by the method the measure calls for (statistics/). Every breakdown is a sum of cube cells,
 * so the groups of a breakdown always add up to the whole.
 *
 * Age-standardised measures (DSR, life expectancy) cannot be standardised within one age band: their age-band
 * breakdown is the crude rate of the band (a life expectancy has none), and says so in `method`. Every group's DSR is
 * standardised over the ESP2013 bands the year's whole population has people in (ages outside the indicator drop
 * out); a group with no one in one of those bands has no DSR rather than one of another age structure.
 */
import { type Result } from '../../core/result.js';
import {
  directlyStandardisedRate,
  ESP2013,
  lifeExpectancy,
  poissonInterval,
  rateInterval,
  wilsonInterval,
  type Interval,
} from '../statistics/index.js';
import { AGE_BANDS, type CubeCell } from './cube.js';
import type { Indicator } from './definition.js';

export const BREAKDOWNS = ['all', 'place', 'imd-quintile', 'sex', 'age-band', 'ethnic-group'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** The group a cell falls in, for each breakdown; undefined: the cell is in no group (e.g. no place known). */
export function groupOf(cell: CubeCell, breakdown: Breakdown): string | undefined {
  switch (breakdown) {
    case 'all':
      return 'all';
    case 'place':
      return cell.place ?? undefined;
    case 'imd-quintile':
      return cell.imdQuintile === null ? undefined : String(cell.imdQuintile);
    case 'sex':
      return cell.sex === 'female' || cell.sex === 'male' ? cell.sex : undefined;
    case 'age-band':
      return AGE_BANDS[cell.ageBand];
    case 'ethnic-group':
      return cell.ethnicGroup;
  }
}

export interface Limits {
  readonly lower: number;
  readonly upper: number;
}

export interface IndicatorValue {
  readonly year: number;
  readonly breakdown: Breakdown;
  readonly group: string;
  readonly numerator: number;
  readonly denominator: number;
  /** Undefined when the method cannot give one (no population; a life table with an empty band). */
  readonly value: number | undefined;
  readonly limits95: Limits | undefined;
  readonly limits998: Limits | undefined;
  readonly method: string;
  /** Why there is no value, when there is none. */
  readonly note?: string;
}

const limitsOf = (interval: Result<{ lower: number | undefined; upper: number | undefined }, string>) =>
  interval.ok && interval.value.lower !== undefined && interval.value.upper !== undefined
    ? { lower: interval.value.lower, upper: interval.value.upper }
    : undefined;

/** The ESP2013's 19 bands from the cube's 20 (its first band, 0-4, is the cube's <1 and 1-4). */
function espBands(cells: readonly CubeCell[]): { events: number; population: number }[] {
  const bands = Array.from({ length: 19 }, () => ({ events: 0, population: 0 }));
  for (const cell of cells) {
    const band = bands[Math.max(0, cell.ageBand - 1)];
    if (band === undefined) continue;
    band.events += cell.numerator;
    band.population += cell.denominator;
  }
  return bands;
}

function lifeTableBands(cells: readonly CubeCell[]): { deaths: number; population: number }[] {
  const bands = Array.from({ length: AGE_BANDS.length }, () => ({ deaths: 0, population: 0 }));
  for (const cell of cells) {
    const band = bands[cell.ageBand];
    if (band === undefined) continue;
    band.deaths += cell.numerator;
    band.population += cell.denominator;
  }
  return bands;
}

type Measured = Omit<IndicatorValue, 'year' | 'breakdown' | 'group' | 'numerator' | 'denominator'>;

function measure(
  indicator: Indicator,
  cells: readonly CubeCell[],
  n: number,
  d: number,
  byAge: boolean,
  /** The ESP2013 bands (indices) the year's whole population has people in: every group is standardised over these. */
  standardBands: ReadonlySet<number>,
): Measured {
  const per = indicator.per;
  const scaled = (interval: Result<Interval, string>) =>
    interval.ok ? { lower: interval.value.lower * per, upper: interval.value.upper * per } : undefined;
  const none = (method: string, note: string): Measured => ({
    value: undefined,
    limits95: undefined,
    limits998: undefined,
    method,
    note,
  });
  if (d === 0) return none('', 'no population');
  if (byAge && indicator.measure === 'life-expectancy') {
    return none('Chiang II', 'life expectancy is not computed within an age band');
  }
  const measureType =
    byAge && indicator.measure !== 'count' && indicator.measure !== 'proportion'
      ? 'crude-rate'
      : indicator.measure;
  switch (measureType) {
    case 'proportion': {
      const at95 = wilsonInterval(n, d, 95);
      return {
        value: (n / d) * per,
        limits95: scaled(at95),
        limits998: scaled(wilsonInterval(n, d, 99.8)),
        method: 'Wilson',
      };
    }
    case 'crude-rate': {
      const at95 = rateInterval(n, d, { per, level: 95 });
      return {
        value: (n / d) * per,
        limits95: limitsOf(at95),
        limits998: limitsOf(rateInterval(n, d, { per, level: 99.8 })),
        method:
          `crude rate, ${at95.ok ? `${at95.value.method} limits` : 'no limits'}` +
          (byAge && indicator.measure !== 'crude-rate' ? ' (not standardised within an age band)' : ''),
      };
    }
    case 'count': {
      const at95 = poissonInterval(n, 95);
      return {
        value: n,
        limits95: limitsOf(at95),
        limits998: limitsOf(poissonInterval(n, 99.8)),
        method: 'count',
      };
    }
    case 'directly-standardised-rate': {
      // Every group is standardised over the same ESP2013 bands — those the year's whole population has people in
      // (an under-75 rate: the bands to 70-74) — each with its ESP2013 weight, so groups, the partnership and the
      // quintiles of the SII share one age structure. A group with no one in one of those bands has no DSR.
      const bands = espBands(cells)
        .map((band, i) => ({ ...band, standard: ESP2013[i] ?? 0, index: i }))
        .filter((band) => standardBands.has(band.index));
      if (bands.some((band) => band.population === 0)) {
        return none('DSR', 'no population in some of the age bands standardised over');
      }
      const at95 = directlyStandardisedRate(bands, { per, level: 95 });
      if (!at95.ok) return none('DSR', at95.error);
      return {
        value: at95.value.value,
        limits95: limitsOf(at95),
        limits998: limitsOf(directlyStandardisedRate(bands, { per, level: 99.8 })),
        method: at95.value.method,
      };
    }
    case 'life-expectancy': {
      const bands = lifeTableBands(cells);
      const at95 = lifeExpectancy(bands, { level: 95 });
      if (!at95.ok) return none('Chiang II', at95.error);
      const birth = at95.value.rows[0];
      const at998 = lifeExpectancy(bands, { level: 99.8 });
      const birth998 = at998.ok ? at998.value.rows[0] : undefined;
      return {
        value: birth?.value,
        limits95: birth === undefined ? undefined : { lower: birth.lower, upper: birth.upper },
        limits998: birth998 === undefined ? undefined : { lower: birth998.lower, upper: birth998.upper },
        method: at95.value.method,
        ...(at95.value.publishable ? {} : { note: at95.value.warnings.join('; ') || 'not publishable' }),
      };
    }
  }
}

const bandOrder = (band: string): number => (AGE_BANDS as readonly string[]).indexOf(band);

/** Every figure of an indicator: each year × breakdown × group, in that order. */
export function indicatorValues(indicator: Indicator, cells: readonly CubeCell[]): IndicatorValue[] {
  const values: IndicatorValue[] = [];
  const years = [...new Set(cells.map((cell) => cell.year))].sort((a, b) => a - b);
  for (const year of years) {
    const ofYear = cells.filter((cell) => cell.year === year);
    const standardBands = new Set(
      espBands(ofYear)
        .map((band, i) => (band.population > 0 ? i : -1))
        .filter((i) => i >= 0),
    );
    for (const breakdown of BREAKDOWNS) {
      const groups = new Map<string, CubeCell[]>();
      for (const cell of ofYear) {
        const group = groupOf(cell, breakdown);
        if (group === undefined) continue;
        const list = groups.get(group);
        if (list === undefined) groups.set(group, [cell]);
        else list.push(cell);
      }
      const order = [...groups.keys()].sort((a, b) =>
        breakdown === 'age-band' ? bandOrder(a) - bandOrder(b) : a.localeCompare(b),
      );
      for (const group of order) {
        const inGroup = groups.get(group) ?? [];
        const numerator = inGroup.reduce((sum, cell) => sum + cell.numerator, 0);
        const denominator = inGroup.reduce((sum, cell) => sum + cell.denominator, 0);
        values.push({
          year,
          breakdown,
          group,
          numerator,
          denominator,
          ...measure(indicator, inGroup, numerator, denominator, breakdown === 'age-band', standardBands),
        });
      }
    }
  }
  return values;
}
