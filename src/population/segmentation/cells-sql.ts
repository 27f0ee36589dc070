/**
 * @module population/segmentation/cells-sql
 * The segmentation rules compiled to SQL on the analytic store's `person`, `event` and `lsoa` tables. One chain of
 * CTEs gives each registered person alive on 31 December of each year their facts on that day (code lists ever
 * recorded, windows met, emergency admissions in the 12 months before, and whether they had one in the year after),
 * then their long-term conditions, eFI deficits and category, and segment — the same meaning as `rules.ts`, which
 * a test holds it to. Three queries aggregate it: segment cells for planning, Core20PLUS5 cells, and the risk
 * model's feature cells; a fourth gives each person's features for the case-finding scores, which DuckDB writes to
 * their own file. No row is read out of DuckDB: only counts per cell are.
 *
 * The SQL keeps to what DuckDB and PostgreSQL share (CTEs, VALUES, CASE, GROUP BY, date literals), as the
 * indicators' does; window starts are computed here and written as literals.
 */
import type { CodeList } from '../indicators/definition.js';
import {
  EFI_CATEGORIES,
  efiCutPoints,
  type SegmentationRules,
  type Test,
  type WindowTest,
} from './reference.js';
import { windowKey } from './rules.js';

/** Age bands of the published tables and of the model: [from, to] inclusive; the last is open. */
export const SEGMENT_AGE_BANDS = [
  { label: '0-17', from: 0, to: 17 },
  { label: '18-44', from: 18, to: 44 },
  { label: '45-64', from: 45, to: 64 },
  { label: '65-74', from: 65, to: 74 },
  { label: '75-84', from: 75, to: 84 },
  { label: '85+', from: 85, to: undefined },
] as const;

/** The model counts long-term conditions up to this many ("4 or more") and prior admissions up to 2 ("2 or more"). */
export const MAX_CONDITIONS = 4;
export const MAX_PRIOR_ADMISSIONS = 2;

export interface CompileInput {
  readonly rules: SegmentationRules;
  /** Years whose 31 December the facts are taken on. */
  readonly years: { readonly from: number; readonly to: number };
  /** The catalogue's list of emergency admission codes. */
  readonly emergencyAdmission: CodeList;
}

const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
const pad = (n: number) => String(n).padStart(2, '0');
/** The first day of the window of `months` ending on 31 December `year`. */
export function windowStart(year: number, months: number): string {
  const d = new Date(Date.UTC(year, 12 - months, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-01`;
}

interface Columns {
  readonly ever: Map<string, string>;
  readonly windows: Map<string, { column: string; window: WindowTest }>;
}

function collect(rules: SegmentationRules): Columns {
  const ever = new Map<string, string>();
  const windows = new Map<string, { column: string; window: WindowTest }>();
  const addEver = (id: string) => {
    if (!ever.has(id)) ever.set(id, `e_${ever.size}`);
  };
  const addWindow = (window: WindowTest) => {
    const key = windowKey(window);
    if (!windows.has(key)) windows.set(key, { column: `w_${windows.size}`, window });
  };
  const addTest = (test: Test) => {
    if ('ever' in test) addEver(test.ever);
    if ('within' in test) addWindow(test.within);
  };
  rules.longTermConditions.codeLists.forEach(addEver);
  rules.efi.deficits.forEach((d) => d.codeLists?.forEach(addEver));
  rules.segments.forEach((s) => s.anyOf.forEach(addTest));
  rules.core20plus5.plusGroups.forEach((g) => addTest(g.where));
  for (const area of rules.core20plus5.clinicalAreas) {
    if (area.where !== undefined) addTest(area.where);
    if (area.measure !== undefined) addWindow(area.measure.within);
  }
  return { ever, windows };
}

function list(rules: SegmentationRules, id: string): CodeList {
  const found = rules.codeLists[id];
  // checkRules has resolved every list the rules name before anything is compiled.
  if (found === undefined) throw new Error(`code list ${id} is not defined`);
  return found;
}

const matches = (l: CodeList) =>
  `(e.code_system = ${text(l.system)} AND e.code IN (${l.codes.map(text).join(', ')}))`;

/** The person × year facts and grades: the CTEs every query below starts from (ends with `graded`). */
export function factsSql(input: CompileInput): string {
  const { rules, years } = input;
  const columns = collect(rules);
  const yearRows: string[] = [];
  const windowMonths = [...new Set([12, ...[...columns.windows.values()].map((w) => w.window.months)])];
  for (let year = years.from; year <= years.to; year++) {
    yearRows.push(
      `(${year}, DATE '${year}-12-31', ${windowMonths.map((m) => `DATE '${windowStart(year, m)}'`).join(', ')}, ` +
        `DATE '${year + 1}-01-01', DATE '${year + 1}-12-31')`,
    );
  }
  const fromColumn = (months: number) => `y.from_${months}`;
  const allLists = new Set<string>(columns.ever.keys());
  for (const { window } of columns.windows.values()) allLists.add(window.codeList);
  const relevant = [...allLists].map((id) => matches(list(rules, id)));
  relevant.push(matches(input.emergencyAdmission));

  const flagColumns: string[] = [];
  for (const [id, column] of columns.ever) {
    flagColumns.push(
      `MAX(CASE WHEN e.date <= y.on_day AND ${matches(list(rules, id))} THEN 1 ELSE 0 END) AS ${column}`,
    );
  }
  for (const { column, window } of columns.windows.values()) {
    const value =
      window.valueCodes === undefined
        ? ''
        : ` AND e.value_code IN (${list(rules, window.valueCodes).codes.map(text).join(', ')})`;
    flagColumns.push(
      `MAX(CASE WHEN e.date BETWEEN ${fromColumn(window.months)} AND y.on_day AND ${matches(list(rules, window.codeList))}${value} THEN 1 ELSE 0 END) AS ${column}`,
    );
  }
  const emergency = matches(input.emergencyAdmission);
  flagColumns.push(
    `SUM(CASE WHEN e.date BETWEEN ${fromColumn(12)} AND y.on_day AND ${emergency} THEN 1 ELSE 0 END) AS prior_admissions`,
    `MAX(CASE WHEN e.date BETWEEN y.next_start AND y.next_end AND ${emergency} THEN 1 ELSE 0 END) AS outcome`,
  );

  const carried = [
    ...[...columns.ever.values()].map((c) => `COALESCE(f.${c}, 0) AS ${c}`),
    ...[...columns.windows.values()].map(({ column }) => `COALESCE(f.${column}, 0) AS ${column}`),
    'COALESCE(f.prior_admissions, 0) AS prior_admissions',
    'COALESCE(f.outcome, 0) AS outcome',
  ];
  const everColumn = (id: string) => columns.ever.get(id) ?? 'NULL';
  const ltc = rules.longTermConditions.codeLists.map((id) => everColumn(id)).join(' + ');
  const deficits = rules.efi.deficits
    .filter((d) => d.codeLists !== undefined)
    .map(
      (d) =>
        `CASE WHEN ${(d.codeLists ?? []).map((id) => `${everColumn(id)} = 1`).join(' OR ')} THEN 1 ELSE 0 END`,
    );
  const cuts = efiCutPoints(rules);
  const efiRank =
    `CASE WHEN age < ${rules.efi.minimumAge} THEN -1 ` +
    cuts.map((most, i) => `WHEN efi_deficits <= ${most} THEN ${i} `).join('') +
    `ELSE ${EFI_CATEGORIES.length - 1} END`;
  const testSql = (test: Test): string => {
    if ('ever' in test) return `${everColumn(test.ever)} = 1`;
    if ('within' in test) return `${columns.windows.get(windowKey(test.within))?.column ?? 'NULL'} = 1`;
    if ('ageBelow' in test) return `age < ${test.ageBelow}`;
    if ('efiAtLeast' in test) return `efi_rank >= ${EFI_CATEGORIES.indexOf(test.efiAtLeast)}`;
    if ('longTermCondition' in test) return 'ltc > 0';
    return `(ethnic_category IS NOT NULL AND ethnic_category NOT IN (${test.ethnicCategoryNot.map(text).join(', ')}))`;
  };
  const segment =
    'CASE ' +
    rules.segments
      .filter((s) => s.anyOf.length > 0)
      .map((s) => `WHEN ${s.anyOf.map((t) => `(${testSql(t)})`).join(' OR ')} THEN ${s.number} `)
      .join('') +
    'ELSE 1 END';
  const plus = rules.core20plus5.plusGroups.map(
    (g, i) => `CASE WHEN ${testSql(g.where)} THEN 1 ELSE 0 END AS plus_${i}`,
  );
  const areas = rules.core20plus5.clinicalAreas.flatMap((a, i) => [
    `${a.where === undefined ? '0' : `CASE WHEN ${testSql(a.where)} THEN 1 ELSE 0 END`} AS area_${i}`,
    `${a.where === undefined || a.measure === undefined ? '0' : `CASE WHEN (${testSql(a.where)}) AND ${testSql({ within: a.measure.within })} THEN 1 ELSE 0 END`} AS measure_${i}`,
  ]);
  const band =
    'CASE ' +
    SEGMENT_AGE_BANDS.map((b, i) =>
      b.to === undefined ? `ELSE ${i} END` : `WHEN age <= ${b.to} THEN ${i} `,
    ).join('');

  return `WITH years (year, on_day, ${windowMonths.map((m) => `from_${m}`).join(', ')}, next_start, next_end) AS (VALUES ${yearRows.join(', ')}),
ev AS (SELECT e.person, e.date, e.code_system, e.code, e.value_code FROM event e WHERE ${relevant.join(' OR ')}),
flags AS (
  SELECT e.person, y.year, ${flagColumns.join(',\n    ')}
    FROM ev e JOIN years y ON e.date <= y.next_end
   GROUP BY e.person, y.year),
pop AS (
  SELECT y.year, p.person, p.place, p.imd_quintile, COALESCE(p.sex, 'unknown') AS sex, p.ethnic_category,
         y.year - p.birth_year AS age
    FROM person p CROSS JOIN years y
   WHERE p.registered AND p.birth_year IS NOT NULL AND p.birth_year <= y.year
     AND (p.death_date IS NULL OR p.death_date >= y.on_day)),
base AS (
  SELECT pop.*, ${carried.join(', ')}
    FROM pop LEFT JOIN flags f ON f.person = pop.person AND f.year = pop.year),
counted AS (
  SELECT base.*, ${ltc} AS ltc, ${deficits.length === 0 ? '0' : deficits.join(' + ')} AS efi_deficits FROM base),
ranked AS (SELECT counted.*, ${efiRank} AS efi_rank FROM counted),
graded AS (
  SELECT ranked.*, ${segment} AS segment, ${band} AS band${plus.length > 0 ? `, ${plus.join(', ')}` : ''}, ${areas.join(', ')}
    FROM ranked)`;
}

/** Persons by year × place × IMD quintile × sex × age band × segment × eFI rank (-1 below 65). */
export function segmentCellsSql(input: CompileInput): string {
  return `${factsSql(input)}
SELECT year, place, imd_quintile, sex, band, segment, efi_rank, COUNT(*) AS persons
  FROM graded
 GROUP BY year, place, imd_quintile, sex, band, segment, efi_rank
 ORDER BY year, place, imd_quintile, sex, band, segment, efi_rank`;
}

/** Adults by year × place × IMD quintile: in each PLUS group, each clinical area's cohort and measure, and their crossings. */
export function core20CellsSql(input: CompileInput): string {
  const { rules } = input;
  const core20 = `CASE WHEN imd_quintile = ${rules.core20plus5.core20.imdQuintile} THEN 1 ELSE 0 END`;
  const sums = ['COUNT(*) AS adults', `SUM(${core20}) AS core20`];
  rules.core20plus5.plusGroups.forEach((_, i) => {
    sums.push(`SUM(plus_${i}) AS plus_${i}`, `SUM(plus_${i} * ${core20}) AS plus_${i}_core20`);
  });
  rules.core20plus5.clinicalAreas.forEach((_, i) => {
    sums.push(
      `SUM(area_${i}) AS area_${i}`,
      `SUM(area_${i} * ${core20}) AS area_${i}_core20`,
      `SUM(measure_${i}) AS measure_${i}`,
      `SUM(measure_${i} * ${core20}) AS measure_${i}_core20`,
    );
    rules.core20plus5.plusGroups.forEach((_, j) =>
      sums.push(`SUM(area_${i} * plus_${j}) AS area_${i}_plus_${j}`),
    );
  });
  return `${factsSql(input)}
SELECT year, place, imd_quintile, ${sums.join(', ')}
  FROM graded WHERE age >= ${rules.core20plus5.minimumAge}
 GROUP BY year, place, imd_quintile
 ORDER BY year, place, imd_quintile`;
}

/** The model's features after the age band and sex, capped as the model counts them. */
const FEATURES = `imd_quintile,
       CASE WHEN ltc >= ${MAX_CONDITIONS} THEN ${MAX_CONDITIONS} ELSE ltc END AS conditions,
       CASE WHEN prior_admissions >= ${MAX_PRIOR_ADMISSIONS} THEN ${MAX_PRIOR_ADMISSIONS} ELSE prior_admissions END AS prior,
       efi_rank, segment`;
/** Who the model can score: sex recorded as female or male, and a home with a national IMD quintile. */
const SCORABLE = `sex IN ('female', 'male') AND imd_quintile IS NOT NULL`;

/**
 * The model's cells: for features on 31 December of each year, persons and those with an emergency admission in
 * the year after, by age band × sex × IMD quintile × conditions (capped) × prior admissions (capped) × eFI rank ×
 * segment. Only people whose sex is recorded as female or male and whose home has a national IMD quintile.
 * `year` is the outcome year (the features' year + 1).
 */
export function modelCellsSql(input: CompileInput): string {
  return `${factsSql(input)}
SELECT year + 1 AS year, band, sex, ${FEATURES}, COUNT(*) AS persons, SUM(outcome) AS admitted
  FROM graded WHERE ${SCORABLE}
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`;
}

/**
 * Each person's features on 31 December of `input.years.to`, as the model's cells group them: one row per person
 * the model can score (sex female or male, a home with an IMD quintile), keyed by pseudonym. For the case-finding
 * scores (population/store/risk-scores.ts): the one query here that keeps a row per person, copied by DuckDB into
 * the scores file and never read into JavaScript.
 */
export function personFeaturesSql(input: CompileInput): string {
  return `${factsSql({ ...input, years: { from: input.years.to, to: input.years.to } })}
SELECT person, band, sex, ${FEATURES}
  FROM graded WHERE ${SCORABLE}`;
}

/** For each code list named, how many events of it the store holds (to tell which eFI deficits the feeds carry). */
export function listEventsSql(rules: SegmentationRules, ids: readonly string[]): string {
  const sums = ids.map((id, i) => `SUM(CASE WHEN ${matches(list(rules, id))} THEN 1 ELSE 0 END) AS l_${i}`);
  return `SELECT ${sums.length === 0 ? '0 AS none' : sums.join(', ')} FROM event e`;
}
