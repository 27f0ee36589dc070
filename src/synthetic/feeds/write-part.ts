/**
 * @module synthetic/feeds/write-part
 * The feeds of some organisations (or all), written chunk by chunk: read a chunk of the truth (while DuckDB prepares
 * the next), work out who holds whom (holdings.ts), plan each record with its faults and number (records.ts), then,
 * organisation by organisation in the order of its own record numbers, write the records' lines and the ground truth
 * rows; then the deaths register's entries of the chunk's deaths (deaths-register.ts). Every organisation (and the
 * register) belongs to exactly one part, so parts can run in parallel worker threads without sharing a file, and an
 * organisation's feed is the same whichever part wrote it.
 */
import { join } from 'node:path';
import { dayOf } from '../life-course/days.js';
import { SETTINGS } from '../life-course/model.js';
import { emptyTally, type FaultProfile, type FaultTally } from './faults.js';
import { FeedFiles, type FileCount } from './feed-files.js';
import { SETTING_TYPES, SYSTEMS, coding, type Coding, type Json } from './fhir.js';
import { deathsRegister, DEATHS_REGISTER, registrationsOf, writeRegistration } from './deaths-register.js';
import { appendGroundTruth, groundTruthParts } from './ground-truth.js';
import { compileRules, holdingsOf, type Holding } from './holdings.js';
import { localIds, type LocalIds } from './local-ids.js';
import { loadNameVariants } from './name-table.js';
import { RESOURCE_TYPES, planRecords, writeRecord, type RecordContext, type RecordPlan } from './records.js';
import { TruthChunks, type PersonRecord } from './truth-chunks.js';

/** Where the parts put their ground truth rows, one file per organisation, until they are joined. */
export const GROUND_TRUTH_PARTS = '.ground-truth-parts';

export interface PartOptions {
  readonly truthDir: string;
  /** The feeds' folder being written. */
  readonly root: string;
  readonly seed: number;
  readonly rates: FaultProfile;
  readonly nameVariantsFile?: string | undefined;
  /** The keys of the organisations this part writes (the deaths register's among them); all when undefined. */
  readonly organisations?: readonly string[] | undefined;
  /** DuckDB's threads (default: one per core). */
  readonly duckdbThreads?: number | undefined;
  /** Called after each chunk with the number of persons read so far. */
  readonly onChunk?: ((persons: number) => void) | undefined;
}

export interface PartResult {
  readonly files: readonly FileCount[];
  /** Keys of the organisations that hold at least one record. */
  readonly held: readonly string[];
  readonly duplicates: number;
  readonly tally: FaultTally;
}

export async function writePart(options: PartOptions): Promise<PartResult> {
  const names = loadNameVariants(options.nameVariantsFile);
  if (!names.ok) throw new Error(names.error.title);
  const opened = await TruthChunks.open(options.truthDir, options.duckdbThreads);
  if (!opened.ok) throw new Error(opened.error.title);
  const truth = opened.value;
  try {
    return await write(truth, options, names.value);
  } finally {
    await truth.close();
  }
}

async function write(
  truth: TruthChunks,
  options: PartOptions,
  names: RecordContext['names'],
): Promise<PartResult> {
  const files = new FeedFiles(options.root, RESOURCE_TYPES);
  const truthRows = groundTruthParts(join(options.root, GROUND_TRUTH_PARTS));
  const organisations = truth.organisations;
  const mine = new Set(
    organisations.flatMap((o, i) =>
      options.organisations === undefined || options.organisations.includes(o.key) ? [i] : [],
    ),
  );
  const rules = compileRules(
    truth.codes,
    organisations.map((o) => o.kind),
    dayOf(truth.manifest.windowStart),
    dayOf(truth.manifest.windowEnd),
  );
  const register =
    options.organisations === undefined || options.organisations.includes(DEATHS_REGISTER.key)
      ? deathsRegister(options.seed, rules.windowStart, rules.windowEnd, organisations)
      : undefined;
  const codings: Coding[] = truth.codes.map((c) => ({
    system: c.system === 'icd10' ? SYSTEMS.icd10 : SYSTEMS.snomed,
    code: c.code,
    display: c.display,
  }));
  const codeJson = codings.map(coding);
  // Each setting's type as the truth's codebook spells it (the simulator adds every setting's encounter code to it,
  // counted or not), or as SETTING_TYPES does if the truth lacks it.
  const settingTypes = SETTINGS.map((setting): Json => {
    const type = SETTING_TYPES[setting];
    const index = truth.codes.findIndex((c) => c.system === 'snomed' && c.code === type.code);
    return codeJson[index] ?? coding({ system: SYSTEMS.snomed, ...type });
  });
  const ids: (LocalIds | undefined)[] = [];
  const context: RecordContext = {
    seed: options.seed,
    organisations,
    profile: options.rates,
    names,
    codings,
    codeJson,
    settingTypes,
    windowEnd: rules.windowEnd,
    localIds: (i) => {
      const organisation = organisations[i];
      if (organisation === undefined) throw new Error(`no organisation ${i}`);
      return (ids[i] ??= localIds(options.seed, organisation));
    },
    tally: emptyTally(),
  };

  let read = 0;
  let duplicates = 0;
  const held = new Set<number>();
  let registered = false;
  try {
    for (const [n, chunk] of truth.chunks.entries()) {
      const tables = await truth.read(chunk);
      const { persons } = tables;
      const next = truth.chunks[n + 1];
      if (next !== undefined) void truth.prepare(next);
      // Who holds whom first; each organisation's records are then planned, put in the order of its own numbers
      // and written in turn, so a chunk's plans never all live at once (they were a large part of the garbage
      // collector's work).
      const holders = new Map<number, { persons: PersonRecord[]; holdings: Holding[] }>();
      for (const person of persons) {
        for (const holding of holdingsOf(person, tables, rules)) {
          if (!mine.has(holding.organisation)) continue;
          let holder = holders.get(holding.organisation);
          if (holder === undefined) {
            holder = { persons: [], holdings: [] };
            holders.set(holding.organisation, holder);
          }
          holder.persons.push(person);
          holder.holdings.push(holding);
        }
      }
      for (const organisation of [...holders.keys()].sort((a, b) => a - b)) {
        const holder = holders.get(organisation) as { persons: PersonRecord[]; holdings: Holding[] };
        const list: RecordPlan[] = [];
        holder.holdings.forEach((holding, k) => {
          for (const plan of planRecords(holder.persons[k] as PersonRecord, holding, tables, context)) {
            list.push(plan);
            if (plan.truth.duplicate) duplicates++;
          }
        });
        list.sort((a, b) => a.rank - b.rank);
        const key = organisations[organisation]?.key ?? '';
        files.organisation(key);
        truthRows.organisation(key);
        held.add(organisation);
        for (const plan of list) {
          writeRecord(plan, tables, context, files);
          appendGroundTruth(truthRows, plan.truth);
        }
        holders.delete(organisation);
      }
      // The deaths register: its entries of the chunk's deaths, in the order of its numbers.
      const deaths = register === undefined ? [] : registrationsOf(persons, register);
      if (register !== undefined && deaths.length > 0) {
        files.organisation(DEATHS_REGISTER.key);
        truthRows.organisation(DEATHS_REGISTER.key);
        registered = true;
        for (const person of deaths) writeRegistration(person, register, files, truthRows);
      }
      files.flush();
      truthRows.flush();
      read += persons.length;
      options.onChunk?.(read);
    }
  } finally {
    files.close();
    truthRows.close();
  }
  return {
    files: files.files(),
    held: [
      ...[...held].sort((a, b) => a - b).map((i) => organisations[i]?.key ?? ''),
      ...(registered ? [DEATHS_REGISTER.key] : []),
    ],
    duplicates,
    tally: context.tally,
  };
}
