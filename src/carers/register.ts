/**
 * @module carers/register
 * The carers known to their practices, counted on the analytic store: for each year, the people registered and
 * alive on 31 December, aged 5 and over, in each cell of place × practice × IMD quintile × sex × census age band,
 * and how many of them had been coded as carers by then. Aggregates only — the one reading of rows here is the
 * query; what leaves this module are counts of persons in cells, for `figures.ts` and then disclosure control.
 *
 * A person counts once a carer code is on their record, and stays counted: GP systems do not end a carer code, and a
 * "no longer a carer" code is not in the feeds. The practice is the person's current one (the store does not yet keep
 * registration history), so a practice's past years count its present list.
 *
 * The SQL keeps to what DuckDB and PostgreSQL share (CTEs, VALUES, CASE, GROUP BY), as the indicators' does. Rows
 * come in one order, so the expected numbers (sums of fractions) add up the same way at every build.
 */
import type { AgeBand } from '../synthetic/life-course/model.js';
import type { AnalyticStore } from '../population/store/analytic-store.js';
import { bandIndexSql, MINIMUM_AGE } from './census-estimate.js';

export interface RegisterCell {
  readonly year: number;
  /** The place of the person's home; null outside the partnership or unknown. */
  readonly place: string | null;
  /** The practice's ODS code; null when the person's practice is not known. */
  readonly practice: string | null;
  readonly imdQuintile: number | null;
  readonly sex: string;
  /** Index into the census age bands. */
  readonly band: number;
  /** Registered people in the cell. */
  readonly persons: number;
  /** Of them, those coded as carers on or before 31 December. */
  readonly identified: number;
}

export interface RegisterQuery {
  readonly years: { readonly from: number; readonly to: number };
  /** The census age bands (census-estimate.ts). */
  readonly bands: readonly AgeBand[];
  /** SNOMED CT codes that record a person as a carer. */
  readonly carerCodes: readonly string[];
}

const text = (value: string) => `'${value.replaceAll("'", "''")}'`;

export function registerSql(query: RegisterQuery): string {
  const years: string[] = [];
  for (let year = query.years.from; year <= query.years.to; year++)
    years.push(`(${year}, DATE '${year}-12-31')`);
  // Age on 31 December: the year less the year of birth (every birthday, on the 1st of its month, has passed).
  return `WITH years (year, on_day) AS (VALUES ${years.join(', ')}),
coded AS (
  SELECT person, MIN(date) AS first_coded FROM event
   WHERE kind = 'observation' AND code_system = 'snomed' AND code IN (${query.carerCodes.map(text).join(', ')})
   GROUP BY person),
pop AS (
  SELECT y.year, p.place, p.practice, p.imd_quintile, COALESCE(p.sex, 'unknown') AS sex,
         y.year - p.birth_year AS age, CASE WHEN c.first_coded <= y.on_day THEN 1 ELSE 0 END AS identified
    FROM person p CROSS JOIN years y LEFT JOIN coded c ON c.person = p.person
   WHERE p.registered AND p.birth_year IS NOT NULL AND (p.death_date IS NULL OR p.death_date >= y.on_day))
SELECT year, place, practice, imd_quintile, sex, ${bandIndexSql(query.bands, 'age')} AS band,
       COUNT(*) AS persons, SUM(identified) AS identified
  FROM pop WHERE age >= ${MINIMUM_AGE}
 GROUP BY year, place, practice, imd_quintile, sex, ${bandIndexSql(query.bands, 'age')}
 ORDER BY year, place, practice, imd_quintile, sex, band`;
}

type Whole = number | bigint | string;
interface Row {
  readonly year: Whole;
  readonly place: string | null;
  readonly practice: string | null;
  readonly imd_quintile: Whole | null;
  readonly sex: string;
  readonly band: Whole;
  readonly persons: Whole;
  readonly identified: Whole;
}

export async function registerCells(store: AnalyticStore, query: RegisterQuery): Promise<RegisterCell[]> {
  const rows = await store.rows<Row & Record<string, unknown>>(registerSql(query));
  return rows.map((row) => ({
    year: Number(row.year),
    place: row.place,
    practice: row.practice,
    imdQuintile: row.imd_quintile === null ? null : Number(row.imd_quintile),
    sex: row.sex,
    band: Number(row.band),
    persons: Number(row.persons),
    identified: Number(row.identified),
  }));
}
