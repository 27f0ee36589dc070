/**
 * @module synthetic/life-course/reference
 * Reads the national life-course reference (`reference/` beside the code: `sources.yaml` and `life-course/*.yaml`)
 * into the typed model of model.ts. Every file is parsed as YAML 1.2, checked against a schema that matches the
 * model exactly, and then the files are checked against each other: every `source` names an entry of sources.yaml,
 * risk factors name known conditions and form no cycle, age bands are contiguous and end open, shares that must add
 * up to 1 do, the life table covers ages 0…100, and every SNOMED CT id carries a valid Verhoeff check digit.
 *
 * Bad input is reported, never thrown: the result is the whole reference or every problem found, each with its file,
 * line and path, so whoever edits the figures can fix them all in one pass. These are national figures shared by all
 * partnerships; a partnership's own targets (QOF prevalence by place, the IMD gradient) are in its calibration folder.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { pathText, readYamlFile, type CheckedYaml } from '../../core/input-file.js';
import { referenceDir } from '../../core/paths.js';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import {
  CAUSES_OF_DEATH,
  SETTINGS,
  ENCOUNTER_RECORDINGS,
  type AgeBand,
  type BmiModule,
  type CarerModule,
  type ConditionModule,
  type EncounterModule,
  type ImmunisationModule,
  type LifeCourseReference,
  type MortalityModule,
  type MovesModule,
  type ReferenceSource,
  type SmokingModule,
  type ViolenceModule,
} from './model.js';

/** The files of a reference folder, by the part of the model each holds. Paths are relative to the folder. */
export const REFERENCE_FILES = {
  sources: 'sources.yaml',
  conditions: 'life-course/conditions.yaml',
  smoking: 'life-course/smoking.yaml',
  bmi: 'life-course/bmi.yaml',
  immunisations: 'life-course/immunisations.yaml',
  encounters: 'life-course/encounters.yaml',
  mortality: 'life-course/mortality.yaml',
  carers: 'life-course/carers.yaml',
  violence: 'life-course/violence.yaml',
  moves: 'life-course/moves.yaml',
} as const;
export type ReferencePart = keyof typeof REFERENCE_FILES;

/** The oldest single age of the life table; its row stands for that age and over. */
export const LIFE_TABLE_LAST_AGE = 100;
/** How far a set of shares may stray from 1 (they are rounded figures). */
export const SHARE_TOLERANCE = 0.001;

// --- SNOMED CT identifiers ----------------------------------------------------------------------------------------
// A SNOMED CT id is 6 to 18 digits: an item id, a two-digit partition id (00 or 10 for a concept) and a Verhoeff
// check digit last. The check catches a mistyped digit or two digits swapped, the usual faults of a hand-copied code.

/** Verhoeff's multiplication table of the dihedral group D5, row by row (d[i][j] = VERHOEFF_D[10·i + j]). */
const VERHOEFF_D =
  '0123456789123406789523401789563401289567401239567859876043216598710432765982104387659321049876543210';
/** Verhoeff's permutation table (p[i][j] = VERHOEFF_P[10·i + j]), applied by position modulo 8. */
const VERHOEFF_P = '01234567891576283094580379624189160435279453126870428657390127938064157046913258';
const VERHOEFF_INVERSE = '0432156789';

const digitAt = (table: string, index: number): number => table.charCodeAt(index) - 48;

/** True when a string of digits ends in the right Verhoeff check digit. */
export function verhoeffValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let check = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    check = digitAt(VERHOEFF_D, check * 10 + digitAt(VERHOEFF_P, (i % 8) * 10 + digit));
  }
  return check === 0;
}

/** The Verhoeff check digit to append to a string of digits. */
export function verhoeffCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new Error('verhoeffCheckDigit needs a string of digits');
  let check = 0;
  for (let i = 0; i < payload.length; i++) {
    const digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    check = digitAt(VERHOEFF_D, check * 10 + digitAt(VERHOEFF_P, ((i + 1) % 8) * 10 + digit));
  }
  return digitAt(VERHOEFF_INVERSE, check);
}

/** Why a string is not a SNOMED CT concept id, or undefined when it is well formed. */
export function snomedConceptIdProblem(code: string): string | undefined {
  if (!/^\d{6,18}$/.test(code)) return 'must be a SNOMED CT concept id: 6 to 18 digits';
  if (code.startsWith('0')) return 'must be a SNOMED CT concept id: it cannot start with 0';
  if (!verhoeffValid(code)) return `${code} fails the Verhoeff check digit: the id is mistyped`;
  const partition = code.slice(-3, -1);
  if (partition !== '00' && partition !== '10') {
    return `${code} is not a concept id (partition ${partition}; concepts have 00 or 10): is it a description id?`;
  }
  return undefined;
}

// --- Schemas ------------------------------------------------------------------------------------------------------
// They match model.ts field for field (checked at compile time below); objects are strict so a misspelt key is
// reported rather than silently ignored.

const Text = z.string().trim().min(1, 'must not be empty');
const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'must be a lowercase id of letters, digits and hyphens (e.g. type-2-diabetes)',
  );
/** One or more ids of sources.yaml, separated by single spaces. */
const SourceRef = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*( [a-z0-9][a-z0-9-]*)*$/,
    'must be one or more source ids of sources.yaml, separated by single spaces',
  );
const proportionMessage = 'must be a proportion between 0 and 1';
const Proportion = z.number().min(0, proportionMessage).max(1, proportionMessage);
const Positive = z.number().positive('must be greater than 0');
const NonNegative = z.number().min(0, 'must not be negative');
const Age = z
  .number()
  .int('must be a whole number of years')
  .min(0, 'must be an age in years, 0 to 120')
  .max(120, 'must be an age in years, 0 to 120');
const Ratio = Positive;

const SnomedId = z
  .string({ error: 'must be a quoted string of digits, e.g. "44054006" (a bare number can lose digits)' })
  .superRefine((code, ctx) => {
    const problem = snomedConceptIdProblem(code);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
const Snomed = z.object({ code: SnomedId, display: Text }).strict();
/** ICD-10 chapters or blocks, e.g. `I00-I99`: free text, not checked as SNOMED. */
const Icd10 = z.object({ code: Text, display: Text }).strict();

const bandsOf = (value: z.ZodNumber) =>
  z
    .array(z.object({ from: Age, to: Age.optional(), male: value, female: value }).strict())
    .min(1, 'needs at least one age band');
const ProportionBands = bandsOf(Proportion);
const RateBands = bandsOf(NonNegative);
const BmiValue = z
  .number()
  .min(10, 'must be a mean BMI in kg/m², 10 to 60')
  .max(60, 'must be a mean BMI in kg/m², 10 to 60');

const Sourced = <T extends z.ZodRawShape>(shape: T) => z.object({ ...shape, source: SourceRef }).strict();
const Setting = z.enum(SETTINGS);
const Cause = z.enum(CAUSES_OF_DEATH);

const Condition = z
  .object({
    id: Id,
    name: Text,
    snomed: Snomed,
    qofGroup: z
      .string()
      .regex(/^[A-Z]+$/, 'must be a QOF disease group code in capitals, such as DM')
      .optional(),
    qofMinimumAge: Age.optional(),
    prevalence: z.object({ bands: ProportionBands, source: SourceRef, note: Text.optional() }).strict(),
    deprivation: Sourced({ ratioMostToLeast: Ratio }).optional(),
    riskFactors: z.array(Sourced({ condition: Id, relativeRisk: Positive })).optional(),
    mortality: Sourced({ hazardRatio: Positive, cause: Cause, shareOfDeaths: Proportion }).optional(),
    stages: Sourced({
      shares: z
        .array(z.object({ stage: Text, share: Proportion, snomed: Snomed }).strict())
        .min(1, 'needs a stage'),
    }).optional(),
    care: Sourced({
      perYear: z.array(z.object({ setting: Setting, rate: NonNegative }).strict()).min(1, 'needs a setting'),
    }).optional(),
  })
  .strict();

const Smoking = z
  .object({
    current: Sourced({ bands: ProportionBands }),
    ex: Sourced({ bands: ProportionBands }),
    deprivation: Sourced({ ratioMostToLeast: Ratio }),
    codes: z.object({ current: Snomed, ex: Snomed, never: Snomed }).strict(),
    recordedPerYear: Sourced({ rate: Proportion }),
  })
  .strict();

const Bmi = z
  .object({
    minimumAge: Age,
    mean: Sourced({ bands: bandsOf(BmiValue) }),
    standardDeviation: Sourced({ value: Positive }),
    deprivationShift: Sourced({ value: z.number() }),
    code: Snomed,
    recordedPerYear: Sourced({ rate: Proportion }),
  })
  .strict();

const Immunisation = z
  .object({
    id: Id,
    name: Text,
    snomed: Snomed,
    schedule: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('once'), age: z.number().min(0, 'must not be negative').max(120) }).strict(),
      z
        .object({
          kind: z.literal('yearly'),
          age: z.number().min(0, 'must not be negative').max(120),
          monthOfYear: z
            .number()
            .int()
            .min(1, 'must be a month, 1 to 12')
            .max(12, 'must be a month, 1 to 12'),
        })
        .strict(),
    ]),
    coverage: Sourced({ value: Proportion, ratioMostToLeast: Ratio }),
  })
  .strict();

const Encounter = z
  .object({
    setting: Setting,
    name: Text,
    snomed: Snomed,
    rates: Sourced({ bands: RateBands }),
    deprivation: Sourced({ ratioMostToLeast: Ratio }),
    recorded: z.enum(ENCOUNTER_RECORDINGS, {
      message: "must be 'each' (a dated event a contact) or 'yearly'",
    }),
  })
  .strict();

const qxMessage = 'must be a probability of dying within the year: more than 0, at most 1';
const Mortality = z
  .object({
    lifeTable: Sourced({
      qx: z
        .array(
          z
            .object({
              age: Age.max(
                LIFE_TABLE_LAST_AGE,
                `must be an age of the life table, 0 to ${LIFE_TABLE_LAST_AGE}`,
              ),
              male: z.number().gt(0, qxMessage).max(1, qxMessage),
              female: z.number().gt(0, qxMessage).max(1, qxMessage),
            })
            .strict(),
        )
        .min(1, 'needs the rows of the life table'),
    }),
    lifeExpectancyByDecile: Sourced({
      deciles: z
        .array(
          z
            .object({
              decile: z
                .number()
                .int()
                .min(1, 'must be a decile, 1 to 10')
                .max(10, 'must be a decile, 1 to 10'),
              male: z.number().min(40, 'must be a life expectancy in years, 40 to 100').max(100),
              female: z.number().min(40, 'must be a life expectancy in years, 40 to 100').max(100),
            })
            .strict(),
        )
        .min(1, 'needs the ten deciles'),
    }),
    causes: Sourced({
      shares: z.array(z.object({ cause: Cause, bands: ProportionBands }).strict()).min(1, 'needs the causes'),
    }),
    causeCodes: z.array(z.object({ cause: Cause, icd10: Icd10 }).strict()).min(1, 'needs the causes'),
    suicideDeprivation: Sourced({ ratioMostToLeast: Ratio }),
  })
  .strict();

const Carers = z
  .object({
    prevalence: Sourced({ bands: ProportionBands }),
    recorded: Sourced({ value: Proportion }),
    codes: z.object({ isCarer: Snomed, hasCarer: Snomed }).strict(),
  })
  .strict();

const Violence = z
  .object({
    admissionsPerYear: Sourced({ bands: RateBands }),
    deprivation: Sourced({ ratioMostToLeast: Ratio }),
    snomed: Snomed,
  })
  .strict();

const Moves = z
  .object({
    perYear: Sourced({ bands: ProportionBands }),
    withinDistrict: Sourced({ value: Proportion }),
  })
  .strict();

const Source = z
  .object({
    id: Id,
    title: Text,
    publisher: Text,
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
    published: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2020-09-24')
      .optional(),
    note: Text.optional(),
  })
  .strict();

/** The schema of each file: one top-level key holding that part of the model. */
const FILE_SCHEMAS = {
  sources: z.object({ sources: z.array(Source).min(1, 'needs at least one source') }).strict(),
  conditions: z.object({ conditions: z.array(Condition).min(1, 'needs at least one condition') }).strict(),
  smoking: z.object({ smoking: Smoking }).strict(),
  bmi: z.object({ bmi: Bmi }).strict(),
  immunisations: z.object({ immunisations: z.array(Immunisation).min(1, 'needs a programme') }).strict(),
  encounters: z.object({ encounters: z.array(Encounter).min(1, 'needs the settings') }).strict(),
  mortality: z.object({ mortality: Mortality }).strict(),
  carers: z.object({ carers: Carers }).strict(),
  violence: z.object({ violence: Violence }).strict(),
  moves: z.object({ moves: Moves }).strict(),
} as const;

type Parsed = { [K in ReferencePart]: z.output<(typeof FILE_SCHEMAS)[K]> };

// Compile-time proof that what each schema accepts is what model.ts describes: if a schema and the model drift
// apart, these lines stop the build.
type Holds<T extends true> = T;
type Fits<Schema extends z.ZodType, Model> = [z.output<Schema>] extends [Model] ? true : false;
export type SchemasMatchModel = [
  Holds<Fits<typeof Condition, ConditionModule>>,
  Holds<Fits<typeof Smoking, SmokingModule>>,
  Holds<Fits<typeof Bmi, BmiModule>>,
  Holds<Fits<typeof Immunisation, ImmunisationModule>>,
  Holds<Fits<typeof Encounter, EncounterModule>>,
  Holds<Fits<typeof Mortality, MortalityModule>>,
  Holds<Fits<typeof Carers, CarerModule>>,
  Holds<Fits<typeof Violence, ViolenceModule>>,
  Holds<Fits<typeof Moves, MovesModule>>,
  Holds<Fits<typeof Source, ReferenceSource>>,
];

// --- Reading ------------------------------------------------------------------------------------------------------

type PathPart = string | number;

/** Parses and schema-checks one file; undefined means it had problems (recorded in `issues`). */
function readPart<K extends ReferencePart>(
  dir: string,
  part: K,
  issues: Issue[],
): CheckedYaml<Parsed[K]> | undefined {
  const file = REFERENCE_FILES[part];
  const missing = 'file is missing: every reference folder needs it (see reference/README.md)';
  const read = readYamlFile(join(dir, file), file, FILE_SCHEMAS[part], missing, issues);
  return read === undefined ? undefined : { data: read.data as Parsed[K], locate: read.locate };
}

// --- Checks across values and files -------------------------------------------------------------------------------

interface RawIssue {
  readonly part: ReferencePart;
  readonly path: readonly PathPart[];
  readonly message: string;
}

type Report = (part: ReferencePart, path: readonly PathPart[], message: string) => void;

/** The band holding `age`, or undefined when no band does. */
export function bandAt(bands: readonly AgeBand[], age: number): AgeBand | undefined {
  return bands.find((band) => age >= band.from && (band.to === undefined || age <= band.to));
}

/**
 * Age bands run from one of `firstAges` (0, or a table's minimum age) without gaps or overlaps, and the last is open.
 * Returns whether the table is sound, so checks that read values by age can skip a broken one.
 */
function checkBands(
  report: Report,
  part: ReferencePart,
  path: readonly PathPart[],
  bands: readonly AgeBand[],
  firstAges: readonly number[] = [0],
): boolean {
  let sound = true;
  const fault = (at: readonly PathPart[], message: string) => {
    report(part, at, message);
    sound = false;
  };
  const first = bands[0];
  if (first !== undefined && !firstAges.includes(first.from)) {
    fault([...path, 0, 'from'], `must be ${firstAges.join(' or ')}: the first band starts the table`);
  }
  bands.forEach((band, i) => {
    if (band.to !== undefined && band.to < band.from) {
      fault([...path, i, 'to'], `must not be below from (${band.from})`);
    }
    const next = bands[i + 1];
    if (next === undefined) {
      if (band.to !== undefined) {
        fault(
          [...path, i, 'to'],
          'must be absent: the last band is open ("and over"), so every age is covered',
        );
      }
      return;
    }
    if (band.to === undefined) {
      fault([...path, i], `has no "to" but is not the last band: only the last band may be open`);
      return;
    }
    if (next.from > band.to + 1) {
      const gap =
        next.from - 1 === band.to + 1 ? `age ${band.to + 1} is` : `ages ${band.to + 1}–${next.from - 1} are`;
      fault([...path, i + 1, 'from'], `leaves a gap: ${gap} in no band (the band before ends at ${band.to})`);
    } else if (next.from < band.to + 1) {
      fault(
        [...path, i + 1, 'from'],
        `overlaps the band before, which ends at ${band.to}: must be ${band.to + 1}`,
      );
    }
  });
  return sound;
}

/** Reports every value of `key` that occurs more than once, at its later occurrences. */
function checkUnique<T>(
  report: Report,
  part: ReferencePart,
  path: readonly PathPart[],
  items: readonly T[],
  key: (item: T) => string | undefined,
  field: string,
  what: string,
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, i);
    else report(part, [...path, i, field], `duplicate ${what} ${k}: already at [${earlier}]`);
  });
}

/** Every `source` anywhere in a file names sources.yaml entries. */
function checkSources(report: Report, part: ReferencePart, data: unknown, known: ReadonlySet<string>): void {
  const walk = (value: unknown, path: readonly PathPart[]) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, [...path, i]);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'source' && typeof child === 'string') {
        for (const id of child.split(' ').filter((part) => part !== '')) {
          if (!known.has(id)) report(part, [...path, key], `unknown source ${id}: add it to sources.yaml`);
        }
      } else {
        walk(child, [...path, key]);
      }
    }
  };
  walk(data, []);
}

function checkConditions(report: Report, conditions: readonly ConditionModule[]): void {
  const part = 'conditions';
  checkUnique(report, part, ['conditions'], conditions, (c) => c.id, 'id', 'condition id');
  checkUnique(report, part, ['conditions'], conditions, (c) => c.qofGroup, 'qofGroup', 'QOF group');
  const ids = new Set(conditions.map((c) => c.id));
  conditions.forEach((condition, i) => {
    const at = ['conditions', i];
    if (condition.qofMinimumAge !== undefined && condition.qofGroup === undefined) {
      report(part, [...at, 'qofMinimumAge'], 'needs a qofGroup: the minimum age is that of a QOF register');
    }
    if (condition.deprivation !== undefined && condition.qofGroup !== undefined) {
      report(
        part,
        [...at, 'deprivation'],
        "must be absent when qofGroup is set: the gradient comes from the partnership's QOF calibration",
      );
    }
    const firstAges = condition.qofMinimumAge === undefined ? [0] : [0, condition.qofMinimumAge];
    checkBands(report, part, [...at, 'prevalence', 'bands'], condition.prevalence.bands, firstAges);
    const factors = condition.riskFactors ?? [];
    checkUnique(
      report,
      part,
      [...at, 'riskFactors'],
      factors,
      (f) => f.condition,
      'condition',
      'risk factor',
    );
    factors.forEach((factor, j) => {
      const where = [...at, 'riskFactors', j, 'condition'];
      if (factor.condition === condition.id) report(part, where, 'a condition cannot be its own risk factor');
      else if (!ids.has(factor.condition)) {
        report(part, where, `unknown condition ${factor.condition}: not an id in conditions.yaml`);
      }
    });
    if (condition.stages !== undefined) {
      const shares = condition.stages.shares;
      checkUnique(report, part, [...at, 'stages', 'shares'], shares, (s) => s.stage, 'stage', 'stage');
      const total = shares.reduce((sum, s) => sum + s.share, 0);
      if (Math.abs(total - 1) > SHARE_TOLERANCE) {
        report(part, [...at, 'stages', 'shares'], `stage shares sum to ${round(total)}, not 1`);
      }
    }
    if (condition.care !== undefined) {
      const perYear = condition.care.perYear;
      checkUnique(report, part, [...at, 'care', 'perYear'], perYear, (c) => c.setting, 'setting', 'setting');
    }
  });
  checkRiskFactorCycles(report, conditions);
}

/** Risk factors must form a directed acyclic graph, so conditions can be drawn in order. Each cycle reported once. */
function checkRiskFactorCycles(report: Report, conditions: readonly ConditionModule[]): void {
  const index = new Map(conditions.map((c, i) => [c.id, i]));
  const state = new Map<number, 'open' | 'done'>();
  const stack: number[] = [];
  const visit = (i: number) => {
    state.set(i, 'open');
    stack.push(i);
    (conditions[i]?.riskFactors ?? []).forEach((factor, j) => {
      const target = index.get(factor.condition);
      if (target === undefined || target === i) return; // reported as unknown or as its own factor
      if (state.get(target) === 'open') {
        const loop = [...stack.slice(stack.indexOf(target)), target].map((k) => conditions[k]?.id ?? '?');
        report(
          'conditions',
          ['conditions', i, 'riskFactors', j, 'condition'],
          `risk factors form a cycle: ${loop.join(' → ')} (each condition's risk factors must be drawn before it)`,
        );
      } else if (state.get(target) === undefined) {
        visit(target);
      }
    });
    stack.pop();
    state.set(i, 'done');
  };
  conditions.forEach((_, i) => {
    if (state.get(i) === undefined) visit(i);
  });
}

function checkSmoking(report: Report, smoking: SmokingModule): void {
  const part = 'smoking';
  const current = checkBands(report, part, ['smoking', 'current', 'bands'], smoking.current.bands);
  const ex = checkBands(report, part, ['smoking', 'ex', 'bands'], smoking.ex.bands);
  if (current && ex) {
    for (const sex of ['male', 'female'] as const) {
      for (let age = 0; age <= LIFE_TABLE_LAST_AGE; age++) {
        const c = bandAt(smoking.current.bands, age);
        const e = bandAt(smoking.ex.bands, age);
        if (c === undefined || e === undefined || c[sex] + e[sex] <= 1 + SHARE_TOLERANCE) continue;
        report(
          part,
          ['smoking', 'current', 'bands', smoking.current.bands.indexOf(c), sex],
          `current (${c[sex]}) and ex-smokers (${e[sex]}) at age ${age} add up to more than 1`,
        );
        break;
      }
    }
  }
  const codes = [smoking.codes.current.code, smoking.codes.ex.code, smoking.codes.never.code];
  if (new Set(codes).size !== codes.length) {
    report(part, ['smoking', 'codes'], 'current, ex and never must have different codes');
  }
}

function checkMortality(report: Report, mortality: MortalityModule): void {
  const part = 'mortality';
  const rows = mortality.lifeTable.qx;
  const qxPath = ['mortality', 'lifeTable', 'qx'];
  checkUnique(report, part, qxPath, rows, (row) => String(row.age), 'age', 'age');
  const ages = new Set(rows.map((row) => row.age));
  const missing = Array.from({ length: LIFE_TABLE_LAST_AGE + 1 }, (_, age) => age).filter(
    (age) => !ages.has(age),
  );
  if (missing.length > 0) {
    report(
      part,
      qxPath,
      `has no row for age(s) ${ranges(missing)}: the table needs every age 0 to ${LIFE_TABLE_LAST_AGE}`,
    );
  }
  rows.forEach((row, i) => {
    if (row.age !== LIFE_TABLE_LAST_AGE) return;
    for (const sex of ['male', 'female'] as const) {
      if (row[sex] !== 1) {
        report(
          part,
          [...qxPath, i, sex],
          `must be 1: age ${LIFE_TABLE_LAST_AGE} stands for "${LIFE_TABLE_LAST_AGE} and over", and everyone dies`,
        );
      }
    }
  });

  const deciles = mortality.lifeExpectancyByDecile.deciles;
  const decilePath = ['mortality', 'lifeExpectancyByDecile', 'deciles'];
  checkUnique(report, part, decilePath, deciles, (d) => String(d.decile), 'decile', 'decile');
  const present = new Set(deciles.map((d) => d.decile));
  const absent = Array.from({ length: 10 }, (_, d) => d + 1).filter((d) => !present.has(d));
  if (absent.length > 0)
    report(part, decilePath, `has no row for decile(s) ${absent.join(', ')}: every decile 1 to 10 is needed`);

  const shares = mortality.causes.shares;
  const sharesPath = ['mortality', 'causes', 'shares'];
  checkUnique(report, part, sharesPath, shares, (s) => s.cause, 'cause', 'cause');
  const sound = shares.map((s, i) => checkBands(report, part, [...sharesPath, i, 'bands'], s.bands));
  const listed = new Set(shares.map((s) => s.cause));
  const unlisted = CAUSES_OF_DEATH.filter((cause) => !listed.has(cause));
  if (unlisted.length > 0)
    report(part, sharesPath, `has no shares for ${unlisted.join(', ')}: every cause is needed`);
  const first = shares[0];
  if (first !== undefined && unlisted.length === 0 && sound.every(Boolean)) {
    // The shares of each age and sex sum to 1 across causes; report once per band of the first cause and sex.
    for (const sex of ['male', 'female'] as const) {
      const reported = new Set<AgeBand>();
      for (let age = 0; age <= LIFE_TABLE_LAST_AGE; age++) {
        const total = shares.reduce((sum, s) => sum + (bandAt(s.bands, age)?.[sex] ?? 0), 0);
        const band = bandAt(first.bands, age);
        if (band === undefined || reported.has(band) || Math.abs(total - 1) <= SHARE_TOLERANCE) continue;
        reported.add(band);
        report(
          part,
          [...sharesPath, 0, 'bands', first.bands.indexOf(band), sex],
          `${sex} shares at age ${age} sum to ${round(total)} across the causes, not 1`,
        );
      }
    }
  }

  const codes = mortality.causeCodes;
  const codesPath = ['mortality', 'causeCodes'];
  checkUnique(report, part, codesPath, codes, (c) => c.cause, 'cause', 'cause');
  const coded = new Set(codes.map((c) => c.cause));
  const uncoded = CAUSES_OF_DEATH.filter((cause) => !coded.has(cause));
  if (uncoded.length > 0)
    report(part, codesPath, `has no ICD-10 codes for ${uncoded.join(', ')}: every cause is needed`);
}

function crossCheck(read: { [K in ReferencePart]?: Parsed[K] }): RawIssue[] {
  const issues: RawIssue[] = [];
  const report: Report = (part, path, message) => {
    issues.push({ part, path, message });
  };
  const sources = read.sources?.sources;
  if (sources !== undefined) {
    checkUnique(report, 'sources', ['sources'], sources, (s) => s.id, 'id', 'source id');
    const known = new Set(sources.map((s) => s.id));
    for (const part of Object.keys(REFERENCE_FILES) as ReferencePart[]) {
      if (part !== 'sources' && read[part] !== undefined) checkSources(report, part, read[part], known);
    }
  }
  const conditions = read.conditions?.conditions;
  if (conditions !== undefined) checkConditions(report, conditions);
  const smoking = read.smoking?.smoking;
  if (smoking !== undefined) checkSmoking(report, smoking);
  const bmi = read.bmi?.bmi;
  if (bmi !== undefined)
    checkBands(report, 'bmi', ['bmi', 'mean', 'bands'], bmi.mean.bands, [0, bmi.minimumAge]);
  const immunisations = read.immunisations?.immunisations;
  if (immunisations !== undefined) {
    checkUnique(report, 'immunisations', ['immunisations'], immunisations, (m) => m.id, 'id', 'programme id');
  }
  const encounters = read.encounters?.encounters;
  if (encounters !== undefined) {
    checkUnique(report, 'encounters', ['encounters'], encounters, (e) => e.setting, 'setting', 'setting');
    const present = new Set(encounters.map((e) => e.setting));
    const absent = SETTINGS.filter((setting) => !present.has(setting));
    if (absent.length > 0) {
      report(
        'encounters',
        ['encounters'],
        `has no entry for ${absent.join(', ')}: every setting needs baseline rates`,
      );
    }
    encounters.forEach((e, i) =>
      checkBands(report, 'encounters', ['encounters', i, 'rates', 'bands'], e.rates.bands),
    );
  }
  const mortality = read.mortality?.mortality;
  if (mortality !== undefined) checkMortality(report, mortality);
  const carers = read.carers?.carers;
  if (carers !== undefined) {
    checkBands(report, 'carers', ['carers', 'prevalence', 'bands'], carers.prevalence.bands);
    if (carers.codes.isCarer.code === carers.codes.hasCarer.code) {
      report(
        'carers',
        ['carers', 'codes', 'hasCarer', 'code'],
        'must differ from isCarer: they record different facts',
      );
    }
  }
  const violence = read.violence?.violence;
  if (violence !== undefined) {
    checkBands(
      report,
      'violence',
      ['violence', 'admissionsPerYear', 'bands'],
      violence.admissionsPerYear.bands,
    );
  }
  const moves = read.moves?.moves;
  if (moves !== undefined) checkBands(report, 'moves', ['moves', 'perYear', 'bands'], moves.perYear.bands);
  return issues;
}

const round = (value: number): string => String(Math.round(value * 10000) / 10000);

/** 1, 2, 3, 7 → "1–3, 7". */
function ranges(values: readonly number[]): string {
  const parts: string[] = [];
  let start = values[0];
  let previous = start;
  for (const value of [...values.slice(1), Number.NaN]) {
    if (start === undefined || previous === undefined) break;
    if (value === previous + 1) {
      previous = value;
      continue;
    }
    parts.push(start === previous ? String(start) : `${start}–${previous}`);
    start = value;
    previous = value;
  }
  return parts.join(', ');
}

/**
 * Reads and checks a reference folder (by default the one shipped with Accord). Returns the whole life-course
 * reference, or every problem found, each with its file (relative to the folder), line and path.
 */
export function loadLifeCourseReference(dir: string = referenceDir): Result<LifeCourseReference, Issue[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return err([{ file: dir, message: 'is not a folder: give the path of a reference folder' }]);
  }
  const issues: Issue[] = [];
  const parts = Object.keys(REFERENCE_FILES) as ReferencePart[];
  const read = Object.fromEntries(parts.map((part) => [part, readPart(dir, part, issues)])) as {
    [K in ReferencePart]: CheckedYaml<Parsed[K]> | undefined;
  };
  // Files that failed their schema are left out, so the checks among the files that passed still run now: whoever
  // fixes the folder sees every problem at once.
  const data = Object.fromEntries(parts.map((part) => [part, read[part]?.data])) as {
    [K in ReferencePart]?: Parsed[K];
  };
  for (const raw of crossCheck(data)) {
    const line = read[raw.part]?.locate(raw.path);
    issues.push({
      file: REFERENCE_FILES[raw.part],
      ...(line === undefined ? {} : { line }),
      path: pathText(raw.path),
      message: raw.message,
    });
  }
  if (issues.length > 0) return err(issues);
  const { sources, conditions, smoking, bmi, immunisations, encounters, mortality, carers, violence, moves } =
    read;
  if (
    sources === undefined ||
    conditions === undefined ||
    smoking === undefined ||
    bmi === undefined ||
    immunisations === undefined ||
    encounters === undefined ||
    mortality === undefined ||
    carers === undefined ||
    violence === undefined ||
    moves === undefined
  ) {
    throw new Error('unreachable: every file passed its schema');
  }
  return ok({
    conditions: conditions.data.conditions,
    smoking: smoking.data.smoking,
    bmi: bmi.data.bmi,
    immunisations: immunisations.data.immunisations,
    encounters: encounters.data.encounters,
    mortality: mortality.data.mortality,
    carers: carers.data.carers,
    violence: violence.data.violence,
    moves: moves.data.moves,
    sources: sources.data.sources,
  });
}
