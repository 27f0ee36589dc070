/**
 * @module population/indicators/sql-engine
 * The fast engine: an indicator compiled to one SQL statement over the analytic store's `person` and `event` tables
 * that returns its cube (a SELECT per year, joined by UNION ALL). The SQL keeps to what DuckDB and PostgreSQL share —
 * EXISTS, CASE, COALESCE, DATE literals, integer arithmetic — so a national warehouse on PostgreSQL (Citus) can run
 * the same definitions; every date is computed here and written as a literal, so no dialect's interval arithmetic
 * is relied on.
 *
 * Each criterion compiles to a boolean that is never NULL (COALESCE on every comparison with a nullable column), so
 * `not` means what it means in the reference engine.
 */
import { ageBandSql, ethnicGroupSql, periodOf, sortCells, windowStart, type CubeCell } from './cube.js';
import type { CodeList, Criterion, EventCriterion, Indicator } from './definition.js';

const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
const date = (iso: string) => `DATE ${text(iso)}`;

interface Compiling {
  readonly year: number;
  readonly on: string;
  readonly codeLists: Readonly<Record<string, CodeList>>;
}

function codeList(id: string, context: Compiling): CodeList {
  const list = context.codeLists[id];
  // The catalogue checks every list a definition names before anything is compiled.
  if (list === undefined) throw new Error(`code list ${id} is not defined`);
  return list;
}

const inCodes = (column: string, list: CodeList) => `${column} IN (${list.codes.map(text).join(', ')})`;

/** The conditions on one event row `alias` that make it a candidate: kind, code list and window. */
function candidateSql(criterion: EventCriterion, alias: string, context: Compiling): string {
  const { end } = periodOf(context.year);
  const from = windowStart(criterion.within, context.year);
  const parts = [
    `${alias}.person = p.person`,
    `${alias}.kind = ${text(criterion.kind)}`,
    `${alias}.date <= ${date(end)}`,
  ];
  if (from !== undefined) parts.push(`${alias}.date >= ${date(from)}`);
  if (criterion.codes !== undefined) {
    const list = codeList(criterion.codes, context);
    parts.push(`${alias}.code_system = ${text(list.system)}`, inCodes(`${alias}.code`, list));
  }
  return parts.join(' AND ');
}

function filterSql(criterion: EventCriterion, alias: string, context: Compiling): string[] {
  const parts: string[] = [];
  if (criterion.value?.min !== undefined) parts.push(`${alias}.value >= ${criterion.value.min}`);
  if (criterion.value?.max !== undefined) parts.push(`${alias}.value <= ${criterion.value.max}`);
  if (criterion.valueCodes !== undefined)
    parts.push(inCodes(`${alias}.value_code`, codeList(criterion.valueCodes, context)));
  if (criterion.reasonCodes !== undefined) {
    parts.push(inCodes(`${alias}.reason_code`, codeList(criterion.reasonCodes, context)));
  }
  if (criterion.setting !== undefined)
    parts.push(`${alias}.setting IN (${criterion.setting.map(text).join(', ')})`);
  return parts;
}

/** The WHERE of the events matching an event criterion (for `latest`: on the latest candidate date). */
function matchingSql(criterion: EventCriterion, context: Compiling): string {
  const parts = [candidateSql(criterion, 'e', context), ...filterSql(criterion, 'e', context)];
  if (criterion.latest) {
    parts.push(`e.date = (SELECT MAX(l.date) FROM event l WHERE ${candidateSql(criterion, 'l', context)})`);
  }
  return parts.join(' AND ');
}

function criterionSql(criterion: Criterion, context: Compiling): string {
  if ('event' in criterion)
    return `EXISTS (SELECT 1 FROM event e WHERE ${matchingSql(criterion.event, context)})`;
  if ('died' in criterion) {
    const { start, end } = periodOf(context.year);
    return `COALESCE(p.death_date BETWEEN ${date(start)} AND ${date(end)}, FALSE)`;
  }
  if ('age' in criterion) {
    const parts: string[] = [];
    if (criterion.age.min !== undefined) parts.push(`p.age >= ${criterion.age.min}`);
    if (criterion.age.max !== undefined) parts.push(`p.age <= ${criterion.age.max}`);
    return `(${parts.join(' AND ')})`;
  }
  if ('sex' in criterion) return `COALESCE(p.sex = ${text(criterion.sex)}, FALSE)`;
  if ('allOf' in criterion) return `(${criterion.allOf.map((c) => criterionSql(c, context)).join(' AND ')})`;
  if ('anyOf' in criterion) return `(${criterion.anyOf.map((c) => criterionSql(c, context)).join(' OR ')})`;
  return `(NOT ${criterionSql(criterion.not, context)})`;
}

function yearSql(indicator: Indicator, year: number, codeLists: Readonly<Record<string, CodeList>>): string {
  const period = periodOf(year);
  const on = indicator.population.at === 'start' ? period.start : period.end;
  const context: Compiling = { year, on, codeLists };
  const onYear = Number(on.slice(0, 4));
  const onMonth = Number(on.slice(5, 7));
  const counted = indicator.numerator;
  const numerator =
    counted.count === 'events' && 'event' in counted.where
      ? `(SELECT COUNT(*) FROM event e WHERE ${matchingSql(counted.where.event, context)})`
      : `CASE WHEN ${criterionSql(counted.where, context)} THEN 1 ELSE 0 END`;
  const conditions = [
    'p.age >= 0',
    `(p.death_date IS NULL OR p.death_date >= ${date(on)})`,
    ...(indicator.population.registered ? ['p.registered'] : []),
    ...(indicator.population.where === undefined ? [] : [criterionSql(indicator.population.where, context)]),
  ];
  return `SELECT ${year} AS year, place, imd_quintile, sex, age_band, ethnic_group,
      SUM(numerator) AS numerator, COUNT(*) AS denominator
    FROM (
      SELECT p.place, p.imd_quintile, COALESCE(p.sex, 'unknown') AS sex, ${ageBandSql('p.age')} AS age_band,
             ${ethnicGroupSql('p.ethnic_category')} AS ethnic_group, ${numerator} AS numerator
      FROM (SELECT q.*, ${onYear} - q.birth_year - CASE WHEN ${onMonth} < q.birth_month THEN 1 ELSE 0 END AS age
            FROM person q WHERE q.birth_year IS NOT NULL AND q.birth_month IS NOT NULL) p
      WHERE ${conditions.join(' AND ')}
    ) counted
    GROUP BY place, imd_quintile, sex, age_band, ethnic_group`;
}

/** The indicator as one SQL statement returning its cube (columns as CubeCell's, in snake case). */
export function cubeSql(indicator: Indicator, codeLists: Readonly<Record<string, CodeList>>): string {
  const years: number[] = [];
  for (let year = indicator.years.from; year <= indicator.years.to; year++) years.push(year);
  return years.map((year) => yearSql(indicator, year, codeLists)).join('\nUNION ALL\n');
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
