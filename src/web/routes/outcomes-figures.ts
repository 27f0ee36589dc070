/**
 * @module web/routes/outcomes-figures
 * The figures an outcome's status is computed from, taken from the population health results only through the
 * indicator pages' view-model (`web/population-view.ts`), so they pass the same disclosure control: a value from fewer
 * than 10 events, or withheld by secondary suppression, is not there at all — the status can neither use nor quote
 * it, and the outcome's pages show exactly the figures the indicator's own page shows.
 *
 * A deprivation gap is quintile 1 − quintile 5 of the published quintile values (as the indicator page computes it),
 * with an approximate 95% interval from the two quintiles' intervals taken as independent and normal:
 * gap ± 1.96 √(se₁² + se₅²), each se being its interval's width ÷ (2 × 1.96).
 */
import {
  checkIndicators,
  type MeasureSeries,
  type Observation,
  type OutcomesPlan,
} from '../../outcomes/index.js';
import type { Outcome } from '../../partnership/index.js';
import type { PopulationResults } from '../../population/indicators/results-file.js';
import { indicatorView, type FigureView, type IndicatorView } from '../population-view.js';

const Z = 1.959964;

/** A year of the measure as shown beside the chart: the figure, or why there is none. */
export interface YearFigure {
  readonly year: number;
  readonly observation: Observation | undefined;
  /** "[c]" when withheld by disclosure control, "no value" when the method gives none. */
  readonly missing: string | undefined;
}

export interface OutcomeFigures {
  readonly series: MeasureSeries;
  readonly years: readonly YearFigure[];
  readonly indicatorTitle: string;
  readonly hasSuppressed: boolean;
}

const decimalsOf = (view: IndicatorView): number =>
  view.measure === 'count' ? 0 : view.measure === 'proportion' && view.unit === 'per 1' ? 3 : 1;

const observationOf = (year: number, figure: FigureView | undefined): Observation | undefined => {
  const plot = figure?.plot;
  if (plot === undefined) return undefined;
  return {
    year,
    value: plot.value,
    ...(plot.lower === undefined ? {} : { lower: plot.lower }),
    ...(plot.upper === undefined ? {} : { upper: plot.upper }),
  };
};

const missingText = (figure: FigureView | undefined): string =>
  figure?.estimate?.kind === 'suppressed' ? '[c]' : 'no value';

function gapObservation(
  year: number,
  q1: FigureView | undefined,
  q5: FigureView | undefined,
  decimals: number,
): Observation | undefined {
  const a = q1?.plot;
  const b = q5?.plot;
  if (a === undefined || b === undefined) return undefined;
  const round = (x: number) => Number(x.toFixed(decimals));
  const value = round(a.value - b.value);
  if (a.lower === undefined || a.upper === undefined || b.lower === undefined || b.upper === undefined) {
    return { year, value };
  }
  const se = Math.hypot((a.upper - a.lower) / (2 * Z), (b.upper - b.lower) / (2 * Z));
  return { year, value, lower: round(value - Z * se), upper: round(value + Z * se) };
}

/**
 * Every outcome's published figures, or why it has none. `results` undefined: nothing has been computed yet.
 * The indicator must be one the results hold (the catalogue as computed); otherwise it is named as unknown.
 */
export function outcomeFigures(
  plan: OutcomesPlan,
  results: PopulationResults | undefined,
  placeNames: ReadonlyMap<string, string>,
): Map<string, OutcomeFigures | { unmeasured: string }> {
  const out = new Map<string, OutcomeFigures | { unmeasured: string }>();
  const views = new Map<string, IndicatorView>();
  const known = new Set(results?.results.map((r) => r.indicator.id) ?? []);
  const unknown = new Set(
    results === undefined ? [] : checkIndicators(plan, known).map((issue) => issue.path ?? ''),
  );
  plan.outcomes.forEach((outcome, index) => {
    const id = outcome.indicator;
    if (id === undefined) return;
    if (results === undefined) {
      out.set(outcome.id, {
        unmeasured: `No population health indicators have been computed yet, so ${id} has no figures.`,
      });
      return;
    }
    if (unknown.has(`outcomes[${index}].indicator`)) {
      out.set(outcome.id, {
        unmeasured: `Indicator '${id}' is not in the indicator catalogue: correct outcomes.yaml.`,
      });
      return;
    }
    let view = views.get(id);
    if (view === undefined) {
      const result = results.results.find((r) => r.indicator.id === id);
      if (result === undefined) return;
      view = indicatorView(result, 'public', placeNames);
      views.set(id, view);
    }
    out.set(outcome.id, figuresOf(outcome, view));
  });
  return out;
}

function figuresOf(outcome: Outcome, view: IndicatorView): OutcomeFigures {
  const decimals = decimalsOf(view);
  const gap = outcome.measure === 'deprivation-gap';
  const years: YearFigure[] = view.byYear.map((y) => {
    if (gap) {
      const observation = gapObservation(y.year, y.inequality.q1, y.inequality.q5, decimals);
      return {
        year: y.year,
        observation,
        missing: observation === undefined ? (y.inequality.withheld ? '[c]' : 'no value') : undefined,
      };
    }
    const observation = observationOf(y.year, y.partnership);
    return {
      year: y.year,
      observation,
      missing: observation === undefined ? missingText(y.partnership) : undefined,
    };
  });
  return {
    series: {
      name: gap ? `${view.title}: gap between IMD quintiles 1 and 5` : view.title,
      unit: view.unit,
      decimals,
      polarity: view.polarity,
      observations: years.flatMap((y) => (y.observation === undefined ? [] : [y.observation])),
    },
    years,
    indicatorTitle: view.title,
    hasSuppressed: years.some((y) => y.missing === '[c]'),
  };
}
