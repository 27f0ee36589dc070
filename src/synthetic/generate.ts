/**
 * @module synthetic/generate
 * `accord generate`: a partnership's synthetic population at a given scale, with life courses 2015–2025, written as
 * the columnar ground truth (Parquet) in chunks of residents.
 *
 * Reproducible and resumable by construction: every slot (a resident alive on the reference date and the people it
 * stands for) draws from its own random stream, and each chunk's NHS numbers come from its own block of a seeded
 * shuffle, so a chunk's files depend only on the seed, the scale and the chunk number — not on which worker made
 * it, nor in what order. A chunk is complete when its marker file exists (written after its Parquet files are whole);
 * running again with the same settings skips complete chunks and remakes the rest.
 *
 * Chunks are shared out among worker threads (one per core by default); each has its own DuckDB writer.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { loadGenerator, WINDOW, type GeneratorContext, type GeneratorSources } from './generator.js';
import { rangeFor, type NhsNumberRange } from './nhs-number-pool.js';
import { chunkMarker, TruthWriter } from './truth-writer.js';

export const RESIDENTS_PER_CHUNK = 20_000;
/** What one resident takes on disk with everything that happens to them (measured ≈ 0.4 kB), with room to spare. */
const BYTES_PER_RESIDENT = 1_500;
const MANIFEST = 'manifest.json';

export interface GenerateOptions extends GeneratorSources {
  readonly partnershipId: string;
  /** 1.0 is the real population of the partnership's places. */
  readonly scale: number;
  readonly seed: number;
  readonly outDir: string;
  /** Write into a folder that holds other files (never deletes them). */
  readonly force?: boolean;
  /** Residents per chunk (default RESIDENTS_PER_CHUNK). */
  readonly chunkSize?: number;
  /** Threads that generate, this one included (default: one per core, at most the number of chunks); 1: this one alone. */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface GenerateReport {
  readonly residents: number;
  readonly persons: number;
  readonly events: number;
  /** Rows of yearly counts of routine contacts (activity files). */
  readonly activity: number;
  readonly chunks: number;
  /** Chunks already present from an earlier, interrupted run with the same settings. */
  readonly reused: number;
  readonly nhsNumberRange: NhsNumberRange;
}

export interface Manifest {
  /** 3: the star with integer keys and yearly activity counts (2 had codes and ids written out on every event). */
  readonly format: 3;
  readonly partnership: string;
  readonly scale: number;
  readonly seed: number;
  /** Residents alive on the reference date (slots). */
  readonly residents: number;
  readonly chunkSize: number;
  readonly referenceDate: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly nhsNumberRange: NhsNumberRange;
}

export { WINDOW } from './generator.js';

export function readManifest(outDir: string): Manifest | undefined {
  const file = join(outDir, MANIFEST);
  if (!existsSync(file)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    return manifest.format === 3 ? (manifest as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** Residents at a scale: the calibration's population times the scale, rounded. */
export const residentsAt = (context: Pick<GeneratorContext, 'population'>, scale: number): number =>
  Math.round(context.population * scale);

/** Checks the request before anything is written; names the problem and the fix. */
function checkRequest(options: GenerateOptions): Problem | undefined {
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
  const chunkSize = options.chunkSize ?? RESIDENTS_PER_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    return problem('bad-input', `The chunk size must be a whole number above 0 (got ${chunkSize}).`);
  }
  return undefined;
}

export async function generatePopulation(options: GenerateOptions): Promise<Result<GenerateReport, Problem>> {
  const wrong = checkRequest(options);
  if (wrong !== undefined) return err(wrong);
  const context = loadGenerator(options);
  if (!context.ok) return err(context.error);
  const residents = residentsAt(context.value, options.scale);
  const chunkSize = options.chunkSize ?? RESIDENTS_PER_CHUNK;
  const chunks = Math.max(1, Math.ceil(residents / chunkSize));
  const range = rangeFor(chunks, chunkSize);
  if (range === undefined) {
    return err(
      problem(
        'bad-input',
        `Scale ${options.scale} means ${residents.toLocaleString('en-GB')} residents (and the people who died or were born in the window): more than the 9,090,909 NHS numbers that are never issued to patients (990 000 000 0 – 999 999 999 9).`,
        'Use a scale of at most 2.',
      ),
    );
  }

  const manifest: Manifest = {
    format: 3,
    partnership: options.partnershipId,
    scale: options.scale,
    seed: options.seed,
    residents,
    chunkSize,
    referenceDate: WINDOW.reference,
    windowStart: WINDOW.start,
    windowEnd: WINDOW.end,
    nhsNumberRange: range,
  };
  mkdirSync(options.outDir, { recursive: true });
  const earlier = readManifest(options.outDir);
  const resuming = earlier !== undefined && JSON.stringify(earlier) === JSON.stringify(manifest);
  const others = readdirSync(options.outDir);
  if (!resuming && others.length > 0 && options.force !== true) {
    return err(
      problem(
        'conflict',
        `${options.outDir} already holds files${existsSync(join(options.outDir, MANIFEST)) ? ' of a generation with other settings' : ''}; nothing was written.`,
        'Choose an empty folder, or pass --force to write beside them (files of the same names are replaced).',
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

  const todo: number[] = [];
  let reused = 0;
  for (let chunk = 0; chunk < chunks; chunk++) {
    if (resuming && existsSync(join(options.outDir, chunkMarker(chunk)))) reused++;
    else todo.push(chunk);
  }
  let done = reused;
  const progress = () => {
    done++;
    options.onProgress?.(Math.min(residents, done * chunkSize), residents);
  };
  options.onProgress?.(Math.min(residents, done * chunkSize), residents);

  // This thread generates chunks too, beside workers − 1 worker threads: it has loaded the model already, and a
  // worker takes seconds to load its own.
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), todo.length));
  const queue: ChunkQueue = { todo, state: new Int32Array(new SharedArrayBuffer(8)) };
  const writer = await TruthWriter.open(context.value.codes, context.value.organisations);
  try {
    await writer.writeDictionaries(options.outDir, context.value.organisationTable);
    const here = async () => {
      try {
        for (let chunk = claimChunk(queue); chunk !== undefined; chunk = claimChunk(queue)) {
          await context.value.writeChunk(writer, manifest, chunk, options.outDir);
          progress();
        }
      } catch (error) {
        stopChunks(queue); // the workers finish the chunk they have (whole files only) and take no more
        throw error;
      }
    };
    const outcomes = await Promise.allSettled([
      here(),
      ...(workers > 1 ? [runWorkers(options, manifest, queue, workers - 1, progress)] : []),
    ]);
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } finally {
    writer.close();
  }

  // Totals from the markers, so a resumed run reports the whole population.
  let persons = 0;
  let events = 0;
  let activity = 0;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const marker = JSON.parse(readFileSync(join(options.outDir, chunkMarker(chunk)), 'utf8')) as {
      persons: number;
      events: number;
      activity: number;
    };
    persons += marker.persons;
    events += marker.events;
    activity += marker.activity;
  }
  return ok({ residents, persons, events, activity, chunks, reused, nhsNumberRange: range });
}

/**
 * The chunks left to generate, shared by every thread: each takes the next one itself, by an atomic counter in
 * shared memory, the moment it is free. (Handed out by this thread's messages instead, a worker that finished a
 * chunk waited for the next while this thread was busy simulating one, for a tenth of the run.)
 */
export interface ChunkQueue {
  readonly todo: readonly number[];
  /** [0]: how many chunks have been taken; [1]: 1 once the generation is stopping (a thread failed). */
  readonly state: Int32Array;
}

/** The next chunk to generate, taken for this thread; undefined when none is left or the generation is stopping. */
export function claimChunk(queue: ChunkQueue): number | undefined {
  if (Atomics.load(queue.state, 1) !== 0) return undefined;
  const taken = Atomics.add(queue.state, 0, 1);
  return taken < queue.todo.length ? queue.todo[taken] : undefined;
}

/** Lets no thread take another chunk: each finishes the one it has (whole files only). */
export function stopChunks(queue: ChunkQueue): void {
  Atomics.store(queue.state, 1, 1);
}

/** Runs `count` worker threads that take chunks from `queue` until it is empty. */
async function runWorkers(
  options: GenerateOptions,
  manifest: Manifest,
  queue: ChunkQueue,
  count: number,
  progress: () => void,
): Promise<void> {
  const source = new URL(import.meta.url);
  const fromSources = source.pathname.endsWith('.ts');
  const workerFile = new URL(`./generate-worker.${fromSources ? 'ts' : 'js'}`, source);
  const data = {
    partnershipDir: options.partnershipDir,
    referenceDir: options.referenceDir,
    manifest,
    outDir: options.outDir,
    queue,
  };
  // Settled, not raced: when one fails, the others are let finish the chunk they have before this returns.
  const outcomes = await Promise.allSettled(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          // From sources, the worker registers tsx's loader before importing the TypeScript module.
          const worker = fromSources
            ? new Worker(
                `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerFile.href)}); });`,
                {
                  eval: true,
                  workerData: data,
                },
              )
            : new Worker(workerFile, { workerData: data });
          worker.on('message', (message: { done?: number; finished?: true; error?: string }) => {
            if (message.error !== undefined) {
              // No more chunks for anyone: the others finish the one they have (whole files only) and end.
              stopChunks(queue);
              reject(new Error(message.error));
              void worker.terminate();
              return;
            }
            if (message.done !== undefined) progress();
            if (message.finished === true) void worker.terminate().then(() => resolve());
          });
          worker.on('error', (error) => {
            stopChunks(queue);
            reject(error);
          });
          worker.on('exit', (code) => {
            if (code !== 0 && code !== 1) reject(new Error(`a generator worker stopped with code ${code}`));
          });
        }),
    ),
  );
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
