/**
 * @module synthetic/generate
 * `accord generate`, first part: the residents of a partnership at a given scale — who they are (a test-range NHS
 * number, sex, date of birth) and where they live (LSOA, place, deprivation decile) — written as the ground truth in
 * chunks of CSV. Life courses, names and partner feeds come later (issue 3).
 *
 * Reproducible and resumable by construction: resident i is drawn from its own random stream (seed, i), so a chunk's
 * bytes depend only on the seed, the scale and the chunk number. Each chunk is written to a temporary file and renamed
 * into place, so an interrupted run leaves only whole chunks; running again skips the chunks already there.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { TEST_RANGE_CAPACITY, testRangeNhsNumber } from '../identity/nhs-number.js';
import type { Calibration } from './calibration.js';
import { formatCsv, parseCsv } from './csv.js';
import { compileDemography } from './demography.js';
import type { GeneratedResident } from './fidelity.js';
import { createRandom } from './random.js';

export const RESIDENTS_PER_CHUNK = 50_000;
/** Roughly what one resident takes on disk in the ground truth (measured: about 75 bytes a row), with room to spare. */
const BYTES_PER_RESIDENT = 120;
const MANIFEST = 'manifest.json';

export interface GenerateOptions {
  readonly calibration: Calibration;
  readonly partnershipId: string;
  /** 1.0 is the real population of the partnership's places. */
  readonly scale: number;
  readonly seed: number;
  readonly outDir: string;
  /** Write into a folder that holds other files (never deletes them). */
  readonly force?: boolean;
  /** Residents per chunk file (default RESIDENTS_PER_CHUNK). */
  readonly chunkSize?: number;
  /** The date ages refer to: the calibration's mid-year estimate. */
  readonly referenceDate?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface GenerateReport {
  readonly residents: number;
  readonly chunks: number;
  /** Chunks already present from an earlier, interrupted run with the same settings. */
  readonly reused: number;
}

interface Manifest {
  readonly format: 1;
  readonly partnership: string;
  readonly scale: number;
  readonly seed: number;
  readonly residents: number;
  readonly chunkSize: number;
  readonly referenceDate: string;
}

/** The columns of a residents chunk, written and read back by name from this one list. */
const RESIDENT_COLUMNS = [
  'person_id',
  'nhs_number',
  'sex',
  'date_of_birth',
  'lsoa11_code',
  'lad19_code',
  'place',
  'imd_decile',
] as const;
const column = (name: (typeof RESIDENT_COLUMNS)[number]) => RESIDENT_COLUMNS.indexOf(name);

const chunkName = (index: number) => `residents-${String(index).padStart(5, '0')}.csv`;

/** Checks the request before anything is written; names the problem and the fix. */
function checkRequest(options: GenerateOptions, residents: number): Problem | undefined {
  if (!Number.isFinite(options.scale) || options.scale <= 0) {
    return problem(
      'bad-input',
      `The scale must be a number above 0 (got ${options.scale}).`,
      'Use e.g. --scale 0.01.',
    );
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    return problem('bad-input', `The seed must be a whole number, 0 or more (got ${options.seed}).`);
  }
  if (residents > TEST_RANGE_CAPACITY) {
    // Every synthetic person needs a distinct NHS number from the test range, and it holds only so many.
    const most = Math.floor((TEST_RANGE_CAPACITY / residents) * options.scale * 1000) / 1000;
    return problem(
      'bad-input',
      `Scale ${options.scale} means ${residents.toLocaleString('en-GB')} residents, more than the ${TEST_RANGE_CAPACITY.toLocaleString('en-GB')} valid NHS numbers of the test range (999 000 000 0 – 999 999 999 9).`,
      `Use a scale of at most ${most}.`,
    );
  }
  return undefined;
}

function readManifest(outDir: string): Manifest | undefined {
  const file = join(outDir, MANIFEST);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * A date of birth for someone of `age` on `referenceDate`: a day drawn evenly from the year of birthdays it allows.
 * (The calibration's last age is "90 and over"; those residents are given 90 for now.)
 */
function dateOfBirth(age: number, referenceDate: Date, draw: number): string {
  const latest = new Date(referenceDate);
  latest.setUTCFullYear(latest.getUTCFullYear() - age);
  const earliest = new Date(latest);
  earliest.setUTCFullYear(earliest.getUTCFullYear() - 1);
  earliest.setUTCDate(earliest.getUTCDate() + 1);
  const days = Math.round((latest.getTime() - earliest.getTime()) / 86_400_000) + 1;
  const birth = new Date(earliest.getTime() + Math.floor(draw * days) * 86_400_000);
  return birth.toISOString().slice(0, 10);
}

export function generateResidents(options: GenerateOptions): Result<GenerateReport, Problem> {
  const total = options.calibration.population.reduce((sum, row) => sum + row.total, 0);
  const residents = Math.round(total * options.scale);
  const wrong = checkRequest(options, residents);
  if (wrong !== undefined) return err(wrong);
  const demography = compileDemography(options.calibration);
  if (!demography.ok) {
    return err(problem('bad-input', `The calibration tables do not fit together: ${demography.error}.`));
  }

  const referenceDate = options.referenceDate ?? '2020-06-30';
  const manifest: Manifest = {
    format: 1,
    partnership: options.partnershipId,
    scale: options.scale,
    seed: options.seed,
    residents,
    chunkSize: options.chunkSize ?? RESIDENTS_PER_CHUNK,
    referenceDate,
  };
  mkdirSync(options.outDir, { recursive: true });
  const earlier = readManifest(options.outDir);
  const resuming = earlier !== undefined && JSON.stringify(earlier) === JSON.stringify(manifest);
  const others = readdirSync(options.outDir);
  if (!resuming && others.length > 0 && options.force !== true) {
    return err(
      problem(
        'conflict',
        `${options.outDir} already holds files${earlier === undefined ? '' : ' of a generation with other settings'}; nothing was written.`,
        'Choose an empty folder, or pass --force to write beside them (chunk files of the same names are replaced).',
      ),
    );
  }
  const needed = residents * BYTES_PER_RESIDENT;
  const free = statfsSync(options.outDir);
  if (free.bavail * free.bsize < needed) {
    return err(
      problem(
        'unavailable',
        `Not enough disk space in ${options.outDir}: about ${Math.ceil(needed / 1e6)} MB needed, ${Math.floor((free.bavail * free.bsize) / 1e6)} MB free.`,
        'Free some space, choose another folder, or use a smaller --scale.',
      ),
    );
  }
  writeFileSync(join(options.outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

  // NHS numbers: the i-th resident takes the i-th valid stem of a seeded permutation of the test range, so numbers
  // are distinct, spread over the range, and the same for the same seed.
  const stems = validStemsShuffled(options.seed);
  const reference = new Date(`${referenceDate}T00:00:00Z`);
  const chunks = Math.ceil(residents / manifest.chunkSize);
  let reused = 0;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const file = join(options.outDir, chunkName(chunk));
    const first = chunk * manifest.chunkSize;
    const last = Math.min(residents, first + manifest.chunkSize);
    if (resuming && existsSync(file)) {
      reused++;
    } else {
      const rows: string[][] = [[...RESIDENT_COLUMNS]];
      for (let i = first; i < last; i++) {
        const random = createRandom(options.seed, `resident/${i}`);
        const person = demography.value.draw(random);
        rows.push([
          `P${String(i + 1).padStart(8, '0')}`,
          testRangeNhsNumber(stems[i] ?? 0) ?? '',
          person.sex,
          dateOfBirth(person.age, reference, random.next()),
          person.lsoa11,
          person.lad19,
          person.place,
          String(person.imdDecile),
        ]);
      }
      writeFileSync(`${file}.partial`, formatCsv(rows));
      renameSync(`${file}.partial`, file);
    }
    options.onProgress?.(last, residents);
  }
  return ok({ residents, chunks, reused });
}

/** The valid stems of the test range (those with a check digit), in a seeded random order (Fisher–Yates). */
function validStemsShuffled(seed: number): Uint32Array {
  const stems = new Uint32Array(TEST_RANGE_CAPACITY);
  let n = 0;
  for (let stem = 0; stem <= 999_999; stem++) if (testRangeNhsNumber(stem) !== undefined) stems[n++] = stem;
  const random = createRandom(seed, 'nhs-numbers');
  for (let i = stems.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const swap = stems[i] ?? 0;
    stems[i] = stems[j] ?? 0;
    stems[j] = swap;
  }
  return stems;
}

/** Reads back the residents of a generated folder (for the fidelity report), with their age on the reference date. */
export function* readGeneratedResidents(outDir: string): Generator<GeneratedResident> {
  const manifest = readManifest(outDir);
  if (manifest === undefined) throw new Error(`${outDir} holds no generated population (no ${MANIFEST})`);
  const reference = manifest.referenceDate;
  const files = readdirSync(outDir)
    .filter((name) => /^residents-\d{5}\.csv$/.test(name))
    .sort();
  for (const name of files) {
    const parsed = parseCsv(readFileSync(join(outDir, name), 'utf8'), name);
    if (!parsed.ok) throw new Error(`${name} is not valid CSV: ${parsed.error[0]?.message ?? ''}`);
    for (const record of parsed.value.slice(1)) {
      const field = (name: (typeof RESIDENT_COLUMNS)[number]) => record.fields[column(name)] ?? '';
      yield {
        place: field('place'),
        imdDecile: Number(field('imd_decile')),
        age: ageOn(field('date_of_birth'), reference),
        sex: field('sex') === 'female' ? 'female' : 'male',
      };
    }
  }
}

/** Age in completed years on `date` (both YYYY-MM-DD). */
function ageOn(birth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  return date.slice(5) < birth.slice(5) ? years - 1 : years;
}
