/**
 * @module synthetic/feeds/write-feeds
 * `accord generate --feeds`: what each partner organisation's system would send about the synthetic population —
 * each practice, acute trust, mental health and community service, the ambulance service and each council — as FHIR
 * R4 Bulk Data NDJSON, in the organisation's own numbering and with faults planted at the configured rates, plus the
 * ground truth that says which record is which person (for tests and benchmarks only); and the deaths register, the
 * civil registration of every death in the window with its cause (deaths-register.ts), in a folder of its own.
 *
 * Layout, under `<out>/feeds/`:
 *   <organisation>/<Type>.ndjson   Organization, Patient, Encounter, EpisodeOfCare, Condition, Observation,
 *                                  Immunization
 *   deaths-register/<Type>.ndjson  Organization, Patient, Observation (the cause of death)
 *   manifest.json                  a Bulk Data export manifest (output files with type and count; `url`s relative
 *                                  to it), with the seed, the fault rates and the faults planted in an extension
 *   ground-truth.csv               every Patient's organisation, id and person, and its faults (and the register's
 *                                  cause of death Observations)
 *
 * The organisations can be shared out among worker threads (by default one per two cores), balanced by their events
 * and activity rows in the truth's first chunk; each worker reads the whole truth a chunk at a time and writes its organisations' feeds
 * (write-part.ts). Every organisation's feed depends only on the truth, the seed and the rates, so the feeds are
 * byte-identical whatever the number of workers. They are written to `feeds.partial/` and renamed into place when
 * whole; an earlier `feeds/` folder made by Accord is replaced, any other refused.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { emptyTally, FAULTS, resolveFaults, type FaultProfile, type FaultTally } from './faults.js';
import { FeedFiles, type FileCount } from './feed-files.js';
import { organizationJson } from './fhir.js';
import { GROUND_TRUTH_FILE, joinGroundTruth } from './ground-truth.js';
import { loadNameVariants } from './name-table.js';
import { DEATHS_REGISTER } from './deaths-register.js';
import { ORGANISATION_KINDS, type FeedOrganisation } from './organisations.js';
import { RESOURCE_TYPES, type ResourceType } from './records.js';
import { TruthChunks } from './truth-chunks.js';
import { GROUND_TRUTH_PARTS, writePart, type PartOptions, type PartResult } from './write-part.js';

export { RESOURCE_TYPES, type ResourceType };

/** The key of the manifest's extension: marks a feeds folder as Accord's (so a later run may replace it). */
export const FEEDS_EXTENSION = 'https://accord.example/fhir/StructureDefinition/synthetic-feeds';

export interface WriteFeedsOptions {
  /** The folder `accord generate` wrote the ground truth to. */
  readonly truthDir: string;
  /** The feeds go to `<outDir>/feeds/`. */
  readonly outDir: string;
  readonly seed: number;
  /** Fault rates over the defaults (faults.ts: FaultSettings), e.g. parsed from a JSON file; checked here. */
  readonly faults?: unknown;
  /** The name variants table (default: reference/names/nicknames.csv). */
  readonly nameVariantsFile?: string;
  /**
   * Worker threads (default: one per two cores); 1 runs in this thread. Each worker reads the whole truth — about a
   * third of the work — while DuckDB prepares its next chunk on another core, so on two cores one worker is fastest.
   */
  readonly workers?: number;
  /** Persons done, of all persons in the truth; called after each chunk. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FeedReport {
  /** `<outDir>/feeds`. */
  readonly dir: string;
  /** Organisations with a feed (at least one record), the deaths register among them. */
  readonly organisations: number;
  readonly files: number;
  /** Resources written, by type. */
  readonly resources: Readonly<Record<ResourceType, number>>;
  /** Patients that are a person's second record at an organisation. */
  readonly duplicates: number;
  /** Records open to each fault, and carrying it, by kind of organisation. */
  readonly faults: FaultTally;
  readonly rates: FaultProfile;
}

function prepareFolder(outDir: string): Result<{ partial: string; final: string }, Problem> {
  const final = join(outDir, 'feeds');
  const partial = join(outDir, 'feeds.partial');
  if (existsSync(final)) {
    let ours = false;
    try {
      const manifest = JSON.parse(readFileSync(join(final, 'manifest.json'), 'utf8')) as {
        extension?: object;
      };
      ours = manifest.extension !== undefined && FEEDS_EXTENSION in manifest.extension;
    } catch {
      ours = false;
    }
    if (!ours) {
      return err(
        problem(
          'conflict',
          `${final} already exists and was not written by accord; nothing was written.`,
          'Move it away, or write the feeds to another folder.',
        ),
      );
    }
  }
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  return ok({ partial, final });
}

/** Organisations shared among `count` parts, largest first to the least loaded, so the parts' work is even. */
export function shareOut(
  organisations: readonly Pick<FeedOrganisation, 'key'>[],
  loads: ReadonlyMap<string, number>,
  count: number,
): string[][] {
  const parts = Array.from({ length: count }, () => ({ load: 0, keys: [] as string[] }));
  const bySize = [...organisations].sort(
    (a, b) => (loads.get(b.key) ?? 0) - (loads.get(a.key) ?? 0) || (a.key < b.key ? -1 : 1),
  );
  for (const organisation of bySize) {
    const part = parts.reduce((least, p) => (p.load < least.load ? p : least));
    part.keys.push(organisation.key);
    part.load += (loads.get(organisation.key) ?? 0) + 1;
  }
  return parts.map((p) => p.keys).filter((keys) => keys.length > 0);
}

export async function writeFeeds(options: WriteFeedsOptions): Promise<Result<FeedReport, Problem>> {
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    return err(problem('bad-input', `The seed must be a whole number, 0 or more (got ${options.seed}).`));
  }
  const workers = options.workers ?? Math.max(1, Math.floor(availableParallelism() / 2));
  if (!Number.isSafeInteger(workers) || workers < 1) {
    return err(
      problem('bad-input', `The number of workers must be a whole number, 1 or more (got ${workers}).`),
    );
  }
  const rates = resolveFaults(options.faults ?? {});
  if (!rates.ok) return rates;
  const names = loadNameVariants(options.nameVariantsFile);
  if (!names.ok) return names;
  const opened = await TruthChunks.open(options.truthDir);
  if (!opened.ok) return opened;
  const truth = opened.value;
  const loads = await truth.loads();
  await truth.close();
  if (truth.organisations.some((o) => o.key === DEATHS_REGISTER.key)) {
    return err(
      problem(
        'bad-input',
        `The ground truth in ${options.truthDir} has an organisation named ${DEATHS_REGISTER.key}, the folder of the deaths register; nothing was written.`,
        'Give that organisation another id in the partnership and generate the population again.',
      ),
    );
  }
  const folder = prepareFolder(options.outDir);
  if (!folder.ok) return folder;
  const root = folder.value.partial;

  // The deaths register is one more feed to share out (about one person in twenty, little work).
  const feeds = [...truth.organisations, DEATHS_REGISTER];
  const parts = shareOut(feeds, loads, Math.min(workers, feeds.length));
  const base = {
    truthDir: options.truthDir,
    root,
    seed: options.seed,
    rates: rates.value,
    nameVariantsFile: options.nameVariantsFile,
  };
  const read = parts.map(() => 0);
  const progress = (part: number, persons: number) => {
    read[part] = persons;
    const done = Math.floor(read.reduce((sum, n) => sum + n, 0) / parts.length);
    options.onProgress?.(done, truth.persons);
  };
  options.onProgress?.(0, truth.persons);
  const results =
    parts.length <= 1
      ? [await writePart({ ...base, onChunk: (persons) => progress(0, persons) })]
      : await runWorkers(
          parts.map((organisations) => ({ ...base, organisations, duckdbThreads: 1 })),
          progress,
        );

  const report = finish(root, truth, results, rates.value, options.seed);
  rmSync(folder.value.final, { recursive: true, force: true });
  renameSync(root, folder.value.final);
  return ok({ ...report, dir: folder.value.final });
}

/** An organisation of the feeds' manifest: a partner's, or the deaths register. */
interface Sender extends Omit<FeedOrganisation, 'kind' | 'type'> {
  /** A kind of organisations.ts, or the register's own. */
  readonly kind: string;
  /** The Organization's type: a council or the register is `govt`, everyone else `prov`. */
  readonly type: 'prov' | 'govt';
}

/** Writes each organisation's Organization resource, the ground truth and the manifest; sums the parts' results. */
function finish(
  root: string,
  truth: TruthChunks,
  results: readonly PartResult[],
  rates: FaultProfile,
  seed: number,
): Omit<FeedReport, 'dir'> {
  const held = new Set(results.flatMap((r) => r.held));
  // By key, as the manifest lists the files (the truth's own order is the order its generator met them in).
  const organisations = truth.organisations
    .filter((o) => held.has(o.key))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // The feeds' senders: the partners' organisations that hold records and, with any death in the window, the
  // deaths register (a government source, like a council).
  const senders: Sender[] = [
    ...organisations.map((o): Sender => ({
      key: o.key,
      name: o.name,
      kind: o.kind,
      odsCode: o.odsCode,
      onsCode: o.onsCode,
      type: o.kind === 'social-care' ? 'govt' : 'prov',
    })),
    ...(held.has(DEATHS_REGISTER.key)
      ? [{ ...DEATHS_REGISTER, odsCode: undefined, onsCode: undefined, type: 'govt' as const }]
      : []),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const files = new FeedFiles(root, RESOURCE_TYPES);
  for (const o of senders) {
    files.organisation(o.key);
    files.line(
      RESOURCE_TYPES.indexOf('Organization'),
      organizationJson({ id: o.key, name: o.name, odsCode: o.odsCode, onsCode: o.onsCode, type: o.type }),
    );
  }
  files.close();
  joinGroundTruth(
    join(root, GROUND_TRUTH_PARTS),
    senders.map((o) => o.key),
    join(root, GROUND_TRUTH_FILE),
  );

  const order = (file: FileCount) => RESOURCE_TYPES.indexOf(file.type as ResourceType);
  const written = [...files.files(), ...results.flatMap((r) => r.files)].sort((a, b) =>
    a.organisation === b.organisation ? order(a) - order(b) : a.organisation < b.organisation ? -1 : 1,
  );
  const resources = Object.fromEntries(RESOURCE_TYPES.map((type) => [type, 0])) as Record<
    ResourceType,
    number
  >;
  for (const file of written) resources[file.type as ResourceType] += file.count;
  const tally = emptyTally();
  for (const result of results) {
    for (const kind of ORGANISATION_KINDS) {
      for (const fault of FAULTS) {
        tally[kind][fault].eligible += result.tally[kind][fault].eligible;
        tally[kind][fault].applied += result.tally[kind][fault].applied;
      }
    }
  }
  const manifest = {
    transactionTime: `${truth.manifest.windowEnd}T23:59:59Z`,
    request: 'accord generate --feeds',
    requiresAccessToken: false,
    output: written.map((file) => ({ type: file.type, url: file.path, count: file.count })),
    error: [],
    extension: {
      [FEEDS_EXTENSION]: {
        seed,
        truth: {
          partnership: truth.manifest.partnership,
          scale: truth.manifest.scale,
          seed: truth.manifest.seed,
        },
        groundTruth: GROUND_TRUTH_FILE,
        organisations: senders.map((o) => ({ organisation: o.key, name: o.name, kind: o.kind })),
        rates,
        faults: tally,
      },
    },
  };
  writeFileSync(join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    organisations: senders.length,
    files: written.length,
    resources,
    duplicates: results.reduce((sum, r) => sum + r.duplicates, 0),
    faults: tally,
    rates,
  };
}

type WorkerMessage = { persons: number } | { result: PartResult } | { error: string };

/** Runs each part in a worker thread; the first failure stops them all. */
async function runWorkers(
  parts: readonly Omit<PartOptions, 'onChunk'>[],
  progress: (part: number, persons: number) => void,
): Promise<PartResult[]> {
  const source = new URL(import.meta.url);
  const fromSources = source.pathname.endsWith('.ts');
  const workerFile = new URL(`./feeds-worker.${fromSources ? 'ts' : 'js'}`, source);
  const started: Worker[] = [];
  try {
    return await Promise.all(
      parts.map(
        (part, index) =>
          new Promise<PartResult>((resolve, reject) => {
            // From sources, the worker registers tsx's loader before importing the TypeScript module.
            const worker = fromSources
              ? new Worker(
                  `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerFile.href)}); });`,
                  { eval: true, workerData: part },
                )
              : new Worker(workerFile, { workerData: part });
            started.push(worker);
            worker.on('message', (message: WorkerMessage) => {
              if ('persons' in message) progress(index, message.persons);
              else if ('result' in message) resolve(message.result);
              else reject(new Error(message.error));
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`a feeds worker stopped with code ${code}`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(started.map((worker) => worker.terminate()));
  }
}
