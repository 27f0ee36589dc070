/**
 * @module web/annual-report/model
 * The annual "Improving Population Health" report, as one model both the web page and the PDF draw: for the whole
 * partnership or one place, for a year, as of a date. It is made only from what is already published — the
 * indicators' public views (through disclosure control), the carers' figures, the outcomes' computed statuses and the
 * decision register — so the report can show nothing the pages could not. Pure: the same inputs give the same
 * report, which is what makes it reproducible for a given date.
 */
import type { DecisionEntry } from '../../governance/meetings/index.js';
import type { Partnership } from '../../partnership/index.js';
import type { CarersView } from '../carers-view.js';
import type { FigureView, IndicatorView, PopulationView, YearView } from '../population-view.js';

/** An outcome's status as the report states it (computed elsewhere, as of the report's date). */
export interface OutcomeLine {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly statusText: string;
  readonly reasons: readonly string[];
}

export interface ReportInput {
  readonly partnership: Partnership;
  /** The year the report covers: figures of this year (or the latest before it), decisions made in it. */
  readonly year: number;
  /** The date the report is as of (YYYY-MM-DD): nothing recorded after it is in the report. */
  readonly asOf: string;
  /** A place's report; absent for the whole partnership. */
  readonly place?: string;
  readonly population: PopulationView | undefined;
  readonly carers: CarersView | undefined;
  readonly outcomes: readonly OutcomeLine[];
  /** The register's decisions (any dates: the model keeps those of the year, up to the as-of date). */
  readonly decisions: readonly DecisionEntry[];
}

export interface GapRow {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly year: number;
  readonly valueText: string;
  /** The place's value and how it compares with the partnership (a place's report only). */
  readonly place: FigureView | undefined;
  readonly q1Text: string;
  readonly q5Text: string;
  readonly absoluteGapText: string;
  readonly relativeGapText: string;
  readonly trendText: string;
  /** Quintile 1 (most deprived) to 5, with their published values, for the chart. */
  readonly quintiles: readonly FigureView[];
  readonly benchmark: number | undefined;
}

export interface AnnualReport {
  readonly title: string;
  readonly scope: string;
  readonly year: number;
  readonly asOf: string;
  readonly place: { readonly id: string; readonly name: string } | undefined;
  readonly computedAt: string | undefined;
  readonly summary: readonly string[];
  /** The headline indicators, with their charts. */
  readonly headlines: readonly GapRow[];
  /** Every indicator with a figure for the year. */
  readonly indicators: readonly GapRow[];
  readonly outcomes: readonly OutcomeLine[];
  readonly outcomeCounts: readonly { readonly statusText: string; readonly count: number }[];
  readonly carers:
    | {
        readonly identifiedText: string;
        readonly expectedText: string;
        readonly shareText: string;
        readonly year: number;
      }
    | undefined;
  readonly decisions: readonly {
    readonly reference: string;
    readonly decidedOn: string;
    readonly body: string;
    readonly title: string;
    readonly outcome: string;
    readonly meetingId: number;
    readonly item: number;
  }[];
  /** What the report leaves out, and why: said on the report itself. */
  readonly notes: readonly string[];
}

/** Indicators the report leads with, when they have figures: life expectancy and the ten big ambitions' measures. */
export const HEADLINE_INDICATORS = [
  'life-expectancy',
  'mortality-under-75',
  'cancer-early-diagnosis',
  'suicide-rate',
  'mortality-under-75-smi',
  'emergency-admissions',
] as const;

/** The year of an indicator the report uses: the report's year, or the latest before it. */
function yearFor(view: IndicatorView, year: number): YearView | undefined {
  return [...view.byYear].reverse().find((y) => y.year <= year);
}

function gapRow(view: IndicatorView, y: YearView, place: string | undefined): GapRow {
  const quintiles = y.breakdowns.find((b) => b.breakdown === 'imd-quintile')?.groups ?? [];
  return {
    id: view.id,
    title: view.title,
    unit: view.unit,
    year: y.year,
    valueText: y.partnership.valueText,
    place:
      place === undefined
        ? undefined
        : y.breakdowns.find((b) => b.breakdown === 'place')?.groups.find((g) => g.group === place),
    q1Text: y.inequality.q1?.shortText ?? '–',
    q5Text: y.inequality.q5?.shortText ?? '–',
    absoluteGapText: y.inequality.absoluteGapText,
    relativeGapText: y.inequality.relativeGapText,
    trendText: view.trendText,
    quintiles,
    benchmark: y.partnership.plot?.value,
  };
}

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

export function annualReport(input: ReportInput): AnnualReport {
  const p = input.partnership;
  const place = input.place === undefined ? undefined : p.places.find((pl) => pl.id === input.place);
  const scope = place === undefined ? p.info.name : `${place.name}, ${p.info.shortName}`;
  const rows = (input.population?.indicators ?? []).flatMap((view) => {
    const y = yearFor(view, input.year);
    return y === undefined ? [] : [gapRow(view, y, place?.id)];
  });
  const headlines = HEADLINE_INDICATORS.flatMap((id) => rows.filter((r) => r.id === id));
  const decisions = input.decisions
    .filter((d) => d.decidedOn.startsWith(String(input.year)) && d.decidedOn <= input.asOf)
    .filter((d) => place === undefined || d.places.includes(place.id))
    .sort((a, b) => a.decidedOn.localeCompare(b.decidedOn) || a.reference.localeCompare(b.reference))
    .map((d) => ({
      reference: d.reference,
      decidedOn: d.decidedOn,
      body: p.bodies.find((b) => b.id === d.bodyId)?.name ?? d.bodyId,
      title: d.title,
      outcome: d.outcome === 'agreed' ? 'Agreed' : 'Not agreed',
      meetingId: d.meetingId,
      item: d.item,
    }));
  const carerFigure =
    input.carers === undefined
      ? undefined
      : place === undefined
        ? input.carers.system
        : input.carers.places.find((f) => f.id === place.id);
  const counts = new Map<string, number>();
  for (const o of input.outcomes) counts.set(o.statusText, (counts.get(o.statusText) ?? 0) + 1);

  const summary: string[] = [];
  const life = rows.find((r) => r.id === 'life-expectancy');
  if (life !== undefined) {
    summary.push(
      `Life expectancy at birth in ${life.year}: ${life.valueText} years. The gap between the most and least deprived fifth of the population (quintile 1 − quintile 5) is ${life.absoluteGapText} years; ${life.trendText.toLowerCase()}.`,
    );
  }
  if (rows.length > 0) {
    summary.push(
      `${whole.format(rows.length)} indicators have figures for ${input.year} or the year before it; each is shown with the gap between the most and least deprived, as every indicator is.`,
    );
  }
  if (input.outcomes.length > 0) {
    summary.push(
      `Of the partnership's ${input.outcomes.length} shared outcomes: ${[...counts].map(([text, n]) => `${n} ${text.toLowerCase()}`).join(', ')} (as of ${input.asOf}).`,
    );
  }
  if (carerFigure !== undefined && input.carers !== undefined) {
    summary.push(
      `Unpaid carers identified by GP practices in ${input.carers.latestYear}: ${carerFigure.identifiedText} of about ${carerFigure.expectedText} expected from the census (${carerFigure.shareText}).`,
    );
  }
  summary.push(
    `${decisions.length === 0 ? 'No' : whole.format(decisions.length)} decision${decisions.length === 1 ? ' was' : 's were'} recorded in public by the partnership's bodies in ${input.year}${place === undefined ? '' : ` for ${place.name}`} up to ${input.asOf}.`,
  );

  const notes = [
    'Every figure has passed disclosure control: counts of 1 to 7 are withheld ([c]), others rounded to the nearest 5, and rates are not shown from fewer than 10 events.',
    'Deprivation quintiles are national: quintile 1 is the most deprived fifth of England’s neighbourhoods (IMD 2019).',
  ];
  if (place !== undefined) {
    notes.push(
      `Quintile figures and gaps are the whole partnership’s: ${place.name}’s own figure is shown beside the partnership’s. Shared outcomes are the partnership’s, shared by every place.`,
    );
  }
  if (input.population === undefined) notes.push('No population health figures have been computed yet.');

  return {
    title: 'Improving Population Health',
    scope,
    year: input.year,
    asOf: input.asOf,
    place: place === undefined ? undefined : { id: place.id, name: place.name },
    computedAt: input.population?.computedAt,
    summary,
    headlines,
    indicators: rows,
    outcomes: input.outcomes,
    outcomeCounts: [...counts].map(([statusText, count]) => ({ statusText, count })),
    carers:
      carerFigure === undefined || input.carers === undefined
        ? undefined
        : {
            identifiedText: carerFigure.identifiedText,
            expectedText: carerFigure.expectedText,
            shareText: carerFigure.shareText,
            year: input.carers.latestYear,
          },
    decisions,
    notes,
  };
}
