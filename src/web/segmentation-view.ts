/**
 * @module web/segmentation-view
 * Segments, frailty, Core20PLUS5 cohorts and the emergency admission risk model, as published: every count on the
 * segmentation pages and downloads is made here from the computed aggregates (population/segmentation/figures.ts)
 * through disclosure control. A table of segments (or eFI categories) by place, quintile, age band or sex is
 * protected whole with its margins (`protectTable`: 1-7 withheld, secondary suppression so no withheld cell can be
 * worked out from the totals, the rest rounded to 5); a list of areas that adds up to a total is one series with
 * what it leaves out as a hidden remainder (`protectSeries`), as the carers' pages do. A share is worked out from
 * published (rounded) counts only, and shown only from 10 people. The model's counts (persons and admissions at
 * each level of a feature; persons and admissions in each tenth of risk) go through the same rules; an odds ratio
 * is shown only for a level with at least 10 admissions in the training years. Pages and CSV read this view only.
 */
import {
  formatForCsv,
  formatForDisplay,
  MIN_EVENTS_FOR_RATE,
  protectSeries,
  protectTable,
  SUPPRESSED_NOTE,
  type PublishedCount,
} from '../population/disclosure/index.js';
import {
  ELSEWHERE,
  UNKNOWN,
  type Core20Counts,
  type CountTable,
  type Crossings,
  type SegmentationDefinitions,
  type SegmentationResults,
} from '../population/segmentation/figures.js';
import type { RiskModelReport } from '../population/segmentation/risk-model.js';
import type { Partnership } from '../partnership/index.js';
import { csvLine } from './population-view.js';

export { SUPPRESSED_NOTE };

const NO_VALUE = '–';
const roundTo5 = (n: number) => Math.round(n / 5) * 5;
const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  // The aggregates are whole counts ≥ 0 by construction; a failure here is a bug, not bad input.
  if (!result.ok)
    throw new Error(`segmentation figures failed disclosure control: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** A share from published counts: only when both are published and the part rests on 10 or more people. */
function shareText(part: PublishedCount, whole: PublishedCount, partTrue: number): string {
  if (part.kind !== 'count' || whole.kind !== 'count' || whole.value === 0 || partTrue < MIN_EVENTS_FOR_RATE)
    return NO_VALUE;
  return `${((100 * part.value) / whole.value).toFixed(1)}%`;
}

export interface PublishedTableView {
  readonly caption: string;
  readonly rowHeader: string;
  readonly columns: readonly { key: string; label: string }[];
  readonly rows: readonly {
    key: string;
    label: string;
    cells: readonly PublishedCount[];
    texts: readonly string[];
    total: PublishedCount;
    totalText: string;
  }[];
  readonly columnTotals: readonly PublishedCount[];
  readonly columnTotalTexts: readonly string[];
  readonly grandTotalText: string;
}

function publishTable(
  caption: string,
  rowHeader: string,
  table: CountTable,
  rowLabel: (key: string) => string,
  columnLabel: (key: string) => string,
): PublishedTableView {
  // Rows or columns nobody is in are left out: they say nothing and would only widen the table.
  const keepColumns = table.columns
    .map((key, j) => ({ key, j }))
    .filter(({ j }) => table.cells.some((row) => (row[j] ?? 0) > 0));
  const columns = keepColumns.length > 0 ? keepColumns : table.columns.map((key, j) => ({ key, j }));
  const cells = table.cells.map((row) => columns.map(({ j }) => row[j] ?? 0));
  const protectedTable = unwrap(protectTable(cells));
  return {
    caption,
    rowHeader,
    columns: columns.map(({ key }) => ({ key, label: columnLabel(key) })),
    rows: table.rows.map((key, i) => {
      const published = protectedTable.cells[i] ?? [];
      const total = protectedTable.rowTotals[i] ?? unwrap(protectSeries([0])).total;
      return {
        key,
        label: rowLabel(key),
        cells: published,
        texts: published.map((cell) => formatForDisplay(cell)),
        total,
        totalText: formatForDisplay(total),
      };
    }),
    columnTotals: protectedTable.columnTotals,
    columnTotalTexts: protectedTable.columnTotals.map((cell) => formatForDisplay(cell)),
    grandTotalText: formatForDisplay(protectedTable.grandTotal),
  };
}

export interface CrossingsView {
  readonly byPlace: PublishedTableView;
  readonly byQuintile: PublishedTableView;
  readonly byAgeBand: PublishedTableView;
  readonly bySex: PublishedTableView;
}

const QUINTILE_LABELS: Readonly<Record<string, string>> = {
  '1': '1 (most deprived)',
  '5': '5 (least deprived)',
  [UNKNOWN]: 'Not known',
};
const SEX_LABELS: Readonly<Record<string, string>> = {
  female: 'Female',
  male: 'Male',
  other: 'Other or not known',
};

function crossingsView(
  crossings: Crossings,
  what: string,
  year: number,
  rowHeader: string,
  rowLabel: (key: string) => string,
  placeName: (key: string) => string,
): CrossingsView {
  return {
    byPlace: publishTable(`${what} by place, ${year}`, rowHeader, crossings.byPlace, rowLabel, placeName),
    byQuintile: publishTable(
      `${what} by national IMD quintile, ${year}`,
      rowHeader,
      crossings.byQuintile,
      rowLabel,
      (key) => QUINTILE_LABELS[key] ?? key,
    ),
    byAgeBand: publishTable(
      `${what} by age band, ${year}`,
      rowHeader,
      crossings.byAgeBand,
      rowLabel,
      (key) => key,
    ),
    bySex: publishTable(
      `${what} by sex, ${year}`,
      rowHeader,
      crossings.bySex,
      rowLabel,
      (key) => SEX_LABELS[key] ?? key,
    ),
  };
}

export interface Core20RowView {
  readonly label: string;
  readonly texts: readonly string[];
}

export interface ClinicalAreaView {
  readonly id: string;
  readonly name: string;
  readonly cohort: string;
  readonly measurable: boolean;
  readonly note?: string;
  readonly measure?: string;
  readonly indicators: readonly { id: string; title: string }[];
  readonly cohortText: string;
  readonly core20Text: string;
  readonly core20ShareText: string;
  readonly plusTexts: readonly string[];
  readonly measureText: string;
  readonly measureShareText: string;
}

export interface Core20View {
  readonly year: number;
  readonly minimumAge: number;
  readonly plusGroups: readonly { id: string; name: string; note?: string }[];
  /** Adults, Core20 and each PLUS group: by place, then the partnership. */
  readonly population: { readonly header: readonly string[]; readonly rows: readonly Core20RowView[] };
  readonly areas: readonly ClinicalAreaView[];
  /** Each measurable area's cohort by place. */
  readonly areasByPlace: { readonly header: readonly string[]; readonly rows: readonly Core20RowView[] };
}

export interface SegmentationView {
  readonly year: number;
  readonly years: readonly number[];
  readonly definitions: SegmentationDefinitions;
  readonly segments: CrossingsView;
  readonly efi: CrossingsView;
  /** Persons in each segment by year, each year one protected series. */
  readonly trend: { readonly years: readonly number[]; readonly rows: readonly Core20RowView[] };
  readonly core20: Core20View;
  /** Shares of each segment in each quintile and place, from the published counts (for the charts). */
  readonly shares: {
    readonly byQuintile: readonly StackedRow[];
    readonly byPlace: readonly StackedRow[];
  };
}

export interface StackedRow {
  readonly label: string;
  /** Published counts of each segment (undefined when withheld), in segment order 8 … 1. */
  readonly parts: readonly (number | undefined)[];
}

function stackedRows(table: PublishedTableView): StackedRow[] {
  return table.columns.map((column, j) => ({
    label: column.label,
    parts: table.rows.map((row) => {
      const cell = row.cells[j];
      return cell?.kind === 'count' ? cell.value : undefined;
    }),
  }));
}

/** A list of areas with a total, as one series: what the list leaves out of the total is a hidden remainder. */
function series(
  counts: readonly number[],
  total: number,
): { counts: PublishedCount[]; total: PublishedCount } {
  const rest = Math.max(0, total - counts.reduce((sum, n) => sum + n, 0));
  const protectedSeries = unwrap(protectSeries([...counts, rest]));
  return { counts: protectedSeries.counts.slice(0, counts.length), total: protectedSeries.total };
}

/** A count split into a part and the rest: the part as published, with the whole. */
function part(of: number, partCount: number): { part: PublishedCount; whole: PublishedCount } {
  const s = unwrap(protectSeries([partCount, Math.max(0, of - partCount)]));
  return { part: s.counts[0] ?? s.total, whole: s.total };
}

function core20View(
  results: SegmentationResults,
  year: number,
  placeName: (key: string) => string,
  indicatorTitle: (id: string) => string | undefined,
): Core20View {
  const defs = results.definitions.core20plus5;
  const entry = results.core20plus5.find((c) => c.year === year);
  const system: Core20Counts = entry?.system ?? {};
  const get = (counts: Core20Counts | undefined, key: string) => counts?.[key] ?? 0;
  const places = results.places;
  const keys = ['adults', 'core20', ...defs.plusGroups.map((_, i) => `plus_${i}`)];
  // Each column (adults, Core20, a PLUS group) across the places is one series with its total.
  const columns = keys.map((key) =>
    series(
      places.map((place) => get(entry?.byPlace[place], key)),
      get(system, key),
    ),
  );
  const populationRows: Core20RowView[] = places.map((place, i) => ({
    label: placeName(place),
    texts: columns.map((column) => formatForDisplay(column.counts[i] ?? column.total)),
  }));
  populationRows.push({
    label: 'Partnership',
    texts: columns.map((column) => formatForDisplay(column.total)),
  });

  const areas = defs.clinicalAreas.map((area, i): ClinicalAreaView => {
    const cohortTrue = get(system, `area_${i}`);
    const core20 = part(cohortTrue, get(system, `area_${i}_core20`));
    const measure = part(cohortTrue, get(system, `measure_${i}`));
    return {
      id: area.id,
      name: area.name,
      cohort: area.cohort,
      measurable: area.measurable,
      ...(area.note === undefined ? {} : { note: area.note }),
      ...(area.measure === undefined ? {} : { measure: area.measure }),
      indicators: area.indicators.flatMap((id) => {
        const title = indicatorTitle(id);
        return title === undefined ? [] : [{ id, title }];
      }),
      cohortText: area.measurable ? formatForDisplay(core20.whole) : NO_VALUE,
      core20Text: area.measurable ? formatForDisplay(core20.part) : NO_VALUE,
      core20ShareText: area.measurable
        ? shareText(core20.part, core20.whole, get(system, `area_${i}_core20`))
        : NO_VALUE,
      plusTexts: defs.plusGroups.map((_, j) =>
        area.measurable
          ? formatForDisplay(part(cohortTrue, get(system, `area_${i}_plus_${j}`)).part)
          : NO_VALUE,
      ),
      measureText: area.measurable && area.measure !== undefined ? formatForDisplay(measure.part) : NO_VALUE,
      measureShareText:
        area.measurable && area.measure !== undefined
          ? shareText(measure.part, measure.whole, get(system, `measure_${i}`))
          : NO_VALUE,
    };
  });

  const measurable = defs.clinicalAreas.map((a, i) => ({ a, i })).filter(({ a }) => a.measurable);
  const areaColumns = measurable.map(({ i }) =>
    series(
      places.map((place) => get(entry?.byPlace[place], `area_${i}`)),
      get(system, `area_${i}`),
    ),
  );
  const areaRows: Core20RowView[] = places.map((place, p) => ({
    label: placeName(place),
    texts: areaColumns.map((column) => formatForDisplay(column.counts[p] ?? column.total)),
  }));
  areaRows.push({ label: 'Partnership', texts: areaColumns.map((column) => formatForDisplay(column.total)) });

  return {
    year,
    minimumAge: defs.minimumAge,
    plusGroups: defs.plusGroups,
    population: {
      header: ['Adults', `Core20 (IMD quintile ${defs.imdQuintile})`, ...defs.plusGroups.map((g) => g.name)],
      rows: populationRows,
    },
    areas,
    areasByPlace: { header: measurable.map(({ a }) => a.name), rows: areaRows },
  };
}

export function segmentationView(
  results: SegmentationResults,
  partnership: Partnership,
  indicatorTitle: (id: string) => string | undefined,
  requestedYear?: number,
): SegmentationView {
  const years = results.byYear.map((y) => y.year);
  const latest = results.byYear.at(-1);
  const chosen = results.byYear.find((y) => y.year === requestedYear) ?? latest;
  if (chosen === undefined) throw new Error('segmentation results without a year');
  const placeNames = new Map(partnership.places.map((place) => [place.id, place.name]));
  const placeName = (key: string) =>
    key === ELSEWHERE ? 'Elsewhere or not known' : (placeNames.get(key) ?? key);
  const segmentNames = new Map(
    results.definitions.segments.map((s) => [String(s.number), `${s.number} ${s.name}`]),
  );
  const segmentLabel = (key: string) => segmentNames.get(key) ?? key;
  const efiNames = new Map(results.definitions.efi.categories.map((c) => [c.id, c.name]));
  const efiLabel = (key: string) => efiNames.get(key) ?? key;

  const segments = crossingsView(
    chosen.segments,
    'Persons by segment',
    chosen.year,
    'Segment',
    segmentLabel,
    placeName,
  );
  const efi = crossingsView(
    chosen.efi,
    `Persons aged ${results.definitions.efi.minimumAge} and over by eFI category`,
    chosen.year,
    'eFI category',
    efiLabel,
    placeName,
  );
  const trendColumns = results.byYear.map((y) => {
    const totals = y.segments.byPlace.cells.map((row) => row.reduce((a, b) => a + b, 0));
    return unwrap(protectSeries(totals));
  });
  const trendRows: Core20RowView[] = (latest?.segments.byPlace.rows ?? []).map((key, i) => ({
    label: segmentLabel(key),
    texts: trendColumns.map((column) => formatForDisplay(column.counts[i] ?? column.total)),
  }));
  trendRows.push({ label: 'All', texts: trendColumns.map((column) => formatForDisplay(column.total)) });

  return {
    year: chosen.year,
    years,
    definitions: results.definitions,
    segments,
    efi,
    trend: { years, rows: trendRows },
    core20: core20View(results, chosen.year, placeName, indicatorTitle),
    shares: { byQuintile: stackedRows(segments.byQuintile), byPlace: stackedRows(segments.byPlace) },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The risk model, as published.

export interface TermView {
  readonly feature: string;
  readonly level: string;
  readonly reference: boolean;
  readonly personsText: string;
  readonly admittedText: string;
  readonly oddsRatioText: string;
  readonly coefficientText: string;
  /** For the chart: the odds ratio and its limits, when published. */
  readonly oddsRatio?: number;
  readonly lower?: number;
  readonly upper?: number;
}

export interface CalibrationRowView {
  readonly group: number;
  readonly personsText: string;
  readonly predictedText: string;
  readonly observedText: string;
  /** Mean predicted risk and observed rate, in %: the observed only when published and from 10 admissions. */
  readonly predictedPercent: number;
  readonly observedPercent?: number;
  readonly predictedPercentText: string;
  readonly observedPercentText: string;
  readonly rangeText: string;
}

export interface RiskModelView {
  readonly report: RiskModelReport;
  readonly aucText: string;
  readonly trainingAucText: string;
  readonly evaluationPersonsText: string;
  readonly evaluationAdmittedText: string;
  readonly evaluationPredictedText: string;
  readonly trainingPersonsText: string;
  readonly trainingAdmittedText: string;
  readonly features: readonly { feature: string; terms: readonly TermView[] }[];
  readonly calibration: readonly CalibrationRowView[];
}

const percent = (p: number) => `${(100 * p).toFixed(1)}%`;
const ratio = (n: number) => n.toFixed(2);

export function riskModelView(report: RiskModelReport): RiskModelView {
  const features = [...new Set(report.terms.map((t) => t.feature))].map((feature) => {
    const terms = report.terms.filter((t) => t.feature === feature);
    // The levels of a feature add up to everyone in the training years: one series each for persons and admissions.
    const persons = unwrap(protectSeries(terms.map((t) => t.persons)));
    const admitted = unwrap(protectSeries(terms.map((t) => t.admitted)));
    return {
      feature,
      terms: terms.map((t, i): TermView => {
        const shown =
          t.oddsRatio !== undefined &&
          t.lower95 !== undefined &&
          t.upper95 !== undefined &&
          t.admitted >= MIN_EVENTS_FOR_RATE;
        return {
          feature,
          level: t.level,
          reference: t.reference,
          personsText: formatForDisplay(persons.counts[i] ?? persons.total),
          admittedText: formatForDisplay(admitted.counts[i] ?? admitted.total),
          oddsRatioText: t.reference
            ? '1 (reference)'
            : shown
              ? `${ratio(t.oddsRatio ?? 1)} (${ratio(t.lower95 ?? 1)} to ${ratio(t.upper95 ?? 1)})`
              : t.coefficient === undefined
                ? 'not estimated (nobody at this level)'
                : 'not shown (fewer than 10 admissions)',
          coefficientText:
            t.coefficient !== undefined && shown
              ? `${t.coefficient.toFixed(3)} (SE ${(t.standardError ?? 0).toFixed(3)})`
              : NO_VALUE,
          ...(shown ? { oddsRatio: t.oddsRatio, lower: t.lower95, upper: t.upper95 } : {}),
        };
      }),
    };
  });
  const groups = report.evaluation.calibration;
  const persons = unwrap(protectSeries(groups.map((g) => g.persons)));
  const observed = unwrap(protectSeries(groups.map((g) => g.observed)));
  const calibration = groups.map((g, i): CalibrationRowView => {
    const personsCell = persons.counts[i] ?? persons.total;
    const observedCell = observed.counts[i] ?? observed.total;
    const observedPercent =
      observedCell.kind === 'count' &&
      personsCell.kind === 'count' &&
      g.observed >= MIN_EVENTS_FOR_RATE &&
      personsCell.value > 0
        ? (100 * observedCell.value) / personsCell.value
        : undefined;
    const predictedPercent = g.persons > 0 ? (100 * g.predicted) / g.persons : 0;
    return {
      group: g.group,
      personsText: formatForDisplay(personsCell),
      predictedText: whole.format(roundTo5(g.predicted)),
      observedText: formatForDisplay(observedCell),
      predictedPercent,
      ...(observedPercent === undefined ? {} : { observedPercent }),
      predictedPercentText: `${predictedPercent.toFixed(1)}%`,
      observedPercentText: observedPercent === undefined ? NO_VALUE : `${observedPercent.toFixed(1)}%`,
      rangeText: `${percent(g.minScore)} to ${percent(g.maxScore)}`,
    };
  });
  const evaluation = unwrap(
    protectSeries([report.evaluation.admitted, report.evaluation.persons - report.evaluation.admitted]),
  );
  const training = unwrap(
    protectSeries([report.training.admitted, report.training.persons - report.training.admitted]),
  );
  return {
    report,
    aucText: report.evaluation.auc === undefined ? NO_VALUE : report.evaluation.auc.toFixed(3),
    trainingAucText: report.training.auc === undefined ? NO_VALUE : report.training.auc.toFixed(3),
    evaluationPersonsText: formatForDisplay(evaluation.total),
    evaluationAdmittedText: formatForDisplay(evaluation.counts[0] ?? evaluation.total),
    evaluationPredictedText: whole.format(roundTo5(report.evaluation.predicted)),
    trainingPersonsText: formatForDisplay(training.total),
    trainingAdmittedText: formatForDisplay(training.counts[0] ?? training.total),
    features,
    calibration,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV: every table as published.

export const SEGMENTS_CSV_COLUMNS = ['table', 'year', 'breakdown', 'group', 'category', 'persons'] as const;

/** Every year's segment and eFI tables by place, quintile, age band and sex, as published (totals included). */
export function segmentsCsv(results: SegmentationResults, partnership: Partnership): string {
  let out = `# Bridges to Health segments and eFI categories, ${results.years.from}-${results.years.to}. ${SUPPRESSED_NOTE}\r\n`;
  out += csvLine(SEGMENTS_CSV_COLUMNS);
  for (const { year } of results.byYear) {
    const view = segmentationView(results, partnership, () => undefined, year);
    for (const [table, crossings] of [
      ['segment', view.segments],
      ['efi', view.efi],
    ] as const) {
      for (const [breakdown, t] of [
        ['place', crossings.byPlace],
        ['imd_quintile', crossings.byQuintile],
        ['age_band', crossings.byAgeBand],
        ['sex', crossings.bySex],
      ] as const) {
        for (const row of t.rows) {
          t.columns.forEach((column, j) => {
            const cell = row.cells[j];
            if (cell !== undefined)
              out += csvLine([table, String(year), breakdown, column.key, row.key, formatForCsv(cell)]);
          });
          out += csvLine([table, String(year), breakdown, 'all', row.key, formatForCsv(row.total)]);
        }
        t.columns.forEach((column, j) => {
          const cell = t.columnTotals[j];
          if (cell !== undefined)
            out += csvLine([table, String(year), breakdown, column.key, 'all', formatForCsv(cell)]);
        });
      }
    }
  }
  return out;
}

export const RISK_MODEL_CSV_COLUMNS = [
  'section',
  'feature',
  'level',
  'persons',
  'admitted',
  'odds_ratio',
  'lower_95',
  'upper_95',
  'predicted',
  'observed',
] as const;

export function riskModelCsv(view: RiskModelView): string {
  const r = view.report;
  let out =
    `# Emergency admission risk model: trained on ${r.trainingYears.from}-${r.trainingYears.to}, evaluated on ` +
    `${r.evaluationYear}; AUC ${view.aucText}. ${SUPPRESSED_NOTE}\r\n`;
  out += csvLine(RISK_MODEL_CSV_COLUMNS);
  for (const { feature, terms } of view.features) {
    for (const t of terms) {
      out += csvLine([
        'term',
        feature,
        t.level,
        t.personsText.replaceAll(',', ''),
        t.admittedText.replaceAll(',', ''),
        t.reference ? '1' : t.oddsRatio === undefined ? '' : t.oddsRatio.toFixed(3),
        t.lower === undefined ? '' : t.lower.toFixed(3),
        t.upper === undefined ? '' : t.upper.toFixed(3),
        '',
        '',
      ]);
    }
  }
  for (const c of view.calibration) {
    out += csvLine([
      'calibration',
      'tenth of predicted risk',
      String(c.group),
      c.personsText.replaceAll(',', ''),
      '',
      '',
      '',
      '',
      c.predictedText.replaceAll(',', ''),
      c.observedText.replaceAll(',', ''),
    ]);
  }
  return out;
}
