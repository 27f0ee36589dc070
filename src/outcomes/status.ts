/**
 * @module outcomes/status
 * An outcome's status — on track, at risk, off track or not measured — computed from its published indicator
 * figures, its trajectory and its milestones' recorded progress, as of a day, and explained in sentences that name
 * the indicator, the year, the value, the trajectory's value and the difference, and each late milestone with how
 * late it is. Never typed in. Pure: the same figures, records and day give the same status and the same words, so
 * `statusAsOf` answers "what was the status on that day" reproducibly (the annual report needs it).
 *
 * The rule (docs/outcomes.md):
 * - the indicator: the latest year with a published figure whose year has ended by the day. At or better than the
 *   trajectory: on track. Worse, but its 95% interval includes the trajectory's value (the shortfall may be chance):
 *   at risk. Worse and the interval excludes it (or there is no interval): off track. "Better" follows the
 *   indicator's polarity; with no judgement, it is the direction from the baseline to the target;
 * - each milestone: late when not verified by its due date (counted to the day asked about) or verified as completed
 *   after it (counted to the completion date). Late by up to three calendar months: at risk; more: off track;
 * - the status is the worst of these. With no published figure (or no indicator), the outcome is not measured —
 *   unless a milestone is late, which is a finding of its own and sets the status.
 */
import type { Milestone, Outcome } from '../partnership/index.js';
import {
  addMonths,
  latenessText,
  progressAsOf,
  type MilestoneProgress,
  type MilestoneReport,
} from './progress.js';
import { trajectoryValue } from './trajectory.js';

export const STATUSES = ['on-track', 'at-risk', 'off-track', 'not-measured'] as const;
export type OutcomeStatus = (typeof STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<OutcomeStatus, string>> = {
  'on-track': 'On track',
  'at-risk': 'At risk',
  'off-track': 'Off track',
  'not-measured': 'Not measured',
};

const SEVERITY: Readonly<Record<Exclude<OutcomeStatus, 'not-measured'>, number>> = {
  'on-track': 0,
  'at-risk': 1,
  'off-track': 2,
};

/** One published figure of the outcome's measure (after disclosure control): a value and its 95% limits. */
export interface Observation {
  readonly year: number;
  readonly value: number;
  readonly lower?: number;
  readonly upper?: number;
}

/** The outcome's measure as published: what it is called, its unit, and its figures by year. */
export interface MeasureSeries {
  /** "Suicide rate, persons aged 10 and over", or "… : gap between IMD quintiles 1 and 5". */
  readonly name: string;
  /** "per 100,000, age-standardised", "years", "%". */
  readonly unit: string;
  readonly decimals: number;
  readonly polarity: 'high-is-good' | 'low-is-good' | 'no-judgement';
  /** Published figures only; a withheld year is absent. */
  readonly observations: readonly Observation[];
}

export interface StatusInput {
  readonly outcome: Outcome;
  /** The published measure; undefined when the outcome names no indicator or the indicator has no results. */
  readonly series: MeasureSeries | undefined;
  /** Why there is no series, in words, when there is none (e.g. the indicator is not in the catalogue). */
  readonly unmeasuredReason?: string;
  /** The outcome's milestones (as listed in it, found in milestones.yaml), with each owner's name. */
  readonly milestones: readonly { readonly milestone: Milestone; readonly ownerName: string }[];
  /** Every progress report recorded (others' milestones are ignored). */
  readonly reports: readonly MilestoneReport[];
}

export interface IndicatorFinding {
  readonly year: number;
  readonly value: number;
  readonly lower: number | undefined;
  readonly upper: number | undefined;
  readonly trajectory: number;
  /** How much worse than the trajectory (0 when at or better), in the measure's units. */
  readonly shortfall: number;
  readonly status: Exclude<OutcomeStatus, 'not-measured'>;
  readonly sentence: string;
}

export interface MilestoneFinding {
  readonly milestone: Milestone;
  readonly ownerName: string;
  readonly progress: MilestoneProgress;
  readonly status: Exclude<OutcomeStatus, 'not-measured'>;
  /** A sentence when late; undefined when not. */
  readonly sentence: string | undefined;
}

export interface Assessment {
  readonly asOf: string;
  readonly status: OutcomeStatus;
  /** One sentence: the status and its reasons ("Off track because …"). */
  readonly summary: string;
  /** Every reason, in full sentences. */
  readonly reasons: readonly string[];
  readonly indicator: IndicatorFinding | undefined;
  readonly milestones: readonly MilestoneFinding[];
}

/** A number at the measure's precision, with a true minus sign. */
export function formatValue(value: number, decimals: number): string {
  const text = new Intl.NumberFormat('en-GB', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(Math.abs(value));
  return Number(value.toFixed(decimals)) < 0 ? `−${text}` : text;
}

/** +1 when a higher value is better, −1 when lower is. */
function betterDirection(outcome: Outcome, series: MeasureSeries): 1 | -1 {
  if (series.polarity === 'high-is-good') return 1;
  if (series.polarity === 'low-is-good') return -1;
  const from = outcome.baseline?.value ?? 0;
  const to = outcome.target?.value ?? 0;
  return to >= from ? 1 : -1;
}

/** A figure's year counts from the day after the year ends: the year must be over for its figure to be known. */
export const yearKnownBy = (year: number, asOf: string): boolean => `${year + 1}-01-01` <= asOf;

function assessIndicator(
  outcome: Outcome,
  series: MeasureSeries,
  asOf: string,
): IndicatorFinding | undefined {
  const latest = series.observations
    .filter((o) => yearKnownBy(o.year, asOf))
    .reduce<Observation | undefined>(
      (best, o) => (best === undefined || o.year > best.year ? o : best),
      undefined,
    );
  if (latest === undefined) return undefined;
  const trajectory = trajectoryValue(outcome, latest.year);
  if (trajectory === undefined) return undefined;
  const direction = betterDirection(outcome, series);
  // Compared at the published precision: a value shown equal to the trajectory is on it.
  const at = (x: number) => Number(x.toFixed(series.decimals));
  const shortfall = Math.max(0, at((at(trajectory) - at(latest.value)) * direction));
  const unit = series.unit === '' ? '' : ` ${series.unit}`;
  const f = (x: number) => formatValue(x, series.decimals);
  const head = `${series.name}: the ${latest.year} value, ${f(latest.value)}${unit},`;
  if (shortfall === 0) {
    return {
      year: latest.year,
      value: latest.value,
      lower: latest.lower,
      upper: latest.upper,
      trajectory,
      shortfall: 0,
      status: 'on-track',
      sentence: `${head} is at or better than the trajectory's ${f(trajectory)}${unit} for ${latest.year}.`,
    };
  }
  const hasInterval = latest.lower !== undefined && latest.upper !== undefined;
  const includes =
    hasInterval && at(latest.lower ?? 0) <= at(trajectory) && at(trajectory) <= at(latest.upper ?? 0);
  const interval = hasInterval
    ? `its 95% interval (${f(latest.lower ?? 0)} to ${f(latest.upper ?? 0)}) ${includes ? 'includes' : 'excludes'} the trajectory's value`
    : 'it has no interval to allow for chance';
  return {
    year: latest.year,
    value: latest.value,
    lower: latest.lower,
    upper: latest.upper,
    trajectory,
    shortfall,
    status: includes ? 'at-risk' : 'off-track',
    sentence:
      `${head} is ${f(shortfall)}${unit} worse than the trajectory's ${f(trajectory)}${unit} for ${latest.year}, ` +
      `and ${interval}${includes ? ', so the shortfall may be chance' : ''}.`,
  };
}

function assessMilestone(
  entry: StatusInput['milestones'][number],
  reports: readonly MilestoneReport[],
  asOf: string,
): MilestoneFinding {
  const { milestone, ownerName } = entry;
  const progress = progressAsOf(milestone, reports, asOf);
  const late = progress.late;
  if (late === undefined) return { milestone, ownerName, progress, status: 'on-track', sentence: undefined };
  const how = latenessText(late);
  const state =
    progress.state === 'reported'
      ? 'reported complete but not yet verified'
      : progress.state === 'rejected'
        ? 'reported complete, but the report was rejected'
        : 'not reported complete';
  const sentence = late.verified
    ? `Milestone “${milestone.title}” (${ownerName}) was ${how} late: due ${milestone.due}, verified as completed on ${late.until}.`
    : `Milestone “${milestone.title}” (${ownerName}) is ${how} late: due ${milestone.due}, ${state} by ${asOf}.`;
  return {
    milestone,
    ownerName,
    progress,
    status: late.beyondThreeMonths ? 'off-track' : 'at-risk',
    sentence,
  };
}

const worst = (statuses: readonly Exclude<OutcomeStatus, 'not-measured'>[]) =>
  statuses.reduce<Exclude<OutcomeStatus, 'not-measured'>>(
    (a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a),
    'on-track',
  );

/** The outcome's status on `asOf` (YYYY-MM-DD), with its reasons. */
export function statusAsOf(input: StatusInput, asOf: string): Assessment {
  const { outcome, series } = input;
  const indicator = series === undefined ? undefined : assessIndicator(outcome, series, asOf);
  const milestones = input.milestones.map((entry) => assessMilestone(entry, input.reports, asOf));
  const late = milestones.filter((m) => m.sentence !== undefined);
  const reasons: string[] = [];
  let unmeasured: string | undefined;
  if (indicator !== undefined) {
    reasons.push(indicator.sentence);
  } else {
    unmeasured =
      outcome.indicator === undefined
        ? 'The ambition has no indicator yet.'
        : outcome.baseline === undefined || outcome.target === undefined
          ? `Indicator ${outcome.indicator} has no baseline and target set yet.`
          : series === undefined
            ? (input.unmeasuredReason ?? `Indicator ${outcome.indicator} has no computed figures yet.`)
            : `${series.name} has no published figure for a year ended by ${asOf}.`;
    reasons.push(unmeasured);
  }
  for (const m of late) if (m.sentence !== undefined) reasons.push(m.sentence);

  const status: OutcomeStatus =
    indicator === undefined && late.length === 0
      ? 'not-measured'
      : worst([...(indicator === undefined ? [] : [indicator.status]), ...milestones.map((m) => m.status)]);

  const clauses: string[] = [];
  if (indicator !== undefined && indicator.status !== 'on-track' && series !== undefined) {
    const unit = series.unit === '' ? '' : ` ${series.unit}`;
    clauses.push(
      `${series.name} is ${formatValue(indicator.shortfall, series.decimals)}${unit} worse than its trajectory in ${indicator.year}` +
        (indicator.status === 'at-risk' ? ' (within its 95% interval)' : ''),
    );
  }
  for (const m of late) {
    if (m.progress.late !== undefined) {
      clauses.push(
        `milestone “${m.milestone.title}” ${m.progress.late.verified ? 'was' : 'is'} ${latenessText(m.progress.late)} late`,
      );
    }
  }
  const label = STATUS_LABELS[status];
  let summary: string;
  if (status === 'not-measured') summary = `${label}: ${lowerFirst(unmeasured ?? '')}`;
  else if (clauses.length > 0) summary = `${label} because ${clauses.join(' and ')}.`;
  else
    summary =
      indicator !== undefined
        ? `${label}: ${series?.name ?? 'the indicator'} is at or better than its trajectory in ${indicator.year}` +
          (milestones.length > 0 ? ' and no milestone is late.' : '.')
        : `${label}.`;
  // Measured by its milestones alone: say that the indicator is not, so the status is not read as the indicator's.
  if (status !== 'not-measured' && indicator === undefined && unmeasured !== undefined) {
    summary = `${summary} The indicator is not measured: ${lowerFirst(unmeasured)}`;
  }
  return { asOf, status, summary, reasons, indicator, milestones };
}

const lowerFirst = (text: string) => (text === '' ? text : `${text[0]?.toLowerCase() ?? ''}${text.slice(1)}`);

export interface HistoryEntry {
  readonly on: string;
  /** What happened on the day: a year's figure became known, a milestone fell due, was reported or decided. */
  readonly events: readonly string[];
  readonly assessment: Assessment;
  /** Whether the status differs from the entry before. */
  readonly changed: boolean;
}

/**
 * The status at each day something that counts happened, up to `asOf`: the day after each year of figures ends, each
 * milestone's due date passing and its three-month line, and each report and decision. Oldest first.
 */
export function statusHistory(input: StatusInput, asOf: string): HistoryEntry[] {
  const events = new Map<string, string[]>();
  const at = (day: string, what: string) => {
    if (day > asOf) return;
    events.set(day, [...(events.get(day) ?? []), what]);
  };
  for (const o of input.series?.observations ?? []) {
    at(`${o.year + 1}-01-01`, `the ${o.year} figure is complete`);
  }
  const ids = new Set(input.milestones.map((m) => m.milestone.id));
  for (const { milestone } of input.milestones) {
    at(nextDay(milestone.due), `milestone “${milestone.title}” passes its due date`);
    at(
      nextDay(addMonthsText(milestone.due)),
      `milestone “${milestone.title}” is more than 3 months past due`,
    );
  }
  for (const report of input.reports) {
    if (!ids.has(report.milestoneId)) continue;
    const title = input.milestones.find((m) => m.milestone.id === report.milestoneId)?.milestone.title ?? '';
    at(report.reportedOn, `milestone “${title}” reported complete`);
    if (report.decision !== undefined)
      at(report.decision.decidedOn, `milestone “${title}” ${report.decision.decision}`);
  }
  const days = [...events.keys()].sort();
  const entries: HistoryEntry[] = [];
  let previous: OutcomeStatus | undefined;
  for (const day of days) {
    const assessment = statusAsOf(input, day);
    entries.push({
      on: day,
      events: events.get(day) ?? [],
      assessment,
      changed: previous !== undefined && previous !== assessment.status,
    });
    previous = assessment.status;
  }
  return entries;
}

const nextDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** Three calendar months after the due date: the line between at risk and off track. */
const addMonthsText = (day: string) => addMonths(day, 3);
