/**
 * @module money/fair-shares/need-cells
 * What fair shares needs from the analytic store, and the one module of money/ that reads it: for a year, the people
 * registered with a partnership practice and alive on 31 December, counted in each cell of place × age band × sex ×
 * national IMD quintile, and how many of them had at least two of the long-term conditions below recorded by then.
 * Aggregates only — counts of persons in cells — for model.ts and then disclosure control on every published figure.
 *
 * A condition counts once it is on the record (as a QOF register does): the feeds do not carry resolutions
 * reliably. Registration and address are as they are now (docs/population.md). The SQL keeps to what DuckDB and
 * PostgreSQL share, as the indicators' does.
 */
import type { AnalyticStore } from '../../population/store/analytic-store.js';
import { ageBandSql } from '../../population/indicators/cube.js';
import type { Catalogue } from '../../population/indicators/catalogue.js';

/**
 * The long-term conditions counted for multimorbidity: code list ids of the indicator catalogue
 * (indicators/code-lists.yaml), the QOF registers the partners' records carry.
 */
export const LONG_TERM_CONDITIONS = [
  'diabetes-type2',
  'hypertension',
  'coronary-heart-disease',
  'stroke',
  'atrial-fibrillation',
  'heart-failure',
  'copd',
  'asthma',
  'ckd-stage-3-5',
  'cancer',
  'dementia',
  'depression',
  'serious-mental-illness',
  'epilepsy',
] as const;

/** How many of the conditions make a person multimorbid. */
export const MULTIMORBID_AT = 2;

export interface NeedCell {
  /** The place of the person's home; null outside the partnership or unknown. */
  readonly place: string | null;
  /** Index into the analytic store's age bands (population/indicators/cube.ts AGE_BANDS: <1, 1–4, 5–9, …, 90+). */
  readonly ageBand: number;
  /** 'male', 'female', or another recorded value, or 'unknown'. */
  readonly sex: string;
  /** National IMD quintile (1 = most deprived), null when the home's LSOA is not known. */
  readonly imdQuintile: number | null;
  /** Registered living persons in the cell on 31 December. */
  readonly persons: number;
  /** Of them, those with at least MULTIMORBID_AT of the conditions recorded on or before 31 December. */
  readonly multimorbid: number;
}

const text = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The SQL of needCells (exported for the test of its shape). */
export function needCellsSql(
  catalogue: Catalogue,
  year: number,
  conditions: readonly string[] = LONG_TERM_CONDITIONS,
): string {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) throw new Error(`not a year: ${year}`);
  const lists = conditions.map((id) => {
    const list = catalogue.codeLists[id];
    if (list === undefined)
      throw new Error(`code list ${id} is not in the indicator catalogue's code-lists.yaml`);
    return { id, list };
  });
  const matches = lists.map(
    ({ list }) => `(e.code_system = ${text(list.system)} AND e.code IN (${list.codes.map(text).join(', ')}))`,
  );
  const which = lists.map(({ id }, i) => `WHEN ${matches[i] ?? 'FALSE'} THEN ${text(id)}`).join(' ');
  const onDay = `DATE '${year}-12-31'`;
  // Age on 31 December: the year less the year of birth (every birthday, on the 1st of its month, has passed).
  return `WITH conditions AS (
  SELECT person, COUNT(DISTINCT condition) AS conditions FROM (
    SELECT e.person, CASE ${which} END AS condition
      FROM event e
     WHERE e.kind = 'condition' AND e.date <= ${onDay} AND (${matches.join(' OR ')})) recorded
   GROUP BY person),
pop AS (
  SELECT p.place, p.imd_quintile, COALESCE(p.sex, 'unknown') AS sex, ${year} - p.birth_year AS age,
         CASE WHEN COALESCE(c.conditions, 0) >= ${MULTIMORBID_AT} THEN 1 ELSE 0 END AS multimorbid
    FROM person p LEFT JOIN conditions c ON c.person = p.person
   WHERE p.registered AND p.birth_year IS NOT NULL AND p.birth_year <= ${year}
     AND (p.death_date IS NULL OR p.death_date >= ${onDay}))
SELECT place, imd_quintile, sex, ${ageBandSql('age')} AS age_band, COUNT(*) AS persons, SUM(multimorbid) AS multimorbid
  FROM pop
 GROUP BY place, imd_quintile, sex, ${ageBandSql('age')}
 ORDER BY place, imd_quintile, sex, age_band`;
}

type Whole = number | bigint | string;
interface Row {
  readonly place: string | null;
  readonly imd_quintile: Whole | null;
  readonly sex: string;
  readonly age_band: Whole;
  readonly persons: Whole;
  readonly multimorbid: Whole;
}

/** The need cells of `year`, sorted by place, age band, sex and quintile (so the same store gives the same list). */
export async function needCells(
  store: AnalyticStore,
  catalogue: Catalogue,
  year: number,
  conditions: readonly string[] = LONG_TERM_CONDITIONS,
): Promise<NeedCell[]> {
  const rows = await store.rows<Row & Record<string, unknown>>(needCellsSql(catalogue, year, conditions));
  const cells = rows.map((row): NeedCell => ({
    place: row.place,
    ageBand: Number(row.age_band),
    sex: row.sex,
    imdQuintile: row.imd_quintile === null ? null : Number(row.imd_quintile),
    persons: Number(row.persons),
    multimorbid: Number(row.multimorbid),
  }));
  const key = (c: NeedCell) =>
    `${c.place ?? '\uffff'}|${String(c.ageBand).padStart(2, '0')}|${c.sex}|${c.imdQuintile ?? 9}`;
  return cells.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
