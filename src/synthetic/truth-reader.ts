/**
 * @module synthetic/truth-reader
 * Reads a generated ground truth back with DuckDB (views over the Parquet chunks) for the fidelity report: the
 * residents on the reference date, cases of each calibrated condition by place and quintile, and deaths and years
 * lived by age band after the reference date. Counting is done in SQL; the comparison with targets in fidelity.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { loadCalibration } from './calibration.js';
import {
  fidelityReport,
  LIFE_TABLE_BANDS,
  mortalityFidelity,
  prevalenceFidelity,
  type Exposure,
  type FidelityRow,
  type GeneratedResident,
  type PrevalenceCount,
} from './fidelity.js';
import { readManifest, type Manifest } from './generate.js';
import { loadLifeCourseReference } from './life-course/reference.js';

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
/** DuckDB gives BIGINT and HUGEINT as bigint, smaller integers as number. */
type Int = number | bigint;

export class Truth {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly manifest: Manifest,
  ) {}

  /**
   * Opens a generated folder: views `persons`, `addresses`, `registrations`, `carers`, `activity`, `codes`,
   * `organisations`, and `events` with each event's code (code_system, code, display) joined from the dictionary.
   */
  static async open(outDir: string): Promise<Result<Truth, Problem>> {
    const manifest = readManifest(outDir);
    if (manifest === undefined || !existsSync(join(outDir, 'codes.parquet'))) {
      return err(
        problem(
          'not-found',
          `${outDir} holds no generated population.`,
          'Run accord generate --out <dir> first.',
        ),
      );
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const table of ['persons', 'addresses', 'registrations', 'carers', 'activity']) {
      await connection.run(
        `CREATE VIEW ${table} AS SELECT * FROM read_parquet(${quote(join(outDir, `${table}-*.parquet`))})`,
      );
    }
    for (const table of ['codes', 'organisations']) {
      await connection.run(
        `CREATE VIEW ${table} AS SELECT * FROM read_parquet(${quote(join(outDir, `${table}.parquet`))})`,
      );
    }
    await connection.run(`
      CREATE VIEW events AS
      SELECT e.*, c.system AS code_system, c.code, c.display
      FROM read_parquet(${quote(join(outDir, 'events-*.parquet'))}) e JOIN codes c USING (code_index)`);
    await connection.run(`
      CREATE VIEW residents_on_reference AS
      SELECT p.person_key, p.sex, p.date_of_birth, a.place, a.imd_decile,
             date_diff('year', p.date_of_birth, DATE ${quote(manifest.referenceDate)})
               - CASE WHEN strftime(p.date_of_birth, '%m-%d') > ${quote(manifest.referenceDate.slice(5))} THEN 1 ELSE 0 END AS age
      FROM persons p
      JOIN addresses a ON a.person_key = p.person_key
       AND a.from_date <= DATE ${quote(manifest.referenceDate)}
       AND (a.to_date IS NULL OR a.to_date >= DATE ${quote(manifest.referenceDate)})
      WHERE p.origin = 'resident'`);
    return ok(new Truth(instance, connection, manifest));
  }

  async rows<T>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as T[];
  }

  async residents(): Promise<GeneratedResident[]> {
    const rows = await this.rows<{ place: string; imd_decile: Int; age: Int; sex: string }>(
      'SELECT place, imd_decile, age, sex FROM residents_on_reference',
    );
    return rows.map((r) => ({
      place: r.place,
      imdDecile: Number(r.imd_decile),
      // The calibration's ages stop at "90 and over".
      age: Math.min(90, Number(r.age)),
      sex: r.sex === 'female' ? 'female' : 'male',
    }));
  }

  /** Residents and cases by place and quintile on the reference date, for each condition code given. */
  async prevalence(
    conditions: readonly { id: string; qofGroup: string; code: string }[],
  ): Promise<PrevalenceCount[]> {
    const counts: PrevalenceCount[] = [];
    for (const condition of conditions) {
      const rows = await this.rows<{ place: string; quintile: Int; residents: Int; cases: Int }>(`
        SELECT r.place, (r.imd_decile + 1) // 2 AS quintile, count(*)::INTEGER AS residents,
               count(e.person_key)::INTEGER AS cases
        FROM residents_on_reference r
        LEFT JOIN (SELECT DISTINCT person_key FROM events
                   WHERE kind = 'condition' AND code = ${quote(condition.code)}
                     AND date <= DATE ${quote(this.manifest.referenceDate)}) e USING (person_key)
        GROUP BY ALL`);
      for (const row of rows) {
        counts.push({
          qofGroup: condition.qofGroup,
          condition: condition.id,
          place: row.place,
          quintile: Number(row.quintile),
          residents: Number(row.residents),
          cases: Number(row.cases),
        });
      }
    }
    return counts;
  }

  /**
   * Immunisation coverage, as the national programmes measure it, for one programme:
   * - given once at an age: of the people born in 2016–2018 who were alive a year after the due age, the share
   *   immunised by then (as COVER counts MMR1 at 24 months);
   * - yearly from an age (flu): of the people of that age or over on 31 March 2020 and alive on it, the share
   *   immunised in the 2019-20 season (September to February).
   */
  async coverage(programme: {
    code: string;
    schedule: { kind: 'once'; age: number } | { kind: 'yearly'; age: number; monthOfYear: number };
  }): Promise<{ eligible: number; immunised: number }> {
    const code = quote(programme.code);
    const sql =
      programme.schedule.kind === 'once'
        ? `WITH cohort AS (
             SELECT person_key, date_of_birth + to_days(CAST(round((${programme.schedule.age} + 1) * 365.25) AS INTEGER)) AS by_day
             FROM persons
             WHERE date_of_birth BETWEEN DATE '2016-01-01' AND DATE '2018-12-31')
           SELECT count(*)::INTEGER AS eligible,
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM events e WHERE e.person_key = c.person_key
                    AND e.kind = 'immunisation' AND e.code = ${code} AND e.date <= c.by_day))::INTEGER AS immunised
           FROM cohort c JOIN persons p USING (person_key)
           WHERE c.by_day <= DATE ${quote(this.manifest.windowEnd)}
             AND (p.date_of_death IS NULL OR p.date_of_death > c.by_day)`
        : `WITH cohort AS (
             SELECT person_key FROM persons
             WHERE date_of_birth <= DATE '2020-03-31' - INTERVAL ${programme.schedule.age} YEAR
               AND (date_of_death IS NULL OR date_of_death > DATE '2020-03-31'))
           SELECT count(*)::INTEGER AS eligible,
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM events e WHERE e.person_key = c.person_key
                    AND e.kind = 'immunisation' AND e.code = ${code}
                    AND e.date BETWEEN DATE '2019-09-01' AND DATE '2020-02-29'))::INTEGER AS immunised
           FROM cohort c`;
    const [row] = await this.rows<{ eligible: Int; immunised: Int }>(sql);
    return { eligible: Number(row?.eligible ?? 0), immunised: Number(row?.immunised ?? 0) };
  }

  /**
   * Years lived and deaths by quintile (of the home on the reference date, or at birth), sex and life-table age
   * band, from the day after the reference date to the end of the window.
   */
  async exposures(): Promise<Exposure[]> {
    const from = this.manifest.referenceDate;
    const to = this.manifest.windowEnd;
    const rows = await this.rows<{ sex: string; quintile: Int; birth: Int; death: Int | null }>(`
      SELECT p.sex, (a.imd_decile + 1) // 2 AS quintile,
             date_diff('day', DATE '1970-01-01', p.date_of_birth) AS birth,
             date_diff('day', DATE '1970-01-01', p.date_of_death) AS death
      FROM persons p
      -- The home on the reference date, or the first home of those born after it.
      JOIN (SELECT person_key,
                   coalesce(arg_max(imd_decile, from_date) FILTER (WHERE from_date <= DATE ${quote(from)}),
                            arg_min(imd_decile, from_date)) AS imd_decile
            FROM addresses GROUP BY person_key) a USING (person_key)
      WHERE p.origin <> 'died-before-reference'
        AND (p.date_of_death IS NULL OR p.date_of_death > DATE ${quote(from)})`);
    const start = Date.parse(`${from}T00:00:00Z`) / 86_400_000 + 1;
    const end = Date.parse(`${to}T00:00:00Z`) / 86_400_000;
    const bands = LIFE_TABLE_BANDS;
    const bandIndex = (age: number) => {
      let i = 0;
      while (i < bands.length - 1 && age >= (bands[i + 1] ?? Infinity)) i++;
      return i;
    };
    const tally = new Map<string, { years: number; deaths: number }>();
    const add = (key: string, years: number, deaths: number) => {
      const t = tally.get(key) ?? { years: 0, deaths: 0 };
      t.years += years;
      t.deaths += deaths;
      tally.set(key, t);
    };
    for (const row of rows) {
      const birth = Number(row.birth);
      const death = row.death === null ? undefined : Number(row.death);
      const first = Math.max(start, birth);
      const last = Math.min(end, death ?? end);
      if (last < first) continue;
      // Split the time lived into the age bands it crosses (ages in average years: close enough for bands).
      let day = first;
      while (day <= last) {
        const age = (day - birth) / 365.2425;
        const i = bandIndex(Math.floor(age));
        const next = bands[i + 1];
        const bandEnd = next === undefined ? last : Math.min(last, birth + Math.ceil(next * 365.2425) - 1);
        add(`${row.quintile} ${row.sex} ${bands[i] ?? 0}`, (bandEnd - day + 1) / 365.2425, 0);
        day = bandEnd + 1;
      }
      if (death !== undefined && death <= end) {
        add(
          `${row.quintile} ${row.sex} ${bands[bandIndex(Math.floor((death - birth) / 365.2425))] ?? 0}`,
          0,
          1,
        );
      }
    }
    return [...tally].map(([key, t]) => {
      const [quintile = '0', sex = 'male', ageFrom = '0'] = key.split(' ');
      return {
        quintile: Number(quintile),
        sex: sex === 'female' ? 'female' : 'male',
        ageFrom: Number(ageFrom),
        years: t.years,
        deaths: t.deaths,
      };
    });
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The whole fidelity report of a generated folder against its partnership's calibration and the reference. */
export async function readFidelity(
  outDir: string,
  partnershipDir: string,
  referenceDir?: string,
): Promise<Result<FidelityRow[], Problem>> {
  const calibration = loadCalibration(join(partnershipDir, 'calibration'));
  if (!calibration.ok)
    return err(problem('bad-input', `The calibration tables in ${partnershipDir} have problems.`));
  const reference = loadLifeCourseReference(referenceDir);
  if (!reference.ok) return err(problem('bad-input', 'The life-course reference files have problems.'));
  const truth = await Truth.open(outDir);
  if (!truth.ok) return truth;
  try {
    const demography = fidelityReport(calibration.value, await truth.value.residents());
    const conditions = reference.value.conditions.flatMap((c) =>
      c.qofGroup === undefined ? [] : [{ id: c.id, qofGroup: c.qofGroup, code: c.snomed.code }],
    );
    const prevalence = prevalenceFidelity(calibration.value, await truth.value.prevalence(conditions));
    const mortality = mortalityFidelity(
      reference.value.mortality.lifeExpectancyByDecile.deciles,
      await truth.value.exposures(),
    );
    const immunisation: FidelityRow[] = [];
    for (const programme of reference.value.immunisations) {
      if (programme.id !== 'mmr1' && programme.id !== 'flu-65') continue;
      const { eligible, immunised } = await truth.value.coverage({
        code: programme.snomed.code,
        schedule: programme.schedule,
      });
      const target = 100 * programme.coverage.value;
      const generated = eligible === 0 ? 0 : (100 * immunised) / eligible;
      immunisation.push({
        measure: `immunisation coverage ${programme.id}`,
        group: `${eligible.toLocaleString('en-GB')} eligible`,
        target,
        generated,
        difference: generated - target,
        unit: '%',
      });
    }
    return ok([...demography, ...prevalence, ...mortality, ...immunisation]);
  } finally {
    truth.value.close();
  }
}
