/**
 * @module synthetic/calibration
 * The calibration tables the synthetic population generator samples from: a partnership's `calibration/` folder of
 * CSV files derived from real statistics (by scripts/derive-calibration.ts for West Yorkshire and Harrogate), each
 * row naming its source. This module reads them, checks every cell against its schema and the tables against each
 * other, and returns them typed — or every problem found, each with its file, line, column and message. Bad input is
 * reported, never thrown, so whoever edits a table can fix every fault in one pass.
 *
 * Tables (columns and units are described in the folder's README.md):
 *   lsoa.csv                     one row per LSOA: district, place, MSOA, IMD rank/decile/quintile, rural-urban class
 *   population-lsoa.csv          persons per LSOA
 *   age-structure.csv            persons by single year of age (0…89, 90+) per place and national IMD decile
 *   sex-ratio.csv                female share by district and age band
 *   prevalence-place.csv         recorded disease prevalence (%) by place and disease group
 *   prevalence-imd-gradient.csv  prevalence (%) by national IMD decile per disease group, and its ratio to the average
 *   practices.csv                GP practices: postcode, post town, district, place, PCN and registered patients
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { loadPartnership } from '../partnership/load.js';
import { Id, OnsCode } from '../partnership/schema.js';
import {
  checkSources,
  checkUnique,
  decimalNumber,
  Percent,
  readTable,
  Sources,
  Text,
  valuesOf,
  wholeNumber,
  type Located,
  type RowSchema,
  type Table,
} from './csv-table.js';

export const CALIBRATION_FILES = {
  lsoa: 'lsoa.csv',
  population: 'population-lsoa.csv',
  ageStructure: 'age-structure.csv',
  sexRatio: 'sex-ratio.csv',
  prevalencePlace: 'prevalence-place.csv',
  imdGradient: 'prevalence-imd-gradient.csv',
  practices: 'practices.csv',
} as const;

/** Single years of age 0…89, then 90 and over: the ONS small-area estimates' ages. */
export const AGE_COLUMNS: readonly string[] = [
  ...Array.from({ length: 90 }, (_, age) => `age_${age}`),
  'age_90plus',
];

/** LSOAs in England ranked by the IoD 2019: rank 1 is the most deprived. */
export const ENGLAND_LSOAS_2019 = 32844;

/**
 * A full UK postcode in its printed form: outward code (area letters, district digit(s), perhaps a letter), one space,
 * inward code (sector digit, two unit letters; the unit letters never include C, I, K, M, O or V).
 */
export const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$/;

/**
 * How far a place's registered patients may stray from its residents before the practices table is reported as
 * doubtful: 15% either way. Lists normally exceed residents (people stay registered after moving away, students
 * register where they study); over the six WY&H places the January 2021 lists exceed the mid-2020 residents by 7%,
 * from 8% below (Harrogate) to 12% above (Leeds). A missing or misplaced group of practices moves a place further.
 */
export const LIST_SIZE_TOLERANCE = 0.15;

// --- Cells --------------------------------------------------------------------------------------------------------
// Every cell arrives as text; these turn it into a checked value with a message that says what is wrong (the common
// ones, numbers, text and source ids, are in csv-table.ts).

const Count = wholeNumber.pipe(z.number().min(0, 'must not be negative: it is a count of people'));
const Share = decimalNumber.pipe(
  z.number().min(0, 'must be a share between 0 and 1').max(1, 'must be a share between 0 and 1'),
);
const Ratio = decimalNumber.pipe(z.number().min(0, 'must not be negative: it is a ratio of prevalences'));
const Decile = wholeNumber.pipe(
  z.number().min(1, 'must be a decile, 1 to 10').max(10, 'must be a decile, 1 to 10'),
);
const Quintile = wholeNumber.pipe(
  z.number().min(1, 'must be a quintile, 1 to 5').max(5, 'must be a quintile, 1 to 5'),
);
const ImdRank = wholeNumber.pipe(
  z
    .number()
    .min(1, `must be a national rank, 1 to ${ENGLAND_LSOAS_2019}`)
    .max(ENGLAND_LSOAS_2019, `must be a national rank, 1 to ${ENGLAND_LSOAS_2019}`),
);
const Age = wholeNumber.pipe(
  z.number().min(0, 'must be an age in years').max(120, 'must be an age in years'),
);
const LsoaCode = z.string().regex(/^E01\d{6}$/, 'must be a 2011 LSOA code such as E01011229');
const MsoaCode = z.string().regex(/^E02\d{6}$/, 'must be a 2011 MSOA code such as E02002330');
const PracticeCode = z.string().regex(/^[A-Z]\d{5}$/, 'must be a GP practice ODS code such as B86001');
const Postcode = z
  .string()
  .regex(UK_POSTCODE, 'must be a full postcode such as LS1 4AP, in capitals with one space');
const PostcodeDistrict = z
  .string()
  .regex(/^[A-Z]{1,2}\d[A-Z\d]?$/, 'must be a postcode district (outward code) such as LS6');
const PostTown = z
  .string()
  .regex(/^[A-Z][A-Z' -]*[A-Z]$/, 'must be a post town in capitals such as LEEDS or SOWERBY BRIDGE');
const DiseaseGroup = z
  .string()
  .regex(/^[A-Z]+(-[A-Z]+)?$/, 'must be a QOF disease group code such as DM or CVD-PP');

// --- Rows ---------------------------------------------------------------------------------------------------------

export const LsoaRow = z
  .object({
    lsoa11_code: LsoaCode,
    lsoa11_name: Text,
    lad19_code: OnsCode,
    lad19_name: Text,
    place: Id,
    msoa11_code: MsoaCode,
    imd_rank: ImdRank,
    imd_decile: Decile,
    imd_quintile: Quintile,
    ruc11_code: z.string().regex(/^[A-F][12]$/, 'must be a 2011 rural-urban class code such as A1 or E2'),
    ruc11_name: Text,
    source: Sources,
  })
  // A transform, not a refinement: it runs only once every cell has passed, so one bad cell gives one issue.
  .transform((row, ctx) => {
    const decile = Math.ceil((row.imd_rank * 10) / ENGLAND_LSOAS_2019);
    if (row.imd_decile !== decile) {
      ctx.addIssue({
        code: 'custom',
        path: ['imd_decile'],
        message: `must be ${decile}, the national decile of rank ${row.imd_rank}`,
      });
    }
    if (row.imd_quintile !== Math.ceil(row.imd_decile / 2)) {
      ctx.addIssue({
        code: 'custom',
        path: ['imd_quintile'],
        message: `must be ${Math.ceil(row.imd_decile / 2)}, the quintile of decile ${row.imd_decile}`,
      });
    }
    return {
      lsoa11: row.lsoa11_code,
      name: row.lsoa11_name,
      lad19: row.lad19_code,
      lad19Name: row.lad19_name,
      place: row.place,
      msoa11: row.msoa11_code,
      imdRank: row.imd_rank,
      imdDecile: row.imd_decile,
      imdQuintile: row.imd_quintile,
      ruralUrbanCode: row.ruc11_code,
      ruralUrban: row.ruc11_name,
      sources: row.source,
    };
  });

export const PopulationRow = z
  .object({
    lsoa11_code: LsoaCode,
    total: Count,
    source: Sources,
  })
  .transform((row) => ({ lsoa11: row.lsoa11_code, total: row.total, sources: row.source }));

/**
 * Ages by place and national IMD decile, rather than by LSOA: the generator places residents in an LSOA by its total,
 * then gives them an age from the structure of LSOAs like it (same place, same deprivation).
 */
export const AgeStructureRow = z
  .object({
    place: Id,
    imd_decile: Decile,
    total: Count,
    ...Object.fromEntries(AGE_COLUMNS.map((column) => [column, Count])),
    source: Sources,
  })
  .transform((row) => {
    const cells = row as unknown as Record<string, number>;
    return {
      place: row.place,
      imdDecile: row.imd_decile,
      total: row.total,
      /** Persons by single year of age; the last entry is 90 and over. */
      ages: AGE_COLUMNS.map((column) => cells[column] ?? 0),
      sources: row.source,
    };
  });

export const SexRatioRow = z
  .object({
    lad_code: OnsCode,
    lad_name: Text,
    place: Id,
    age_band: Text,
    age_from: Age,
    /** Empty for the open-ended last band. */
    age_to: z.union([z.literal('').transform(() => undefined), Age]),
    females: Count,
    males: Count,
    female_share: Share,
    source: Sources,
  })
  // A transform, not a refinement: it runs only once every cell has passed, so one bad cell gives one issue.
  .transform((row, ctx) => {
    if (row.age_to !== undefined && row.age_to < row.age_from) {
      ctx.addIssue({ code: 'custom', path: ['age_to'], message: 'must not be below age_from' });
    }
    const people = row.females + row.males;
    if (people > 0 && Math.abs(row.female_share - row.females / people) > 5e-6) {
      ctx.addIssue({
        code: 'custom',
        path: ['female_share'],
        message: `must be females / (females + males) = ${(row.females / people).toFixed(6)}`,
      });
    }
    return {
      lad: row.lad_code,
      ladName: row.lad_name,
      place: row.place,
      ageBand: row.age_band,
      ageFrom: row.age_from,
      ageTo: row.age_to,
      females: row.females,
      males: row.males,
      femaleShare: row.female_share,
      sources: row.source,
    };
  });

export const PrevalencePlaceRow = z
  .object({
    place: Id,
    disease_group: DiseaseGroup,
    year: z.string().regex(/^\d{4}-\d{2}$/, 'must be a financial year such as 2019-20'),
    ccg_ods_codes: z
      .string()
      .transform((text) => text.split(' ').filter((part) => part !== ''))
      .pipe(
        z.array(z.string().regex(/^[A-Z0-9]{3}$/, 'must be CCG ODS codes such as 15F, separated by spaces')),
      ),
    register: Count,
    denominator: Count,
    denominator_label: Text,
    prevalence_pct: Percent,
    source: Sources,
  })
  // A transform, not a refinement: it runs only once every cell has passed, so one bad cell gives one issue.
  .transform((row, ctx) => {
    if (row.register > row.denominator) {
      ctx.addIssue({ code: 'custom', path: ['register'], message: 'must not exceed the denominator' });
    } else if (
      row.denominator > 0 &&
      Math.abs(row.prevalence_pct - (row.register / row.denominator) * 100) > 5e-5 + 1e-9
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['prevalence_pct'],
        message: `must be register / denominator × 100 = ${((row.register / row.denominator) * 100).toFixed(4)}`,
      });
    }
    return {
      place: row.place,
      disease: row.disease_group,
      year: row.year,
      ccgs: row.ccg_ods_codes,
      register: row.register,
      denominator: row.denominator,
      denominatorLabel: row.denominator_label,
      prevalencePct: row.prevalence_pct,
      sources: row.source,
    };
  });

export const ImdGradientRow = z
  .object({
    disease_group: DiseaseGroup,
    imd_decile: Decile,
    register: Count,
    list_size: Count,
    prevalence_pct: Percent,
    england_prevalence_pct: Percent,
    ratio_to_england: Ratio,
    source: Sources,
  })
  // A transform, not a refinement: it runs only once every cell has passed, so one bad cell gives one issue.
  .transform((row, ctx) => {
    // Both figures are rounded to 4 decimals, so allow for that when checking one against the other.
    if (
      row.england_prevalence_pct > 0 &&
      Math.abs(row.ratio_to_england * row.england_prevalence_pct - row.prevalence_pct) > 1e-3
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ratio_to_england'],
        message: `must be prevalence_pct / england_prevalence_pct = ${(row.prevalence_pct / row.england_prevalence_pct).toFixed(4)}`,
      });
    }
    return {
      disease: row.disease_group,
      imdDecile: row.imd_decile,
      register: row.register,
      listSize: row.list_size,
      prevalencePct: row.prevalence_pct,
      englandPrevalencePct: row.england_prevalence_pct,
      ratioToEngland: row.ratio_to_england,
      sources: row.source,
    };
  });

export const PracticeRow = z
  .object({
    practice_code: PracticeCode,
    practice_name: Text,
    postcode: Postcode,
    postcode_district: PostcodeDistrict,
    post_town: PostTown,
    lad19_code: OnsCode,
    lad19_name: Text,
    place: Id,
    ccg21_code: z.string().regex(/^[A-Z0-9]{3}$/, 'must be a CCG ODS code such as 15F'),
    /** Empty for a practice in no PCN. */
    pcn_code: z.string().regex(/^(U\d{5})?$/, 'must be a PCN ODS code such as U56977, or empty'),
    pcn_name: z.string(),
    registered_patients: wholeNumber.pipe(
      z.number().min(1, 'must be at least 1: a practice with no patients has no place in the table'),
    ),
    source: Sources,
  })
  // A transform, not a refinement: it runs only once every cell has passed, so one bad cell gives one issue.
  .transform((row, ctx) => {
    const outward = row.postcode.split(' ')[0];
    if (row.postcode_district !== outward) {
      ctx.addIssue({
        code: 'custom',
        path: ['postcode_district'],
        message: `must be ${outward}, the outward code of the postcode`,
      });
    }
    if ((row.pcn_code === '') !== (row.pcn_name === '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['pcn_name'],
        message: 'must be given with a PCN code, and empty without one',
      });
    }
    return {
      practice: row.practice_code,
      name: row.practice_name,
      postcode: row.postcode,
      postcodeDistrict: row.postcode_district,
      postTown: row.post_town,
      lad19: row.lad19_code,
      lad19Name: row.lad19_name,
      place: row.place,
      ccg: row.ccg21_code,
      pcn: row.pcn_code === '' ? undefined : row.pcn_code,
      pcnName: row.pcn_name === '' ? undefined : row.pcn_name,
      registeredPatients: row.registered_patients,
      sources: row.source,
    };
  });

export type LsoaEntry = z.output<typeof LsoaRow>;
export type LsoaPopulation = z.output<typeof PopulationRow>;
export type AgeStructure = z.output<typeof AgeStructureRow>;
export type SexRatio = z.output<typeof SexRatioRow>;
export type PlacePrevalence = z.output<typeof PrevalencePlaceRow>;
export type ImdGradient = z.output<typeof ImdGradientRow>;
export type Practice = z.output<typeof PracticeRow>;

export interface Calibration {
  readonly lsoas: readonly LsoaEntry[];
  readonly population: readonly LsoaPopulation[];
  readonly ageStructure: readonly AgeStructure[];
  readonly sexRatio: readonly SexRatio[];
  readonly prevalence: readonly PlacePrevalence[];
  readonly imdGradient: readonly ImdGradient[];
  readonly practices: readonly Practice[];
}

/** What the tables refer to outside themselves: the partnership's source ids and place ids. */
export interface CalibrationContext {
  readonly sourceIds: ReadonlySet<string>;
  readonly placeIds: ReadonlySet<string>;
}

// --- Reading ------------------------------------------------------------------------------------------------------

const MISSING = 'file is missing: every calibration folder needs it (see its README.md)';

function contextFromPartnership(dir: string): Result<CalibrationContext, Issue[]> {
  const partnershipDir = resolve(dir, '..');
  const loaded = loadPartnership(partnershipDir);
  if (!loaded.ok) return err(loaded.error);
  const { sources, places } = loaded.value.partnership;
  return ok({
    sourceIds: new Set(sources.map((source) => source.id)),
    placeIds: new Set(places.map((place) => place.id)),
  });
}

/**
 * Reads and checks a calibration folder. `context` gives the source ids and place ids the rows may refer to; by
 * default they are read from the partnership folder that holds `dir` (its sources.yaml and places.yaml).
 */
export function loadCalibration(dir: string, context?: CalibrationContext): Result<Calibration, Issue[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return err([{ file: dir, message: 'is not a folder: give the path of a calibration folder' }]);
  }
  let known = context;
  if (known === undefined) {
    const fromPartnership = contextFromPartnership(dir);
    if (!fromPartnership.ok) return err(fromPartnership.error);
    known = fromPartnership.value;
  }
  const issues: Issue[] = [];
  const F = CALIBRATION_FILES;
  const read = <S extends RowSchema>(file: string, schema: S) =>
    readTable(join(dir, file), file, schema, MISSING, issues);
  const lsoas = read(F.lsoa, LsoaRow);
  const population = read(F.population, PopulationRow);
  const ageStructure = read(F.ageStructure, AgeStructureRow);
  const sexRatio = read(F.sexRatio, SexRatioRow);
  const prevalence = read(F.prevalencePlace, PrevalencePlaceRow);
  const imdGradient = read(F.imdGradient, ImdGradientRow);
  const practices = read(F.practices, PracticeRow);

  const { sourceIds, placeIds } = known;
  const checkPlaces = (file: string, table: Table<{ place: string }> | undefined) => {
    for (const { line, value } of table?.rows ?? []) {
      if (!placeIds.has(value.place)) {
        issues.push({
          file,
          line,
          path: 'place',
          message: `unknown place ${value.place}: not in places.yaml`,
        });
      }
    }
  };

  const tables = [
    [F.lsoa, lsoas],
    [F.population, population],
    [F.ageStructure, ageStructure],
    [F.sexRatio, sexRatio],
    [F.prevalencePlace, prevalence],
    [F.imdGradient, imdGradient],
    [F.practices, practices],
  ] as const;
  for (const [file, table] of tables) checkSources(file, table, sourceIds, 'sources.yaml', issues);
  checkPlaces(F.lsoa, lsoas);
  checkPlaces(F.ageStructure, ageStructure);
  checkPlaces(F.sexRatio, sexRatio);
  checkPlaces(F.prevalencePlace, prevalence);
  checkPlaces(F.practices, practices);
  checkUnique(F.lsoa, lsoas, 'lsoa11_code', (row) => row.lsoa11, 'LSOA', issues);
  checkUnique(F.population, population, 'lsoa11_code', (row) => row.lsoa11, 'LSOA', issues);
  checkUnique(
    F.ageStructure,
    ageStructure,
    'imd_decile',
    (row) => `${row.place} ${row.imdDecile}`,
    'place and decile',
    issues,
  );
  checkUnique(
    F.sexRatio,
    sexRatio,
    'age_band',
    (row) => `${row.lad} ${row.ageBand}`,
    'district and age band',
    issues,
  );
  checkUnique(
    F.prevalencePlace,
    prevalence,
    'disease_group',
    (row) => `${row.place} ${row.disease}`,
    'place and disease',
    issues,
  );
  checkUnique(
    F.imdGradient,
    imdGradient,
    'imd_decile',
    (row) => `${row.disease} ${row.imdDecile}`,
    'disease and decile',
    issues,
  );
  checkUnique(F.practices, practices, 'practice_code', (row) => row.practice, 'practice', issues);

  // One post town per postcode district, and one name and one place per PCN, wherever they recur.
  const firstOf = new Map<string, Located<Practice>>();
  for (const row of practices?.rows ?? []) {
    const { postcodeDistrict, postTown, pcn } = row.value;
    const town = firstOf.get(`district ${postcodeDistrict}`);
    if (town === undefined) firstOf.set(`district ${postcodeDistrict}`, row);
    else if (town.value.postTown !== postTown) {
      issues.push({
        file: F.practices,
        line: row.line,
        path: 'post_town',
        message: `must be ${town.value.postTown}, the post town of ${postcodeDistrict} on line ${town.line}`,
      });
    }
    if (pcn === undefined) continue;
    const network = firstOf.get(`pcn ${pcn}`);
    if (network === undefined) firstOf.set(`pcn ${pcn}`, row);
    else if (network.value.pcnName !== row.value.pcnName || network.value.place !== row.value.place) {
      issues.push({
        file: F.practices,
        line: row.line,
        path: network.value.pcnName !== row.value.pcnName ? 'pcn_name' : 'place',
        message: `must match PCN ${pcn} on line ${network.line} (${network.value.pcnName}, ${network.value.place}): a PCN has one name and one place`,
      });
    }
  }

  // Each age structure's ages add up to its total.
  for (const { line, value } of ageStructure?.rows ?? []) {
    const sum = value.ages.reduce((a, b) => a + b, 0);
    if (sum !== value.total) {
      issues.push({
        file: F.ageStructure,
        line,
        path: 'total',
        message: `must equal the sum of the age columns (${sum})`,
      });
    }
  }
  const issuesBeforeCoverage = issues.length;
  // Only between complete tables: a row that failed its schema is reported already, not again as missing.
  if (lsoas?.complete === true && population?.complete === true) {
    const listed = new Set(lsoas.rows.map((row) => row.value.lsoa11));
    const counted = new Set(population.rows.map((row) => row.value.lsoa11));
    for (const { line, value } of population.rows) {
      if (!listed.has(value.lsoa11)) {
        issues.push({
          file: F.population,
          line,
          path: 'lsoa11_code',
          message: `${value.lsoa11} is not in ${F.lsoa}`,
        });
      }
    }
    for (const { line, value } of lsoas.rows) {
      if (!counted.has(value.lsoa11)) {
        issues.push({
          file: F.lsoa,
          line,
          path: 'lsoa11_code',
          message: `${value.lsoa11} has no row in ${F.population}`,
        });
      }
    }
  }
  // Each age structure counts exactly the people of the LSOAs of its place and decile — checked only once the LSOA
  // tables agree, so one missing LSOA is reported once, not again as a wrong total.
  if (
    issues.length === issuesBeforeCoverage &&
    lsoas?.complete === true &&
    population?.complete === true &&
    ageStructure?.complete === true
  ) {
    const cellOf = new Map(
      lsoas.rows.map((row) => [row.value.lsoa11, `${row.value.place} ${row.value.imdDecile}`]),
    );
    const expected = new Map<string, number>();
    for (const { value } of population.rows) {
      const cell = cellOf.get(value.lsoa11);
      if (cell !== undefined) expected.set(cell, (expected.get(cell) ?? 0) + value.total);
    }
    const seen = new Set<string>();
    for (const { line, value } of ageStructure.rows) {
      const cell = `${value.place} ${value.imdDecile}`;
      seen.add(cell);
      const want = expected.get(cell) ?? 0;
      if (want !== value.total) {
        issues.push({
          file: F.ageStructure,
          line,
          path: 'total',
          message: `must equal the population of the LSOAs of ${value.place} in decile ${value.imdDecile} (${want})`,
        });
      }
    }
    for (const cell of expected.keys()) {
      if (!seen.has(cell)) {
        issues.push({
          file: F.ageStructure,
          message: `no row for ${cell.replace(' ', ', decile ')}, which has LSOAs`,
        });
      }
    }
  }
  // Each practice's district is a district of its place, as lsoa.csv has them; every district with residents has a
  // practice (the residents' postcode districts are drawn from them); and each place's registered patients are
  // within LIST_SIZE_TOLERANCE of its residents.
  if (lsoas?.complete === true && practices?.complete === true) {
    const placeOfLad = new Map(lsoas.rows.map((row) => [row.value.lad19, row.value.place]));
    const practised = new Set<string>();
    for (const { line, value } of practices.rows) {
      practised.add(value.lad19);
      const place = placeOfLad.get(value.lad19);
      if (place === undefined) {
        issues.push({
          file: F.practices,
          line,
          path: 'lad19_code',
          message: `no LSOA of ${F.lsoa} is in district ${value.lad19}: a practice must be in a district of the partnership`,
        });
      } else if (place !== value.place && placeIds.has(value.place)) {
        issues.push({
          file: F.practices,
          line,
          path: 'place',
          message: `must be ${place}, the place of district ${value.lad19} in ${F.lsoa}`,
        });
      }
    }
    for (const [lad, place] of placeOfLad) {
      if (!practised.has(lad)) {
        issues.push({
          file: F.practices,
          message: `no practice in district ${lad} (${place}): its residents need practices to register with`,
        });
      }
    }
    if (issues.length === issuesBeforeCoverage && population?.complete === true) {
      const residents = new Map<string, number>();
      const lsoaPlace = new Map(lsoas.rows.map((row) => [row.value.lsoa11, row.value.place]));
      for (const { value } of population.rows) {
        const place = lsoaPlace.get(value.lsoa11);
        if (place !== undefined) residents.set(place, (residents.get(place) ?? 0) + value.total);
      }
      const patients = new Map<string, { count: number; line: number }>();
      for (const { line, value } of practices.rows) {
        const sum = patients.get(value.place) ?? { count: 0, line };
        patients.set(value.place, { count: sum.count + value.registeredPatients, line: sum.line });
      }
      for (const [place, { count, line }] of patients) {
        const people = residents.get(place) ?? 0;
        if (people > 0 && Math.abs(count / people - 1) <= LIST_SIZE_TOLERANCE) continue;
        issues.push({
          file: F.practices,
          line,
          path: 'registered_patients',
          message: `the practices of ${place} have ${count} registered patients against ${people} residents (${(count / people).toFixed(3)}): more than ${LIST_SIZE_TOLERANCE * 100}% apart, so a practice is probably missing or in the wrong place`,
        });
      }
    }
  }
  // The gradient has all ten deciles of every disease, all sharing one England figure.
  const byDisease = new Map<string, Located<ImdGradient>[]>();
  for (const row of imdGradient?.rows ?? []) {
    byDisease.set(row.value.disease, [...(byDisease.get(row.value.disease) ?? []), row]);
  }
  for (const [disease, rows] of byDisease) {
    const [firstRow] = rows;
    if (firstRow === undefined) continue;
    const deciles = new Set(rows.map((row) => row.value.imdDecile));
    const absent = Array.from({ length: 10 }, (_, i) => i + 1).filter((d) => !deciles.has(d));
    if (absent.length > 0 && imdGradient?.complete === true) {
      issues.push({
        file: F.imdGradient,
        line: firstRow.line,
        path: 'imd_decile',
        message: `${disease} has no row for decile(s) ${absent.join(', ')}: every disease needs deciles 1 to 10`,
      });
    }
    for (const { line, value } of rows) {
      if (value.englandPrevalencePct !== firstRow.value.englandPrevalencePct) {
        issues.push({
          file: F.imdGradient,
          line,
          path: 'england_prevalence_pct',
          message: `must be the same for every decile of ${disease} (${firstRow.value.englandPrevalencePct} on line ${firstRow.line})`,
        });
      }
    }
  }

  if (issues.length > 0) return err(issues);
  return ok({
    lsoas: valuesOf(lsoas),
    population: valuesOf(population),
    ageStructure: valuesOf(ageStructure),
    sexRatio: valuesOf(sexRatio),
    prevalence: valuesOf(prevalence),
    imdGradient: valuesOf(imdGradient),
    practices: valuesOf(practices),
  });
}
