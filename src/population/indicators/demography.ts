/**
 * @module population/indicators/demography
 * A person-year's demographic key: everything an indicator's population and numerator can depend on when none of
 * its event criteria holds — year, place, IMD quintile, sex, ethnic group, registration, age in whole years on
 * 1 January and on 31 December, and whether the person is alive on each and died within the year. The SQL engine
 * (sql-engine.ts) counts persons per key once for the whole catalogue (the demography table) and corrects only the
 * person-years some event criterion touches, so the key's columns are written here once for both: a column the two
 * computed differently would silently shift counts between cells.
 *
 * The columns are computed from `person p` joined to `years y` (year, period_start, period_end).
 */
import { ethnicGroupSql } from './cube.js';

/** The key's columns, as the select list of a query over `person p` and `years y`. */
export const DEMOGRAPHIC_COLUMNS = `y.year, p.place, p.imd_quintile, COALESCE(p.sex, 'unknown') AS sex,
  ${ethnicGroupSql('p.ethnic_category')} AS ethnic_group, p.registered,
  y.year - p.birth_year - CASE WHEN 1 < p.birth_month THEN 1 ELSE 0 END AS age_start,
  y.year - p.birth_year - CASE WHEN 12 < p.birth_month THEN 1 ELSE 0 END AS age_end,
  (p.death_date IS NULL OR p.death_date >= y.period_start) AS alive_at_start,
  (p.death_date IS NULL OR p.death_date >= y.period_end) AS alive_at_end,
  COALESCE(p.death_date BETWEEN y.period_start AND y.period_end, FALSE) AS died`;

/** GROUP BY the key by position: PostgreSQL reads a name like `sex` as the input column, not the output one. */
const KEY = Array.from({ length: 11 }, (_, i) => String(i + 1)).join(', ');

/**
 * Person-years that can count in some indicator: born with a known year and month, born by 31 December and alive
 * on 1 January (every population needs at least that, whichever reference date it takes). Leaving out the others is
 * exact because they count in no cube, with or without events.
 */
export const COUNTABLE = `p.birth_year IS NOT NULL AND p.birth_month IS NOT NULL
  AND y.year - p.birth_year >= 0 AND (p.death_date IS NULL OR p.death_date >= y.period_start)`;

/** The demography table's query: persons per key per year of `years`, a CTE the caller defines. */
export const demographySql = (): string => `SELECT ${DEMOGRAPHIC_COLUMNS}, COUNT(*) AS persons
  FROM person p CROSS JOIN years y
  WHERE ${COUNTABLE}
  GROUP BY ${KEY}`;
