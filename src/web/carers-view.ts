/**
 * @module web/carers-view
 * Carers identified against the estimate, as published (issue 9): every figure of the carers' pages and downloads
 * is made here from the computed register figures (carers/figures.ts), through disclosure control — the identified
 * counts of a table as one protected series (so a withheld count cannot be worked out from its total and the
 * others), list sizes through the count rules, and the share identified only when its count is published and rests
 * on 10 or more carers. Pages and CSV read this view and nothing else.
 *
 * Places are where people live; neighbourhoods (primary care networks) and practices are where they are registered,
 * so a place's neighbourhoods need not add up to the place.
 */
import {
  formatForCsv,
  formatForDisplay,
  formatLimitsForCsv,
  MIN_EVENTS_FOR_RATE,
  protectCount,
  protectRate,
  protectSeries,
  SUPPRESSED_NOTE,
  type PublishedCount,
  type PublishedRate,
} from '../population/disclosure/index.js';
import { compareWithBenchmark, type Comparison } from '../population/statistics/benchmark.js';
import {
  identifiedShare,
  sumAreas,
  type CarerArea,
  type CarerCount,
  type CarersFigures,
} from '../carers/figures.js';
import type { Partnership } from '../partnership/index.js';
import { csvLine } from './population-view.js';
import type { WorkingCarersQuarter } from '../workforce/index.js';

export { SUPPRESSED_NOTE };

/** One area's latest year and its trend, as published. */
export interface CarerFigureView {
  readonly id: string;
  readonly label: string;
  /** The registered people aged 5 and over. */
  readonly persons: PublishedCount;
  readonly identified: PublishedCount;
  /** Carers expected from the census shares, rounded to the nearest 5 (a modelled figure, not a count). */
  readonly expected: number;
  /** Identified as a percentage of expected, with 95% limits; absent when nobody is expected. */
  readonly share: PublishedRate | undefined;
  readonly comparison: Comparison;
  readonly personsText: string;
  readonly identifiedText: string;
  readonly expectedText: string;
  readonly shareText: string;
  /** The share by year (oldest first); withheld years have no value. */
  readonly trend: readonly { year: number; value?: number; lower?: number; upper?: number; text: string }[];
}

export interface NeighbourhoodView extends CarerFigureView {
  readonly place: string;
  readonly placeName: string;
  readonly practices: readonly CarerFigureView[];
}

export interface AgeSexRow {
  readonly band: string;
  readonly female: CarerFigureView;
  readonly male: CarerFigureView;
}

export interface CarersView {
  readonly latestYear: number;
  readonly years: { readonly from: number; readonly to: number };
  readonly source: string;
  readonly system: CarerFigureView;
  readonly places: readonly CarerFigureView[];
  readonly quintiles: readonly CarerFigureView[];
  readonly neighbourhoods: readonly NeighbourhoodView[];
  readonly ageSex: readonly AgeSexRow[];
  /** The partnership's own stated estimate of its unpaid carers, when it states one. */
  readonly stated?: { readonly value: number; readonly asOf: string; readonly source: string };
}

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const roundTo5 = (n: number) => Math.round(n / 5) * 5;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  // The register's figures are whole counts ≥ 0 by construction; a failure here is a bug, not bad input.
  if (!result.ok)
    throw new Error(`carers' figures failed disclosure control: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The share of a year as published, given its identified count as the series protected it. */
function shareOf(count: CarerCount, identified: PublishedCount): PublishedRate | undefined {
  const share = identifiedShare(count);
  if (share === undefined) return undefined; // nobody expected: nobody registered in the census's ages
  // A withheld count withholds the share too: the share and the expected number would give it back.
  if (identified.kind === 'suppressed') return identified;
  return unwrap(protectRate({ ...share, events: count.identified })).estimate;
}

const NO_VALUE = '–';

function figureView(
  id: string,
  label: string,
  area: CarerArea,
  identified: PublishedCount,
  benchmark: number | undefined,
): CarerFigureView {
  const latest = area.years.at(-1) ?? { year: 0, persons: 0, identified: 0, expected: 0 };
  const share = shareOf(latest, identified);
  const persons = unwrap(protectCount(latest.persons));
  const expected = roundTo5(latest.expected);
  return {
    id,
    label,
    persons,
    identified,
    expected,
    share,
    comparison:
      share?.kind === 'rate' ? compareWithBenchmark(share, benchmark, 'high-is-good') : 'not-compared',
    personsText: formatForDisplay(persons),
    identifiedText: formatForDisplay(identified),
    expectedText: whole.format(expected),
    shareText: share === undefined ? NO_VALUE : formatForDisplay(share),
    trend: area.years.map((year) => {
      // Each year's count alone through the count rules: a trend is read one year at a time.
      const cell = unwrap(protectCount(year.identified));
      const published = shareOf(year, cell);
      if (published === undefined) return { year: year.year, text: NO_VALUE };
      return published.kind === 'rate'
        ? {
            year: year.year,
            value: published.value,
            lower: published.lower,
            upper: published.upper,
            text: formatForDisplay(published),
          }
        : { year: year.year, text: formatForDisplay(published) };
    }),
  };
}

/**
 * Areas that add up to a total, published as one series: the identified counts of the latest year protected with
 * the total (and with what the areas leave out of it, so nothing can be worked out by subtraction).
 */
function seriesViews(
  areas: readonly { id: string; label: string; area: CarerArea }[],
  total: CarerArea,
  benchmark: number | undefined,
): { views: CarerFigureView[]; total: PublishedCount } {
  const latest = (area: CarerArea) => area.years.at(-1)?.identified ?? 0;
  const counts = areas.map(({ area }) => latest(area));
  const rest = Math.max(0, latest(total) - counts.reduce((sum, n) => sum + n, 0));
  const series = unwrap(protectSeries([...counts, rest]));
  return {
    views: areas.map(({ id, label, area }, i) => {
      const identified = series.counts[i];
      if (identified === undefined) throw new Error('a protected series lost an entry');
      return figureView(id, label, area, identified, benchmark);
    }),
    total: series.total,
  };
}

export function carersView(figures: CarersFigures, partnership: Partnership): CarersView {
  const { years } = figures;
  const systemLatest = figures.system.years.at(-1);
  const benchmark = systemLatest === undefined ? undefined : identifiedShare(systemLatest)?.value;
  const placeNames = new Map(partnership.places.map((place) => [place.id, place.name]));

  const places = seriesViews(
    figures.places
      .filter((area) => placeNames.has(area.id))
      .map((area) => ({ id: area.id, label: placeNames.get(area.id) ?? area.id, area })),
    figures.system,
    benchmark,
  );
  const system = figureView('system', partnership.info.shortName, figures.system, places.total, benchmark);
  const quintiles = seriesViews(
    figures.quintiles.map((area) => ({
      id: area.id,
      label:
        area.id === '1'
          ? 'Quintile 1 (most deprived)'
          : area.id === '5'
            ? 'Quintile 5 (least deprived)'
            : `Quintile ${area.id}`,
      area,
    })),
    figures.system,
    benchmark,
  ).views;

  const practices = new Map(figures.practices.map((area) => [area.id.toUpperCase(), area]));
  const neighbourhoods: NeighbourhoodView[] = [];
  for (const neighbourhood of partnership.neighbourhoods) {
    if (neighbourhood.to !== undefined) continue;
    const members = neighbourhood.practices
      .map((practice) => ({ practice, area: practices.get(practice.ods.toUpperCase()) }))
      .filter((m): m is { practice: (typeof m)['practice']; area: CarerArea } => m.area !== undefined);
    if (members.length === 0) continue;
    const total = sumAreas(
      neighbourhood.id,
      members.map((m) => m.area),
      years,
    );
    const series = seriesViews(
      members.map((m) => ({ id: m.practice.ods, label: m.practice.name, area: m.area })),
      total,
      benchmark,
    );
    neighbourhoods.push({
      ...figureView(neighbourhood.id, neighbourhood.name, total, series.total, benchmark),
      place: neighbourhood.place,
      placeName: placeNames.get(neighbourhood.place) ?? neighbourhood.place,
      practices: series.views,
    });
  }

  const bands = [...new Set(figures.byAgeAndSex.map((row) => row.band))];
  const cellsOf = figures.byAgeAndSex.map((row) => ({
    id: `${row.band} ${row.sex}`,
    label: `${row.sex === 'female' ? 'Women and girls' : 'Men and boys'} ${row.band}`,
    area: { id: row.band, years: [{ year: years.to, ...row }] },
  }));
  const ageSexViews = seriesViews(
    cellsOf,
    { id: 'system', years: [systemLatest ?? { year: years.to, persons: 0, identified: 0, expected: 0 }] },
    benchmark,
  ).views;
  const ageSex = bands.map((band) => {
    const of = (sex: string) => ageSexViews.find((view) => view.id === `${band} ${sex}`);
    const female = of('female');
    const male = of('male');
    if (female === undefined || male === undefined) throw new Error(`the age band ${band} lacks a sex`);
    return { band, female, male };
  });

  const stated = partnership.info.unpaidCarers;
  return {
    latestYear: years.to,
    years,
    source: figures.source,
    system,
    places: places.views,
    quintiles,
    neighbourhoods,
    ageSex,
    ...(stated === undefined
      ? {}
      : { stated: { value: stated.value, asOf: stated.asOf, source: stated.source } }),
  };
}

/** Working carers recognised by the employer partners, as published (from their workforce returns). */
export interface WorkingCarersView {
  readonly quarter: string;
  readonly recognisedText: string;
  readonly headcountText: string;
  /** The share of the reporting staff groups' headcount, only from 10 carers and when the count is published. */
  readonly shareText: string | undefined;
  readonly organisationsReporting: number;
  readonly organisations: number;
}

export function workingCarersView(quarter: WorkingCarersQuarter): WorkingCarersView {
  const recognised = unwrap(protectCount(quarter.recognised));
  const headcount = unwrap(protectCount(quarter.headcountReporting));
  // The share from the published (rounded) count: one decimal of a share of the exact count would undo the rounding.
  const share =
    recognised.kind === 'count' && quarter.recognised >= MIN_EVENTS_FOR_RATE && quarter.headcountReporting > 0
      ? `${((100 * recognised.value) / quarter.headcountReporting).toFixed(1)}%`
      : undefined;
  return {
    quarter: quarter.quarter,
    recognisedText: formatForDisplay(recognised),
    headcountText: formatForDisplay(headcount),
    shareText: share,
    organisationsReporting: quarter.organisationsReporting,
    organisations: quarter.organisations,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV: one file per table, every figure as published.

export const CARERS_CSV_COLUMNS = [
  'area_type',
  'area_code',
  'area_name',
  'place',
  'year',
  'registered_aged_5_and_over',
  'carers_identified',
  'carers_expected',
  'identified_percent_of_expected',
  'lower_95',
  'upper_95',
] as const;

function csvRows(type: string, view: CarerFigureView, year: number, place = ''): string {
  const [lower, upper] = view.share === undefined ? ['', ''] : formatLimitsForCsv(view.share);
  return csvLine([
    type,
    view.id,
    view.label,
    place,
    String(year),
    formatForCsv(view.persons),
    formatForCsv(view.identified),
    String(view.expected),
    view.share === undefined ? '' : formatForCsv(view.share, { decimals: 1 }),
    lower,
    upper,
  ]);
}

/** Every area's latest year, as published: the system, places, IMD quintiles, neighbourhoods and practices. */
export function carersCsv(view: CarersView): string {
  let out = `# Carers identified against the census estimate, ${view.latestYear}. ${SUPPRESSED_NOTE}\r\n`;
  out += csvLine(CARERS_CSV_COLUMNS);
  out += csvRows('system', view.system, view.latestYear);
  for (const place of view.places) out += csvRows('place', place, view.latestYear);
  for (const quintile of view.quintiles) out += csvRows('imd_quintile', quintile, view.latestYear);
  for (const n of view.neighbourhoods) {
    out += csvRows('neighbourhood', n, view.latestYear, n.place);
    for (const practice of n.practices) out += csvRows('practice', practice, view.latestYear, n.place);
  }
  return out;
}
