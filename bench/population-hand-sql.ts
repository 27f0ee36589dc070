/**
 * The fastest SQL we could write by hand for three indicators' cubes, to measure the indicator engine against
 * (bench/population.ts). Each is what a skilled analyst would write for that one indicator — the first diagnosis
 * per person once, admissions counted per person and year in one GROUP BY, the latest status by a window — with the
 * same conventions as the engine (age from year and month of birth; alive on the reference date; the cube's bands
 * and ethnic groups), so the cubes must be identical.
 */
import { ageBandSql, ethnicGroupSql } from '../src/population/indicators/cube.js';

const YEARS = Array.from({ length: 10 }, (_, i) => 2016 + i);
const years = `years (year, period_start, period_end, from_24) AS (VALUES ${YEARS.map(
  (y) => `(${y}, DATE '${y}-01-01', DATE '${y}-12-31', DATE '${y - 1}-01-01')`,
).join(', ')})`;
const cube = (age: string, numerator: string) => `
  SELECT y.year, p.place, p.imd_quintile, COALESCE(p.sex, 'unknown') AS sex, ${ageBandSql(age)} AS age_band,
         ${ethnicGroupSql('p.ethnic_category')} AS ethnic_group, SUM(${numerator}) AS numerator, COUNT(*) AS denominator`;
const groupBy = 'GROUP BY ALL';

export const HAND_WRITTEN: Readonly<Record<string, string>> = {
  'diabetes-prevalence': `
    WITH ${years},
    first_diagnosis AS (
      SELECT person, MIN(date) AS first FROM event
      WHERE kind = 'condition' AND code_system = 'snomed' AND code = '44054006' GROUP BY person)
    ${cube('(y.year - p.birth_year)', 'CASE WHEN f.first <= y.period_end THEN 1 ELSE 0 END')}
    FROM person p CROSS JOIN years y LEFT JOIN first_diagnosis f ON f.person = p.person
    WHERE p.registered AND p.birth_year IS NOT NULL AND p.birth_month IS NOT NULL
      AND y.year - p.birth_year >= 17 AND (p.death_date IS NULL OR p.death_date >= y.period_end)
    ${groupBy}`,

  'emergency-admissions': `
    WITH ${years},
    admissions AS (
      SELECT person, EXTRACT(YEAR FROM date) AS year, COUNT(*) AS n FROM event
      WHERE kind = 'encounter' AND code_system = 'snomed' AND code = '183452005'
        AND date BETWEEN DATE '2016-01-01' AND DATE '2025-12-31'
      GROUP BY person, EXTRACT(YEAR FROM date))
    ${cube('(y.year - p.birth_year - CASE WHEN 1 < p.birth_month THEN 1 ELSE 0 END)', 'COALESCE(a.n, 0)')}
    FROM person p CROSS JOIN years y LEFT JOIN admissions a ON a.person = p.person AND a.year = y.year
    WHERE p.registered AND p.birth_year IS NOT NULL AND p.birth_month IS NOT NULL
      AND y.year - p.birth_year - CASE WHEN 1 < p.birth_month THEN 1 ELSE 0 END >= 0
      AND (p.death_date IS NULL OR p.death_date >= y.period_start)
    ${groupBy}`,

  'smoking-prevalence': `
    WITH ${years},
    statuses AS (
      SELECT e.person, y.year, e.date, e.value_code,
             MAX(e.date) OVER (PARTITION BY e.person, y.year) AS latest
      FROM event e JOIN years y ON e.date BETWEEN y.from_24 AND y.period_end
      WHERE e.kind = 'observation' AND e.code_system = 'loinc' AND e.code = '72166-2'),
    recorded AS (
      SELECT person, year, MAX(CASE WHEN date = latest AND value_code = '77176002' THEN 1 ELSE 0 END) AS smoker
      FROM statuses GROUP BY person, year)
    ${cube('(y.year - p.birth_year)', 's.smoker')}
    FROM person p CROSS JOIN years y JOIN recorded s ON s.person = p.person AND s.year = y.year
    WHERE p.registered AND p.birth_year IS NOT NULL AND p.birth_month IS NOT NULL
      AND y.year - p.birth_year >= 18 AND (p.death_date IS NULL OR p.death_date >= y.period_end)
    ${groupBy}`,
};
