import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchFolders } from '../../test/support/scratch.js';
import { defaultPartnershipDir } from '../core/paths.js';
import { isTestRangeNhsNumber, isValidNhsNumber } from '../identity/nhs-number.js';
import { generatePopulation, type GenerateOptions } from './generate.js';
import { Truth } from './truth-reader.js';

const newFolder = scratchFolders('accord-generate-');

const options = (outDir: string, extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  partnershipDir: defaultPartnershipDir,
  partnershipId: 'west-yorkshire-and-harrogate',
  scale: 0.002,
  seed: 7,
  outDir,
  chunkSize: 2_000,
  workers: 1,
  ...extra,
});

const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name)).toString('base64')]),
  );

async function query<T>(dir: string, sql: string): Promise<T[]> {
  const truth = await Truth.open(dir);
  if (!truth.ok) throw new Error(truth.error.title);
  try {
    return await truth.value.rows<T>(sql);
  } finally {
    truth.value.close();
  }
}

describe('generatePopulation', () => {
  let dir: string;
  beforeAll(async () => {
    dir = newFolder();
    const report = await generatePopulation(options(dir));
    if (!report.ok) throw new Error(report.error.title);
    expect(report.value).toMatchObject({ residents: 5128, chunks: 3, reused: 0, nhsNumberRange: 'test' });
    expect(report.value.persons).toBeGreaterThan(5128);
    // About 16 events a person over the window, besides the routine contacts counted in the activity files.
    expect(report.value.events).toBeGreaterThan(5128 * 12);
  }, 120_000);

  it('writes the ground truth as Parquet chunks with a manifest and dictionaries', () => {
    const names = readdirSync(dir).sort();
    expect(names).toContain('manifest.json');
    expect(names).toContain('codes.parquet');
    expect(names).toContain('organisations.parquet');
    for (const chunk of ['00000', '00001', '00002']) {
      for (const table of ['persons', 'addresses', 'registrations', 'carers', 'events', 'activity'])
        expect(names).toContain(`${table}-${chunk}.parquet`);
      expect(names).toContain(`chunk-${chunk}.done`);
    }
    expect(names.some((name) => name.endsWith('.partial'))).toBe(false);
  });

  it('gives every person a distinct valid test-range NHS number, a name, an ethnicity and a home', async () => {
    const persons = await query<{
      nhs_number: string;
      given_name: string;
      family_name: string;
      ethnic_category: string;
      origin: string;
    }>(dir, 'SELECT nhs_number, given_name, family_name, ethnic_category, origin FROM persons');
    expect(persons.filter((p) => p.origin === 'resident')).toHaveLength(5128);
    const numbers = persons.map((p) => p.nhs_number);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const number of numbers) expect(isValidNhsNumber(number) && isTestRangeNhsNumber(number)).toBe(true);
    for (const p of persons) {
      expect(p.given_name.length).toBeGreaterThan(0);
      expect(p.family_name.length).toBeGreaterThan(0);
      expect(p.ethnic_category).toMatch(/^[A-HJ-NPRSZ]$/);
    }
    const homeless = await query<{ n: number }>(
      dir,
      'SELECT count(*)::INTEGER AS n FROM persons p WHERE NOT EXISTS (SELECT 1 FROM addresses a WHERE a.person_key = p.person_key)',
    );
    expect(homeless[0]?.n).toBe(0);
    const postcodes = await query<{ postcode: string }>(dir, 'SELECT DISTINCT postcode FROM addresses');
    for (const { postcode } of postcodes)
      expect(postcode).toMatch(/^[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$/);
  });

  it('keeps every life consistent: events between birth and death, deaths in the window with a cause', async () => {
    const [broken] = await query<{ before_birth: number; after_death: number; orphans: number }>(
      dir,
      `SELECT
         count(*) FILTER (WHERE e.date < p.date_of_birth)::INTEGER AS before_birth,
         count(*) FILTER (WHERE p.date_of_death IS NOT NULL AND e.date > p.date_of_death)::INTEGER AS after_death,
         count(*) FILTER (WHERE p.person_key IS NULL)::INTEGER AS orphans
       FROM events e LEFT JOIN persons p USING (person_key)`,
    );
    expect(broken).toEqual({ before_birth: 0, after_death: 0, orphans: 0 });
    // Counted contacts likewise: inside the person's life and their calendar year, first no later than last.
    const [counted] = await query<{ outside: number; bad: number; n: number }>(
      dir,
      `SELECT count(*)::INTEGER AS n,
         count(*) FILTER (WHERE a.first_date < p.date_of_birth OR a.last_date > coalesce(p.date_of_death, DATE '2025-12-31')
           OR year(a.first_date) <> a.year OR year(a.last_date) <> a.year)::INTEGER AS outside,
         count(*) FILTER (WHERE a.first_date > a.last_date OR a.contacts < 1
           OR (a.contacts = 1 AND a.first_date <> a.last_date) OR p.person_key IS NULL)::INTEGER AS bad
       FROM activity a LEFT JOIN persons p USING (person_key)`,
    );
    expect(counted).toMatchObject({ outside: 0, bad: 0 });
    // Homes and registrations follow one another: none ends before it begins, none begins after the window.
    for (const table of ['addresses', 'registrations']) {
      const [periods] = await query<{ reversed: number; late: number }>(
        dir,
        `SELECT count(*) FILTER (WHERE to_date < from_date)::INTEGER AS reversed,
                count(*) FILTER (WHERE from_date > DATE '2025-12-31')::INTEGER AS late
         FROM ${table}`,
      );
      expect(periods, table).toEqual({ reversed: 0, late: 0 });
    }
    expect(counted?.n).toBeGreaterThan(5128 * 10);
    const deaths = await query<{ origin: string; outside: number; without_cause: number; n: number }>(
      dir,
      `SELECT origin, count(*)::INTEGER AS n,
         count(*) FILTER (WHERE date_of_death < DATE '2015-01-01' OR date_of_death > DATE '2025-12-31')::INTEGER AS outside,
         count(*) FILTER (WHERE cause_of_death IS NULL)::INTEGER AS without_cause
       FROM persons WHERE date_of_death IS NOT NULL GROUP BY origin ORDER BY origin`,
    );
    for (const row of deaths) expect(row).toMatchObject({ outside: 0, without_cause: 0 });
    // Everyone who died before the reference date did so before it; residents were alive on it.
    const early = deaths.find((d) => d.origin === 'died-before-reference');
    expect(early?.n ?? 0).toBeGreaterThan(100);
    const [alive] = await query<{ n: number }>(
      dir,
      `SELECT count(*)::INTEGER AS n FROM persons WHERE origin = 'resident' AND date_of_death <= DATE '2020-06-30'`,
    );
    expect(alive?.n).toBe(0);
  });

  it('records conditions with SNOMED CT codes, contacts in every setting, immunisations and carers', async () => {
    const kinds = await query<{ kind: string; n: number }>(
      dir,
      'SELECT kind, count(*)::INTEGER AS n FROM events GROUP BY kind ORDER BY kind',
    );
    expect(kinds.map((k) => k.kind)).toEqual([
      'carer',
      'condition',
      'death',
      'encounter',
      'immunisation',
      'observation',
      'stage',
    ]);
    // Unplanned and inpatient care dated one by one; routine contacts counted by year (encounters.yaml).
    const settings = await query<{ setting: string }>(
      dir,
      `SELECT DISTINCT setting FROM events WHERE kind = 'encounter' ORDER BY 1`,
    );
    expect(settings.map((s) => s.setting)).toEqual([
      'ambulance',
      'elective-admission',
      'emergency-admission',
      'emergency-department',
      'social-care',
    ]);
    const counted = await query<{ setting: string; per_person_year: number }>(
      dir,
      `SELECT setting, sum(contacts) / (5128 * 11.0) AS per_person_year FROM activity GROUP BY setting ORDER BY 1`,
    );
    expect(counted.map((s) => s.setting)).toEqual(['community', 'gp', 'mental-health', 'outpatient']);
    // GP contacts about 5–6 a person a year (Hobbs et al. 2016, with the care conditions add).
    const gp = counted.find((s) => s.setting === 'gp')?.per_person_year ?? 0;
    expect(gp).toBeGreaterThan(4.5);
    expect(gp).toBeLessThan(7.5);
    const codes = await query<{ system: string; code: string }>(dir, 'SELECT system, code FROM codes');
    for (const code of codes) expect(code.code).toMatch(code.system === 'snomed' ? /^\d{6,18}$/ : /^[A-Z]\d/);
    const [carers] = await query<{ n: number }>(dir, 'SELECT count(*)::INTEGER AS n FROM carers');
    expect(carers?.n).toBeGreaterThan(100);
    // GP contacts are counted with the practice the person was registered with on the first of them.
    const [mismatch] = await query<{ n: number }>(
      dir,
      `SELECT count(*)::INTEGER AS n FROM activity a
       WHERE a.setting = 'gp' AND NOT EXISTS (
         SELECT 1 FROM registrations r WHERE r.person_key = a.person_key AND r.organisation_index = a.organisation_index
           AND r.from_date <= a.first_date AND (r.to_date IS NULL OR r.to_date >= a.first_date))`,
    );
    expect(mismatch?.n).toBe(0);
    // Every key names its dictionary entry.
    const [dangling] = await query<{ n: number }>(
      dir,
      `SELECT (SELECT count(*) FROM read_parquet('${join(dir, 'events-*.parquet')}') e
               WHERE e.code_index NOT IN (SELECT code_index FROM codes)
                  OR e.organisation_index NOT IN (SELECT organisation_index FROM organisations)
                  OR e.reason_index NOT IN (SELECT code_index FROM codes))::INTEGER AS n`,
    );
    expect(dangling?.n).toBe(0);
  });

  it('is byte-identical for the same seed and scale, whatever the number of workers, and different for another seed', async () => {
    const b = newFolder();
    const c = newFolder();
    await generatePopulation(options(b, { workers: 2 }));
    await generatePopulation(options(c, { seed: 8 }));
    expect(files(b)).toEqual(files(dir));
    expect(files(c)['persons-00000.parquet']).not.toEqual(files(dir)['persons-00000.parquet']);
  }, 120_000);

  it('resumes after an interruption, remaking only the chunks that are not whole', async () => {
    const before = files(dir);
    rmSync(join(dir, 'chunk-00001.done'));
    rmSync(join(dir, 'events-00001.parquet'));
    writeFileSync(join(dir, 'persons-00002.parquet.partial'), 'half-written');
    rmSync(join(dir, 'chunk-00002.done'));
    const report = await generatePopulation(options(dir));
    expect(report.ok && report.value.reused).toBe(1);
    rmSync(join(dir, 'persons-00002.parquet.partial'), { force: true });
    expect(files(dir)).toEqual(before);
  }, 120_000);

  it('refuses a folder holding other files unless --force, and never deletes them', async () => {
    const other = newFolder();
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const refused = await generatePopulation(options(other));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.title).toMatch(/already holds files; nothing was written/);
    expect(readdirSync(other)).toEqual(['notes.txt']);
    expect((await generatePopulation(options(other, { force: true, scale: 0.0005 }))).ok).toBe(true);
    expect(existsSync(join(other, 'notes.txt'))).toBe(true);
  }, 120_000);

  it('refuses a bad scale or seed before writing anything', async () => {
    for (const scale of [0, -1, Number.NaN]) {
      const empty = newFolder();
      const result = await generatePopulation(options(empty, { scale }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.title).toMatch(/scale must be a number above 0/);
      expect(readdirSync(empty)).toEqual([]);
    }
    const result = await generatePopulation(options(newFolder(), { seed: 1.5 }));
    expect(result.ok).toBe(false);
  });

  it('reports bad calibration files with their file and line, writing nothing', async () => {
    const result = await generatePopulation(
      options(newFolder(), { partnershipDir: join(defaultPartnershipDir, 'missing') }),
    );
    expect(result.ok).toBe(false);
  });
});
