/**
 * @module web/population-view
 * The population health pages' view-model: the one place in the web edge that reads the computed indicators
 * (`PopulationResults`, aggregates before disclosure control) and the only way their figures reach a page, a CSV
 * or a JSON download. What it returns holds published cells only (docs/population-pages.md):
 *
 * - every value with its limits goes through `protectRate` (a rate, proportion, DSR or life expectancy from fewer
 *   than 10 events is withheld; a life expectancy's events are its deaths);
 * - a breakdown's numerators and denominators go through `protectSeries`, the groups with the partnership's total
 *   (the part not in any group — no place known — is a category of the series, never shown), so no withheld count
 *   can be worked out from the others; the partnership's own counts go through `protectCount`, and equal the
 *   series' total;
 * - a value is withheld too when its numerator is withheld by secondary suppression: an exact rate and a rounded
 *   denominator would give the numerator back;
 * - a count indicator's value is its protected numerator, without limits (exact limits would give the count back);
 * - the gap between quintiles 1 and 5 is computed from their published values, and the SII and its trend shown
 *   only for years whose five quintiles are all published; the SII chart places the quintiles by their published
 *   (rounded) populations;
 * - notes of the methods are replaced by fixed words (a method's own message can quote a raw count).
 *
 * Templates, charts and the CSV and JSON writers get only this model. The public view has place, IMD quintile and
 * sex; the analyst view adds age band and ethnic group, and the numerators and denominators (protected counts).
 */
import { stringify } from 'yaml';
import {
  formatForCsv,
  formatForDisplay,
  formatLimitsForCsv,
  MIN_EVENTS_FOR_RATE,
  protectCount,
  protectRate,
  protectSeries,
  SUPPRESSED_NOTE,
  SUPPRESSED_SYMBOL,
  type PublishedCell,
  type PublishedCount,
  type PublishedRate,
} from '../population/disclosure/index.js';
import { codeListsOf, type Indicator } from '../population/indicators/definition.js';
import type { GapTrend } from '../population/indicators/inequality-gap.js';
import type { Breakdown, IndicatorValue } from '../population/indicators/measures.js';
import type { PopulationResults, StoredResult } from '../population/indicators/results-file.js';
import { compareWithBenchmark, type Comparison } from '../population/statistics/benchmark.js';

export type Audience = 'public' | 'analyst';
export type GroupBreakdown = Exclude<Breakdown, 'all'>;

/** The breakdowns each audience sees. */
export const BREAKDOWNS_FOR: Readonly<Record<Audience, readonly GroupBreakdown[]>> = {
  public: ['place', 'imd-quintile', 'sex'],
  analyst: ['place', 'imd-quintile', 'sex', 'age-band', 'ethnic-group'],
};

export const BREAKDOWN_TITLES: Readonly<Record<GroupBreakdown, string>> = {
  place: 'By place',
  'imd-quintile': 'By national IMD quintile (1 = most deprived)',
  sex: 'By sex',
  'age-band': 'By age band',
  'ethnic-group': 'By ethnic group',
};

/** One published figure: a group's value with its limits and, for analysts, its protected counts. */
export interface FigureView {
  readonly group: string;
  readonly label: string;
  /**
   * The value with its 95% limits (a count indicator: the protected count, without limits); a suppressed cell when
   * withheld; undefined when the method gives no value (`note` says why).
   */
  readonly estimate: PublishedCell | undefined;
  /** The value with its 99.8% limits, when there are any. */
  readonly estimate998: PublishedRate | undefined;
  /** Present in the analyst view only. */
  readonly numerator: PublishedCount | undefined;
  readonly denominator: PublishedCount | undefined;
  /** Against the partnership's value, by the 95% interval and the indicator's polarity. */
  readonly comparison: Comparison;
  /** The value as a page shows it: "12.3 (10.1 to 14.9)", "[c]" or "no value". */
  readonly valueText: string;
  /** The value alone ("12.3", "[c]", "–"). */
  readonly shortText: string;
  readonly numeratorText: string;
  readonly denominatorText: string;
  readonly method: string;
  readonly note: string | undefined;
  /** Plain numbers of a published value, for charts; absent when withheld or none. */
  readonly plot: { readonly value: number; readonly lower?: number; readonly upper?: number } | undefined;
}

export interface BreakdownView {
  readonly breakdown: GroupBreakdown;
  readonly title: string;
  readonly groups: readonly FigureView[];
}

export interface SiiView {
  readonly sii: number;
  readonly siiLower: number;
  readonly siiUpper: number;
  readonly rii: number;
  readonly riiLower: number;
  readonly riiUpper: number;
  readonly text: string;
  readonly riiText: string;
  /** Each quintile at the midpoint of its (published) cumulative population share. */
  readonly points: readonly {
    readonly label: string;
    readonly rank: number;
    readonly value: number;
    readonly lower: number;
    readonly upper: number;
  }[];
  /** The fitted line at the most and least deprived ends. */
  readonly line: { readonly atZero: number; readonly atOne: number };
}

export interface InequalityView {
  readonly year: number;
  readonly q1: FigureView | undefined;
  readonly q5: FigureView | undefined;
  /** Quintile 1 − quintile 5 and quintile 1 ÷ quintile 5, from their published values. */
  readonly absoluteGap: number | undefined;
  readonly relativeGap: number | undefined;
  readonly absoluteGapText: string;
  readonly relativeGapText: string;
  /** Whether a figure here is not published because a quintile's value is withheld. */
  readonly withheld: boolean;
  readonly sii: SiiView | undefined;
  readonly siiNote: string | undefined;
}

export interface YearView {
  readonly year: number;
  readonly partnership: FigureView;
  readonly breakdowns: readonly BreakdownView[];
  readonly inequality: InequalityView;
}

export interface IndicatorView {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly rationale: string;
  readonly source: string;
  readonly priority: readonly string[];
  readonly measure: Indicator['measure'];
  readonly measureText: string;
  /** What the values are in, for an axis ("% of the population", "per 100,000"). */
  readonly unit: string;
  readonly polarity: Indicator['polarity'];
  readonly polarityText: string;
  readonly method: string;
  /** The definition's population, numerator and years, as YAML. */
  readonly definition: string;
  readonly codeLists: readonly string[];
  readonly years: readonly number[];
  readonly byYear: readonly YearView[];
  readonly trend: GapTrend;
  readonly trendText: string;
  readonly audience: Audience;
  /** Whether any figure of the indicator is shown as `[c]`. */
  readonly hasSuppressed: boolean;
}

export interface DashboardRow {
  readonly id: string;
  readonly title: string;
  readonly group: string;
  readonly latestYear: number | undefined;
  readonly latest: YearView | undefined;
  readonly spark: readonly {
    readonly year: number;
    readonly value: number | undefined;
    readonly text: string;
  }[];
  readonly trend: GapTrend;
  readonly trendWords: string;
  readonly polarity: Indicator['polarity'];
  readonly unit: string;
}

export interface PopulationView {
  readonly computedAt: string;
  readonly audience: Audience;
  readonly indicators: readonly IndicatorView[];
  readonly rows: readonly DashboardRow[];
  readonly hasSuppressed: boolean;
}

export { SUPPRESSED_NOTE, SUPPRESSED_SYMBOL };

/** Who sees the analyst view: a signed-in person with any role of staff (anyone but a member of the public). */
export function audienceOf(principal: {
  readonly kind: string;
  readonly roles?: readonly string[];
}): Audience {
  return principal.kind === 'user' && (principal.roles ?? []).some((role) => role !== 'public')
    ? 'analyst'
    : 'public';
}

const TREND_TEXT: Readonly<Record<GapTrend, string>> = {
  narrowing:
    'The gap is narrowing: the latest slope index of inequality, with its 95% interval, lies wholly nearer ' +
    'zero than the first year’s.',
  widening:
    'The gap is widening: the latest slope index of inequality, with its 95% interval, lies wholly further from ' +
    'zero than the first year’s.',
  'no-clear-change':
    'No clear change in the gap: the intervals of the first and latest years’ slope index of inequality overlap.',
  'not-enough-years':
    'Not enough years with a published slope index of inequality to judge a trend (at least two are needed).',
};
const TREND_WORDS: Readonly<Record<GapTrend, string>> = {
  narrowing: 'Narrowing',
  widening: 'Widening',
  'no-clear-change': 'No clear change',
  'not-enough-years': 'Not enough years',
};

const POLARITY_TEXT: Readonly<Record<Indicator['polarity'], string>> = {
  'high-is-good': 'Higher is better',
  'low-is-good': 'Lower is better',
  'no-judgement': 'No judgement: a higher value is neither better nor worse',
};

function measureText(indicator: Indicator): { text: string; unit: string } {
  const per = indicator.per.toLocaleString('en-GB');
  switch (indicator.measure) {
    case 'proportion':
      return indicator.per === 100
        ? { text: 'Proportion (percentage), Wilson score interval', unit: '%' }
        : { text: `Proportion per ${per}, Wilson score interval`, unit: `per ${per}` };
    case 'crude-rate':
      return { text: `Crude rate per ${per}, exact or Byar's limits`, unit: `per ${per}` };
    case 'directly-standardised-rate':
      return {
        text: `Directly standardised rate per ${per} (2013 European Standard Population), Dobson limits`,
        unit: `per ${per}, age-standardised`,
      };
    case 'count':
      return { text: 'Count (rounded to the nearest 5)', unit: 'count' };
    case 'life-expectancy':
      return { text: 'Life expectancy at birth (Chiang II life table), Silcocks limits', unit: 'years' };
  }
}

const decimalsFor = (indicator: Indicator): number =>
  indicator.measure === 'count' ? 0 : indicator.per === 1 && indicator.measure === 'proportion' ? 3 : 1;

/** A method's note, in fixed words: the method's own message can quote a raw count. */
function safeNote(value: IndicatorValue): string {
  const raw = value.note ?? '';
  if (raw === 'no population') return 'no population in this group';
  if (value.value !== undefined && /below/.test(raw)) return 'not published: the population is below 5,000';
  if (/no deaths/.test(raw)) return 'no value: an age band has no deaths';
  return 'no value: the method gives none for this group';
}

function groupLabel(breakdown: Breakdown, group: string, placeNames: ReadonlyMap<string, string>): string {
  switch (breakdown) {
    case 'all':
      return 'Partnership';
    case 'place':
      return placeNames.get(group) ?? group;
    case 'imd-quintile':
      return group === '1' ? '1 (most deprived)' : group === '5' ? '5 (least deprived)' : group;
    case 'sex':
      return group === 'female' ? 'Female' : group === 'male' ? 'Male' : group;
    case 'age-band':
      return group.replace('-', ' to ');
    case 'ethnic-group':
      return group;
  }
}

/** A group's figure with its protected denominator (published whatever the audience: the SII chart uses it). */
interface Protected {
  readonly figure: FigureView;
  readonly denominator: PublishedCount;
}

interface Counts {
  readonly numerator: PublishedCount;
  readonly denominator: PublishedCount;
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }, what: string): T {
  if (!result.ok)
    throw new Error(`population view: ${what} could not be protected: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** Protects one figure's value, given its counts as already protected (alone or in their series). */
function figure(
  indicator: Indicator,
  audience: Audience,
  value: IndicatorValue,
  counts: Counts,
  label: string,
  benchmark: number | undefined,
): FigureView {
  const decimals = decimalsFor(indicator);
  const analyst = audience === 'analyst';
  let estimate: PublishedCell | undefined;
  let estimate998: PublishedRate | undefined;
  let note: string | undefined;
  if (indicator.measure === 'count') {
    estimate = counts.numerator;
  } else if (value.value === undefined || value.note !== undefined) {
    note = safeNote(value);
  } else {
    const limits =
      value.limits95 ??
      (value.numerator < MIN_EVENTS_FOR_RATE ? { lower: value.value, upper: value.value } : undefined);
    // Published at the page's precision, never more: a value and its limits to many places give back the exact
    // numerator and denominator, which the count rules round.
    const at = (x: number) => Number(x.toFixed(decimals));
    const at95 =
      limits === undefined
        ? undefined
        : protectRate({
            value: at(value.value),
            lower: at(limits.lower),
            upper: at(limits.upper),
            events: value.numerator,
          });
    if (at95 === undefined || !at95.ok) {
      note = 'no value: no interval could be given';
    } else {
      // A numerator or denominator withheld in its series withholds the value too: the rate and the other count
      // would give it back.
      const own = at95.value.estimate;
      const withheld = [counts.numerator, counts.denominator].find((cell) => cell.kind === 'suppressed');
      estimate = own.kind === 'rate' && withheld !== undefined ? withheld : own;
      if (estimate.kind === 'rate' && value.limits998 !== undefined) {
        const at998 = protectRate({
          value: at(value.value),
          lower: at(value.limits998.lower),
          upper: at(value.limits998.upper),
          events: value.numerator,
        });
        if (at998.ok && at998.value.estimate.kind === 'rate') estimate998 = at998.value.estimate;
      }
    }
  }
  const plot =
    estimate === undefined || estimate.kind === 'suppressed'
      ? undefined
      : estimate.kind === 'rate'
        ? { value: estimate.value, lower: estimate.lower, upper: estimate.upper }
        : { value: estimate.value };
  const comparison: Comparison =
    estimate?.kind === 'rate'
      ? compareWithBenchmark(estimate, benchmark, indicator.polarity)
      : 'not-compared';
  const short = (cell: PublishedCell | undefined) =>
    cell === undefined
      ? '–'
      : cell.kind === 'rate'
        ? fixed(cell.value, decimals)
        : formatForDisplay(cell, { decimals });
  return {
    group: value.group,
    label,
    estimate,
    estimate998,
    numerator: analyst ? counts.numerator : undefined,
    denominator: analyst ? counts.denominator : undefined,
    comparison,
    valueText: estimate === undefined ? (note ?? 'no value') : formatForDisplay(estimate, { decimals }),
    shortText: short(estimate),
    numeratorText: analyst ? formatForDisplay(counts.numerator) : '',
    denominatorText: analyst ? formatForDisplay(counts.denominator) : '',
    // The method's name from the measure alone: a method's own note can tell a withheld count's size ("exact"
    // below 10 events, "undefined with no events").
    method: measureText(indicator).text,
    note,
    plot,
  };
}

/** The midpoint of each quintile's share of the cumulative population. */
function relativeRanks(populations: readonly number[]): number[] {
  const total = populations.reduce((sum, p) => sum + p, 0);
  let before = 0;
  return populations.map((p) => {
    const rank = (before + p / 2) / total;
    before += p;
    return rank;
  });
}

const fixed = (n: number, decimals: number) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

function inequality(
  indicator: Indicator,
  year: number,
  quintiles: readonly Protected[],
  stored: StoredResult['gap']['years'][number] | undefined,
): InequalityView {
  const decimals = decimalsFor(indicator);
  const byGroup = new Map(quintiles.map((g) => [g.figure.group, g]));
  const q1 = byGroup.get('1')?.figure;
  const q5 = byGroup.get('5')?.figure;
  const v1 = q1?.estimate?.kind === 'rate' || q1?.estimate?.kind === 'count' ? q1.estimate.value : undefined;
  const v5 = q5?.estimate?.kind === 'rate' || q5?.estimate?.kind === 'count' ? q5.estimate.value : undefined;
  const withheld = q1?.estimate?.kind === 'suppressed' || q5?.estimate?.kind === 'suppressed';
  const absoluteGap = v1 !== undefined && v5 !== undefined ? v1 - v5 : undefined;
  const relativeGap = v1 !== undefined && v5 !== undefined && v5 !== 0 ? v1 / v5 : undefined;
  const missing = withheld ? 'not published: too few events' : 'no value';

  // The SII only when every quintile's value and population are published: it is a function of them.
  const five = ['1', '2', '3', '4', '5'].map((q) => byGroup.get(q));
  let sii: SiiView | undefined;
  let siiNote: string | undefined;
  const allPublished = five.every((g) => g?.figure.estimate?.kind === 'rate');
  const populations = five.map((g) => (g?.denominator.kind === 'count' ? g.denominator.value : undefined));
  if (indicator.measure === 'count') {
    siiNote = 'not shown for a count (the groups differ in size)';
  } else if (!allPublished || populations.some((p) => p === undefined || p <= 0)) {
    siiNote = five.some((g) => g?.figure.estimate?.kind === 'suppressed')
      ? 'not published: too few events in a quintile'
      : 'no value: not every quintile has a value';
  } else if (stored?.sii === undefined) {
    siiNote = 'no value: the slope index of inequality could not be computed';
  } else {
    const pops = populations as number[];
    const ranks = relativeRanks(pops);
    const points = five.flatMap((g, i) => {
      const cell = g?.figure.estimate;
      return cell?.kind === 'rate'
        ? [
            {
              label: g?.figure.label ?? '',
              rank: ranks[i] ?? 0,
              value: cell.value,
              lower: cell.lower,
              upper: cell.upper,
            },
          ]
        : [];
    });
    const total = pops.reduce((a, b) => a + b, 0);
    const mean = points.reduce((sum, p, i) => sum + p.value * (pops[i] ?? 0), 0) / total;
    const s = stored.sii;
    sii = {
      sii: s.sii,
      siiLower: s.siiLower,
      siiUpper: s.siiUpper,
      rii: s.rii,
      riiLower: s.riiLower,
      riiUpper: s.riiUpper,
      text: `${fixed(s.sii, decimals)} (${fixed(s.siiLower, decimals)} to ${fixed(s.siiUpper, decimals)})`,
      riiText: `${fixed(s.rii, 3)} (${fixed(s.riiLower, 3)} to ${fixed(s.riiUpper, 3)})`,
      points,
      line: { atZero: mean - s.sii / 2, atOne: mean + s.sii / 2 },
    };
  }
  return {
    year,
    q1,
    q5,
    absoluteGap,
    relativeGap,
    absoluteGapText: absoluteGap === undefined ? missing : fixed(absoluteGap, decimals),
    relativeGapText: relativeGap === undefined ? missing : fixed(relativeGap, 2),
    withheld,
    sii,
    siiNote,
  };
}

/** The trend of the published SIIs: the stored rule (inequality-gap.ts) over the years whose SII is published. */
function trendOf(years: readonly InequalityView[]): GapTrend {
  const withSii = years.map((y) => y.sii).filter((s): s is SiiView => s !== undefined);
  const first = withSii[0];
  const last = withSii.at(-1);
  if (first === undefined || last === undefined || withSii.length < 2) return 'not-enough-years';
  const near = (s: SiiView) =>
    s.siiLower <= 0 && s.siiUpper >= 0 ? 0 : Math.min(Math.abs(s.siiLower), Math.abs(s.siiUpper));
  const far = (s: SiiView) => Math.max(Math.abs(s.siiLower), Math.abs(s.siiUpper));
  return far(last) < near(first) ? 'narrowing' : near(last) > far(first) ? 'widening' : 'no-clear-change';
}

/** One indicator, every year, as the audience may see it. */
export function indicatorView(
  result: StoredResult,
  audience: Audience,
  placeNames: ReadonlyMap<string, string>,
): IndicatorView {
  const { indicator } = result;
  const years = [...new Set(result.values.map((v) => v.year))].sort((a, b) => a - b);
  const byYear: YearView[] = [];
  let hasSuppressed = false;
  for (const year of years) {
    const ofYear = result.values.filter((v) => v.year === year);
    const all = ofYear.find((v) => v.breakdown === 'all');
    if (all === undefined) continue;
    const allCounts: Counts = {
      numerator: unwrap(protectCount(all.numerator), 'a numerator'),
      denominator: unwrap(protectCount(all.denominator), 'a denominator'),
    };
    const partnership = figure(indicator, audience, all, allCounts, 'Partnership', undefined);
    const benchmark = partnership.estimate?.kind === 'rate' ? partnership.estimate.value : undefined;
    const views: { breakdown: GroupBreakdown; groups: Protected[] }[] = [];
    // Every breakdown is protected (so the figures are the same for every audience); the audience's are shown.
    for (const breakdown of BREAKDOWNS_FOR.analyst) {
      const groups = ofYear.filter((v) => v.breakdown === breakdown);
      if (groups.length === 0) continue;
      // The part of the partnership in no group (no place known) is a category of the series, never shown.
      const withRest = (pick: (v: IndicatorValue) => number) => {
        const counts = groups.map(pick);
        const rest = pick(all) - counts.reduce((sum, n) => sum + n, 0);
        return rest > 0 ? [...counts, rest] : counts;
      };
      const numerators = unwrap(protectSeries(withRest((v) => v.numerator)), 'numerators').counts;
      const denominators = unwrap(protectSeries(withRest((v) => v.denominator)), 'denominators').counts;
      const protectedGroups = groups.map((v, i): Protected => {
        const numerator = numerators[i];
        const denominator = denominators[i];
        if (numerator === undefined || denominator === undefined)
          throw new Error('population view: series short');
        const label = groupLabel(breakdown, v.group, placeNames);
        return {
          figure: figure(indicator, audience, v, { numerator, denominator }, label, benchmark),
          denominator,
        };
      });
      views.push({ breakdown, groups: protectedGroups });
    }
    const ineq = inequality(
      indicator,
      year,
      views.find((v) => v.breakdown === 'imd-quintile')?.groups ?? [],
      result.gap.years.find((g) => g.year === year),
    );
    const visible: BreakdownView[] = views
      .filter((v) => BREAKDOWNS_FOR[audience].includes(v.breakdown))
      .map((v) => ({
        breakdown: v.breakdown,
        title: BREAKDOWN_TITLES[v.breakdown],
        groups: v.groups.map((g) => g.figure),
      }));
    const shown = [partnership, ...visible.flatMap((v) => v.groups)];
    if (
      shown.some(
        (f) =>
          f.estimate?.kind === 'suppressed' ||
          f.numerator?.kind === 'suppressed' ||
          f.denominator?.kind === 'suppressed',
      ) ||
      ineq.withheld
    ) {
      hasSuppressed = true;
    }
    byYear.push({ year, partnership, breakdowns: visible, inequality: ineq });
  }
  const trend = trendOf(byYear.map((y) => y.inequality));
  const measure = measureText(indicator);
  return {
    id: indicator.id,
    title: indicator.title,
    description: indicator.description,
    rationale: indicator.rationale,
    source: indicator.source,
    priority: indicator.priority,
    measure: indicator.measure,
    measureText: measure.text,
    unit: measure.unit,
    polarity: indicator.polarity,
    polarityText: POLARITY_TEXT[indicator.polarity],
    method: byYear.at(-1)?.partnership.method ?? '',
    definition: stringify({
      years: indicator.years,
      population: indicator.population,
      numerator: indicator.numerator,
    }),
    codeLists: [
      ...new Set([...codeListsOf(indicator.population.where), ...codeListsOf(indicator.numerator.where)]),
    ],
    years: byYear.map((y) => y.year),
    byYear,
    trend,
    trendText: TREND_TEXT[trend],
    audience,
    hasSuppressed,
  };
}

/** Every indicator and the dashboard's rows (the latest year of each), in catalogue order. */
export function populationView(
  results: PopulationResults,
  audience: Audience,
  placeNames: ReadonlyMap<string, string>,
): PopulationView {
  const indicators = results.results.map((result) => indicatorView(result, audience, placeNames));
  const rows = indicators.map((view): DashboardRow => {
    const latest = view.byYear.at(-1);
    return {
      id: view.id,
      title: view.title,
      group: view.priority[0] ?? '',
      latestYear: latest?.year,
      latest,
      spark: view.byYear.map((y) => ({
        year: y.year,
        value: y.partnership.plot?.value,
        text: y.partnership.shortText,
      })),
      trend: view.trend,
      trendWords: TREND_WORDS[view.trend],
      polarity: view.polarity,
      unit: view.unit,
    };
  });
  return {
    computedAt: results.computedAt,
    audience,
    indicators,
    rows,
    hasSuppressed: rows.some(
      (r) =>
        r.latest !== undefined &&
        [r.latest.partnership, r.latest.inequality.q1, r.latest.inequality.q5].some(
          (f) => f?.estimate?.kind === 'suppressed',
        ),
    ),
  };
}

// ------------------------------------------------------------------------------------------------------------------
// Downloads: CSV and JSON, written from the view-model only.

export const CSV_COLUMNS = [
  'indicator',
  'year',
  'breakdown',
  'group',
  'value',
  'lower_95',
  'upper_95',
  'lower_99_8',
  'upper_99_8',
  'numerator',
  'denominator',
  'method',
  'note',
] as const;

function csvField(text: string): string {
  // A leading =, +, - or @ would be read as a formula by a spreadsheet; numbers stay numbers.
  const safe = /^[=+@]/.test(text) || (/^-/.test(text) && !/^-?\d/.test(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line, CRLF-ended, each field quoted when it must be and safe from spreadsheet formulas. */
export const csvLine = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\r\n`;

function figureCsv(view: IndicatorView, year: number, breakdown: string, f: FigureView): string[] {
  const decimals = view.measure === 'count' ? 0 : view.measure === 'proportion' && view.unit !== '%' ? 4 : 2;
  const value = f.estimate === undefined ? '' : formatForCsv(f.estimate, { decimals });
  const [l95, u95] =
    f.estimate === undefined || f.estimate.kind === 'count'
      ? ['', '']
      : formatLimitsForCsv(f.estimate, { decimals });
  const [l998, u998] =
    f.estimate998 !== undefined
      ? formatLimitsForCsv(f.estimate998, { decimals })
      : f.estimate?.kind === 'suppressed'
        ? [SUPPRESSED_SYMBOL, SUPPRESSED_SYMBOL]
        : ['', ''];
  return [
    view.id,
    String(year),
    breakdown,
    f.group,
    value,
    l95,
    u95,
    l998,
    u998,
    f.numerator === undefined ? '' : formatForCsv(f.numerator),
    f.denominator === undefined ? '' : formatForCsv(f.denominator),
    f.method,
    f.note ?? '',
  ];
}

function inequalityCsv(view: IndicatorView, q: InequalityView): string[][] {
  const decimals = view.measure === 'count' ? 0 : 3;
  const gap = (n: number | undefined) =>
    n === undefined ? (q.withheld ? SUPPRESSED_SYMBOL : '') : n.toFixed(decimals);
  const blank = ['', '', '', '', '', ''];
  const note = q.withheld ? 'quintile 1 or 5 withheld' : '';
  const rows = [
    [
      view.id,
      String(q.year),
      'inequality',
      'gap-q1-q5',
      gap(q.absoluteGap),
      '',
      '',
      '',
      '',
      '',
      '',
      'Q1 − Q5',
      note,
    ],
    [
      view.id,
      String(q.year),
      'inequality',
      'ratio-q1-q5',
      gap(q.relativeGap),
      '',
      '',
      '',
      '',
      '',
      '',
      'Q1 ÷ Q5',
      note,
    ],
  ];
  const s = q.sii;
  const siiWithheld = q.siiNote?.startsWith('not published') === true;
  rows.push(
    s === undefined
      ? [
          view.id,
          String(q.year),
          'inequality',
          'sii',
          siiWithheld ? SUPPRESSED_SYMBOL : '',
          ...blank,
          'SII',
          q.siiNote ?? '',
        ]
      : [
          view.id,
          String(q.year),
          'inequality',
          'sii',
          s.sii.toFixed(decimals),
          s.siiLower.toFixed(decimals),
          s.siiUpper.toFixed(decimals),
          '',
          '',
          '',
          '',
          'SII (95% by simulation)',
          '',
        ],
    s === undefined
      ? [
          view.id,
          String(q.year),
          'inequality',
          'rii',
          siiWithheld ? SUPPRESSED_SYMBOL : '',
          ...blank,
          'RII',
          q.siiNote ?? '',
        ]
      : [
          view.id,
          String(q.year),
          'inequality',
          'rii',
          s.rii.toFixed(4),
          s.riiLower.toFixed(4),
          s.riiUpper.toFixed(4),
          '',
          '',
          '',
          '',
          'RII (95% by simulation)',
          '',
        ],
  );
  return rows;
}

/** An indicator's CSV: every year, the partnership, every breakdown the audience sees, and the inequality rows. */
export function indicatorCsv(view: IndicatorView): string {
  let out = csvLine(CSV_COLUMNS);
  for (const y of view.byYear) {
    out += csvLine(figureCsv(view, y.year, 'all', y.partnership));
    for (const b of y.breakdowns)
      for (const f of b.groups) out += csvLine(figureCsv(view, y.year, b.breakdown, f));
    for (const row of inequalityCsv(view, y.inequality)) out += csvLine(row);
  }
  return out;
}

/** The dashboard's CSV: each indicator's latest year — the partnership, quintiles 1 and 5, and the gap. */
export function dashboardCsv(view: PopulationView): string {
  let out = csvLine(CSV_COLUMNS);
  for (const indicator of view.indicators) {
    const y = indicator.byYear.at(-1);
    if (y === undefined) continue;
    out += csvLine(figureCsv(indicator, y.year, 'all', y.partnership));
    for (const q of [y.inequality.q1, y.inequality.q5]) {
      if (q !== undefined) out += csvLine(figureCsv(indicator, y.year, 'imd-quintile', q));
    }
    for (const row of inequalityCsv(indicator, y.inequality).slice(0, 1)) out += csvLine(row);
  }
  return out;
}

type JsonNumber = number | typeof SUPPRESSED_SYMBOL | null;

const round = (n: number, decimals: number) => Number(n.toFixed(decimals));

function cellJson(cell: PublishedCell | undefined, decimals: number): JsonNumber {
  if (cell === undefined) return null;
  return cell.kind === 'suppressed' ? SUPPRESSED_SYMBOL : round(cell.value, decimals);
}

function figureJson(view: IndicatorView, year: number, breakdown: string, f: FigureView) {
  const decimals = view.measure === 'count' ? 0 : 4;
  const limit = (cell: PublishedCell | undefined, side: 'lower' | 'upper'): JsonNumber =>
    cell === undefined || cell.kind === 'count'
      ? null
      : cell.kind === 'suppressed'
        ? SUPPRESSED_SYMBOL
        : round(cell[side], decimals);
  const e998 = f.estimate998 ?? (f.estimate?.kind === 'suppressed' ? f.estimate : undefined);
  return {
    year,
    breakdown,
    group: f.group,
    label: f.label,
    value: cellJson(f.estimate, decimals),
    lower_95: limit(f.estimate, 'lower'),
    upper_95: limit(f.estimate, 'upper'),
    lower_99_8: limit(e998, 'lower'),
    upper_99_8: limit(e998, 'upper'),
    ...(view.audience === 'analyst'
      ? { numerator: cellJson(f.numerator, 0), denominator: cellJson(f.denominator, 0) }
      : {}),
    comparison: f.comparison,
    method: f.method,
    ...(f.note === undefined ? {} : { note: f.note }),
  };
}

function inequalityJson(view: IndicatorView, q: InequalityView) {
  const gap = (n: number | undefined): JsonNumber =>
    n === undefined ? (q.withheld ? SUPPRESSED_SYMBOL : null) : round(n, 4);
  const s = q.sii;
  return {
    year: q.year,
    absoluteGap: gap(q.absoluteGap),
    relativeGap: gap(q.relativeGap),
    sii:
      s === undefined
        ? null
        : {
            value: round(s.sii, 4),
            lower_95: round(s.siiLower, 4),
            upper_95: round(s.siiUpper, 4),
            rii: round(s.rii, 5),
            rii_lower_95: round(s.riiLower, 5),
            rii_upper_95: round(s.riiUpper, 5),
          },
    ...(q.siiNote === undefined ? {} : { note: q.siiNote }),
    unit: view.unit,
  };
}

function indicatorHead(view: IndicatorView) {
  return {
    id: view.id,
    title: view.title,
    description: view.description,
    source: view.source,
    measure: view.measure,
    unit: view.unit,
    polarity: view.polarity,
  };
}

/** An indicator's JSON: the same figures as its CSV, with the note on `[c]`. */
export function indicatorJson(view: IndicatorView) {
  return {
    indicator: indicatorHead(view),
    audience: view.audience,
    notes: [SUPPRESSED_NOTE],
    figures: view.byYear.flatMap((y) => [
      figureJson(view, y.year, 'all', y.partnership),
      ...y.breakdowns.flatMap((b) => b.groups.map((f) => figureJson(view, y.year, b.breakdown, f))),
    ]),
    inequality: view.byYear.map((y) => inequalityJson(view, y.inequality)),
    trend: view.trend,
    trendText: view.trendText,
  };
}

/** The dashboard's JSON: each indicator's latest year. */
export function dashboardJson(view: PopulationView) {
  return {
    computedAt: view.computedAt,
    audience: view.audience,
    notes: [SUPPRESSED_NOTE],
    indicators: view.indicators.map((indicator) => {
      const y = indicator.byYear.at(-1);
      return {
        indicator: indicatorHead(indicator),
        year: y?.year ?? null,
        partnership: y === undefined ? null : figureJson(indicator, y.year, 'all', y.partnership),
        quintile1:
          y?.inequality.q1 === undefined
            ? null
            : figureJson(indicator, y.year, 'imd-quintile', y.inequality.q1),
        quintile5:
          y?.inequality.q5 === undefined
            ? null
            : figureJson(indicator, y.year, 'imd-quintile', y.inequality.q5),
        inequality: y === undefined ? null : inequalityJson(indicator, y.inequality),
        trend: indicator.trend,
      };
    }),
  };
}
