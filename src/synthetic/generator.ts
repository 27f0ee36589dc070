/**
 * @module synthetic/generator
 * Everything `accord generate` needs, loaded and compiled once per thread: the partnership's calibration tables and
 * providers, the national life-course reference and name tables, compiled into the simulator's samplers; and the
 * one function that turns a chunk number into that chunk's ground-truth files. The main thread loads it to check
 * the inputs (every problem reported before anything is written); each worker loads it again from the same folders.
 */
import { join } from 'node:path';
import { formatIssue, problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { loadPartnership } from '../partnership/load.js';
import { buildAlias, drawAlias } from './alias.js';
import { loadCalibration, type LsoaEntry } from './calibration.js';
import { compileDemography, type ResidentDemography } from './demography.js';
import type { Manifest } from './generate.js';
import { compileLifeCourse } from './life-course/compile.js';
import { dayOf } from './life-course/days.js';
import type { CodeBook, OrganisationBook } from './life-course/events.js';
import { compileProviders, loadProviders } from './life-course/providers.js';
import { loadLifeCourseReference } from './life-course/reference.js';
import { LifeSimulator, type PersonSamplers } from './life-course/simulate.js';
import { NhsNumberPool, poolPerChunk } from './nhs-number-pool.js';
import { compilePeople, ethnicGroupInfo, isEthnicGroup } from './people.js';
import { createRandom } from './random.js';
import { compileRegistration, loadStreets } from './registration.js';
import type { OrganisationRow, TruthWriter } from './truth-writer.js';

/** The life-course window and the calibration date (the ONS mid-year estimates the residents are drawn from). */
export const WINDOW = { start: '2015-01-01', end: '2025-12-31', reference: '2020-06-30' } as const;

export interface GeneratorSources {
  /** The partnership folder (its files and `calibration/`). */
  readonly partnershipDir: string;
  /** The national reference folder (default: the package's `reference/`). */
  readonly referenceDir?: string | undefined;
}

export interface GeneratorContext {
  /** People in the calibration (scale 1.0). */
  readonly population: number;
  readonly codes: CodeBook;
  readonly organisations: OrganisationBook;
  readonly organisationTable: readonly OrganisationRow[];
  writeChunk(writer: TruthWriter, manifest: Manifest, chunk: number, outDir: string): Promise<void>;
}

const inputProblem = (
  what: string,
  issues: readonly { file?: string; line?: number; path?: string; message: string }[],
) =>
  problem(
    'bad-input',
    `${what} have problems; nothing was written:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    'Fix them and run the command again.',
  );

export function loadGenerator(sources: GeneratorSources): Result<GeneratorContext, Problem> {
  const partnership = loadPartnership(sources.partnershipDir);
  if (!partnership.ok)
    return err(inputProblem(`The partnership files in ${sources.partnershipDir}`, partnership.error));
  const calibrationDir = join(sources.partnershipDir, 'calibration');
  const calibration = loadCalibration(calibrationDir);
  if (!calibration.ok)
    return err(inputProblem(`The calibration tables in ${calibrationDir}`, calibration.error));
  const reference = loadLifeCourseReference(sources.referenceDir);
  if (!reference.ok) return err(inputProblem('The life-course reference files', reference.error));
  const providerRows = loadProviders(calibrationDir);
  if (!providerRows.ok) return err(inputProblem('The providers table', providerRows.error));

  const organisationsById = new Map(partnership.value.partnership.organisations.map((o) => [o.id, o]));
  const unknown = providerRows.value.filter((row) => !organisationsById.has(row.organisation));
  if (unknown.length > 0) {
    return err(
      inputProblem(
        'The providers table',
        unknown.map((row) => ({ message: `names ${row.organisation}, which is not in organisations.yaml` })),
      ),
    );
  }
  const districts = [...new Set(calibration.value.lsoas.map((l) => l.lad19))].sort();
  const providers = compileProviders(providerRows.value, districts);
  if (!providers.ok)
    return err(problem('bad-input', `The providers table does not fit: ${providers.error}.`));
  const model = compileLifeCourse(reference.value, calibration.value);
  if (!model.ok)
    return err(
      problem('bad-input', `The life-course reference does not fit the calibration: ${model.error}.`),
    );
  const demography = compileDemography(calibration.value);
  if (!demography.ok)
    return err(problem('bad-input', `The calibration tables do not fit together: ${demography.error}.`));
  const people = compilePeople(calibrationDir);
  if (!people.ok) return err(inputProblem('The ethnicity and name tables', people.error));
  const streets = loadStreets();
  if (!streets.ok) return err(inputProblem('The street names', streets.error));
  const registration = compileRegistration(calibration.value, streets.value);
  if (!registration.ok)
    return err(problem('bad-input', `The practices table does not fit: ${registration.error}.`));

  // Homes for people who move: an LSOA by population, within a district or anywhere.
  const totals = new Map(calibration.value.population.map((row) => [row.lsoa11, row.total]));
  const lsoas = calibration.value.lsoas.filter((l) => (totals.get(l.lsoa11) ?? 0) > 0);
  const homeTable = (list: readonly LsoaEntry[]) => {
    const table = buildAlias(list.map((l) => totals.get(l.lsoa11) ?? 0));
    if (!table.ok) throw new Error(table.error);
    return { list, table: table.value };
  };
  const anywhere = homeTable(lsoas);
  const byDistrict = new Map(districts.map((lad) => [lad, homeTable(lsoas.filter((l) => l.lad19 === lad))]));
  const asHome = (l: LsoaEntry): ResidentDemography => ({
    lsoa11: l.lsoa11,
    lad19: l.lad19,
    place: l.place,
    imdDecile: l.imdDecile,
    imdQuintile: l.imdQuintile,
    age: 0,
    sex: 'female',
  });

  const samplers: PersonSamplers = {
    drawEthnicity: (lad, random) => people.value.drawEthnicity(lad, random),
    drawName: (ethnicity, sex, birthYear, random) =>
      people.value.drawName(isEthnicGroup(ethnicity) ? ethnicity : 'other-any', sex, birthYear, random),
    drawPostcodeDistrict: (lad, random) => registration.value.drawPostcodeDistrict(lad, random),
    drawPractice: (place, district, random) => registration.value.drawPractice(place, district, random),
    syntheticAddress: (district, random) => registration.value.syntheticAddress(district, random),
    drawHome: (lad, random) => {
      const where = (lad === undefined ? undefined : byDistrict.get(lad)) ?? anywhere;
      return asHome(where.list[drawAlias(where.table, random)] as LsoaEntry);
    },
    drawProvider: (lad, setting, day, random) => providers.value.draw(lad, setting, day, random),
  };
  const window = { start: dayOf(WINDOW.start), end: dayOf(WINDOW.end), reference: dayOf(WINDOW.reference) };
  const practices = calibration.value.practices.map((p) => p.practice).sort();
  const organisationKeys = [...practices, ...providers.value.organisations];
  const newSimulator = () => new LifeSimulator(model.value, samplers, window, organisationKeys);
  const template = newSimulator();

  const organisationTable: OrganisationRow[] = [
    ...calibration.value.practices.map((p) => ({
      organisation: p.practice,
      name: p.name,
      type: 'gp-practice',
      odsCode: p.practice,
      onsCode: undefined,
    })),
    ...providers.value.organisations.map((id) => {
      const o = organisationsById.get(id);
      return { organisation: id, name: o?.name ?? id, type: o?.type ?? '', odsCode: o?.ods, onsCode: o?.ons };
    }),
  ];

  let pool: NhsNumberPool | undefined;
  let simulator: LifeSimulator | undefined;
  return ok({
    population: calibration.value.population.reduce((sum, row) => sum + row.total, 0),
    codes: template.codes,
    organisations: template.organisations,
    organisationTable,
    async writeChunk(writer, manifest, chunk, outDir) {
      pool ??= new NhsNumberPool(manifest.seed, manifest.nhsNumberRange);
      // One simulator a worker, its event buffers emptied for each chunk: it holds no other state, and growing new
      // buffers to millions of rows for every chunk cost more than filling them.
      simulator ??= newSimulator();
      simulator.events.clear();
      simulator.activity.clear();
      simulator.people.clear();
      const first = chunk * manifest.chunkSize;
      const last = Math.min(manifest.residents, first + manifest.chunkSize);
      for (let slot = first; slot < last; slot++) {
        const random = createRandom(manifest.seed, `slot/${slot}`);
        simulator.simulateSlot(slot, random, demography.value.draw(random));
      }
      const carers = simulator.pairCarers(createRandom(manifest.seed, `carers/${chunk}`));
      // NHS numbers: residents by slot, then everyone else in order, all from the chunk's own block.
      const people = simulator.people;
      const base = chunk * poolPerChunk(manifest.chunkSize);
      const nhsNumbers = new Float64Array(people.length);
      let extra = manifest.chunkSize;
      for (let row = 0; row < people.length; row++) {
        const key = people.key[row] ?? 0;
        const position = people.originOf(row) === 'resident' ? Math.floor(key / 4) - first : extra++;
        if (position >= poolPerChunk(manifest.chunkSize)) {
          throw new Error(`chunk ${chunk} needs more NHS numbers than its block holds`);
        }
        nhsNumbers[row] = pool.valueAt(base + position);
      }
      await writer.writeChunk(outDir, chunk, {
        people,
        nhsNumbers,
        carers,
        events: simulator.events,
        activity: simulator.activity,
        ethnicCategory: (group) => (isEthnicGroup(group) ? ethnicGroupInfo(group).nhsCode : 'Z'),
      });
    },
  });
}
