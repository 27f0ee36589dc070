/**
 * @module web/routes/outcomes-view
 * What the outcome pages, the CSV and the JSON show, as of a day: each outcome's status with its reasons (computed by
 * outcomes/status from the published figures of outcomes-figures.ts), its partners, figures, chart, milestones and
 * history; the milestones with their progress; and the counts by status for the oversight summary. Pure: the same
 * partnership, figures, records and day give the same view.
 */
import {
  STATUS_LABELS,
  STATUSES,
  formatValue,
  latenessText,
  planOf,
  progressAsOf,
  statusAsOf,
  statusHistory,
  statusInputs,
  trajectoryValue,
  type Assessment,
  type MilestoneProgress,
  type MilestoneReport,
  type OutcomeStatus,
  type StatusInput,
} from '../../outcomes/index.js';
import type { Milestone, Partnership } from '../../partnership/index.js';
import type { PopulationResults } from '../../population/indicators/results-file.js';
import { SUPPRESSED_NOTE } from '../population-view.js';
import { outcomeChart } from './outcomes-chart.js';
import { outcomeFigures, type OutcomeFigures } from './outcomes-figures.js';

/** The tag colour of each status (nhsuk-frontend's tag colours), always shown with its words. */
export const STATUS_COLOURS: Readonly<Record<OutcomeStatus, string>> = {
  'on-track': 'green',
  'at-risk': 'orange',
  'off-track': 'red',
  'not-measured': 'grey',
};

const PROGRESS_LABELS: Readonly<Record<MilestoneProgress['state'], string>> = {
  'not-reported': 'Not reported',
  reported: 'Reported, awaiting verification',
  verified: 'Verified complete',
  rejected: 'Report rejected',
};

export interface Named {
  readonly id: string;
  readonly name: string;
}

export interface OutcomeRow {
  readonly id: string;
  readonly title: string;
  readonly ambition: string;
  readonly status: OutcomeStatus;
  readonly statusLabel: string;
  readonly colour: string;
  readonly summary: string;
  readonly reasons: readonly string[];
  readonly accountable: readonly Named[];
  readonly programmes: readonly Named[];
  readonly indicator: Named | undefined;
  readonly measure: string;
  readonly unit: string;
  readonly baseline: string;
  readonly target: string;
  readonly latest: Assessment['indicator'];
  readonly latestText: string;
  readonly trajectoryText: string;
  readonly note: string | undefined;
  readonly source: string;
  readonly assessment: Assessment;
}

export interface MilestoneRow {
  readonly id: string;
  readonly title: string;
  readonly programme: Named;
  readonly owner: Named;
  readonly due: string;
  readonly state: MilestoneProgress['state'];
  readonly stateLabel: string;
  readonly lateText: string | undefined;
  readonly lateColour: string | undefined;
  readonly report: MilestoneReport | undefined;
  readonly outcomes: readonly Named[];
  readonly note: string | undefined;
  readonly source: string;
}

export interface OutcomesView {
  readonly asOf: string;
  readonly outcomes: readonly OutcomeRow[];
  readonly counts: readonly { status: OutcomeStatus; label: string; colour: string; count: number }[];
  readonly milestones: readonly MilestoneRow[];
  /** Whether any figure behind the outcomes was withheld by disclosure control. */
  readonly hasSuppressed: boolean;
  readonly suppressedNote: string;
}

interface Built {
  readonly view: OutcomesView;
  readonly inputs: ReadonlyMap<string, StatusInput>;
  readonly figures: ReadonlyMap<string, OutcomeFigures | { unmeasured: string }>;
}

function names(p: Partnership) {
  const organisations = new Map(p.organisations.map((o) => [o.id, o.name]));
  const programmes = new Map(p.programmes.map((o) => [o.id, o.name]));
  return {
    organisation: (id: string): Named => ({ id, name: organisations.get(id) ?? id }),
    programme: (id: string): Named => ({ id, name: programmes.get(id) ?? id }),
  };
}

function milestoneRow(
  p: Partnership,
  milestone: Milestone,
  reports: readonly MilestoneReport[],
  asOf: string,
): MilestoneRow {
  const n = names(p);
  const progress = progressAsOf(milestone, reports, asOf);
  const late = progress.late;
  return {
    id: milestone.id,
    title: milestone.title,
    programme: n.programme(milestone.programme),
    owner: n.organisation(milestone.owner),
    due: milestone.due,
    state: progress.state,
    stateLabel: PROGRESS_LABELS[progress.state],
    lateText:
      late === undefined
        ? undefined
        : `${latenessText(late)} late${late.verified ? ' (completed late)' : ''}`,
    lateColour: late === undefined ? undefined : late.beyondThreeMonths ? 'red' : 'orange',
    report: progress.report,
    outcomes: (p.outcomes ?? [])
      .filter((o) => o.milestones.includes(milestone.id))
      .map((o) => ({ id: o.id, name: o.title })),
    note: milestone.note,
    source: milestone.source,
  };
}

export function buildOutcomes(
  p: Partnership,
  results: PopulationResults | undefined,
  reports: readonly MilestoneReport[],
  asOf: string,
): Built {
  const plan = planOf(p);
  const n = names(p);
  const placeNames = new Map(p.places.map((place) => [place.id, place.name]));
  const figures = outcomeFigures(plan, results, placeNames);
  const inputs = statusInputs(
    plan,
    (id) => n.organisation(id).name,
    (outcome) => {
      const found = figures.get(outcome.id);
      if (found === undefined)
        return { unmeasured: 'The ambition has no indicator yet, so it is not measured.' };
      return 'series' in found ? { series: found.series } : found;
    },
    reports,
  );
  const rows = inputs.map((input) => outcomeRow(p, input, figures.get(input.outcome.id), asOf));
  const milestones = plan.milestones.map((m) => milestoneRow(p, m, reports, asOf));
  return {
    view: {
      asOf,
      outcomes: rows,
      counts: STATUSES.map((status) => ({
        status,
        label: STATUS_LABELS[status],
        colour: STATUS_COLOURS[status],
        count: rows.filter((r) => r.status === status).length,
      })),
      milestones,
      hasSuppressed: [...figures.values()].some((f) => 'series' in f && f.hasSuppressed),
      suppressedNote: SUPPRESSED_NOTE,
    },
    inputs: new Map(inputs.map((i) => [i.outcome.id, i])),
    figures,
  };
}

function pointText(
  point: { year: number; value: number } | undefined,
  decimals: number,
  unit: string,
): string {
  return point === undefined ? '–' : `${formatValue(point.value, decimals)}${unit} (${point.year})`;
}

function outcomeRow(
  p: Partnership,
  input: StatusInput,
  figures: OutcomeFigures | { unmeasured: string } | undefined,
  asOf: string,
): OutcomeRow {
  const { outcome } = input;
  const n = names(p);
  const assessment = statusAsOf(input, asOf);
  const series = figures !== undefined && 'series' in figures ? figures.series : undefined;
  const decimals = series?.decimals ?? 1;
  const unit = series === undefined || series.unit === '' ? '' : ` ${series.unit}`;
  const latest = assessment.indicator;
  return {
    id: outcome.id,
    title: outcome.title,
    ambition: outcome.ambition,
    status: assessment.status,
    statusLabel: STATUS_LABELS[assessment.status],
    colour: STATUS_COLOURS[assessment.status],
    summary: assessment.summary,
    reasons: assessment.reasons,
    accountable: outcome.accountable.map(n.organisation),
    programmes: outcome.programmes.map(n.programme),
    indicator:
      outcome.indicator === undefined
        ? undefined
        : {
            id: outcome.indicator,
            name: figures !== undefined && 'series' in figures ? figures.indicatorTitle : outcome.indicator,
          },
    measure:
      outcome.indicator === undefined
        ? 'Not measured yet'
        : outcome.measure === 'deprivation-gap'
          ? 'Gap between IMD quintiles 1 (most deprived) and 5, quintile 1 − quintile 5'
          : 'The partnership’s value',
    unit: series?.unit ?? '',
    baseline: pointText(outcome.baseline, decimals, unit),
    target: pointText(outcome.target, decimals, unit),
    latest,
    latestText:
      latest === undefined
        ? '–'
        : `${formatValue(latest.value, decimals)}${unit} (${latest.year})` +
          (latest.lower !== undefined && latest.upper !== undefined
            ? `, 95% interval ${formatValue(latest.lower, decimals)} to ${formatValue(latest.upper, decimals)}`
            : ''),
    trajectoryText:
      latest === undefined ? '–' : `${formatValue(latest.trajectory, decimals)}${unit} (${latest.year})`,
    note: outcome.note,
    source: outcome.source,
    assessment,
  };
}

/** One outcome's page: its row, figures by year against the trajectory, chart, milestones and status history. */
export function outcomeDetail(built: Built, p: Partnership, reports: readonly MilestoneReport[], id: string) {
  const row = built.view.outcomes.find((o) => o.id === id);
  const input = built.inputs.get(id);
  const outcome = (p.outcomes ?? []).find((o) => o.id === id);
  if (row === undefined || input === undefined || outcome === undefined) return undefined;
  const figures = built.figures.get(id);
  const published = figures !== undefined && 'series' in figures ? figures : undefined;
  const decimals = published?.series.decimals ?? 1;
  const f = (x: number) => formatValue(x, decimals);
  const years =
    published?.years.map((y) => {
      const trajectory = trajectoryValue(outcome, y.year);
      return {
        year: y.year,
        value:
          y.observation === undefined
            ? (y.missing ?? 'no value')
            : f(y.observation.value) +
              (y.observation.lower !== undefined && y.observation.upper !== undefined
                ? ` (${f(y.observation.lower)} to ${f(y.observation.upper)})`
                : ''),
        trajectory: trajectory === undefined ? '–' : f(trajectory),
      };
    }) ?? [];
  const history = statusHistory(input, built.view.asOf)
    .map((h) => ({
      on: h.on,
      events: h.events,
      status: h.assessment.status,
      statusLabel: STATUS_LABELS[h.assessment.status],
      colour: STATUS_COLOURS[h.assessment.status],
      summary: h.assessment.summary,
      changed: h.changed,
    }))
    .reverse();
  return {
    row,
    years,
    chart: published === undefined ? undefined : outcomeChart(outcome, published),
    hasSuppressed: published?.hasSuppressed ?? false,
    trajectoryStated: outcome.trajectory.map((t) => ({ year: t.year, value: f(t.value), source: t.source })),
    baselineNote: outcome.baseline?.note,
    targetNote: outcome.target?.note,
    milestones: built.view.milestones.filter((m) => outcome.milestones.includes(m.id)),
    history,
    reports,
  };
}

const CSV_HEADER = [
  'id',
  'title',
  'status',
  'as_of',
  'indicator',
  'measure',
  'unit',
  'latest_year',
  'latest_value',
  'latest_lower_95',
  'latest_upper_95',
  'trajectory_value',
  'baseline_year',
  'baseline_value',
  'target_year',
  'target_value',
  'accountable',
  'programmes',
  'milestones',
  'summary',
];

const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** Every outcome as CSV, one row each (figures as published; an unmeasured outcome's are empty). */
export function outcomesCsv(view: OutcomesView, p: Partnership): string {
  const byId = new Map((p.outcomes ?? []).map((o) => [o.id, o]));
  const lines = [CSV_HEADER.join(',')];
  for (const row of view.outcomes) {
    const o = byId.get(row.id);
    const latest = row.latest;
    const num = (x: number | undefined) => (x === undefined ? '' : String(x));
    lines.push(
      [
        row.id,
        row.title,
        row.status,
        view.asOf,
        row.indicator?.id ?? '',
        o?.measure ?? '',
        row.unit,
        num(latest?.year),
        num(latest?.value),
        num(latest?.lower),
        num(latest?.upper),
        latest === undefined ? '' : String(Number(latest.trajectory.toFixed(6))),
        num(o?.baseline?.year),
        num(o?.baseline?.value),
        num(o?.target?.year),
        num(o?.target?.value),
        row.accountable.map((a) => a.id).join(' '),
        row.programmes.map((a) => a.id).join(' '),
        (o?.milestones ?? []).join(' '),
        row.summary,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Every outcome as a JSON document: status, reasons, figures as published, partners and milestones. */
export function outcomesJson(view: OutcomesView) {
  const count = (status: OutcomeStatus) => view.counts.find((c) => c.status === status)?.count ?? 0;
  return {
    asOf: view.asOf,
    counts: Object.fromEntries(STATUSES.map((status) => [status, count(status)])) as Record<
      OutcomeStatus,
      number
    >,
    outcomes: view.outcomes.map((row) => ({
      id: row.id,
      title: row.title,
      ambition: row.ambition,
      status: row.status,
      summary: row.summary,
      reasons: [...row.reasons],
      indicator: row.indicator?.id ?? null,
      latest:
        row.latest === undefined
          ? null
          : {
              year: row.latest.year,
              value: row.latest.value,
              lower95: row.latest.lower ?? null,
              upper95: row.latest.upper ?? null,
              trajectory: Number(row.latest.trajectory.toFixed(6)),
            },
      accountable: row.accountable.map((a) => a.id),
      programmes: row.programmes.map((a) => a.id),
      milestones: row.assessment.milestones.map((m) => ({
        id: m.milestone.id,
        due: m.milestone.due,
        state: m.progress.state,
        status: m.status,
        late: m.sentence ?? null,
      })),
    })),
  };
}
