/**
 * @module population/indicators/sql-engine
 * The fast engine: an indicator compiled to one SQL statement over the analytic store's `person` and `event` tables
 * that returns its cube for every year at once. The SQL keeps to what DuckDB and PostgreSQL share — CTEs, VALUES,
 * joins, EXISTS, window functions, CASE, COALESCE, DATE literals — so a national warehouse on PostgreSQL (Citus) can
 * run the same definitions; every date is computed here and written as a literal, so no dialect's interval
 * arithmetic is relied on.
 *
 * Shape: `years` holds each year's period and window starts; `pop` is every person × year they could count in;
 * each event criterion becomes one CTE of the (person, year) pairs that satisfy it, found by one pass over `event`
 * joined to `years` (rather than a search per person), and the criteria's boolean algebra is EXISTS over those sets.
 * Each criterion compiles to a boolean that is never NULL, so `not` means what it means in the reference engine.
 */
import { ageBandSql, ethnicGroupSql, periodOf, sortCells, windowStart, type CubeCell } from './cube.js';
import type { CodeList, Criterion, EventCriterion, Indicator, Window } from './definition.js';

const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
const date = (iso: string) => `DATE ${text(iso)}`;

interface Compiling {
  readonly codeLists: Readonly<Record<string, CodeList>>;
  readonly years: readonly number[];
  /** The CTEs made so far, in order. */
  readonly ctes: string[];
  /** Window starts needed, by column name. */
  readonly windows: Map<string, Window>;
  /** The joins of the criteria's sets to `pop`. */
  readonly joins: string[];
}

function codeList(id: string, context: Compiling): CodeList {
  const list = context.codeLists[id];
  // The catalogue checks every list a definition names before anything is compiled.
  if (list === undefined) throw new Error(`code list ${id} is not defined`);
  return list;
}

const inCodes = (column: string, list: CodeList) => `${column} IN (${list.codes.map(text).join(', ')})`;

/** The `years` column holding a window's first day (none for `ever`). */
function windowColumn(window: Window, context: Compiling): string | undefined {
  if (window === 'ever') return undefined;
  if (window === 'period') return 'y.period_start';
  const name = `from_${window.monthsBefore}`;
  context.windows.set(name, window);
  return `y.${name}`;
}

/** Event rows `e` joined to `years` `y` that are candidates: kind, code list, and inside the year's window. */
function candidates(criterion: EventCriterion, context: Compiling): { from: string; where: string[] } {
  const where = [`e.kind = ${text(criterion.kind)}`];
  if (criterion.codes !== undefined) {
    const list = codeList(criterion.codes, context);
    where.push(`e.code_system = ${text(list.system)}`, inCodes('e.code', list));
  }
  const start = windowColumn(criterion.within, context);
  const join = start === undefined ? 'e.date <= y.period_end' : `e.date BETWEEN ${start} AND y.period_end`;
  return { from: `event e JOIN years y ON ${join}`, where };
}

function filters(criterion: EventCriterion, context: Compiling): string[] {
  const parts: string[] = [];
  if (criterion.value?.min !== undefined) parts.push(`e.value >= ${criterion.value.min}`);
  if (criterion.value?.max !== undefined) parts.push(`e.value <= ${criterion.value.max}`);
  if (criterion.valueCodes !== undefined)
    parts.push(inCodes('e.value_code', codeList(criterion.valueCodes, context)));
  if (criterion.reasonCodes !== undefined) {
    parts.push(inCodes('e.reason_code', codeList(criterion.reasonCodes, context)));
  }
  if (criterion.setting !== undefined) parts.push(`e.setting IN (${criterion.setting.map(text).join(', ')})`);
  return parts;
}

/**
 * A CTE of the events matching an event criterion, one row per matching event with its person and year (for
 * `latest`: those on the person's latest candidate date in the year's window that pass the filters). Returns its name.
 */
function matchingCte(criterion: EventCriterion, context: Compiling, distinct: boolean): string {
  const name = `c${context.ctes.length + 1}`;
  const { from, where } = candidates(criterion, context);
  const passes = filters(criterion, context);
  if (criterion.latest) {
    // The latest candidate passes when some passing candidate is on the latest date: one GROUP BY, where a
    // window over every candidate had to sort them. (A `latest` criterion is never an event count.)
    const passing = passes.length === 0 ? 'e.date' : `CASE WHEN ${passes.join(' AND ')} THEN e.date END`;
    context.ctes.push(`${name} AS (
      SELECT e.person, y.year FROM ${from} WHERE ${where.join(' AND ')}
      GROUP BY e.person, y.year
      HAVING MAX(${passing}) = MAX(e.date))`);
  } else {
    context.ctes.push(`${name} AS (
      SELECT ${distinct ? 'DISTINCT ' : ''}e.person, y.year FROM ${from} WHERE ${[...where, ...passes].join(' AND ')})`);
  }
  return name;
}

function criterionSql(criterion: Criterion, context: Compiling): string {
  if ('event' in criterion) {
    // A LEFT JOIN to the criterion's distinct (person, year) pairs, not a correlated EXISTS: DuckDB plans the
    // join as one hash join, where EXISTS inside OR and NOT became a costly delimited join.
    const cte = matchingCte(criterion.event, context, true);
    context.joins.push(`LEFT JOIN ${cte} ON ${cte}.person = pop.person AND ${cte}.year = pop.year`);
    return `(${cte}.person IS NOT NULL)`;
  }
  if ('died' in criterion)
    return `COALESCE(pop.death_date BETWEEN pop.period_start AND pop.period_end, FALSE)`;
  if ('age' in criterion) {
    const parts: string[] = [];
    if (criterion.age.min !== undefined) parts.push(`pop.age >= ${criterion.age.min}`);
    if (criterion.age.max !== undefined) parts.push(`pop.age <= ${criterion.age.max}`);
    return `(${parts.join(' AND ')})`;
  }
  if ('sex' in criterion) return `COALESCE(pop.sex = ${text(criterion.sex)}, FALSE)`;
  if ('allOf' in criterion) return `(${criterion.allOf.map((c) => criterionSql(c, context)).join(' AND ')})`;
  if ('anyOf' in criterion) return `(${criterion.anyOf.map((c) => criterionSql(c, context)).join(' OR ')})`;
  return `(NOT ${criterionSql(criterion.not, context)})`;
}

function yearsCte(context: Compiling): string {
  const extra = [...context.windows.entries()];
  const rows = context.years.map((year) => {
    const period = periodOf(year);
    const starts = extra.map(([, window]) => date(windowStart(window, year) ?? period.start));
    return `(${[String(year), date(period.start), date(period.end), ...starts].join(', ')})`;
  });
  const columns = ['year', 'period_start', 'period_end', ...extra.map(([name]) => name)];
  return `years (${columns.join(', ')}) AS (VALUES ${rows.join(', ')})`;
}

/** The indicator as one SQL statement returning its cube (columns as CubeCell's, in snake case). */
export function cubeSql(indicator: Indicator, codeLists: Readonly<Record<string, CodeList>>): string {
  const years: number[] = [];
  for (let year = indicator.years.from; year <= indicator.years.to; year++) years.push(year);
  const context: Compiling = { codeLists, years, ctes: [], windows: new Map(), joins: [] };
  const at = indicator.population.at;
  // The reference date is 1 January or 31 December of the year: age is the year less the year of birth, less one
  // if the birthday (the 1st of the birth month) is still to come on that date.
  const onMonth = at === 'start' ? 1 : 12;
  const on = at === 'start' ? 'pop.period_start' : 'pop.period_end';
  const conditions = [
    'pop.age >= 0',
    `(pop.death_date IS NULL OR pop.death_date >= ${on})`,
    ...(indicator.population.where === undefined ? [] : [criterionSql(indicator.population.where, context)]),
  ];
  const counted = indicator.numerator;
  let numerator: string;
  let numeratorJoin = '';
  if (counted.count === 'events' && 'event' in counted.where) {
    const cte = matchingCte(counted.where.event, context, false);
    context.ctes.push(`n AS (SELECT person, year, COUNT(*) AS events FROM ${cte} GROUP BY person, year)`);
    numerator = 'COALESCE(n.events, 0)';
    numeratorJoin = 'LEFT JOIN n ON n.person = pop.person AND n.year = pop.year';
  } else {
    numerator = `CASE WHEN ${criterionSql(counted.where, context)} THEN 1 ELSE 0 END`;
  }
  const pop = `pop AS (
    SELECT p.person, y.year, y.period_start, y.period_end, p.place, p.imd_quintile, p.sex, p.death_date,
           p.ethnic_category, y.year - p.birth_year - CASE WHEN ${onMonth} < p.birth_month THEN 1 ELSE 0 END AS age
    FROM person p CROSS JOIN years y
    WHERE p.birth_year IS NOT NULL AND p.birth_month IS NOT NULL${indicator.population.registered ? ' AND p.registered' : ''})`;
  return `WITH ${[yearsCte(context), pop, ...context.ctes].join(',\n')}
SELECT year, place, imd_quintile, sex, age_band, ethnic_group, SUM(numerator) AS numerator, COUNT(*) AS denominator
FROM (
  SELECT pop.year, pop.place, pop.imd_quintile, COALESCE(pop.sex, 'unknown') AS sex, ${ageBandSql('pop.age')} AS age_band,
         ${ethnicGroupSql('pop.ethnic_category')} AS ethnic_group, ${numerator} AS numerator
  FROM pop ${numeratorJoin}
  ${context.joins.join('\n  ')}
  WHERE ${conditions.join(' AND ')}
) counted
GROUP BY year, place, imd_quintile, sex, age_band, ethnic_group`;
}

/** A row as a driver gives it: DuckDB's BIGINT may come as bigint, PostgreSQL's as a string. */
type Whole = number | bigint | string;
export interface CubeRow {
  readonly year: Whole;
  readonly place: string | null;
  readonly imd_quintile: Whole | null;
  readonly sex: string;
  readonly age_band: Whole;
  readonly ethnic_group: string;
  readonly numerator: Whole;
  readonly denominator: Whole;
}

export const cellsOfRows = (rows: readonly CubeRow[]): CubeCell[] =>
  sortCells(
    rows.map((row) => ({
      year: Number(row.year),
      place: row.place,
      imdQuintile: row.imd_quintile === null ? null : Number(row.imd_quintile),
      sex: row.sex,
      ageBand: Number(row.age_band),
      ethnicGroup: row.ethnic_group,
      numerator: Number(row.numerator),
      denominator: Number(row.denominator),
    })),
  );
