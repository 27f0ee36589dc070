/**
 * @module population/indicators/sql-engine
 * The fast engine: an indicator compiled to one SQL statement over the analytic store's `person` and `event` tables
 * that returns its cube for every year at once. The SQL keeps to what DuckDB and PostgreSQL share — CTEs, VALUES,
 * joins, UNION ALL, GROUP BY, CASE, COALESCE, CAST, DATE literals, CREATE TEMP TABLE … AS — so a national warehouse
 * on PostgreSQL (Citus) can run the same definitions; every date is computed here and written as a literal, so no
 * dialect's interval arithmetic is relied on.
 *
 * Shape: a person-year none of whose event criteria holds counts (or not) by its demographic key alone
 * (demography.ts: year, place, quintile, sex, ethnic group, registration, exact age, alive and died), so the cube is
 *   the count over the demography table — persons per key, made once for a whole catalogue run — of what a
 *   person-year counts with every event criterion FALSE,
 *   plus, over only the person-years where some event criterion holds, what it counts less what it would count with
 *   them all FALSE.
 * The second part is driven from the events: each event criterion is one pass over `event` joined to the years of
 * its windows by equality on the year (for `ever`, each person's first matching event joined to the years that
 * follow it), and one GROUP BY of all of them gives each touched person-year a 0/1 flag per criterion and its
 * events counted. Per indicator, the work grows with the events its criteria match, not with persons × years. Each
 * criterion compiles to a boolean that is never NULL, so `not` means what it means in the reference engine — and
 * compiled with its event criteria FALSE it gives the demography's count exactly. The sums come back as INTEGER: a cell's count is far below 2^31, and the driver reads a HUGEINT
 * several times slower.
 */
import { ageBandSql, periodOf, sortCells, windowStart, type CubeCell } from './cube.js';
import type { CodeList, Criterion, EventCriterion, Indicator, Window } from './definition.js';
import { COUNTABLE, DEMOGRAPHIC_COLUMNS, demographySql } from './demography.js';

const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
const date = (iso: string) => `DATE ${text(iso)}`;

interface Compiling {
  readonly codeLists: Readonly<Record<string, CodeList>>;
  readonly years: readonly number[];
  /** Window starts needed, by column name. */
  readonly windows: Map<string, Window>;
  /** One flag column per distinct event criterion (by its definition), with its (person, year) query. */
  readonly flags: Map<
    string,
    { readonly column: string; readonly pairs: string; readonly distinct: boolean }
  >;
  /** The query of the (person, year) rows of counted events, one row per event. */
  counted?: string;
  /** The column of age on the population's reference date. */
  readonly age: string;
}

const compiling = (
  codeLists: Readonly<Record<string, CodeList>>,
  years: readonly number[],
  age: string,
): Compiling => ({ codeLists, years, windows: new Map(), flags: new Map(), age });

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

/** The conditions on an event row `e` of being a candidate: kind and code list (the window is the join's). */
function candidate(criterion: EventCriterion, context: Compiling): string[] {
  const where = [`e.kind = ${text(criterion.kind)}`];
  if (criterion.codes !== undefined) {
    const list = codeList(criterion.codes, context);
    where.push(`e.code_system = ${text(list.system)}`, inCodes('e.code', list));
  }
  return where;
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
 * A query of (person, year) rows for the events matching an event criterion in each year's window, found by one
 * pass over `event` joined to `years` (for `latest`: one row per person-year whose latest candidate passes).
 * Without `latest`, a pair may come more than once: once per matching event, which counts events.
 */
function matchingSql(criterion: EventCriterion, context: Compiling): string {
  const where = candidate(criterion, context);
  const passes = filters(criterion, context);
  const start = windowColumn(criterion.within, context);
  if (criterion.latest) {
    // The latest candidate passes when some passing candidate is on the latest date: one GROUP BY, where a
    // window over every candidate had to sort them. (A `latest` criterion is never an event count.)
    const passing = passes.length === 0 ? 'e.date' : `CASE WHEN ${passes.join(' AND ')} THEN e.date END`;
    const from =
      start === undefined
        ? `event e JOIN years y ON e.date <= y.period_end WHERE ${where.join(' AND ')}`
        : `${windowedEvents(criterion.within, start)} WHERE ${where.join(' AND ')}`;
    return `SELECT e.person, y.year FROM ${from}
      GROUP BY e.person, y.year HAVING MAX(${passing}) = MAX(e.date)`;
  }
  if (start === undefined) {
    // Ever: some matching event on or before the period's end is the first matching event being so — one row
    // per person joined to the years, where every event joined to every year after it multiplied the rows.
    return `SELECT f.person, y.year FROM (
        SELECT e.person, MIN(e.date) AS first FROM event e WHERE ${[...where, ...passes].join(' AND ')}
        GROUP BY e.person) f
      JOIN years y ON f.first <= y.period_end`;
  }
  return `SELECT e.person, y.year FROM ${windowedEvents(criterion.within, start)}
      WHERE ${[...where, ...passes].join(' AND ')}`;
}

/**
 * Events `e` joined to the years `y` whose window holds them, by equality on the year: a window ends on 31 December
 * and starts on the first of a month, so an event falls in the windows of its own year and of up to `span` years
 * after it — those whose start is not after it. A hash join on the year, where a range join on the dates was
 * planned as a merge join taking most of a windowed criterion's time.
 */
function windowedEvents(window: Window, start: string): string {
  const span = window === 'ever' || window === 'period' ? 0 : Math.ceil((window.monthsBefore - 12) / 12);
  const shifts = Array.from({ length: Math.max(span, 0) + 1 }, (_, k) => `(${k})`).join(', ');
  return `event e CROSS JOIN (VALUES ${shifts}) s (k)
      JOIN years y ON y.year = CAST(EXTRACT(YEAR FROM e.date) AS INTEGER) + s.k AND e.date >= ${start}`;
}

/**
 * A criterion as a never-NULL boolean over the person-year `pop`, so `not` means what it means in the reference
 * engine. With `events: 'false'` every event criterion is FALSE: what the criterion is for a person-year none of
 * whose event criteria holds.
 */
function criterionSql(criterion: Criterion, context: Compiling, events: 'flagged' | 'false'): string {
  const sub = (c: Criterion) => criterionSql(c, context, events);
  if ('event' in criterion) {
    if (events === 'false') return 'FALSE';
    // One flag per distinct criterion: the same criterion in the population and the numerator is found once.
    const key = JSON.stringify(criterion.event);
    let flag = context.flags.get(key);
    if (flag === undefined) {
      flag = {
        column: `f${context.flags.size + 1}`,
        pairs: matchingSql(criterion.event, context),
        // `latest` gives one row per person-year, and `ever` one per person and year after the first event.
        distinct: criterion.event.latest || criterion.event.within === 'ever',
      };
      context.flags.set(key, flag);
    }
    return `(pop.${flag.column} = 1)`;
  }
  if ('died' in criterion) return 'pop.died';
  if ('age' in criterion) {
    const parts: string[] = [];
    if (criterion.age.min !== undefined) parts.push(`${context.age} >= ${criterion.age.min}`);
    if (criterion.age.max !== undefined) parts.push(`${context.age} <= ${criterion.age.max}`);
    return `(${parts.join(' AND ')})`;
  }
  if ('sex' in criterion) return `(pop.sex = ${text(criterion.sex)})`;
  if ('allOf' in criterion) return `(${criterion.allOf.map(sub).join(' AND ')})`;
  if ('anyOf' in criterion) return `(${criterion.anyOf.map(sub).join(' OR ')})`;
  return `(NOT ${sub(criterion.not)})`;
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

/** What a row of `pop` adds to its cell: persons in the population, and persons or events in the numerator. */
interface Counted {
  readonly denominator: string;
  readonly numerator: string;
}

function countedSql(indicator: Indicator, context: Compiling, events: 'flagged' | 'false'): Counted {
  const { population, numerator } = indicator;
  const conditions = [
    `${context.age} >= 0`,
    population.at === 'start' ? 'pop.alive_at_start' : 'pop.alive_at_end',
    ...(population.registered ? ['pop.registered'] : []),
    ...(population.where === undefined ? [] : [criterionSql(population.where, context, events)]),
  ].join(' AND ');
  let counts: string;
  if (numerator.count === 'events' && 'event' in numerator.where) {
    if (events === 'false') counts = '0';
    else {
      context.counted = matchingSql(numerator.where.event, context);
      counts = 'pop.events';
    }
  } else counts = `CASE WHEN ${criterionSql(numerator.where, context, events)} THEN 1 ELSE 0 END`;
  return {
    denominator: `CASE WHEN ${conditions} THEN pop.persons ELSE 0 END`,
    numerator: `CASE WHEN ${conditions} THEN pop.persons * ${counts} ELSE 0 END`,
  };
}

/**
 * The person-years some event criterion holds for (or with an event counted), one row each, with a 0/1 column per
 * criterion and the events counted: one GROUP BY over all the criteria's pairs, not a join per criterion.
 */
function touchedCte(context: Compiling): string {
  const flags = [...context.flags.values()];
  const sources = [
    ...flags.map(({ pairs }, i) => ({ pairs, flags: flags.map((_, j) => (i === j ? 1 : 0)), counted: 0 })),
    ...(context.counted === undefined
      ? []
      : [{ pairs: context.counted, flags: flags.map(() => 0), counted: 1 }]),
  ];
  const columns = [...flags.map(({ column }) => column), 'counted'];
  const rows = sources.map(
    (source) =>
      `SELECT m.person, m.year, ${[...source.flags, source.counted].map((v, i) => `${v} AS ${columns[i] ?? ''}`).join(', ')}
      FROM (${source.pairs}) m`,
  );
  const only = flags[0];
  if (flags.length === 1 && context.counted === undefined && only !== undefined && only.distinct) {
    // One criterion whose pairs come once each: they are the touched person-years as they are.
    return `touched AS (SELECT m.person, m.year, 1 AS ${only.column}, 0 AS events FROM (${only.pairs}) m)`;
  }
  return `touched AS (
    SELECT person, year, ${flags.map(({ column }) => `MAX(${column}) AS ${column}`).join(', ')}${flags.length > 0 ? ', ' : ''}SUM(counted) AS events
    FROM (${rows.join('\n      UNION ALL ')}) flagged
    GROUP BY person, year)`;
}

/** The cell of a row of `pop`, as a select list. */
const cellOf = (age: string) =>
  `pop.year, pop.place, pop.imd_quintile, pop.sex, ${ageBandSql(age)} AS age_band, pop.ethnic_group`;

/**
 * The indicator as one SQL statement returning its cube (columns as CubeCell's, in snake case). `demography` names a
 * table made by `demographyTableSql` for (at least) the indicator's years, shared by a catalogue run; without it
 * the statement makes its own as a CTE.
 */
export function cubeSql(
  indicator: Indicator,
  codeLists: Readonly<Record<string, CodeList>>,
  demography?: string,
): string {
  const years: number[] = [];
  for (let year = indicator.years.from; year <= indicator.years.to; year++) years.push(year);
  const age = indicator.population.at === 'start' ? 'pop.age_start' : 'pop.age_end';
  const context = compiling(codeLists, years, age);
  const allFalse = countedSql(indicator, context, 'false');
  const actual = countedSql(indicator, context, 'flagged');
  const parts = [
    `SELECT ${cellOf(age)}, ${allFalse.numerator} AS numerator, ${allFalse.denominator} AS denominator
     FROM ${demography ?? 'demography'} pop WHERE pop.year BETWEEN ${indicator.years.from} AND ${indicator.years.to}`,
  ];
  const ctes = [
    yearsCte(context),
    ...(demography === undefined ? [`demography AS (${demographySql()})`] : []),
  ];
  if (context.flags.size > 0 || context.counted !== undefined) {
    // Where some event criterion holds, what is counted may differ from the all-false count the demography gave:
    // the difference is added (numerator and denominator each may go up or down).
    ctes.push(
      touchedCte(context),
      `pop AS (SELECT ${[...[...context.flags.values()].map(({ column }) => `t.${column}`), 't.events'].join(', ')},
        ${DEMOGRAPHIC_COLUMNS}, 1 AS persons
        FROM touched t JOIN person p ON p.person = t.person JOIN years y ON y.year = t.year
        WHERE ${COUNTABLE})`,
    );
    parts.push(`SELECT ${cellOf(age)}, (${actual.numerator}) - (${allFalse.numerator}) AS numerator,
       (${actual.denominator}) - (${allFalse.denominator}) AS denominator
     FROM pop`);
  }
  return `WITH ${ctes.join(',\n')}
SELECT year, place, imd_quintile, sex, age_band, ethnic_group,
       CAST(SUM(numerator) AS INTEGER) AS numerator, CAST(SUM(denominator) AS INTEGER) AS denominator
FROM (
  ${parts.join('\n  UNION ALL\n  ')}
) counted
GROUP BY year, place, imd_quintile, sex, age_band, ethnic_group
HAVING SUM(denominator) > 0`;
}

/**
 * The statement making the shared demography table `name` for `years`: a TEMP table, holding counts of persons by
 * key only, that lives as long as the catalogue run needing it.
 */
export function demographyTableSql(name: string, years: readonly number[]): string {
  return `CREATE TEMP TABLE ${name} AS WITH ${yearsCte(compiling({}, years, ''))} ${demographySql()}`;
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
