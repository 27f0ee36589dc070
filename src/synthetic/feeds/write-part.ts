/**
 * @module synthetic/feeds/write-part
 * The feeds of some organisations (or all), written chunk by chunk: read a chunk of the truth (while DuckDB prepares
 * the next), work out who holds whom (holdings.ts), plan each record with its faults and number (records.ts), then,
 * organisation by organisation in the order of its own record numbers, write the records' lines and the ground truth
 * rows. Every organisation belongs to exactly one part, so parts can run in parallel worker threads without sharing a
 * file, and an organisation's feed is the same whichever part wrote it.
 */
import { join } from 'node:path';
import { dayOf } from '../life-course/days.js';
import { emptyTally, type FaultProfile, type FaultTally } from './faults.js';
import { FeedFiles, type FileCount } from './feed-files.js';
import { SYSTEMS, coding, type Coding } from './fhir.js';
import { appendGroundTruth, groundTruthParts } from './ground-truth.js';
import { compileRules, holdingsOf } from './holdings.js';
import { localIds, type LocalIds } from './local-ids.js';
import { loadNameVariants } from './name-table.js';
import { RESOURCE_TYPES, planRecords, writeRecord, type RecordContext, type RecordPlan } from './records.js';
import { TruthChunks } from './truth-chunks.js';

/** Where the parts put their ground truth rows, one file per organisation, until they are joined. */
export const GROUND_TRUTH_PARTS = '.ground-truth-parts';

export interface PartOptions {
  readonly truthDir: string;
  /** The feeds' folder being written. */
  readonly root: string;
  readonly seed: number;
  readonly rates: FaultProfile;
  readonly nameVariantsFile?: string | undefined;
  /** The keys of the organisations this part writes; all when undefined. */
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
  const codings: Coding[] = truth.codes.map((c) => ({
    system: c.system === 'icd10' ? SYSTEMS.icd10 : SYSTEMS.snomed,
    code: c.code,
    display: c.display,
  }));
  const ids: (LocalIds | undefined)[] = [];
  const context: RecordContext = {
    seed: options.seed,
    organisations,
    profile: options.rates,
    names,
    codings,
    codeJson: codings.map(coding),
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
  try {
    for (const [n, chunk] of truth.chunks.entries()) {
      const { persons, events } = await truth.read(chunk);
      const next = truth.chunks[n + 1];
      if (next !== undefined) void truth.prepare(next);
      const plans = new Map<number, RecordPlan[]>();
      for (const person of persons) {
        for (const holding of holdingsOf(person, events, rules)) {
          if (!mine.has(holding.organisation)) continue;
          let list = plans.get(holding.organisation);
          if (list === undefined) {
            list = [];
            plans.set(holding.organisation, list);
          }
          for (const plan of planRecords(person, holding, events, context)) {
            list.push(plan);
            if (plan.truth.duplicate) duplicates++;
          }
        }
      }
      // Each organisation lists its records in the order of its own numbers.
      for (const organisation of [...plans.keys()].sort((a, b) => a - b)) {
        const key = organisations[organisation]?.key ?? '';
        const list = (plans.get(organisation) ?? []).sort((a, b) => a.rank - b.rank);
        files.organisation(key);
        truthRows.organisation(key);
        held.add(organisation);
        for (const plan of list) {
          writeRecord(plan, events, context, files);
          appendGroundTruth(truthRows, plan.truth);
        }
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
    held: [...held].sort((a, b) => a - b).map((i) => organisations[i]?.key ?? ''),
    duplicates,
    tally: context.tally,
  };
}
