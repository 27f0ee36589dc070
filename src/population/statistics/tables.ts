/**
 * @module population/statistics/tables
 * The methods of `accord stats` over an analyst's CSV: each method's columns (documented here once, shown by
 * `--help` and docs/statistics.md), how its rows are checked and grouped, and the table it answers. Pure: CSV text
 * in, an output table or every problem with its line out. Nothing is computed when any row is bad.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { CellReader, type CsvRow, normaliseBand, readCsvTable } from './csv-input.js';
import { directlyStandardisedRate, type DsrBand } from './dsr.js';
import { inequalityIndices, type QuantileValue, standardErrorFromLimits } from './inequality.js';
import { indirectlyStandardisedRatio, type IsrBand } from './isr.js';
import { lifeExpectancy, type LifeTableInput } from './life-expectancy.js';
import { rateInterval } from './poisson.js';
import { ESP2013_BANDS, LIFE_TABLE_BANDS } from './standard-population.js';
import { wilsonInterval } from './wilson.js';

export const STATS_METHODS = ['dsr', 'proportion', 'rate', 'isr', 'sii', 'life-expectancy'] as const;
export type StatsMethod = (typeof STATS_METHODS)[number];

export interface StatsOptions {
  /** Confidence level in percent. */
  readonly level: number;
  /** Rates per this many (dsr, rate). */
  readonly per: number;
  /** The simulation's seed and rounds (sii). */
  readonly seed: number;
  readonly repetitions: number;
}

export const DEFAULT_STATS_OPTIONS: StatsOptions = { level: 95, per: 100_000, seed: 1, repetitions: 10_000 };

export interface StatsTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

interface MethodSpec {
  readonly summary: string;
  /** Each column with what it holds; a name ending in ? is optional. */
  readonly columns: readonly (readonly [string, string])[];
  readonly notes: string;
}

/** What each method computes and the columns its CSV holds (shown by `accord stats <method> --help`). */
export const METHOD_SPECS: Record<StatsMethod, MethodSpec> = {
  dsr: {
    summary: 'directly standardised rates (ESP2013) with Dobson limits',
    columns: [
      ['group?', 'a label: one DSR per group (e.g. area, sex, year); without it the whole file is one DSR'],
      ['age_band', 'the ESP2013 band: 0-4, 5-9, …, 85-89, 90+ (all 19, once each per group)'],
      ['events', 'events in the band: a whole number ≥ 0'],
      ['population', 'the population of the band: > 0'],
      ['standard?', 'your own standard population of the band; then any bands may be used, each once'],
    ],
    notes:
      'Writes group, events, population, value (per --per, 100,000 by default), lower, upper, level, publishable\n' +
      '(no when fewer than 10 events: such a DSR is not published) and method.',
  },
  proportion: {
    summary: 'proportions with Wilson score limits',
    columns: [
      ['group?', 'a label carried to the output'],
      ['numerator', 'a whole number ≥ 0, no more than the denominator'],
      ['denominator', '> 0'],
    ],
    notes: 'One result per row: group, numerator, denominator, value (0 to 1), lower, upper, level, method.',
  },
  rate: {
    summary: 'crude rates with exact Poisson (under 10 events) or Byar limits',
    columns: [
      ['group?', 'a label carried to the output'],
      ['events', 'a whole number ≥ 0'],
      ['denominator', 'the population or person-years: > 0'],
    ],
    notes:
      'One result per row: group, events, denominator, value (per --per), lower, upper, level, per, method.',
  },
  isr: {
    summary: 'indirectly standardised ratios (SMRs) with exact or Byar limits',
    columns: [
      ['group?', 'a label: one ratio per group; without it the whole file is one ratio'],
      ['age_band?', 'a label for the band (not checked)'],
      ['events', 'observed events in the band: a whole number ≥ 0'],
      ['population', 'the population of the band: > 0'],
      [
        'reference_events',
        'events in the band in the reference population (e.g. England): a whole number ≥ 0',
      ],
      ['reference_population', 'the reference population of the band: > 0'],
    ],
    notes:
      'Writes group, observed, expected, value (observed / expected; ×100 for an SMR as often published), lower,\n' +
      'upper, level and method.',
  },
  sii: {
    summary: 'slope and relative indices of inequality across ordered quantiles, with simulated limits',
    columns: [
      ['group?', 'a label: one SII per group'],
      [
        'quantile',
        'the quantile: a whole number, 1 the most deprived (e.g. deciles 1-10), each once per group',
      ],
      ['population', 'the population of the quantile: > 0'],
      ['value', "the indicator's value in the quantile"],
      ['se?', 'its standard error ≥ 0; or instead give lower_cl and upper_cl, its 95% limits'],
      ['lower_cl?', "the value's lower 95% limit (with upper_cl, when there is no se)"],
      ['upper_cl?', "the value's upper 95% limit"],
    ],
    notes:
      'Writes group, quantiles, sii, sii_lower, sii_upper, rii, rii_lower, rii_upper, level, repetitions, seed. The\n' +
      'SII is the fitted value at the least deprived end minus that at the most deprived end; the limits come from\n' +
      '--repetitions (10000) simulations from --seed (1), so the same file and seed give the same limits.',
  },
  'life-expectancy': {
    summary: 'life expectancy (Chiang II abridged life table) with Silcocks limits',
    columns: [
      ['group?', 'a label: one life table per group (e.g. area and sex)'],
      ['age_band', 'the band: <1, 1-4, 5-9, …, 85-89, 90+ (all 20, once each per group)'],
      ['deaths', 'deaths in the band: a whole number ≥ 0, no more than the population'],
      ['population', 'the population (or person-years) of the band: > 0'],
    ],
    notes:
      'Writes group, age_band, value (life expectancy at the start of the band, years), lower, upper,\n' +
      'standard_error, level, publishable (no below a total population of 5,000) and warnings.',
  },
};

/** The --help text listing a method's columns. */
export function methodColumnsHelp(method: StatsMethod): string {
  const spec = METHOD_SPECS[method];
  const width = Math.max(...spec.columns.map(([name]) => name.length));
  return [
    'Columns (a header row names them; any order; ? marks an optional one):',
    ...spec.columns.map(([name, meaning]) => `  ${name.padEnd(width)}  ${meaning}`),
    spec.notes,
  ].join('\n');
}

const required = (method: StatsMethod): string[] =>
  METHOD_SPECS[method].columns.map(([name]) => name).filter((name) => !name.endsWith('?'));

/** A number for a CSV cell: at most 6 decimal places, no trailing zeros; empty when undefined. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  const text = Number(value.toFixed(6)).toString();
  return text === '-0' ? '0' : text;
}

/** Rows by their group label (empty when there is no group column), in the order groups first appear. */
function byGroup(rows: readonly CsvRow[]): Map<string, CsvRow[]> {
  const groups = new Map<string, CsvRow[]>();
  for (const row of rows) {
    const key = row.cells.get('group') ?? '';
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  return groups;
}

const groupName = (group: string): string => (group === '' ? 'the file' : `group ${JSON.stringify(group)}`);

/**
 * Rows of a group placed by their band label in a fixed list of bands: each band once, none unknown, none
 * missing. Returns the rows in band order, or undefined with issues recorded.
 */
function inBandOrder(
  group: string,
  rows: readonly CsvRow[],
  bands: readonly string[],
  aliases: Readonly<Record<string, string>>,
  reader: CellReader,
): CsvRow[] | undefined {
  const placed = new Map<string, CsvRow>();
  let bad = false;
  for (const row of rows) {
    const text = row.cells.get('age_band') ?? '';
    const key = normaliseBand(text);
    const band = aliases[key] ?? bands.find((b) => normaliseBand(b) === key);
    if (band === undefined) {
      reader.add(row.line, `age_band ${JSON.stringify(text)} is not one of ${bands.join(', ')}`);
      bad = true;
    } else if (placed.has(band)) {
      reader.add(row.line, `age band ${band} appears again in ${groupName(group)}`);
      bad = true;
    } else {
      placed.set(band, row);
    }
  }
  const missing = bands.filter((band) => !placed.has(band));
  if (missing.length > 0) {
    reader.add(
      undefined,
      `${groupName(group)} has no row for age band${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
    bad = true;
  }
  return bad ? undefined : bands.map((band) => placed.get(band)).filter((row) => row !== undefined);
}

/** A computation's own refusal, reported against the group's first line. */
function computed<T>(result: Result<T, string>, line: number | undefined, group: string, reader: CellReader) {
  if (result.ok) return result.value;
  reader.add(line, `${groupName(group)}: ${result.error}`);
  return undefined;
}

function dsrTable(
  rows: readonly CsvRow[],
  columns: ReadonlySet<string>,
  options: StatsOptions,
  reader: CellReader,
) {
  const hasGroup = columns.has('group');
  const useStandard = columns.has('standard');
  const work: { group: string; line: number | undefined; bands: DsrBand[] }[] = [];
  for (const [group, groupRows] of byGroup(rows)) {
    const ordered = useStandard
      ? orderedFreely(group, groupRows, reader)
      : inBandOrder(group, groupRows, ESP2013_BANDS, {}, reader);
    const bands: DsrBand[] = [];
    for (const row of ordered ?? groupRows) {
      const events = reader.count(row, 'events');
      const population = reader.positive(row, 'population');
      const standard = useStandard ? reader.nonNegative(row, 'standard') : undefined;
      if (events !== undefined && population !== undefined) {
        bands.push(useStandard ? { events, population, standard: standard ?? 0 } : { events, population });
      }
    }
    work.push({ group, line: groupRows[0]?.line, bands });
  }
  if (reader.issues.length > 0) return undefined;
  const out: string[][] = [];
  for (const { group, line, bands } of work) {
    const dsr = computed(
      directlyStandardisedRate(bands, { level: options.level, per: options.per }),
      line,
      group,
      reader,
    );
    if (dsr === undefined) continue;
    out.push([
      ...(hasGroup ? [group] : []),
      formatNumber(dsr.events),
      formatNumber(dsr.population),
      formatNumber(dsr.value),
      formatNumber(dsr.lower),
      formatNumber(dsr.upper),
      formatNumber(dsr.level),
      formatNumber(dsr.per),
      dsr.publishable ? 'yes' : 'no',
      dsr.method,
    ]);
  }
  const header = ['events', 'population', 'value', 'lower', 'upper', 'level', 'per', 'publishable', 'method'];
  return { header: [...(hasGroup ? ['group'] : []), ...header], rows: out };
}

/** With a standard column, bands may be anything, each once per group. */
function orderedFreely(group: string, rows: readonly CsvRow[], reader: CellReader): CsvRow[] | undefined {
  const seen = new Set<string>();
  let bad = false;
  for (const row of rows) {
    const band = normaliseBand(row.cells.get('age_band') ?? '');
    if (band === '') {
      reader.add(row.line, 'age_band is empty');
      bad = true;
    } else if (seen.has(band)) {
      reader.add(
        row.line,
        `age band ${row.cells.get('age_band') ?? ''} appears again in ${groupName(group)}`,
      );
      bad = true;
    }
    seen.add(band);
  }
  return bad ? undefined : [...rows];
}

function proportionTable(
  rows: readonly CsvRow[],
  columns: ReadonlySet<string>,
  options: StatsOptions,
  reader: CellReader,
) {
  const hasGroup = columns.has('group');
  const work: { row: CsvRow; numerator: number; denominator: number }[] = [];
  for (const row of rows) {
    const numerator = reader.count(row, 'numerator');
    const denominator = reader.positive(row, 'denominator');
    if (numerator === undefined || denominator === undefined) continue;
    if (numerator > denominator) {
      reader.add(
        row.line,
        `numerator (${numerator}) is greater than denominator (${denominator}); a proportion cannot exceed 1`,
      );
      continue;
    }
    work.push({ row, numerator, denominator });
  }
  if (reader.issues.length > 0) return undefined;
  const out: string[][] = [];
  for (const { row, numerator, denominator } of work) {
    const group = row.cells.get('group') ?? '';
    const p = computed(wilsonInterval(numerator, denominator, options.level), row.line, group, reader);
    if (p === undefined) continue;
    out.push([
      ...(hasGroup ? [group] : []),
      formatNumber(numerator),
      formatNumber(denominator),
      formatNumber(p.value),
      formatNumber(p.lower),
      formatNumber(p.upper),
      formatNumber(p.level),
      p.method,
    ]);
  }
  const header = ['numerator', 'denominator', 'value', 'lower', 'upper', 'level', 'method'];
  return { header: [...(hasGroup ? ['group'] : []), ...header], rows: out };
}

function rateTable(
  rows: readonly CsvRow[],
  columns: ReadonlySet<string>,
  options: StatsOptions,
  reader: CellReader,
) {
  const hasGroup = columns.has('group');
  const work: { row: CsvRow; events: number; denominator: number }[] = [];
  for (const row of rows) {
    const events = reader.count(row, 'events');
    const denominator = reader.positive(row, 'denominator');
    if (events !== undefined && denominator !== undefined) work.push({ row, events, denominator });
  }
  if (reader.issues.length > 0) return undefined;
  const out: string[][] = [];
  for (const { row, events, denominator } of work) {
    const group = row.cells.get('group') ?? '';
    const r = computed(
      rateInterval(events, denominator, { level: options.level, per: options.per }),
      row.line,
      group,
      reader,
    );
    if (r === undefined) continue;
    out.push([
      ...(hasGroup ? [group] : []),
      formatNumber(events),
      formatNumber(denominator),
      formatNumber(r.value),
      formatNumber(r.lower),
      formatNumber(r.upper),
      formatNumber(r.level),
      formatNumber(options.per),
      r.method,
    ]);
  }
  const header = ['events', 'denominator', 'value', 'lower', 'upper', 'level', 'per', 'method'];
  return { header: [...(hasGroup ? ['group'] : []), ...header], rows: out };
}

function isrTable(
  rows: readonly CsvRow[],
  columns: ReadonlySet<string>,
  options: StatsOptions,
  reader: CellReader,
) {
  const hasGroup = columns.has('group');
  const work: { group: string; line: number | undefined; bands: IsrBand[] }[] = [];
  for (const [group, groupRows] of byGroup(rows)) {
    const bands: IsrBand[] = [];
    for (const row of groupRows) {
      const events = reader.count(row, 'events');
      const population = reader.positive(row, 'population');
      const referenceEvents = reader.count(row, 'reference_events');
      const referencePopulation = reader.positive(row, 'reference_population');
      if (
        events !== undefined &&
        population !== undefined &&
        referenceEvents !== undefined &&
        referencePopulation !== undefined
      ) {
        bands.push({ events, population, referenceEvents, referencePopulation });
      }
    }
    work.push({ group, line: groupRows[0]?.line, bands });
  }
  if (reader.issues.length > 0) return undefined;
  const out: string[][] = [];
  for (const { group, line, bands } of work) {
    const isr = computed(indirectlyStandardisedRatio(bands, { level: options.level }), line, group, reader);
    if (isr === undefined) continue;
    out.push([
      ...(hasGroup ? [group] : []),
      formatNumber(isr.observed),
      formatNumber(isr.expected),
      formatNumber(isr.value),
      formatNumber(isr.lower),
      formatNumber(isr.upper),
      formatNumber(isr.level),
      isr.method,
    ]);
  }
  const header = ['observed', 'expected', 'value', 'lower', 'upper', 'level', 'method'];
  return { header: [...(hasGroup ? ['group'] : []), ...header], rows: out };
}

function siiTable(
  rows: readonly CsvRow[],
  columns: ReadonlySet<string>,
  options: StatsOptions,
  reader: CellReader,
) {
  const hasGroup = columns.has('group');
  const useSe = columns.has('se');
  const work: { group: string; line: number | undefined; quantiles: QuantileValue[] }[] = [];
  for (const [group, groupRows] of byGroup(rows)) {
    const placed: { quantile: number; value: QuantileValue }[] = [];
    for (const row of groupRows) {
      const quantile = reader.count(row, 'quantile');
      const population = reader.positive(row, 'population');
      const value = reader.number(row, 'value');
      let standardError: number | undefined;
      if (useSe) {
        standardError = reader.nonNegative(row, 'se');
      } else {
        const lower = reader.number(row, 'lower_cl');
        const upper = reader.number(row, 'upper_cl');
        if (lower !== undefined && upper !== undefined) {
          if (lower > upper) reader.add(row.line, `lower_cl (${lower}) is above upper_cl (${upper})`);
          else standardError = standardErrorFromLimits(lower, upper, 95);
        }
      }
      if (
        quantile === undefined ||
        population === undefined ||
        value === undefined ||
        standardError === undefined
      ) {
        continue;
      }
      if (placed.some((p) => p.quantile === quantile)) {
        reader.add(row.line, `quantile ${quantile} appears again in ${groupName(group)}`);
        continue;
      }
      placed.push({ quantile, value: { population, value, standardError } });
    }
    placed.sort((a, b) => a.quantile - b.quantile);
    work.push({ group, line: groupRows[0]?.line, quantiles: placed.map((p) => p.value) });
  }
  if (reader.issues.length > 0) return undefined;
  const out: string[][] = [];
  for (const { group, line, quantiles } of work) {
    const indices = computed(
      inequalityIndices(quantiles, {
        level: options.level,
        seed: options.seed,
        repetitions: options.repetitions,
      }),
      line,
      group,
      reader,
    );
    if (indices === undefined) continue;
    out.push([
      ...(hasGroup ? [group] : []),
      formatNumber(quantiles.length),
      formatNumber(indices.sii),
      formatNumber(indices.siiLower),
      formatNumber(indices.siiUpper),
      formatNumber(indices.rii),
      formatNumber(indices.riiLower),
      formatNumber(indices.riiUpper),
      formatNumber(indices.level),
      formatNumber(indices.repetitions),
      formatNumber(indices.seed),
    ]);
  }
  const header = [
    'quantiles',
    'sii',
    'sii_lower',
    'sii_upper',
    'rii',
    'rii_lower',
    'rii_upper',
    'level',
    'repetitions',
    'seed',
  ];
  return { header: [...(hasGroup ? ['group'] : []), ...header], rows: out };
}

/** "0" and "0-0" for infants, as some extracts write them. */
const INFANT_ALIASES: Readonly<Record<string, string>> = { '0': '<1', '0-0': '<1', under1: '<1' };

function lifeExpectancyTable(
  rows: readonly CsvRow[],
  columns: ReadonlySet<string>,
  options: StatsOptions,
  reader: CellReader,
) {
  const hasGroup = columns.has('group');
  const work: { group: string; line: number | undefined; bands: LifeTableInput[] }[] = [];
  for (const [group, groupRows] of byGroup(rows)) {
    const ordered = inBandOrder(group, groupRows, LIFE_TABLE_BANDS, INFANT_ALIASES, reader);
    const bands: LifeTableInput[] = [];
    for (const row of ordered ?? groupRows) {
      const deaths = reader.count(row, 'deaths');
      const population = reader.positive(row, 'population');
      if (deaths === undefined || population === undefined) continue;
      if (deaths > population) {
        reader.add(row.line, `deaths (${deaths}) are more than the population (${population})`);
        continue;
      }
      bands.push({ deaths, population });
    }
    work.push({ group, line: groupRows[0]?.line, bands });
  }
  if (reader.issues.length > 0) return undefined;
  const out: string[][] = [];
  for (const { group, line, bands } of work) {
    const le = computed(lifeExpectancy(bands, { level: options.level }), line, group, reader);
    if (le === undefined) continue;
    for (const row of le.rows) {
      out.push([
        ...(hasGroup ? [group] : []),
        row.band,
        formatNumber(row.value),
        formatNumber(row.lower),
        formatNumber(row.upper),
        formatNumber(row.standardError),
        formatNumber(le.level),
        le.publishable ? 'yes' : 'no',
        le.warnings.join('; '),
      ]);
    }
  }
  const header = [
    'age_band',
    'value',
    'lower',
    'upper',
    'standard_error',
    'level',
    'publishable',
    'warnings',
  ];
  return { header: [...(hasGroup ? ['group'] : []), ...header], rows: out };
}

type TableBuilder = (
  rows: readonly CsvRow[],
  columns: ReadonlySet<string>,
  options: StatsOptions,
  reader: CellReader,
) => StatsTable | undefined;

const BUILDERS: Record<StatsMethod, TableBuilder> = {
  dsr: dsrTable,
  proportion: proportionTable,
  rate: rateTable,
  isr: isrTable,
  sii: siiTable,
  'life-expectancy': lifeExpectancyTable,
};

/** Runs a method over CSV text: the output table, or every problem found (then nothing is computed). */
export function runStatsMethod(
  method: StatsMethod,
  text: string,
  options: StatsOptions = DEFAULT_STATS_OPTIONS,
): Result<StatsTable, Issue[]> {
  const table = readCsvTable(
    text,
    required(method),
    method === 'sii' ? [['se'], ['lower_cl', 'upper_cl']] : [],
  );
  if (!table.ok) return table;
  const reader = new CellReader();
  const result = BUILDERS[method](table.value.rows, table.value.columns, options, reader);
  if (reader.issues.length > 0 || result === undefined) {
    return err([...reader.issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)));
  }
  return ok(result);
}
